"""Blank lines around an inserted local factory, as pycodestyle wants them (E301-E306): fixed code must pass
`flake8 --select E,W` wherever the original did, or a flake8 hook after the fix hook fails."""
from __future__ import annotations

from typing import List, Sequence


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

