"""Position-preserving rewrites that let Python 2 code and indented fragments parse as Python 3."""
from __future__ import annotations

import io
import re
import textwrap
import tokenize
from dataclasses import dataclass
from typing import List, Optional, Tuple


@dataclass(frozen=True)
class Normalized:
    """The rewritten source; line numbers are unchanged, columns shift by `column_offset` on every line."""

    source: str
    changes: Tuple[str, ...]
    column_offset: int = 0


_PRINT = re.compile(r"^(\s*)print(\s+)(?![\s(=.,)\[])(.*)$")
_PRINT_BARE = re.compile(r"^(\s*)print\s*$")
_EXCEPT = re.compile(r"^(\s*except\s+[\w.]+)\s*,\s*(\w+)\s*:")
_EXEC = re.compile(r"^(\s*)exec\s+(?!\()(.+?)(\s+in\s+(.+))?$")


def normalize(source: str) -> Optional[Normalized]:
    """Rewrite legacy syntax line by line (strings and comments untouched); None when nothing applies."""
    try:
        return _normalize(source)
    except Exception:  # malformed input: the caller reports the original syntax error
        return None


def _normalize(source: str) -> Optional[Normalized]:
    changes: List[str] = []
    offset = 0
    dedented = textwrap.dedent(source)
    if dedented != source:
        first = next((line for line in source.splitlines() if line.strip()), "")
        offset = len(first) - len(first.lstrip())
        changes.append(f"uniformly indented fragment ({offset} columns removed)")
        source = dedented
    protected = _string_lines(source)
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if number + 1 in protected:
            continue
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        new = body
        if _PRINT_BARE.match(new):
            new = _PRINT_BARE.sub(r"\1print()", new)
        else:
            match = _PRINT.match(new)
            if match and not match.group(3).startswith(("=", "+=")):
                args = match.group(3)
                if args.startswith(">>"):
                    target, _, rest = args[2:].partition(",")
                    args = f"{rest.strip()}, file={target.strip()}"
                new = f"{match.group(1)}print({args.rstrip().rstrip(',')})"
        new = _EXCEPT.sub(r"\1 as \2:", new)
        match = _EXEC.match(new)
        if match:
            new = f"{match.group(1)}exec({match.group(2)}{', ' + match.group(4) if match.group(4) else ''})"
        new = new.replace("<>", "!=")
        new = re.sub(r"`([^`\n]+)`", r"repr(\1)", new)
        new = re.sub(r"\b0([0-7]+)\b", r"0o\1", new)
        new = re.sub(r"\b(\d+)[lL]\b", r"\1", new)
        new = re.sub(r"\b[uU][rR](['\"])", r"r\1", new)
        new = re.sub(r"^(\s*raise\s+[\w.]+)\s*,\s*(.+)$", r"\1(\2)", new)
        if new != body:
            changes.append(f"Python 2 syntax on line {number + 1}")
            lines[number] = new + ending
    if not changes:
        return None
    return Normalized("".join(lines), tuple(changes[:5]) + (("...",) if len(changes) > 5 else ()), offset)


def _string_lines(source: str) -> set[int]:
    """Lines inside multi-line strings: never rewritten."""
    inside: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.STRING and token.end[0] > token.start[0]:
                inside.update(range(token.start[0], token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return inside
