"""What every format shares: the report options, where a finding is (a notebook's cell and line), report order."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import FileResult, Finding


@dataclass(frozen=True)
class ReportOptions:
    """How to render, beyond the findings: suppressed findings, fixes, source lines, colour."""

    show_suppressed: bool = False
    show_fixes: bool = False  # text: a line under each finding with its fix, or why it has none
    show_source: bool = False  # text: the source line under each finding, the span underlined
    color: bool = False  # text: ANSI colours (the caller decided: --color, NO_COLOR, a terminal)
    # Text of paths not on disk as analysed (code read from stdin): (path, text) pairs
    texts: Tuple[Tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Location:
    """One place, both as people read it (cell + line in the cell) and as tools address the file."""

    path: str
    line: int
    column: int
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    cell: Optional[int] = None  # notebooks: 1-based cell number (all cells counted)
    # The same place as a position in the file on disk (for a notebook: in its JSON); None if unknown.
    file_line: Optional[int] = None
    file_column: Optional[int] = None
    file_end_line: Optional[int] = None
    file_end_column: Optional[int] = None


class SourceLines:
    """Lines of the files being reported, read once per render (for UTF-8 byte columns)."""

    def __init__(self) -> None:
        self._lines: Dict[str, List[str]] = {}

    def utf8_column(self, path: str, line: Optional[int], column: Optional[int]) -> Optional[int]:
        """reviewdog counts columns in UTF-8 bytes; the engine counts characters."""
        if line is None or column is None:
            return column
        lines = self._lines.get(path)
        if lines is None:
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:
                lines = []
            self._lines[path] = lines
        if not 1 <= line <= len(lines):
            return column
        return len(lines[line - 1][: column - 1].encode("utf-8")) + 1


def locate(
    result: FileResult,
    path: str,
    line: int,
    column: int,
    end_line: Optional[int] = None,
    end_column: Optional[int] = None,
    utf8: Optional[SourceLines] = None,
) -> Location:
    """Where (line, column) of `result`'s analysed text is; with `utf8`, file columns are UTF-8 bytes."""
    index = result.notebook
    if index is None or os.path.normpath(path) != os.path.normpath(result.path):
        file_column, file_end_column = column, end_column
        if utf8 is not None:
            file_column = utf8.utf8_column(path, line, column) or column
            file_end_column = utf8.utf8_column(path, end_line, end_column)
        return Location(path, line, column, end_line, end_column, None, line, file_column, end_line,
                        file_end_column)
    from rnn_reuse_lint.notebook import cell_of, raw_column

    start = cell_of(index, line)
    if start is None:
        return Location(path, line, column, end_line, end_column)
    end = cell_of(index, end_line) if end_line is not None else None
    same_cell = end is not None and end.cell == start.cell
    bytes_ = utf8 is not None
    return Location(
        path,
        start.line,
        column,
        end.line if same_cell and end is not None else None,
        end_column if same_cell else None,
        start.cell,
        start.raw_line,
        raw_column(start, column, bytes_),
        end.raw_line if same_cell and end is not None else None,
        raw_column(end, end_column, bytes_) if same_cell and end is not None and end_column is not None else None,
    )


def all_findings(
    results: Sequence[FileResult], options: ReportOptions
) -> Iterator[Tuple[FileResult, Finding, bool]]:
    """(result, finding, suppressed?) in report order: per file, suppressed ones merged in position order."""
    for result in results:
        items = [(f, False) for f in result.findings]
        if options.show_suppressed:
            items += [(f, True) for f in result.suppressed]
            items.sort(key=lambda item: item[0].sort_key)
        for finding, suppressed in items:
            yield result, finding, suppressed
