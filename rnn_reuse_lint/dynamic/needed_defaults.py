"""Parameters whose `None` default the function itself cannot run with, so an entry must synthesize them."""
from __future__ import annotations

import ast
from typing import List, Set


def _none_defaulted(fn: ast.FunctionDef, skip_self: bool) -> List[str]:
    positional = list(getattr(fn.args, "posonlyargs", [])) + list(fn.args.args)
    if skip_self and positional:
        positional = positional[1:]
    defaults = list(fn.args.defaults)
    pairs = list(zip(positional[len(positional) - len(defaults):], defaults))
    pairs += [(a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults) if d is not None]
    return [a.arg for a, d in pairs if isinstance(d, ast.Constant) and d.value is None]


def _refused(test: ast.expr, body: List[ast.stmt], names: Set[str]) -> Set[str]:
    """`if cell_fn is None: raise ...` (or `if not layer: raise ...`): the name the check gives up on."""
    if not any(isinstance(stmt, ast.Raise) for stmt in body):
        return set()
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) and \
            isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant) and \
            test.comparators[0].value is None:
        return {test.left.id} & names
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return {test.operand.id} & names
    return set()


def _read_unguarded(stmt: ast.stmt, names: Set[str]) -> Set[str]:
    """Names a plain statement dereferences (`layer.outputs`, `cell_fn(...)`): on `None` that line fails."""
    found: Set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
            found.add(node.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            found.add(node.func.id)
    return found


def needed_none_defaults(fn: ast.FunctionDef, skip_self: bool) -> List[str]:
    """Parameters defaulted to `None` that the function refuses as `None` or dereferences in a statement of its
    own body that no test guards (TensorLayer's `def __init__(self, layer=None, cell_fn=None, ...)` reads
    `layer.outputs` and raises "Please put in cell_fn"): called with the default, the entry fails or steps over
    those lines with stand-ins before any RNN line, so they are synthesized like required parameters. A name only
    read under `if layer is not None:` or in a nested block keeps its default."""
    names = set(_none_defaulted(fn, skip_self))
    if not names:
        return []
    needed: Set[str] = set()
    for stmt in fn.body:
        if isinstance(stmt, ast.If):
            needed |= _refused(stmt.test, stmt.body, names)
        elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return)):
            needed |= _read_unguarded(stmt, names)
        # `if layer is None: layer = InputLayer(...)`: from here on the function has its own value
        names -= {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return [name for name in _none_defaulted(fn, skip_self) if name in needed]
