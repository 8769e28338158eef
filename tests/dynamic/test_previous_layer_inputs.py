"""A layer class reading its input from `layer.outputs` of a None-defaulted parameter: stand-ins shaped by use."""
from __future__ import annotations

import ast
import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.needed_defaults import needed_none_defaults
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

LAYER = os.path.join(FIXTURES, "dynamic", "aimed_layers", "previous_layer.py")


def _first_function(source: str) -> ast.FunctionDef:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


def test_the_plan_shapes_the_previous_layer_and_aims_the_layer_count() -> None:
    with open(LAYER) as handle:
        source = handle.read()
    (entry,) = make_plan(source, LAYER, {}, targets=[14])["entries"]
    args = entry["init_args"]
    # before: `layer` kept its None (the line reading layer.outputs was stepped over with a stand-in that TensorFlow
    # took as a rank-0 tensor) and n_layer its default of 1, which skips the finding's branch
    assert args["layer"] == {"kind": "namespace", "attrs": {
        "outputs": {"kind": "placeholder", "dtype": "float32", "shape": [2, 5, 4]}}}   # time axis = n_steps's 5
    assert args["cell_fn"] == {"kind": "cell_class", "class": "tf.nn.rnn_cell.LSTMCell"}
    assert args["n_layer"] == {"kind": "literal", "value": 2}
    assert "n_steps" not in args and "name" not in args


def test_a_guarded_or_replaced_none_default_is_kept() -> None:
    guarded = _first_function("def f(layer=None, cell=None, x=None):\n"
                              "    if layer is not None:\n        y = layer.outputs\n"
                              "    if cell is None:\n        cell = make()\n    z = cell.zero_state\n"
                              "    if x is None:\n        raise ValueError('x')\n")
    assert needed_none_defaults(guarded, False) == ["x"]


def test_the_layer_class_runs_and_its_finding_is_confirmed_through_stand_ins() -> None:
    (finding,) = analyze_file(LAYER, Settings(select=("RNN",))).findings
    assert finding.code == "RNN101" and finding.span.line == 14
    # aimed as `check --dynamic` aims it: the finding's line is in the branch `n_layer > 1` takes
    (trace,) = trace_files([LAYER], timeout=120.0, targets={LAYER: [14]})
    assert [e["error"] for e in trace["entries"] if e.get("error")] == []
    assert trace["synthesized"]["StackedRNNLayer(cell_fn)"] == "the class tf.nn.rnn_cell.LSTMCell"
    (finding,) = verify([finding], {LAYER: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
