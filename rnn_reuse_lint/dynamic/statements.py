"""Statements written over several lines: a finding on one of their lines matches what a trace places on another."""
from __future__ import annotations

import ast
import functools
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

# Python reports a frame inside a multi-line statement at different lines of it (3.11: where the call starts;
# 3.6: often where its last argument is), while a static finding sits on the argument it is about. Two views:
# the trace's runs are matched through the file's multi-line simple statements (multiline_statements, widened),
# its errors through the statements their stack lines sit in (place_errors).

# Statements that hold other statements span whole blocks: only the ones made of one expression count.
_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor, ast.While,
             ast.With, ast.AsyncWith, ast.Try)


def multiline_statements(source: str) -> List[List[int]]:
    """[first line, last line] of every simple statement of the program that spans more than one line.

    Python reports a frame inside such a statement at different lines of it (3.11: where the call starts; 3.6:
    often where its last argument is), while a static finding sits on the argument it is about (`sentence_cell=
    cell` inside a constructor call): within one statement they are the same place."""
    return [list(span) for span in _walk(source)[0]]


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


Span = Tuple[int, int]


def statement_spans(source: str) -> List[Span]:
    """(first, last) line of every simple statement and of every compound statement's header."""
    return list(_walk(source)[1])


@functools.lru_cache(maxsize=2)
def _walk(source: str) -> Tuple[Tuple[Span, ...], Tuple[Span, ...]]:
    """One parse and one walk of the traced source for both views: (the multi-line simple statements, sorted; the
    spans of every statement, a compound one's header only). Cached: the trace's runs and its errors ask in turn."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return (), ()
    multiline: List[Span] = []
    spans: List[Span] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        end = getattr(node, "end_lineno", None) or node.lineno
        simple = not isinstance(node, _COMPOUND) and type(node).__name__ not in ("TryStar", "Match")
        if simple and end > node.lineno:
            multiline.append((node.lineno, end))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            # a compound statement answers for its header only (`with f(\n x):`), never for its body
            end = max(node.lineno, body[0].lineno - 1)
        spans.append((node.lineno, end))
    return tuple(sorted(multiline)), tuple(spans)


def _innermost(spans: List[Span], line: int) -> Optional[Span]:
    holding = [s for s in spans if s[0] <= line <= s[1]]
    return min(holding, key=lambda s: s[1] - s[0]) if holding else None


def place_errors(trace: Dict[str, Any], source: str) -> None:
    """Give each error of the trace (the file's, each entry's) the spans of the statements its stack lines sit in:
    `statements`, one per stack line that lies in a statement of several lines. The interpreter reports a failing
    multi-line call at its first line (3.8+) or at its last argument's line (3.6), while a finding may sit on any
    line of it (the argument that passes the shared cell)."""
    errors = [trace.get("error")] + [e.get("error") for e in trace.get("entries") or []]
    spans: Optional[List[Span]] = None
    for err in errors:
        if not isinstance(err, dict):
            continue
        stack = [ln for ln in (err.get("stack") or [err.get("line")]) if isinstance(ln, int)]
        if not stack:
            continue
        if spans is None:
            spans = statement_spans(source)
        found = [_innermost(spans, ln) for ln in stack]
        wide = [list(s) for s in found if s is not None and s[0] != s[1]]
        if wide:
            err["statements"] = wide
