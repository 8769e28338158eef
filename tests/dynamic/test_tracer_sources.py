"""Source lines of traced runs, traced with real TensorFlow: AutoGraph-converted code (Keras `call`, tf.function)
counts as the user's lines it came from, and a pasted snippet's free `tf` is TensorFlow, not a synthesized value."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.dynamic.conftest import trace_sources

from rnn_reuse_lint.dynamic.api import verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

pytestmark = pytest.mark.dynamic

SOURCES = {
    # Keras runs an AutoGraph-converted copy of `call`: the two RNN layers run at lines 12 and 13, not at line 16.
    "keras_model_call": (
        "import tensorflow as tf\n"
        "\n"
        "\n"
        "class M(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super(M, self).__init__()\n"
        "        self.cell = tf.keras.layers.LSTMCell(4)\n"
        "        self.a = tf.keras.layers.RNN(self.cell, return_sequences=True)\n"
        "        self.b = tf.keras.layers.RNN(self.cell)\n"
        "\n"
        "    def call(self, x):\n"
        "        h = self.a(x)\n"
        "        return self.b(h)\n"
        "\n"
        "\n"
        "y = M()(tf.zeros([2, 3, 4]))\n"),
    # Drivers (one under converted Python control flow) inside a converted `call`; `call` was reached, so it is
    # not run again as an entry point of its own.
    "keras_call_drivers": (
        "import tensorflow as tf\n"
        "\n"
        "\n"
        "class M(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super(M, self).__init__()\n"
        "        self.cell = tf.nn.rnn_cell.LSTMCell(4)\n"
        "\n"
        "    def call(self, x):\n"
        "        state = self.cell.zero_state(2, tf.float32)\n"
        "        out, state = tf.nn.dynamic_rnn(self.cell, x, initial_state=state)\n"
        "        if x.shape[0] == 2:\n"
        "            out, _ = tf.nn.dynamic_rnn(self.cell, out, initial_state=state, scope='again')\n"
        "        return out\n"
        "\n"
        "\n"
        "y = M()(tf.zeros([2, 3, 4]))\n"),
    # A cell called directly from a converted `call` (through AutoGraph's converted_call) is a run at its line.
    "keras_call_cell_calls": (
        "import tensorflow as tf\n"
        "\n"
        "\n"
        "class M(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super(M, self).__init__()\n"
        "        self.cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "\n"
        "    def call(self, x):\n"
        "        state = self.cell.zero_state(2, tf.float32)\n"
        "        out, state = self.cell(x, state)\n"
        "        out, state = self.cell(out, state)\n"
        "        return out\n"
        "\n"
        "\n"
        "y = M()(tf.zeros([2, 4]))\n"),
    # An error raised inside a converted `call` points at its own line.
    "keras_call_error": (
        "import tensorflow as tf\n"
        "\n"
        "\n"
        "class M(tf.keras.Model):\n"
        "    def __init__(self):\n"
        "        super(M, self).__init__()\n"
        "        self.cell = tf.keras.layers.LSTMCell(4)\n"
        "\n"
        "    def call(self, x):\n"
        "        h = tf.keras.layers.RNN(self.cell)(x)\n"
        "        raise ValueError('boom')\n"
        "\n"
        "\n"
        "y = M()(tf.zeros([2, 3, 4]))\n"),
    # tf.function converts its function too.
    "tf_function": (
        "import tensorflow as tf\n"
        "\n"
        "cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "\n"
        "\n"
        "@tf.function\n"
        "def step(x):\n"
        "    a, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
        "    return a\n"
        "\n"
        "\n"
        "step(tf.zeros([2, 3, 4]))\n"),
    # Pasted snippets without `import tensorflow as tf`: `tf` is TensorFlow (compat.v1, as the import gives).
    "missing_import_function": (
        "def build(inputs):\n"
        "    cell = tf.nn.rnn_cell.LSTMCell(4)\n"
        "    return tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)\n"),
    "missing_import_top_level": (
        "cell = tf.nn.rnn_cell.LSTMCell(num_units)\n"
        "x = tf.placeholder(tf.float32, [2, 3, 4])\n"
        "with tf.variable_scope('a'):\n"
        "    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
        "with tf.variable_scope('b'):\n"
        "    out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"),
}


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    return trace_sources(str(tmp_path_factory.mktemp("sources")), SOURCES)


def _run_lines(trace: Dict[str, Any]) -> List[int]:
    return [run["line"] for run in trace["runs"]]


def _entries(trace: Dict[str, Any]) -> List[str]:
    return [entry["name"] for entry in trace["entries"]]


def test_keras_model_call_runs_at_the_layer_lines(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["keras_model_call"]
    assert trace["error"] is None
    assert _run_lines(trace) == [12, 13]
    assert [run["call_lines"] for run in trace["runs"]] == [[16, 12], [16, 13]]
    assert {c["line"] for c in trace["created"]} == {12}
    assert trace["runs"][1]["layers"][0]["borrows"] == trace["runs"][0]["layers"][0]["owns"]


def test_keras_model_call_finding_is_confirmed(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["keras_model_call"]
    result = analyze_file(trace["path"], Settings())
    assert result.error is None
    assert [(f.span.line, f.code) for f in result.findings] == [(13, "RNN103")]
    (finding,) = verify(result.findings, {trace["path"]: trace})
    assert finding.dynamic is not None
    assert finding.dynamic.verdict == "confirmed", finding.dynamic.evidence


def test_drivers_in_converted_call_and_no_second_entry(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["keras_call_drivers"]
    assert trace["error"] is None
    assert _run_lines(trace) == [11, 13]
    assert trace["runs"][1]["call_lines"] == [17, 12, 13]
    assert _entries(trace) == ["<module>"]
    assert {c["line"] for c in trace["created"]} == {11}


def test_direct_cell_calls_in_converted_call(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["keras_call_cell_calls"]
    assert trace["error"] is None
    assert _run_lines(trace) == [11, 12]
    assert [run["driver"] for run in trace["runs"]] == ["cell_call", "cell_call"]
    assert {c["line"] for c in trace["created"]} == {11}


def test_error_in_converted_call_points_at_its_line(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["keras_call_error"]
    assert trace["error"]["type"] == "ValueError"
    assert trace["error"]["line"] == 11
    assert trace["error"]["stack"] == [14, 11]
    assert _run_lines(trace) == [10]


def test_tf_function_runs_at_its_lines(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["tf_function"]
    assert trace["error"] is None
    assert trace["runs"] and set(_run_lines(trace)) == {8}
    assert _entries(trace) == ["<module>"]


def test_missing_import_binds_tensorflow(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["missing_import_function"]
    assert trace["error"] is None, trace["error"]
    assert _run_lines(trace) == [3]
    assert trace["runs"][0]["driver"] == "dynamic_rnn"
    assert trace["synthesized"]["tf"] == "module tensorflow"
    assert trace["synthesized"]["build(inputs)"] == "placeholder float32 [2, 3, 4]"


def test_missing_import_top_level_keeps_other_synthesis(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["missing_import_top_level"]
    assert trace["error"] is None, trace["error"]
    assert _run_lines(trace) == [4, 6]
    assert trace["synthesized"] == {"tf": "module tensorflow", "num_units": 4}
    assert [run["scope"] for run in trace["runs"]] == ["a/rnn", "b/rnn"]


def test_plan_binds_tf_as_a_module_and_define_still_wins() -> None:
    source = "cell = tf.nn.rnn_cell.LSTMCell(num_units)\nout = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)\n"
    free = make_plan(source, "f.py", {})["free"]
    assert free["tf"] == {"kind": "module", "module": "tensorflow"}
    assert free["num_units"] == {"kind": "int", "value": 4}
    assert free["inputs"]["kind"] == "placeholder"
    assert make_plan(source, "f.py", {"tf": "7"})["free"]["tf"] == {"kind": "literal", "value": 7}
    assert "tf" not in make_plan("import tensorflow as tf\nx = tf.zeros([1])\n", "f.py", {})["free"]
