"""Predicted variable names: scope levels and leaf names per cell class and TensorFlow version (§1-§4)."""
from __future__ import annotations

from typing import Optional, Tuple

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.tf_api import Family
from rnn_reuse_lint.values import Const, Obj, Value

# The scope level of layer i of a stack whose layer count is not known (`range(n_layers)`, `[cell] * n`):
# TF names it `cell_0`, `cell_1`...; explain shows the one symbolic layer that stands for all of them.
SYMBOLIC_LAYER = "cell_{i}"

LEGACY_VERSIONS = ("1.0", "1.1")  # `weights`/`biases`, string-literal scopes (TF_RNN_SEMANTICS.md §1.2)

_KERAS_LEAVES = {
    "LSTMCell": ("kernel", "recurrent_kernel", "bias"),
    "GRUCell": ("kernel", "recurrent_kernel", "bias"),
    "SimpleRNNCell": ("kernel", "recurrent_kernel", "bias"),
    "PeepholeLSTMCell": ("kernel", "recurrent_kernel", "bias", "input_gate_peephole_weights",
                         "forget_gate_peephole_weights", "output_gate_peephole_weights"),
}


def _legacy_leaf(leaf: str) -> str:
    head, _, last = leaf.rpartition("/")
    last = {"kernel": "weights", "bias": "biases"}.get(last, last)
    return f"{head}/{last}" if head else last


def cell_scope(obj: Obj, tf_version: str) -> Optional[str]:
    """The scope level a cell opens: its `name=` (1.5+), else its class's default."""
    name = obj.kwargs.get("name")
    if isinstance(name, Const) and isinstance(name.value, str) and tf_version not in LEGACY_VERSIONS:
        return name.value
    if name is not None and not (isinstance(name, Const) and name.value is None):
        return None  # a computed name: unknown
    entry = obj.entry
    if entry is None:
        return None
    if obj.family == Family.KERAS:
        return tf_api.keras_cell_scope(obj.cls)
    if entry.cell is not None:
        if tf_version in LEGACY_VERSIONS and entry.cell.legacy_scope:
            return entry.cell.legacy_scope
        if entry.name != obj.cls:  # a user subclass: Layer base name is the subclass's snake_case
            return tf_api.keras_cell_scope(obj.cls)
        return entry.cell.scope
    if entry.wrapper is not None:
        return entry.wrapper.scope
    return tf_api.keras_cell_scope(obj.cls)


def _true(value: Optional[Value]) -> bool:
    return isinstance(value, Const) and bool(value.value) and value.value is not None


def cell_leaves(obj: Obj, tf_version: str) -> Tuple[str, ...]:
    """Variable names under the cell's scope, in creation order."""
    entry = obj.entry
    if obj.family == Family.KERAS:
        return _KERAS_LEAVES.get(entry.name if entry else obj.cls, ())
    if entry is None:
        return ()
    if entry.wrapper is not None:
        leaves = entry.wrapper.leaves
    elif entry.cell is not None:
        leaves = entry.cell.leaves
        if entry.name == "LSTMCell":
            if _true(obj.kwargs.get("use_peepholes")):
                leaves = leaves + ("w_f_diag", "w_i_diag", "w_o_diag")
            proj = obj.kwargs.get("num_proj")
            if proj is not None and not (isinstance(proj, Const) and proj.value is None):
                leaves = leaves + ("projection/kernel",)
        if tf_version in LEGACY_VERSIONS and entry.cell.legacy_leaves is not None:
            return entry.cell.legacy_leaves
    else:
        return ()
    if tf_version in LEGACY_VERSIONS:
        return tuple(_legacy_leaf(leaf) for leaf in leaves)
    return leaves
