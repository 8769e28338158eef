"""Aim the attributes a class reads off objects it keeps on `self` (`params = self.params; if params.x == 'gru':`)."""
from __future__ import annotations

import ast
from typing import Any, Dict, Optional, Sequence, Set, Tuple


def _aliases(method: ast.FunctionDef) -> Set[str]:
    """Locals bound to an attribute of self (`params = self.params`)."""
    return {t.id for node in ast.walk(method) if isinstance(node, ast.Assign) and _is_self_attr(node.value)
            for t in node.targets if isinstance(t, ast.Name)}


def _is_self_attr(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def stand_in_attrs(cls: ast.ClassDef, targets: Sequence[int]) -> Dict[str, Any]:
    """attribute -> the value that takes a finding's branch, for tests on an attribute of an object kept on self
    (`self.params.memory_update == 'gru'`, `if params.batch_norm:`) whose branch holds a finding's line.

    That object often comes from a base class's __init__ in another module, so at run time it is a stand-in
    (required_args.fill_required), which equals no literal: the finding's branch never ran. The child gives a
    stand-in's attribute of this name the aimed value (stubs.aim)."""
    if not targets:
        return {}
    from rnn_reuse_lint.dynamic import plan   # plan imports this module: its use analysis, read lazily

    class _OnSelf(plan._Uses):
        def __init__(self, aliases: Set[str]) -> None:
            super().__init__(set(), targets)
            self.aliases = aliases

        def _compared(self, node: ast.expr) -> Optional[Tuple[str, str]]:
            if isinstance(node, ast.Attribute) and (_is_self_attr(node.value) or (
                    isinstance(node.value, ast.Name) and node.value.id in self.aliases)):
                return "self.*", node.attr
            return None

    out: Dict[str, Any] = {}
    for method in cls.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        uses = _OnSelf(_aliases(method))
        uses.visit(method)
        for key, found in uses.literals.items():
            if any(score == 2 for score, _ in found):
                spec = plan._aimed(uses.literals, key)
                if spec is not None and key[1] not in out:
                    out[key[1]] = spec["value"]
    return out
