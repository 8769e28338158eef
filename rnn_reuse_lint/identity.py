"""Which weight-owning objects a value stands for, and which layers of a list are the same object."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Tuple

from rnn_reuse_lint.values import Const, ListVal, Obj, Part, TupleVal, Value


def owners(value: Value) -> Optional[FrozenSet[Obj]]:
    """The objects whose variables `value` uses, or None when any of them is unknown.

    Wrappers without variables (DropoutWrapper...) are transparent: they carry the identity of the cell
    they wrap (TF_RNN_SEMANTICS.md §3). A join (`a if c else b`) with different owners is one object
    whichever branch ran, so it stands for itself.
    """
    if isinstance(value, Obj):
        if value.kind in ("cell", "opaque"):
            return frozenset({value})
        if value.kind == "wrapper":
            inner = owners(value.inner) if value.inner is not None else None
            if inner is None:
                return None
            return inner | {value} if value.owns_variables else inner
        if value.kind == "stack" and value.layers is not None:
            return stack_owners(value.layers)
        if value.kind == "join":
            # `cell = None; if kind == "lstm": cell = LSTMCell(h)`: a path that leaves a constant (None) cannot
            # reach a stack or a driver without failing there, so only the object paths count.
            # `cell = LSTMCell(h) if kind == "lstm" else ProjectCell(h)`: when a branch holds a TensorFlow cell, the
            # paths through it share whatever the other branches are (a class that makes variables per call, a
            # value the pass cannot see), as a stack of unknown depth shares once it has two layers.
            cells: List[Value] = [a for a in value.alternatives
                                  if isinstance(a, Obj) and a.kind in ("cell", "wrapper", "join")]
            kept = cells or [a for a in value.alternatives if not isinstance(a, Const)]
            alts = [owners(a) for a in kept]
            if not alts or any(a is None for a in alts):
                return None
            first = alts[0]
            if all(a == first for a in alts):
                return first
            if all(a is not None and len(a) == 1 for a in alts):
                return frozenset({value})
            return None
    return None


def stack_owners(layers: ListVal) -> Optional[FrozenSet[Obj]]:
    found: FrozenSet[Obj] = frozenset()
    for part in layers.parts:
        o = owners(part.value)
        if o is None:
            return None
        found |= o
    return found if layers.complete else None


def known_owners(value: Value) -> FrozenSet[Obj]:
    """Like owners() but keeps what is known when some layers are unknown (for intersections)."""
    exact = owners(value)
    if exact is not None:
        return exact
    if isinstance(value, Obj) and value.kind == "stack" and value.layers is not None:
        found: FrozenSet[Obj] = frozenset()
        for part in value.layers.parts:
            found |= known_owners(part.value)
        return found
    if isinstance(value, Obj) and value.kind == "wrapper" and value.inner is not None:
        inner = known_owners(value.inner)
        return inner | {value} if value.owns_variables else inner
    if isinstance(value, ListVal):
        found = frozenset()
        for part in value.parts:
            found |= known_owners(part.value)
        return found
    if isinstance(value, TupleVal):
        found = frozenset()
        for item in value.items:
            found |= known_owners(item)
        return found
    return frozenset()


def settle_join(join: Obj) -> Optional[Obj]:
    """The object a join stands for when its branches differ only by variable-free wrappers
    (`cell = GRUCell(); if training: cell = DropoutWrapper(cell)`), or same-class alternatives."""
    alts = [a for a in join.alternatives if isinstance(a, Obj)]
    if not alts or len(alts) != len(join.alternatives):
        return None
    if one_object(join):
        return strip_free_wrappers(alts[0])
    if all(a.cls == alts[0].cls for a in alts):
        return alts[0]
    return None


def one_object(join: Obj) -> bool:
    """Whether every branch of a join is the same object once variable-free wrappers are stripped."""
    alts = [a for a in join.alternatives if isinstance(a, Obj)]
    if not alts or len(alts) != len(join.alternatives):
        return False
    stripped = [strip_free_wrappers(a) for a in alts]
    return all(x is stripped[0] for x in stripped)


def strip_free_wrappers(obj: Obj) -> Obj:
    """The object under any wrappers that own no variables (DropoutWrapper...): the one whose variables it uses."""
    while obj.kind == "wrapper" and not obj.owns_variables and isinstance(obj.inner, Obj):
        obj = obj.inner
    return obj


def loops_of(obj: Obj) -> FrozenSet[int]:
    if obj.kind == "join":
        sets = []
        for alt in obj.alternatives:
            o = owners(alt) or frozenset()
            for x in o:
                sets.append(loops_of(x))
        if not sets:
            return obj.loops
        common = sets[0]
        for s in sets[1:]:
            common &= s
        return common
    return obj.loops


@dataclass(frozen=True)
class Placement:
    """Where one weight owner sits in a layer list."""

    owner: Obj
    part_index: int
    repeated: bool  # the part itself puts this owner in several layers


def shared_owners(layers: ListVal) -> Dict[Obj, List[Placement]]:
    """Owners that serve more than one layer, with the parts that put them there."""
    placements: Dict[Obj, List[Placement]] = {}
    for index, part in enumerate(layers.parts):
        o = owners(part.value)
        if o is None:
            continue
        for owner in sorted(o, key=lambda x: x.key):  # creation order, not hash order: stable output
            placements.setdefault(owner, []).append(Placement(owner, index, _repeats(part, owner)))
    return {
        owner: places
        for owner, places in placements.items()
        if len(places) > 1 or any(p.repeated for p in places)
    }


def _repeats(part: Part, owner: Obj) -> bool:
    if part.count == 1 or part.mode == "single":
        return False
    if part.mode == "same":
        return True
    # "each": a new element per iteration of part.loops; the owner is new per element only if it
    # was made inside every one of those loops.
    return not part.loops <= loops_of(owner)


def layer_indices(layers: ListVal, part_index: int) -> Optional[Tuple[int, ...]]:
    """Layer indices covered by one part, when every count before it (and its own) is known."""
    start = 0
    for part in layers.parts[:part_index]:
        if part.count is None:
            return None
        start += part.count
    count = layers.parts[part_index].count
    if count is None or count > 64:
        return None
    return tuple(range(start, start + count))
