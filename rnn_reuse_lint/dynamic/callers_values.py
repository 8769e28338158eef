"""What a synthesized argument must be, read from uses TensorFlow is strict about: embedding ids, initializer makers."""
from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

Spec = Dict[str, object]
_LOOKUPS = {"embedding_lookup"}
# what a parameter called for an initializer (`initializer=weight_initializer()`) gives when the caller's is unknown:
# TF 1.x's default for get_variable's weights, in both TF 1.15 and compat.v1
INITIALIZER = "glorot_uniform_initializer"


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _ids_of(call: ast.Call) -> Optional[ast.expr]:
    """The `ids` argument of an embedding lookup call (second positional or keyword)."""
    if _callee(call) not in _LOOKUPS:
        return None
    for kw in call.keywords:
        if kw.arg == "ids":
            return kw.value
    return call.args[1] if len(call.args) > 1 else None


def _looked_up(nodes: Iterable[ast.AST]) -> Set[str]:
    """Names used directly as the ids of an embedding lookup in these nodes."""
    out: Set[str] = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call):
                ids = _ids_of(sub)
                if isinstance(ids, ast.Name):
                    out.add(ids.id)
    return out


def id_tags(nodes: Sequence[ast.AST], names: Set[str]) -> List[Tuple[str, str]]:
    """(name, "ids") for a name looked up in an embedding (`embedding_lookup(emb, inputs)`: int ids, not floats) and
    (name, "id_list") for a list whose items are (`[embedding_lookup(emb, i) for i in encoder_inputs]`)."""
    out: List[Tuple[str, str]] = []
    for name in sorted(_looked_up(nodes) & names):
        out.append((name, "ids"))
    for node in nodes:
        for sub in ast.walk(node):
            loops: List[Tuple[ast.expr, ast.expr, List[ast.AST]]] = []
            if isinstance(sub, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
                loops = [(g.target, g.iter, [sub.elt]) for g in sub.generators]
            elif isinstance(sub, ast.For):
                loops = [(sub.target, sub.iter, list(sub.body))]
            for target, source, body in loops:
                if isinstance(target, ast.Name) and isinstance(source, ast.Name) and source.id in names and \
                        target.id in _looked_up(body):
                    out.append((source.id, "id_list"))
    return out


def initializer_makers(fn: ast.FunctionDef, params: Iterable[str]) -> Dict[str, Spec]:
    """Parameters the function calls to get an initializer (`initializer=weight_initializer()`): whatever their
    default, a caller that reaches that line passes a maker of initializers, so they get TF's default one."""
    wanted = set(params)
    out: Dict[str, Spec] = {}
    for sub in ast.walk(fn):
        if not isinstance(sub, ast.Call):
            continue
        for kw in sub.keywords:
            value = kw.value
            if kw.arg == "initializer" and isinstance(value, ast.Call) and not value.args and not value.keywords \
                    and isinstance(value.func, ast.Name) and value.func.id in wanted:
                out[value.func.id] = {"kind": "tf_attr", "attr": INITIALIZER}
    return out
