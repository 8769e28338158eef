"""Findings in a `try`'s except: fallback the body does not share: which entry to run again with that try failing."""
from __future__ import annotations

import ast
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple


def fallback_tries(source: str, filename: str, targets: Sequence[int],
                   entries: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """[{"try": line, "handler": line, "targets": [lines], "entry": index}] for each `try` whose except: handler
    holds a finding's line, run by the plan entry (a module-level function or class) whose statement holds it.

    Code written for two TF releases puts one spelling in the body and the other in the handler (`try: # TF1.0
    MultiRNNCell_fn([cell] * n, state_is_tuple=True) except: MultiRNNCell_fn([cell] * n)`): the body runs under
    any TF the tracer has, so the handler's line never would. A try at module level, or in a function no entry
    runs, is left alone (running the whole file again for it is not worth its time)."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError):
        return []
    spans = [(stmt.lineno, stmt.end_lineno or stmt.lineno) for stmt in tree.body
             if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    out: List[Dict[str, Any]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        first, last = node.body[0].lineno, max(s.end_lineno or s.lineno for s in node.body)
        for handler in node.handlers:
            end = max(s.end_lineno or s.lineno for s in handler.body)
            held = sorted({t for t in targets if handler.lineno <= t <= end and not first <= t <= last})
            index = _entry_of(node.lineno, spans, entries) if held else None
            if index is not None:
                out.append({"try": node.lineno, "handler": handler.lineno, "targets": held, "entry": index})
                break   # one handler per try is made to run: the first that holds a finding
    return out


def _entry_of(line: int, spans: Sequence[Tuple[int, int]], entries: Sequence[Mapping[str, Any]]) -> Optional[int]:
    """The index of the entry whose module-level def/class statement holds the line; in a class with several
    entries (its methods), the one whose body starts last before the line (the method holding it)."""
    for lo, hi in spans:
        if lo <= line <= hi:
            inside = [(int(e.get("line") or 0), i) for i, e in enumerate(entries)
                      if lo <= int(e.get("line") or 0) <= hi]
            before = [pair for pair in inside if pair[0] <= line]
            return max(before)[1] if before else min(inside)[1] if inside else None
    return None
