"""TF1 code on TF 2: compat.v1 served to user code (and its own helper modules), contrib mapped or refused clearly."""
from __future__ import annotations

from typing import Any, Dict

import pytest

pytestmark = pytest.mark.dynamic

FILES = {
    "helpers.py": """
import tensorflow as tf

def make_stack(n):
    return tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(4) for _ in range(n)])
""",
    "uses_helper.py": """
import tensorflow as tf
import tensorflow.python.ops.rnn as rnn_ops
from tensorflow.nn.rnn_cell import GRUCell
from helpers import make_stack
x = tf.placeholder(tf.float32, [2, 3, 4])
out, _ = rnn_ops.dynamic_rnn(make_stack(2), x, dtype=tf.float32)
out2, _ = tf.nn.dynamic_rnn(GRUCell(4), x, dtype=tf.float32, scope="gru")
""",
    "contrib_mapped.py": """
import tensorflow as tf
from tensorflow.contrib.rnn import *
cell = MultiRNNCell([BasicLSTMCell(4), tf.contrib.rnn.GRUCell(4)])
init = tf.contrib.layers.xavier_initializer()
outs, _ = static_rnn(cell, [tf.placeholder(tf.float32, [2, 4])] * 3, dtype=tf.float32)
""",
    "contrib_missing.py": """
import tensorflow as tf
cell = tf.contrib.rnn.LayerNormBasicLSTMCell(4)
""",
    "seq2seq_missing.py": """
import tensorflow as tf
from tensorflow.contrib import seq2seq
""",
    "keras3_beside.py": """
import keras
import tensorflow as tf
x = tf.placeholder(tf.float32, [2, 3, 4])
out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)
""",
}


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    from rnn_reuse_lint.dynamic.api import trace_files

    folder = tmp_path_factory.mktemp("shim")
    for name, body in FILES.items():
        (folder / name).write_text(body)
    names = [n for n in FILES if n != "helpers.py"]
    return dict(zip(names, trace_files([str(folder / n) for n in names], timeout=60.0)))


def test_user_helpers_and_api_submodules_import_as_tf1(traces: Dict[str, Dict[str, Any]]) -> None:
    trace = traces["uses_helper.py"]
    assert trace["error"] is None
    assert [(r["driver"], r["scope"], len(r["layers"])) for r in trace["runs"]] == [
        ("dynamic_rnn", "rnn", 2), ("dynamic_rnn", "gru", 1)]


def test_contrib_rnn_names_map_onto_compat_v1(traces: Dict[str, Dict[str, Any]]) -> None:
    trace = traces["contrib_mapped.py"]
    assert trace["error"] is None
    (run,) = trace["runs"]
    assert run["driver"] == "static_rnn"
    assert [lay["cell"] for lay in run["layers"]] == ["BasicLSTMCell", "GRUCell"]


@pytest.mark.parametrize("name, missing", [
    pytest.param("contrib_missing.py", "tf.contrib.rnn.LayerNormBasicLSTMCell", id="contrib cell"),
    pytest.param("seq2seq_missing.py", "tf.contrib.seq2seq", id="contrib module"),
])
def test_unmapped_contrib_is_a_clear_error(traces: Dict[str, Dict[str, Any]], name: str, missing: str) -> None:
    error = traces[name]["error"]
    assert error["type"] == "NotSupportedOnTF2" and error["line"] == 3
    assert error["message"].startswith("not supported on TF 2: %s" % missing)


def test_libraries_still_see_the_real_tensorflow(traces: Dict[str, Dict[str, Any]]) -> None:
    trace = traces["keras3_beside.py"]
    assert trace["error"] is None and len(trace["runs"]) == 1
