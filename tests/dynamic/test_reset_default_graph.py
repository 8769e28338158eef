"""tf.reset_default_graph() in user code, traced with real TensorFlow: it works as in a plain script run.

The child used to run the top level inside its own `with graph.as_default():`, where TF refuses a reset
("Do not use tf.reset_default_graph() to clear nested graphs"). Now every unit starts in a fresh global
default graph, so a reset starts a new graph (a new variable store) and the trace tells the graphs apart.
"""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.dynamic.conftest import trace_sources

pytestmark = pytest.mark.dynamic

BUILD = ("x = tf.placeholder(tf.float32, [2, 3, 4])\n"
         "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n")
GRU_VARS = ["rnn/gru_cell/gates/kernel", "rnn/gru_cell/gates/bias",
            "rnn/gru_cell/candidate/kernel", "rnn/gru_cell/candidate/bias"]

CASES = {
    # The reported file: build, reset, build the same names again.
    "module_level": "import tensorflow as tf\n" + BUILD + "tf.reset_default_graph()\n" + BUILD,
    "compat_v1": "import tensorflow as tf\n" + BUILD + "tf.compat.v1.reset_default_graph()\n" + BUILD,
    "compat_v1_import": ("import tensorflow.compat.v1 as tf\n" + BUILD + "tf.reset_default_graph()\n" + BUILD),
    # Keras' clear_session() resets the default graph too (tf_keras in TF1 graph mode).
    "keras_clear_session": "import tensorflow as tf\n" + BUILD + "tf.keras.backend.clear_session()\n" + BUILD,
    # A model builder that starts with a reset, called twice; and the same builder run as an unreached entry.
    "builder_called_twice": (
        "import tensorflow as tf\n\n\n"
        "def create_model():\n"
        "    tf.reset_default_graph()\n"
        "    cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "    return tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, 4]), dtype=tf.float32)\n\n\n"
        "create_model()\n"
        "create_model()\n"),
    "builder_as_entry": (
        "import tensorflow as tf\n\n\n"
        "def create_model():\n"
        "    tf.reset_default_graph()\n"
        "    cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "    return tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [2, 3, 4]), dtype=tf.float32)\n"),
    "reset_in_loop": (
        "import tensorflow as tf\n"
        "for trial in range(3):\n"
        "    tf.reset_default_graph()\n"
        "    x = tf.placeholder(tf.float32, [2, 3, 4])\n"
        "    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"),
    # A synthesized free name is made again in the new graph, not reused from the one that was reset.
    "synthesized_input": (
        "import tensorflow as tf\n"
        "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), inputs, dtype=tf.float32)\n"
        "tf.reset_default_graph()\n"
        "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), inputs, dtype=tf.float32)\n"),
    # Without a reset the second build collides, as in a plain script.
    "no_reset_collides": "import tensorflow as tf\n" + BUILD + BUILD,
    # User graphs keep working: each block is its own graph, and so is the top level around them.
    "graph_blocks": (
        "import tensorflow as tf\n"
        "for trial in range(2):\n"
        "    with tf.Graph().as_default():\n"
        "        x = tf.placeholder(tf.float32, [2, 3, 4])\n"
        "        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
        + BUILD),
    # A reset inside a user's own graph block is refused by TF, as in a plain script.
    "reset_inside_graph_block": (
        "import tensorflow as tf\n"
        "with tf.Graph().as_default():\n"
        "    tf.reset_default_graph()\n"),
    # A graph entered and never left must not leak into the next file the warm child traces.
    "entered_never_left": ("import tensorflow as tf\n"
                           "graph = tf.Graph()\n"
                           "keep = graph.as_default()\n"
                           "keep.__enter__()\n" + BUILD),
    "after_leak": "import tensorflow as tf\n" + BUILD + "tf.reset_default_graph()\n" + BUILD,
}


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    return trace_sources(str(tmp_path_factory.mktemp("reset")), CASES)


def _graphs_of_runs(trace: Dict[str, Any]) -> List[int]:
    return [run["graph"] for run in trace["runs"]]


def _assert_separate_builds(trace: Dict[str, Any], count: int) -> None:
    assert trace["error"] is None, trace["error"]
    runs = trace["runs"]
    assert len(runs) == count
    assert len(set(_graphs_of_runs(trace))) == count, "every build is in its own graph"
    for run in runs:
        (layer,) = run["layers"]
        assert layer["variables"] == GRU_VARS
        assert layer["owns"] == GRU_VARS, "each build creates its own variables"
        assert layer["borrows"] == []
    assert trace["sharing"] == []
    created = trace["created"]
    assert sorted(c["name"] for c in created) == sorted(GRU_VARS * count)
    for graph in set(_graphs_of_runs(trace)):
        assert sorted(c["name"] for c in created if c["graph"] == graph) == sorted(GRU_VARS)


@pytest.mark.parametrize("name", ["module_level", "compat_v1", "compat_v1_import", "keras_clear_session",
                                  "builder_called_twice", "synthesized_input", "after_leak"])
def test_reset_gives_a_new_graph(traced: Dict[str, Dict[str, Any]], name: str) -> None:
    _assert_separate_builds(traced[name], 2)


def test_reset_every_loop_pass(traced: Dict[str, Dict[str, Any]]) -> None:
    _assert_separate_builds(traced["reset_in_loop"], 3)


def test_reset_in_an_entry_point(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["builder_as_entry"]
    assert [(e["name"], e["error"]) for e in trace["entries"]] == [("<module>", None), ("create_model", None)]
    _assert_separate_builds(trace, 1)
    assert trace["runs"][0]["entry"] == "create_model"


def test_synthesized_name_made_in_each_graph(traced: Dict[str, Dict[str, Any]]) -> None:
    assert "inputs" in traced["synthesized_input"]["synthesized"]


def test_without_reset_the_names_collide(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["no_reset_collides"]
    assert trace["error"] is not None and "already exists" in trace["error"]["message"]
    assert len(set(_graphs_of_runs(trace))) == 1
    assert any(s["code"] == "RNN104" for s in trace["sharing"])


def test_user_graph_blocks_still_separate(traced: Dict[str, Dict[str, Any]]) -> None:
    _assert_separate_builds(traced["graph_blocks"], 3)


def test_reset_inside_a_graph_block_is_refused_as_by_tf(traced: Dict[str, Dict[str, Any]]) -> None:
    error = traced["reset_inside_graph_block"]["error"]
    assert error is not None
    assert error["type"] == "AssertionError" and "nested graphs" in error["message"]
    assert error["line"] == 3


def test_graph_entered_and_never_left(traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced["entered_never_left"]
    assert trace["error"] is None, trace["error"]
    assert len(trace["runs"]) == 1
