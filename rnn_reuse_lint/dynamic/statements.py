"""The statement each line of a trace's error stack belongs to (Python 3.6 names a call's last argument line)."""
from __future__ import annotations

import ast
from typing import Any, Dict, List, Optional, Tuple

Span = Tuple[int, int]


def statement_spans(source: str) -> List[Span]:
    """(first, last) line of every simple statement and of every compound statement's header."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    spans: List[Span] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        end = getattr(node, "end_lineno", None) or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            # a compound statement answers for its header only (`with f(\n x):`), never for its body
            end = max(node.lineno, body[0].lineno - 1)
        spans.append((node.lineno, end))
    return spans


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
