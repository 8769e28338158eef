"""The plain names a function's body calls (`cell_fn(...)`)."""
from __future__ import annotations

from typing import FrozenSet, Set, Union

import libcst as cst


class _Calls(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.names.add(node.func.value)


def called_names(node: Union[cst.FunctionDef, cst.Lambda]) -> FrozenSet[str]:
    """Names called directly anywhere in `node` (nested functions too: they close over its parameters). Only
    generic passes ask, once per parameter that defaults to None, so nothing is cached (a cache keyed by node id
    could outlive the tree in a long-running server)."""
    calls = _Calls()
    node.visit(calls)
    return frozenset(calls.names)
