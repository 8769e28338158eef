"""The lines of the traced program's multi-line simple statements, so a finding on one line of a call matches it."""
from __future__ import annotations

import ast
from typing import List, Mapping, Sequence, Tuple

# Statements that hold other statements span whole blocks: only the ones made of one expression count.
_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try)


def multiline_statements(source: str) -> List[List[int]]:
    """[first line, last line] of every simple statement of the program that spans more than one line.

    Python reports a frame inside such a statement at different lines of it (3.11: where the call starts; 3.6:
    often where its last argument is), while a static finding sits on the argument it is about (`sentence_cell=
    cell` inside a constructor call): within one statement they are the same place."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    out: List[List[int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not isinstance(node, _COMPOUND) and type(node).__name__ != "TryStar" \
                and type(node).__name__ != "Match":
            end = getattr(node, "end_lineno", None) or node.lineno
            if end > node.lineno:
                out.append([node.lineno, end])
    out.sort()
    return out


def widened(trace: Mapping[str, object], lo: int, hi: int) -> Tuple[int, int]:
    """The finding's lines [lo, hi] grown to the whole of the multi-line statement(s) they lie in."""
    spans = trace.get("statements")
    if not isinstance(spans, Sequence):
        return lo, hi
    new_lo, new_hi = lo, hi
    for span in spans:
        if not isinstance(span, Sequence) or len(span) != 2:
            continue
        start, end = int(span[0]), int(span[1])
        if start <= hi and lo <= end:
            new_lo, new_hi = min(new_lo, start), max(new_hi, end)
    return new_lo, new_hi
