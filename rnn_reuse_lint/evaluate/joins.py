"""What names hold where paths of execution meet: after if/else branches, try handlers, loops, a function's returns."""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import libcst as cst

from rnn_reuse_lint.identity import strip_free_wrappers
from rnn_reuse_lint.tf_api import Family
from rnn_reuse_lint.values import UNKNOWN, Frame, FuncVal, Obj, Partial, QName, Value


def join(a: Optional[Value], b: Optional[Value], node: cst.CSTNode) -> Optional[Value]:
    """The value of a name after two paths merge."""
    if a is None:
        return b
    if b is None or a is b or a == b:
        return a
    return join_all((a, b), node)


def join_all(values: Sequence[Optional[Value]], node: cst.CSTNode) -> Optional[Value]:
    """The value of a name after many paths merge (an if/elif chain's branches, a function's returns),
    in one pass: alternatives are kept once each, keyed by identity, so a chain of n branches costs
    O(n), where joining them two at a time re-flattened the alternatives each time (O(n**2) to O(n**3))."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    first = present[0]
    if all(v is first or v == first for v in present):
        return first
    # `fw = self.cell; if training: fw = DropoutWrapper(fw)`: when another path wraps this very join, the
    # join stays whole so both paths still strip down to one object.
    wrapped = {id(strip_free_wrappers(v)) for v in present if isinstance(v, Obj) and strip_free_wrappers(v) is not v}
    seen: Dict[int, Value] = {}
    for v in present:
        whole = id(v) in wrapped
        for x in (v.alternatives if isinstance(v, Obj) and v.kind == "join" and not whole else (v,)):
            seen.setdefault(id(x), x)
    alts = list(seen.values())
    if all(isinstance(x, QName) for x in alts) or any(isinstance(x, (Obj, QName, FuncVal, Partial)) for x in alts):
        loops = frozenset.intersection(*[x.loops if isinstance(x, Obj) else frozenset() for x in alts])
        return Obj("join", "", Family.TF1, node, loops, alternatives=tuple(alts))
    return UNKNOWN


def merge(envs: Sequence[Dict[str, Value]], node: cst.CSTNode, prefix: str = "") -> Dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    names: Dict[str, None] = {}
    for env in envs:
        for name in env:
            names[name] = None
    merged: Dict[str, Value] = {}
    for name in names:
        result = join_all([env.get(name) for env in envs], node)
        if result is not None:
            if isinstance(result, Obj) and result.label is None:
                result.label = prefix + name  # the join is what this name holds after the branches
            merged[name] = result
    return merged


def set_attrs(frame: Frame, values: Dict[str, Value]) -> None:
    """Replace the attributes a method has set in place: the dict is the object's state (Instance.state)."""
    if values is not frame.self_attrs:
        frame.self_attrs.clear()
        frame.self_attrs.update(values)
