"""Blank lines around an inserted local factory, as pycodestyle wants them (E301-E306): fixed code must pass
`flake8 --select E,W` wherever the original did, or a flake8 hook after the fix hook fails."""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import replace
from typing import TYPE_CHECKING, List, Sequence, Tuple

if TYPE_CHECKING:
    from rnn_reuse_lint.finding import Edit, Finding

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # the line breaks fixes/apply.py counts


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _blank(line: str) -> bool:
    return not line.strip()


def space_definitions(text: str, offsets: Sequence[int]) -> str:
    """`offsets` are where inserted `def` lines start (after their indentation). A nested def gets one blank
    line before it unless it opens its block (E306; more than one is E303); a top-level def gets two before
    and two after its body (E302, E305)."""
    if not offsets:
        return text
    lines: List[str] = text.splitlines(keepends=True)
    starts = []
    position = 0
    for line in lines:
        starts.append(position)
        position += len(line)
    # from the last to the first, so earlier line numbers stay valid
    for offset in sorted(offsets, reverse=True):
        index = max(i for i, start in enumerate(starts) if start <= offset)
        lines = _space_one(lines, index)
    return "".join(lines)


def _newline(lines: Sequence[str], index: int) -> str:
    for line in list(lines[index::-1]) + list(lines[index:]):
        if line.endswith("\r\n"):
            return "\r\n"
        if line.endswith(("\n", "\r")):
            return line[-1]
    return "\n"


def _space_one(lines: List[str], index: int) -> List[str]:
    newline = _newline(lines, index)
    depth = _indent(lines[index])
    first_blank = index
    while first_blank > 0 and _blank(lines[first_blank - 1]):
        first_blank -= 1
    blanks = index - first_blank
    if first_blank == 0:
        wanted = 0 if depth == 0 else min(blanks, 1)
    elif depth == 0:
        wanted = 2
    elif _indent(lines[first_blank - 1]) < depth and not lines[first_blank - 1].lstrip().startswith("#"):
        wanted = min(blanks, 1)  # the def opens its block: a blank line is allowed, not needed
    else:
        wanted = 1
    lines = lines[:first_blank] + [newline] * wanted + lines[index:]
    if depth == 0:  # E305: two blank lines after a top-level definition's body
        start = first_blank + wanted
        end = start + 1
        while end < len(lines) and (_blank(lines[end]) or _indent(lines[end]) > 0):
            end += 1
        if end < len(lines):
            body_end = end
            while _blank(lines[body_end - 1]):
                body_end -= 1
            lines = lines[:body_end] + [newline] * 2 + lines[end:]
    return lines


def spaced(text: str, edits: Sequence["Edit"]) -> Tuple["Edit", ...]:
    """A fix's edits with the blank lines its inserted factory needs folded in: applied to `text` alone they
    give the spaced result. Unchanged when no spacing is needed; otherwise rebuilt from a line diff of the
    text before and after, each changed line run one edit, trimmed to the characters that change."""
    from rnn_reuse_lint.finding import Edit, Span
    from rnn_reuse_lint.fixes.apply import line_starts, splice

    joined, definitions = splice(text, edits)
    wanted = space_definitions(joined, definitions)
    if wanted == joined:
        return tuple(edits)
    before, after = _LINE.findall(text), _LINE.findall(wanted)
    offsets = [0]
    for line in before:
        offsets.append(offsets[-1] + len(line))
    starts = line_starts(text)

    def position(offset: int) -> Tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end, new = offsets[i1], offsets[i2], "".join(after[j1:j2])
        old = text[start:end]
        head = len(_common_prefix(old, new))
        tail = len(_common_prefix(old[head:][::-1], new[head:][::-1]))
        (line, column), (end_line, end_column) = position(start + head), position(end - tail)
        out.append(Edit(Span(line, column, end_line, end_column), new[head:len(new) - tail]))
    return tuple(out)


def _common_prefix(a: str, b: str) -> str:
    import os.path

    return os.path.commonprefix([a, b])


def space_fixes(findings: Sequence["Finding"], text: str) -> List["Finding"]:
    """Every finding whose fix inserts a local factory, with `spaced` edits (engine.analyze_bytes)."""
    out = []
    for finding in findings:
        fix = finding.fix
        if fix is not None and any(e.replacement.lstrip().startswith("def ") for e in fix.edits):
            finding = replace(finding, fix=replace(fix, edits=spaced(text, fix.edits)))
        out.append(finding)
    return out
