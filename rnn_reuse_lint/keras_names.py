"""Keras weight paths: the layer names the code gives, else the per-graph uniquified names tf_keras hands out.

tf_keras names an unnamed layer at construction: the snake_case of its class, then `_1`, `_2`... per graph
and base name (`backend.unique_object_name(..., zero_based=True)`), and a weight lives under the names of
the layers that hold it (TF_RNN_SEMANTICS.md §10): `LSTM(8, name="enc")` -> `enc/lstm_cell/kernel` (LSTM,
GRU and SimpleRNN name their own cell explicitly, so it takes no number), `RNN([c0, c1])` ->
`rnn/stacked_rnn_cells/gru_cell_1/kernel`, `Bidirectional(GRU(4))` ->
`bidirectional/forward_gru/gru_cell/kernel` (the directions are rebuilt from config under the names
`forward_<layer>` / `backward_<layer>`, keeping the wrapped cells' names). Names are handed out here in the
order the runs meet the objects, which is the construction order for code that builds a layer before it
calls it; a layer of the same class built and never run is not seen, so a path is only as good as that.
Inside a function evaluated on its own, where the counters stand is unknown: only given names are predicted.
"""
from __future__ import annotations

from typing import Dict, Hashable, Optional, Tuple

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.tf_api import Kind
from rnn_reuse_lint.values import Const, DriverRecord, Obj, Value

Path = Tuple[str, ...]


def original(obj: Obj) -> Obj:
    """The object a Keras rebuild (`Bidirectional`'s copies) was made from: it carries the names."""
    while isinstance(obj.copied_from, Obj):
        obj = obj.copied_from
    return obj


class KerasNames:
    """Hands out layer names per graph like tf_keras does; one instance per replayed evaluation root."""

    def __init__(self, numbered: bool = True) -> None:
        # A function evaluated on its own (nobody calls it, or with unknown arguments) runs at a moment the
        # module does not show: the counters it would continue are unknown, so only given names are.
        self._numbered = numbered
        self._counts: Dict[Tuple[Tuple[int, int], str], int] = {}
        self._names: Dict[Hashable, Optional[str]] = {}

    def name(self, graph: Tuple[int, int], key: Hashable, obj: Obj, base: Optional[str] = None,
             named: bool = True) -> Optional[str]:
        """The layer name of one object (one instance of it per layer when a loop built it); `named=False` for an
        object the library builds itself, whose `name=` the code cannot set."""
        if key in self._names:
            return self._names[key]
        given: Optional[Value] = obj.kwargs.get("name") if named else None
        result: Optional[str]
        if (given is None or (isinstance(given, Const) and given.value is None)) and not self._numbered:
            result = None
        elif given is None or (isinstance(given, Const) and given.value is None):
            stem = base or tf_api.keras_cell_scope(obj.cls)
            count = self._counts.get((graph, stem), 0)
            self._counts[(graph, stem)] = count + 1
            result = stem if count == 0 else f"{stem}_{count}"
        elif isinstance(given, Const) and isinstance(given.value, str):
            result = given.value  # an explicit name is used as given (tf_keras does not uniquify it)
        else:
            result = None  # a computed name: not known
        self._names[key] = result
        return result

    def cell_path(self, record: DriverRecord, cell: Obj, index: Optional[int], per_layer: bool,
                  direction: Optional[str]) -> Optional[Path]:
        """The scope path a Keras cell's weights live under in this run, None when any level is unknown."""
        if record.scope is None or record.layer is None:
            return None
        prefix = tuple(record.scope)  # graph mode: an open variable scope's name scope prefixes Keras weights
        graph = record.graph
        if record.name == "keras_bidirectional":
            wrapped = record.layer.inner
            if direction is None or not isinstance(wrapped, Obj) or wrapped.kind != "keras_rnn":
                return None
            outer = self.name(graph, record.layer.key, record.layer)
            inner_name = self.name(graph, wrapped.key, wrapped)
            if outer is None or inner_name is None:
                return None
            side = "forward_" if direction == "fw" else "backward_"
            levels = self._layer_levels(graph, wrapped, original(cell), index, per_layer)
            return None if levels is None else prefix + (outer, side + inner_name) + levels
        if record.name != "keras_rnn":
            return None
        layer_name = self.name(graph, record.layer.key, record.layer)
        levels = self._layer_levels(graph, record.layer, cell, index, per_layer)
        if layer_name is None or levels is None:
            return None
        return prefix + (layer_name,) + levels

    def _layer_levels(self, graph: Tuple[int, int], layer: Obj, cell: Obj, index: Optional[int],
                      per_layer: bool) -> Optional[Path]:
        """Levels below the RNN layer's own name: `[stacked_rnn_cells/]<cell name>`."""
        if layer.entry is not None and layer.entry.kind == Kind.KERAS_LAYER:
            # LSTM/GRU/SimpleRNN build their cell with name="lstm_cell" (etc.): no counter involved
            return (tf_api.keras_cell_scope(cell.cls),)
        inner = layer.inner
        levels: Path = ()
        if isinstance(inner, Obj) and inner.kind == "stack":
            if index is None:
                return None  # the n-th cell of an unknown count has a number nobody can tell
            # RNN([...]) wraps the list in a StackedRNNCells it names itself; an explicit one has its own name
            implicit = inner.cls == "RNN"  # the evaluator's stack for `RNN([...])` carries the RNN's kwargs
            stack_name = self.name(graph, inner.key, inner, "stacked_rnn_cells", named=not implicit)
            if stack_name is None:
                return None
            levels = (stack_name,)
        elif not (isinstance(inner, Obj) and original(inner) is cell):
            return None  # a wrapper between layer and cell: not predicted
        cell_name = self.name(graph, (cell.key, index if per_layer else None), cell)
        return None if cell_name is None else levels + (cell_name,)
