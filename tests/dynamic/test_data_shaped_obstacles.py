"""Errors real projects hit before their finding's line (issue 22): stand-ins TensorFlow refuses, TF 0.x calling
conventions, values only a caller knows, findings inside multi-line calls. Each fixture is traced under real TF."""
from __future__ import annotations

import numbers
import os
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.dynamic.rrl_child.stubs import Stub
from rnn_reuse_lint.dynamic.statements import multiline_statements, widened
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES
from tests.dynamic.conftest import trace_sources
from tests.dynamic.test_legacy_tf import legacy_python

pytestmark = pytest.mark.dynamic

DYN = os.path.join(FIXTURES, "dynamic")


def _path(name: str) -> str:
    return os.path.join(DYN, name + ".py")


def _verdict(path: str, trace: Dict[str, Any]) -> Finding:
    findings = analyze_file(path, Settings(select=("RNN",))).findings
    (finding,) = verify(findings, {path: trace})
    assert finding.dynamic is not None
    return finding


def _checked(name: str, fixture_traces: Dict[str, Dict[str, Any]]) -> Finding:
    """The fixture's one finding as `check --dynamic` judges it: confirmed, by a trace that ended cleanly or at it."""
    path = _path(name)
    trace = fixture_traces[path]
    finding = _verdict(path, trace)
    assert finding.dynamic is not None
    assert finding.dynamic.verdict == "confirmed", finding.dynamic.evidence
    error = trace["error"]
    assert error is None or finding.span.line in (error.get("stack") or [error.get("line")]), error
    return finding


def test_a_stand_in_is_the_integer_it_says_it_is() -> None:
    stub = Stub("config.widths")
    assert isinstance(stub, numbers.Integral) and int(stub) == 2 and [0, 1, 2, 3][stub] == 2


def test_a_stand_in_bounds_a_slice(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    name = "rnn101_obstacle_sizes_from_config_string"
    trace = fixture_traces[_path(name)]
    (failed,) = trace["tolerated"]
    assert (failed["line"], failed["type"], failed["names"]) == (8, "AttributeError", ["self.widths"])
    finding = _checked(name, fixture_traces)
    assert finding.dynamic is not None and finding.dynamic.reached_via == "synthesized"
    assert "line 8 failed (AttributeError)" in finding.dynamic.evidence


def test_tf0_cross_entropy_order_reaches_the_optimizer(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    finding = _checked("rnn105_obstacle_tf0_cross_entropy", fixture_traces)
    assert finding.dynamic is not None and "project/Adam/ does not exist" in finding.dynamic.evidence


_ORDERS = """
import tensorflow as tf
w = tf.Variable(tf.ones([4, 3]), name="w")
logits = tf.matmul(tf.ones([2, 4]), w)
labels = tf.one_hot([0, 2], 3)
loss = tf.reduce_sum(tf.nn.{fn}({args}))
grads = [g for g in tf.gradients(loss, [w]) if g is not None]
assert len(grads) == 1, "no gradient reaches the weights"
"""
_CALLS = {"tf0_order": "logits, labels", "tf2_order": "labels, logits", "keywords": "labels=labels, logits=logits",
          "tf0_sigmoid": "logits, labels"}


def _order_sources() -> Dict[str, str]:
    return {name: _ORDERS.format(fn="sigmoid_cross_entropy_with_logits" if "sigmoid" in name
                                 else "softmax_cross_entropy_with_logits", args=args)
            for name, args in _CALLS.items()}


def test_either_positional_order_gives_the_logits_their_gradient(tmp_path: Any) -> None:
    traces = trace_sources(str(tmp_path), _order_sources())
    for name, trace in traces.items():
        assert trace["error"] is None, (name, trace["error"])


def test_tf0_positional_order_under_tf1_15(tmp_path: Any) -> None:
    """TF 1.x refuses positional cross-entropy calls (`_sentinel`): the TF 0.x order goes through as keywords."""
    python = legacy_python("1.15.0")
    sources = _order_sources()
    paths: List[str] = []
    for name in ("tf0_order", "keywords", "tf0_sigmoid"):
        path = tmp_path / (name + ".py")
        path.write_text(sources[name])
        paths.append(str(path))
    for path, trace in zip(paths, trace_files(paths, timeout=120.0, python=python)):
        assert trace["tf_version"].startswith("1.15"), trace["tf_version"]
        assert trace["error"] is None, (path, trace["error"])


def test_tf0_models_rnn_cell_keeps_one_state_tensor(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    finding = _checked("rnn105_obstacle_tf0_models_rnn_cell", fixture_traces)
    assert finding.dynamic is not None and finding.dynamic.reached_via == "plain"


def test_tf0_ops_rnn_names(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    _checked("rnn102_obstacle_tf0_ops_rnn_names", fixture_traces)


def test_embedding_ids_and_initializer_makers_are_planned() -> None:
    path = _path("rnn102_obstacle_embedding_ids")
    with open(path, encoding="utf-8") as handle:
        plan = make_plan(handle.read(), path, {})
    (entry,) = plan["entries"]
    args = entry["args"]
    assert args["encoder_inputs"] == {"kind": "placeholders", "count": 3, "dtype": "int32", "shape": [2]}
    assert args["weight_initializer"] == {"kind": "tf_attr", "attr": "glorot_uniform_initializer"}
    assert args["num_symbols"]["kind"] == "int"


def test_embedding_ids_and_initializer_makers_reach_the_finding(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn102_obstacle_embedding_ids")
    assert fixture_traces[path]["tolerated"] == []
    assert fixture_traces[path]["synthesized"]["embedding_encoder(weight_initializer)"] == \
        "tf.glorot_uniform_initializer"
    finding = _checked("rnn102_obstacle_embedding_ids", fixture_traces)
    assert finding.dynamic is not None and finding.dynamic.reached_via == "synthesized"


def test_a_direct_lookup_gets_an_id_matrix() -> None:
    source = ("import tensorflow as tf\n"
              "def encode(inputs, cell):\n"
              "    emb = tf.get_variable('emb', [5, 4])\n"
              "    return tf.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(emb, inputs), dtype=tf.float32)\n")
    (entry,) = make_plan(source, "encode.py", {})["entries"]
    assert entry["args"]["inputs"] == {"kind": "placeholder", "dtype": "int32", "shape": [2, 3]}


def test_multiline_statements() -> None:
    source = ("x = f(\n    a,\n    b)\n"
              "with g(\n        c):\n    y = 1\n"
              "if z:\n    w = h(1,\n          2)\n")
    assert multiline_statements(source) == [[1, 3], [8, 9]]
    trace = {"statements": multiline_statements(source)}
    assert widened(trace, 2, 2) == (1, 3)
    assert widened(trace, 6, 6) == (6, 6)     # a block's header does not swallow its body
    assert widened({}, 2, 2) == (2, 2)


def test_a_finding_on_an_argument_line_of_a_call(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn103_obstacle_finding_inside_a_call")
    trace = fixture_traces[path]
    assert [8, 13] in trace["statements"]
    lines = {line for run in trace["runs"] for line in run["call_lines"]}
    assert 10 not in lines     # the runs come back to this file at the call, not at the argument
    finding = _checked("rnn103_obstacle_finding_inside_a_call", fixture_traces)
    assert finding.span.line == 10
    assert finding.dynamic is not None and "runs again under `sentence/rnn`" in finding.dynamic.evidence


def test_a_project_stack_class_is_recorded_when_built() -> None:
    # a package of its own (like relative_import_pkg): the stack is never driven, which the fixtures/dynamic files
    # all are (their fixes are traced too)
    path = os.path.join(DYN, "project_stack_pkg", "decoder.py")
    (trace,) = trace_files([path], timeout=120.0)
    (stack,) = trace["stacks"]
    assert (stack["line"], stack["class"], stack["driven"]) == (12, "MultiRNNCell", False)
    assert [c["same_as"] for c in stack["cells"]] == [None, 0]
    finding = _verdict(path, trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized")
    assert "holds one GRUCell object as layers 0, 1" in finding.dynamic.evidence


def test_a_look_alike_stack_class_is_not_recorded(tmp_path: Any) -> None:
    """A local class that only shares TF's name (no TF cell base) is no stack, as the static rule has it."""
    traces = trace_sources(str(tmp_path), {"look_alike": (
        "import tensorflow as tf\n"
        "class MultiRNNCell(object):\n"
        "    def __init__(self, cells):\n"
        "        self._cells = cells\n"
        "cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "stack = MultiRNNCell([cell] * 2)\n")})
    assert traces["look_alike"]["error"] is None and traces["look_alike"]["stacks"] == []
