"""What `check --diff-base` keeps: the files whose changes (or project dependencies' changes) matter, and the
findings with an involved location on a changed line."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, List, Sequence

from rnn_reuse_lint.finding import FileResult, Finding

if TYPE_CHECKING:
    from rnn_reuse_lint.gitdiff import Changes


def _lines(path: str, line: int, end_line: int) -> range:
    return range(line, max(line, end_line) + 1)


def in_diff(result: FileResult, changes: "Changes") -> FileResult:
    """Keep the findings with any involved location (reported span or related place, in this file or another module
    of the project) on a changed line."""

    def touched(f: Finding) -> bool:
        places = [(f.path, _lines(f.path, f.span.line, f.span.end_line))]
        places += [(r.path, _lines(r.path, r.span.line, r.span.end_line)) for r in f.related]
        return any(changes.touches(path, line) for path, lines in places for line in lines)

    return replace(
        result,
        findings=tuple(f for f in result.findings if touched(f)),
        suppressed=tuple(f for f in result.suppressed if touched(f)),
    )


def changed_or_dependent(files: Sequence[str], changes: "Changes", project: bool) -> List[str]:
    """The files --diff-base lints: the changed ones, and (project-wide) those whose imports reach a changed module
    of the project, whose findings may have a related location (a cell's construction) on a changed line there."""
    from rnn_reuse_lint import dependencies
    kept = {f for f in files if changes.changed(f)}
    if project:
        kept.update(dependencies.reaching([f for f in files if f not in kept], frozenset(changes.files)))
    return [f for f in files if f in kept]
