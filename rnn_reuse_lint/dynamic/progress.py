"""Progress of a dynamic run on stderr (files done/total, current file, elapsed), only when stderr is a terminal."""
from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import Any, Optional, TextIO, Type


class Progress:
    """`with Progress(total) as p: p.file(i, path)`: a transient rich progress bar on a terminal, silence
    otherwise (pipes, CI logs, editors), so reports on stdout and stderr stay byte-identical there."""

    def __init__(self, total: int, stream: Optional[TextIO] = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.bar: Any = None
        self.task: Any = None
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = bool(total) and callable(isatty) and bool(isatty()) and os.environ.get("TERM") != "dumb"

    def __enter__(self) -> "Progress":
        if not self.enabled:
            return self
        try:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar
        except ImportError:   # rich is in the dynamic extra; without it, no progress rather than no run
            self.enabled = False
            return self
        self.bar = Bar(TextColumn("tracing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       TextColumn("{task.description}"), console=Console(file=self.stream), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("", total=self.total)
        return self

    def file(self, done: int, path: str) -> None:
        """`done` files finished, `path` is being traced now."""
        if self.bar is not None:
            self.bar.update(self.task, completed=done, description=path)

    def __exit__(self, kind: Optional[Type[BaseException]], value: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.total)
            self.bar.stop()
