"""The values a numeric test (`if n_layer > 1:`) needs to take one branch or the other."""
from __future__ import annotations

import ast
from typing import Optional, Tuple


def threshold(op: ast.cmpop, right: ast.expr) -> Optional[Tuple[int, int]]:
    """For `x > n` / `x >= n` against an integer: the smallest value that passes the test and one that fails
    (a finding under `if n_layer > 1:` needs 2 where the default of 1 skips it)."""
    if not (isinstance(right, ast.Constant) and type(right.value) is int):
        return None
    if isinstance(op, ast.Gt):
        return right.value + 1, right.value
    if isinstance(op, ast.GtE):
        return right.value, right.value - 1
    return None
