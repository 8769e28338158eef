"""Names read as tables of sizes (`xrange(buckets[-1][0])`): a list of tuples of small ints, not tensors."""
from __future__ import annotations

import ast
from typing import Dict, Iterable, Optional, Set, Tuple

from rnn_reuse_lint.dynamic.defines import TIME, Spec

_SIZE_CALLS = {"range", "xrange"}


def _cell(node: ast.expr, names: Set[str]) -> Optional[Tuple[str, int]]:
    """(name, column) for `name[row][column]` with a constant column (`buckets[-1][0]`, `buckets[b][1]`)."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript)):
        return None
    inner, column = node.value.value, node.slice
    if isinstance(inner, ast.Name) and inner.id in names and isinstance(column, ast.Constant) \
            and type(column.value) is int and column.value >= 0:
        return inner.id, column.value
    return None


def size_tables(nodes: Iterable[ast.AST], names: Set[str]) -> Dict[str, Spec]:
    """name -> a one-row table of sizes, for names whose cells are used as sizes: a range bound or one side of
    arithmetic with an int. The legacy translate model's `buckets` (pairs of encoder and decoder lengths) was a
    list of placeholders by its `for`/`len` uses, and `len(encoder_inputs) < buckets[-1][0]` inside
    model_with_buckets used a tensor as a Python bool, ending the run before its cells ran."""
    widths: Dict[str, int] = {}
    for node in nodes:
        for sub in ast.walk(node):
            used: Iterable[ast.expr] = ()
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in _SIZE_CALLS:
                used = sub.args
            elif isinstance(sub, ast.BinOp) and any(isinstance(side, ast.Constant) and type(side.value) is int
                                                    for side in (sub.left, sub.right)):
                used = (sub.left, sub.right)
            for expr in used:
                found = _cell(expr, names)
                if found is not None:
                    widths[found[0]] = max(widths.get(found[0], 0), found[1] + 1)
    # one row, every column the time steps the other stand-ins have (an input list of TIME placeholders fits it)
    return {name: {"kind": "literal", "value": [[TIME] * width]} for name, width in widths.items()}
