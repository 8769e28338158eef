"""Cheap checks before parsing, so pathological input gets a clean RNN000 instead of a parser crash."""
from __future__ import annotations

import re
from typing import Optional

# libcst's native parser recurses per nesting level; absurd nesting can exhaust its stack. Real code
# stays far below this (the deepest stdlib file nests < 30 brackets/blocks).
MAX_DEPTH = 200
MAX_BYTES = 5_000_000

_STRINGS = re.compile(r"(?s)'''.*?'''|\"\"\".*?\"\"\"|'[^'\n]*'|\"[^\"\n]*\"|#[^\n]*")
_OPEN = str.maketrans({c: "(" for c in "([{"} | {c: ")" for c in ")]}"})


def check_source(source: str, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Optional[str]:
    """An RNN000 message when `source` is too large or too deeply nested to analyse, else None."""
    size = len(source.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return f"file too large to analyse ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB)"
    # Brackets inside strings and comments do not nest; drop them, then count depth in one pass.
    code = _STRINGS.sub("", source).translate(_OPEN)
    depth = deepest = 0
    for char in code:
        if char == "(":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif char == ")" and depth:
            depth -= 1
    indent = max((len(line) - len(line.lstrip(" \t")) for line in code.splitlines() if line.strip()), default=0)
    if deepest > max_depth or indent > max_depth * 8:
        return f"too deeply nested to analyse (more than {max_depth} levels of brackets or blocks)"
    return None
