"""Apply planned fixes to source text: non-overlapping edits per pass, re-lint, repeat until nothing changes."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import Edit, FileResult, Finding, Fix

MAX_PASSES = 10  # each pass re-lints; fixes that keep producing new fixes stop here
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Lint = Callable[[str], FileResult]


class FixConflict(Exception):
    """An edit does not fit the text (stale positions); the file is left as it was."""


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one file did."""

    text: str  # the fixed text (the original when nothing applied)
    fixed: Tuple[Finding, ...]  # the findings whose fixes were applied, as reported in the pass that fixed them
    result: FileResult  # the lint result of `text`
    problem: str = ""  # why fixing stopped early (a fix that broke the file, or no convergence)


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (finding.fix.safe or unsafe)


def line_starts(text: str) -> List[int]:
    """Offset of the first character of each 1-based line (index 0 is line 1)."""
    starts = [0]
    for match in _LINE_BREAK.finditer(text):
        starts.append(match.end())
    return starts


def _offset(starts: List[int], text: str, line: int, column: int) -> int:
    if line == len(starts) + 1 and column == 1:
        return len(text)  # a deletion that ends after the last line
    if not 1 <= line <= len(starts):
        raise FixConflict(f"line {line} is outside the file")
    offset = starts[line - 1] + column - 1
    end = starts[line] if line < len(starts) else len(text)
    if offset > end:
        raise FixConflict(f"column {column} is outside line {line}")
    return offset


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Replace every edit's span, nothing else; edits must not overlap (checked). A fix's edits already hold
    their layout (fixes/layout.py: blank lines, long lines broken), so --fix writes exactly what json, sarif,
    rdjson and the editor's code action carry."""
    return splice(text, edits)[0]


def splice(text: str, edits: Sequence[Edit]) -> Tuple[str, List[int]]:
    """(the text with every edit applied, where inserted `def` statements start in it)."""
    starts = line_starts(text)
    ranges = sorted(((_offset(starts, text, e.span.line, e.span.column),
                      _offset(starts, text, e.span.end_line, e.span.end_column), e.replacement) for e in edits),
                    key=lambda r: (r[0], r[1]))
    out: List[str] = []
    position = 0
    length = 0  # of the new text so far
    definitions: List[int] = []  # where inserted local factories start in the new text
    for start, end, replacement in ranges:
        if start < position or end < start:
            raise FixConflict("overlapping edits")
        out.append(text[position:start])
        length += start - position
        if start == end and replacement.startswith("def "):
            definitions.append(length)
        out.append(replacement)
        length += len(replacement)
        position = end
    out.append(text[position:])
    return "".join(out), definitions


Range = Tuple[Tuple[int, int], Tuple[int, int]]


def _conflict(a: Range, b: Range) -> bool:
    (s1, e1), (s2, e2) = a, b
    if s1 < e2 and s2 < e1:
        return True  # they overlap, or an insertion falls strictly inside a replaced range
    return s1 == e1 == s2 == e2  # two insertions at one point: no order between them


def _ranges(fix: Fix) -> List[Range]:
    return [((e.span.line, e.span.column), (e.span.end_line, e.span.end_column)) for e in fix.edits]


def choose(findings: Sequence[Finding], unsafe: bool) -> List[Finding]:
    """Fixes to apply together in one pass: in report order, skipping any that touch a chosen one."""
    chosen: List[Finding] = []
    taken: List[Range] = []
    for finding in findings:
        if not applicable(finding, unsafe):
            continue
        assert finding.fix is not None
        ranges = _ranges(finding.fix)
        if any(_conflict(a, b) for a in ranges for b in taken):
            continue
        chosen.append(finding)
        taken.extend(ranges)
    return chosen


def fix_text(text: str, lint: Lint, unsafe: bool = False, first: Optional[FileResult] = None) -> FixOutcome:
    """Apply fixes until a pass applies none. `lint` re-analyses a text; `first` is the result of `text`."""
    result = first if first is not None else lint(text)
    fixed: List[Finding] = []
    for _ in range(MAX_PASSES):
        if result.error is not None:
            return FixOutcome(text, tuple(fixed), result)
        chosen = choose(result.findings, unsafe)
        if not chosen:
            return FixOutcome(text, tuple(fixed), result)
        try:
            new_text = apply_edits(text, [e for f in chosen for e in f.fix.edits])  # type: ignore[union-attr]
        except FixConflict as exc:
            return FixOutcome(text, tuple(fixed), result, f"a fix did not fit the file ({exc})")
        new_result = lint(new_text)
        broken = new_result.error.message if new_result.error is not None else next(
            (f.message for f in new_result.findings if f.code == "RNN000"), None)  # a line the engine had to skip
        if broken is not None:
            # Never write a file the fix broke: keep the last good text.
            return FixOutcome(text, tuple(fixed), result,
                              f"a fix produced code that does not parse ({broken}); not applied")
        text, result = new_text, new_result
        fixed.extend(chosen)
    return FixOutcome(text, tuple(fixed), result, f"fixes did not settle after {MAX_PASSES} passes")


def unified_diff(path: str, before: str, after: str) -> str:
    import os

    old, new = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 fromfile=old, tofile=new)
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)
