"""`path:line:col: CODE message` lines, like flake8 and ruff."""
from __future__ import annotations

from typing import List, Sequence

from rnn_reuse_lint.finding import FileResult
from rnn_reuse_lint.settings import Settings


def render(results: Sequence[FileResult], settings: Settings) -> str:
    lines: List[str] = []
    for result in results:
        if result.error is not None:
            e = result.error
            lines.append(f"{e.path}:{e.line}:{e.column}: {e.code} {e.message}")
        for f in result.findings:
            lines.append(f"{f.path}:{f.span.line}:{f.span.column}: {f.code} {f.message}")
            if f.dynamic is not None:
                lines.append(f"    dynamic: {f.dynamic.verdict}: {f.dynamic.evidence}")
    return "\n".join(lines) + ("\n" if lines else "")
