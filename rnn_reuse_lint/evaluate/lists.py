"""Lists of layers as the pass builds them: appends in loops, `[cell] * n`, `+=`, and spelling out per layer."""
from __future__ import annotations

from dataclasses import replace
from typing import FrozenSet, List, Optional

import libcst as cst

from rnn_reuse_lint.evaluate.context import MAX_PARTS, MAX_SPELLED, Ctx, State
from rnn_reuse_lint.values import Const, ListVal, Obj, Part, Value, new_key


def spell_out(items: ListVal) -> bool:
    """Rewrite a list of known length as one element per layer (`[GRUCell(h) for _ in range(2)]` becomes two
    distinct cells) so that `cells[1]` can name a layer. False, and nothing changed, when it cannot."""
    if not items.complete:
        return False
    if all(p.mode == "single" for p in items.parts):
        return True
    parts: List[Part] = []
    for part in items.parts:
        if part.mode == "single":
            parts.append(part)
            continue
        if part.count is None or len(parts) + part.count > MAX_SPELLED:
            return False
        for k in range(part.count):
            value = part.value if part.mode == "same" or k == 0 else per_pass_copy(part.value, part.loops)
            if value is None:
                return False
            parts.append(Part(value, part.node, "single"))
    items.parts[:] = parts
    return True


def per_pass_copy(value: Value, loops: FrozenSet[int]) -> Optional[Value]:
    """Another pass's element: what that pass built is a new object, what it reused stays the same object."""
    if not isinstance(value, Obj) or not loops <= value.loops:
        return value
    if value.kind == "cell":
        return replace(value, key=new_key())
    if value.kind == "wrapper":
        inner = per_pass_copy(value.inner, loops) if value.inner is not None else None
        if value.inner is not None and inner is None:
            return None
        return replace(value, key=new_key(), inner=inner)
    return None  # stacks, joins, Keras layers: not spelled out


def multiply(items: ListVal, times: Value, node: cst.CSTNode) -> ListVal:
    count = times.value if isinstance(times, Const) and isinstance(times.value, int) else None
    if count is not None and count <= 0:
        return ListVal([], items.loops, items.complete)
    if count is not None and count * len(items.parts) <= MAX_SPELLED:
        parts = [Part(p.value, node if p.mode == "single" else p.node, p.mode, p.count, p.loops)
                 for _ in range(count) for p in items.parts]
        return ListVal(parts, items.loops, items.complete)
    # `[e] * n` evaluates e once: the same object in every one of the n layers.
    parts = [
        Part(p.value, node, "same", None if count is None or p.count is None else count * p.count, p.loops)
        for p in items.parts
    ]
    return ListVal(parts, items.loops, items.complete)


def add_part(state: State, target: ListVal, value: Value, node: cst.CSTNode, ctx: Ctx) -> None:
    """`cells.append(cell)`: inside a loop the list did not start in, a new element per pass of that loop."""
    if len(target.parts) >= MAX_PARTS:
        target.complete = False
        return
    repeat = ctx.loop_set - target.loops
    if not repeat:
        target.parts.append(Part(value, node, "single"))
        return
    count: Optional[int] = 1
    for loop in repeat:
        n = state.loop_counts.get(loop)
        count = None if count is None or n is None else count * n
    part = Part(value, node, "each", count, repeat)
    target.parts.append(part)
    state.loop_parts.append(part)


def extend(state: State, target: ListVal, value: Value, node: cst.CSTNode, ctx: Ctx) -> None:
    """`cells += more` / `cells.extend(more)`: in place."""
    if not isinstance(value, ListVal):
        target.complete = False
        return
    repeat = ctx.loop_set - target.loops
    if len(target.parts) + len(value.parts) > MAX_PARTS:
        target.complete = False
        return
    state.charge_parts(len(value.parts))
    for part in list(value.parts):  # `cells += cells` extends by a snapshot
        if repeat:
            count = None
            target.parts.append(Part(part.value, node, "each" if part.mode != "same" else "same", count,
                                     repeat | part.loops))
        else:
            target.parts.append(part)
    target.complete = target.complete and value.complete
