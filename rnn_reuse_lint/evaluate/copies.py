"""New objects made from old ones: `copy.deepcopy`, and the layers Keras rebuilds from a layer's config."""
from __future__ import annotations

from typing import Dict, FrozenSet, Optional

import libcst as cst

from rnn_reuse_lint.evaluate.context import Ids
from rnn_reuse_lint.values import ListVal, Obj, Part, Value


def deep_copy(source: Obj, node: cst.CSTNode, loops: FrozenSet[int], memo: Optional[Dict[int, Obj]] = None) -> Obj:
    """copy.deepcopy: new objects all the way down, aliasing inside the copied structure preserved.

    Only stacks carry `layers`, so the other kinds are copied without them.
    """
    memo = {} if memo is None else memo
    if source.key in memo:
        return memo[source.key]
    if source.kind == "stack" and source.layers is not None:
        parts = [Part(deep_copy(p.value, node, loops, memo) if isinstance(p.value, Obj) else p.value,
                      p.node, p.mode, p.count, p.loops) for p in source.layers.parts]
        copy = Obj("stack", source.cls, source.family, node, loops, owns_variables=False,
                   layers=ListVal(parts, source.layers.loops, source.layers.complete), kwargs=source.kwargs,
                   copied_from=source)
    else:
        inner = source.inner
        if isinstance(inner, Obj) and source.kind == "wrapper":
            inner = deep_copy(inner, node, loops, memo)
        copy = Obj("cell" if source.kind == "join" else source.kind, source.cls, source.family, node, loops,
                   owns_variables=source.owns_variables, inner=inner, alternatives=source.alternatives,
                   entry=source.entry, kwargs=source.kwargs, copied_from=source)
    memo[source.key] = copy
    return copy


def rebuilt_copy(source: Obj, node: cst.CSTNode, loops: FrozenSet[int], ids: Ids) -> Obj:
    """What Keras gets when it rebuilds a layer from its config: new objects all the way down, one per
    layer even where the original list repeated one cell (TF_RNN_SEMANTICS.md §10)."""
    if source.kind == "stack" and source.layers is not None:
        loop = ids.loop()
        parts = [
            Part(rebuilt_copy(p.value, node, loops | {loop}, ids) if isinstance(p.value, Obj) else p.value,
                 p.node, "each" if p.mode != "single" else "single", p.count, frozenset({loop}))
            for p in source.layers.parts
        ]
        layers = ListVal(parts, source.layers.loops, source.layers.complete)
        return Obj("stack", source.cls, source.family, node, loops, owns_variables=False, layers=layers,
                   kwargs=source.kwargs, copied_from=source)
    return deep_copy(source, node, loops)


def mark_rebuilt(layer: Value) -> None:
    """A layer Bidirectional wraps is rebuilt from its config per direction: its own cell objects are not shared."""
    if isinstance(layer, Obj) and layer.kind == "keras_rnn":
        layer.rebuilt = True
        inner = layer.inner
        if isinstance(inner, Obj) and inner.stack_record is not None:
            inner.rebuilt = True
