"""What TensorFlow/Keras calls do, checked on hand-built values: the TF part of the evaluator without any source."""
from __future__ import annotations

from typing import Dict, List, Optional

import libcst as cst
import pytest

from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.evaluate.context import Ctx, State, root_ctx
from rnn_reuse_lint.evaluate.tf_calls import TfCalls
from rnn_reuse_lint.identity import strip_free_wrappers
from rnn_reuse_lint import tf_api
from rnn_reuse_lint.tf_api import ApiEntry, Family, Kind
from rnn_reuse_lint.values import (
    UNKNOWN,
    BoundMethod,
    Const,
    ListVal,
    Obj,
    OptimizerVal,
    Part,
    ScopeFrame,
    ScopeVal,
    TupleVal,
    Value,
)


def _tf() -> TfCalls:
    return TfCalls(State(cst.Module(body=[]), {}, None, None, Budget()))


def _call(tf: TfCalls, qualname: str, args: Optional[List[Value]] = None, kwargs: Optional[Dict[str, Value]] = None,
          ctx: Optional[Ctx] = None, has_star: bool = False) -> Optional[Value]:
    """Call `qualname` through the TF part, with a fresh call node (each call site is its own expression)."""
    node = cst.Call(func=cst.Name(qualname.rpartition(".")[2]))
    return tf.call(node, qualname, list(args or []), dict(kwargs or {}), has_star, ctx or root_ctx())


def _obj(value: Optional[Value]) -> Obj:
    assert isinstance(value, Obj), value
    return value


def test_a_cell_constructor_makes_a_new_cell_object_each_call() -> None:
    tf = _tf()
    first = _obj(_call(tf, "tensorflow.nn.rnn_cell.LSTMCell", [Const(64)]))
    second = _obj(_call(tf, "tensorflow.nn.rnn_cell.LSTMCell", [Const(64)]))
    assert (first.kind, first.cls, first.family) == ("cell", "LSTMCell", Family.TF1)
    assert first.entry is not None and first.entry.kind is Kind.CELL
    assert first is not second and first.key != second.key


def test_a_cell_made_inside_a_loop_carries_that_loop() -> None:
    tf = _tf()
    loop = tf.state.ids.loop()
    cell = _obj(_call(tf, "keras.layers.GRUCell", [Const(32)], ctx=root_ctx().in_loop(loop)))
    assert cell.family is Family.KERAS and cell.loops == frozenset({loop})


def test_star_arguments_keep_a_cell_but_hide_a_wrapper() -> None:
    tf = _tf()
    assert _obj(_call(tf, "tensorflow.nn.rnn_cell.GRUCell", has_star=True)).kind == "cell"
    assert _call(tf, "tensorflow.nn.rnn_cell.DropoutWrapper", [UNKNOWN], has_star=True) is UNKNOWN


@pytest.mark.parametrize("qualname, owns", [
    pytest.param("tensorflow.nn.rnn_cell.DropoutWrapper", False, id="dropout-wrapper-shares-the-cell-weights"),
    pytest.param("tensorflow.contrib.rnn.OutputProjectionWrapper", True, id="projection-wrapper-owns-weights"),
])
def test_a_wrapper_holds_the_very_cell_it_wraps(qualname: str, owns: bool) -> None:
    tf = _tf()
    cell = _obj(_call(tf, "tensorflow.nn.rnn_cell.LSTMCell", [Const(8)]))
    wrapper = _obj(_call(tf, qualname, kwargs={"cell": cell}))
    assert wrapper.kind == "wrapper" and wrapper.inner is cell and wrapper.owns_variables is owns
    assert (strip_free_wrappers(wrapper) is cell) is not owns


def test_multirnncell_of_one_cell_twice_records_a_stack_with_that_object_in_both_layers() -> None:
    tf = _tf()
    cell = _obj(_call(tf, "tensorflow.nn.rnn_cell.LSTMCell", [Const(8)]))
    layers = ListVal([Part(cell, cst.Name("cell"), "single"), Part(cell, cst.Name("cell"), "single")], frozenset())
    stack = _obj(_call(tf, "tensorflow.nn.rnn_cell.MultiRNNCell", [layers]))
    layers.parts.append(Part(UNKNOWN, cst.Name("later"), "single"))  # a later append to the list is not the stack's
    [record] = tf.records.stacks
    assert stack.kind == "stack" and not stack.owns_variables and record.obj is stack
    assert record.kind == "MultiRNNCell" and [p.value for p in record.layers.parts] == [cell, cell]
    assert record.layers.parts[0].value is record.layers.parts[1].value


def test_a_driver_under_an_open_scope_runs_in_its_default_scope_below_it() -> None:
    tf = _tf()
    cell = _obj(_call(tf, "tensorflow.nn.rnn_cell.GRUCell", [Const(8)]))
    scope = tf.variable_scope(cst.Call(func=cst.Name("variable_scope")), _entry("tensorflow.variable_scope"),
                              [Const("encoder")], {}, frozenset(), root_ctx())
    assert isinstance(scope, ScopeVal) and scope.opens and scope.frame.path == ("encoder",)
    inside = root_ctx().in_scope(scope.frame)
    result = _call(tf, "tensorflow.nn.dynamic_rnn", [cell, UNKNOWN], ctx=inside)
    assert isinstance(result, TupleVal)  # (outputs, state)
    [record] = tf.records.drivers
    assert record.name == "dynamic_rnn" and record.cells == (("cell", cell),)
    assert record.scope == ("encoder", "rnn") and record.reuse == "none" and not record.explicit_scope


def test_a_scope_opened_with_reuse_makes_the_driver_reuse() -> None:
    tf = _tf()
    cell = _obj(_call(tf, "tensorflow.nn.rnn_cell.GRUCell", [Const(8)]))
    scope = tf.variable_scope(cst.Call(func=cst.Name("variable_scope")), _entry("tensorflow.variable_scope"),
                              [Const("shared")], {"reuse": Const(True)}, frozenset(), root_ctx())
    assert isinstance(scope, ScopeVal)
    _call(tf, "tensorflow.nn.dynamic_rnn", [cell, UNKNOWN], {"scope": Const("dec")},
          ctx=root_ctx().in_scope(scope.frame))
    [record] = tf.records.drivers
    assert record.scope == ("shared", "dec") and record.reuse == "true" and record.explicit_scope


def test_embedding_rnn_decoder_runs_its_cell_under_its_rnn_decoder_level() -> None:
    # TF 1.15: `input/embedding_rnn_decoder/rnn_decoder/gru_cell/gates/kernel` (the embedding sits one level up).
    tf = _tf()
    cell = _obj(_call(tf, "tensorflow.nn.rnn_cell.GRUCell", [Const(8)]))
    scope = tf.variable_scope(cst.Call(func=cst.Name("variable_scope")), _entry("tensorflow.variable_scope"),
                              [Const("input")], {}, frozenset(), root_ctx())
    assert isinstance(scope, ScopeVal)
    _call(tf, "tensorflow.contrib.legacy_seq2seq.embedding_rnn_decoder", [UNKNOWN, UNKNOWN, cell, Const(10), Const(8)],
          ctx=root_ctx().in_scope(scope.frame))
    [record] = tf.records.drivers
    assert record.cells == (("cell", cell),)
    assert record.scope == ("input", "embedding_rnn_decoder", "rnn_decoder")


def test_default_name_scopes_are_uniquified_per_parent() -> None:
    tf = _tf()
    entry = _entry("tensorflow.variable_scope")
    outer, other = root_ctx(), root_ctx()
    paths = []
    for ctx in (outer, outer, other):
        scope = tf.variable_scope(cst.Call(func=cst.Name("variable_scope")), entry, [Const(None), Const("enc")], {},
                                  frozenset(), ctx)
        assert isinstance(scope, ScopeVal) and scope.frame.unique
        paths.append(scope.frame.path)
    assert paths == [("enc",), ("enc_1",), ("enc",)]


def test_keras_bidirectional_runs_two_rebuilt_cells_not_the_wrapped_one() -> None:
    tf = _tf()
    layer = _obj(_call(tf, "keras.layers.LSTM", [Const(8)]))
    both = _obj(_call(tf, "keras.layers.Bidirectional", [layer]))
    assert layer.rebuilt and isinstance(both, Obj) and both.kind == "keras_bidirectional"
    tf.cell_call(cst.Call(func=cst.Name("bi")), both, {}, root_ctx())
    [record] = tf.records.drivers
    fw, bw = (value for _, value in record.cells)
    assert record.bidirectional and record.layer is both
    assert isinstance(fw, Obj) and isinstance(bw, Obj) and fw is not bw
    assert layer.inner is not fw and layer.inner is not bw


def _minimize(tf: TfCalls, optimizer: Value, ctx: Ctx) -> cst.Call:
    node = cst.Call(func=cst.Name("minimize"))
    # Slot-making optimizers are the TF part's (unknown result); the others' methods are nobody's (None).
    slots = isinstance(optimizer, OptimizerVal) and optimizer.slots
    assert tf.call_method(node, BoundMethod(optimizer, "minimize"), ctx) is (UNKNOWN if slots else None)
    return node


def _reuse_variables(tf: TfCalls, scope: ScopeFrame) -> cst.Call:
    node = cst.Call(func=cst.Name("reuse_variables"))
    assert tf.call_method(node, BoundMethod(ScopeVal(scope), "reuse_variables"), root_ctx()) is UNKNOWN
    return node


def test_an_adam_minimize_after_reuse_on_the_root_scope_fails_to_make_its_slots() -> None:
    tf = _tf()
    ctx = root_ctx()
    adam = _call(tf, "tensorflow.train.AdamOptimizer", [Const(0.001)])
    assert isinstance(adam, OptimizerVal) and adam.slots
    reuse = _reuse_variables(tf, ctx.scope)
    minimize = _minimize(tf, adam, ctx)
    [failure] = tf.records.slot_failures
    assert (failure.node, failure.optimizer, failure.reuse_node) == (minimize, "AdamOptimizer", reuse)


@pytest.mark.parametrize("optimizer, minimize_first", [
    pytest.param("tensorflow.train.AdamOptimizer", True, id="slots-made-before-reuse-are-reused"),
    pytest.param("tensorflow.train.GradientDescentOptimizer", False, id="plain-sgd-makes-no-slots"),
])
def test_no_slot_failure(optimizer: str, minimize_first: bool) -> None:
    tf = _tf()
    ctx = root_ctx()
    value = _call(tf, optimizer)
    assert value is not None
    if minimize_first:
        _minimize(tf, value, ctx)
    _reuse_variables(tf, ctx.scope)
    _minimize(tf, value, ctx)
    assert tf.records.slot_failures == []


def test_other_tensorflow_functions_are_unknown_and_foreign_names_are_not_tf() -> None:
    tf = _tf()
    assert _call(tf, "tensorflow.placeholder", [UNKNOWN]) is UNKNOWN
    assert _call(tf, "tensorflow.name_scope", [Const("x")]) is UNKNOWN  # a kind without a handler
    assert _call(tf, "utils.make_cell", [Const(8)]) is None  # the Calls part makes one object of it


def _entry(qualname: str) -> ApiEntry:
    entry = tf_api.lookup(qualname)
    assert entry is not None
    return entry
