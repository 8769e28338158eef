"""The TF 2 ports of legacy_seq2seq's embedding and attention models, model_with_buckets and tf.contrib.rnn's
embedding/projection wrappers build, layer by layer, the variables TF 1.15's own modules build."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List, Tuple

import pytest

from rnn_reuse_lint.dynamic.api import trace_files
from tests.conftest import FIXTURES, ROOT
from tests.dynamic.test_seq2seq_shim import _tf115

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

# Each source keeps a model call on one line: Python 3.6 and 3.11 place a multi-line call's frame differently.
_INTS = """import tensorflow as tf
s2s = tf.contrib.legacy_seq2seq
enc = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
dec = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
targets = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
weights = [tf.ones([2]) for _ in range(3)]
"""
_DEEP = "cell = tf.contrib.rnn.MultiRNNCell([tf.contrib.rnn.GRUCell(4) for _ in range(2)])\n"
_PROJ = "proj = (tf.get_variable('proj_w', [4, 12]), tf.get_variable('proj_b', [12]))\n"
SOURCES = {
    "embedding_rnn": _INTS + _DEEP + "out, st = s2s.embedding_rnn_seq2seq(enc, dec, cell, 10, 12, 4)\n",
    "embedding_rnn_fed_projected": _INTS + _DEEP + _PROJ
    + "out, st = s2s.embedding_rnn_seq2seq(enc, dec, cell, 10, 12, 4, output_projection=proj, feed_previous=True)\n",
    # feed_previous as a tensor: both decoders under one cond, the second reusing the first's variables
    "embedding_rnn_cond_lstm": _INTS + "feed = tf.placeholder(tf.bool, [])\n"
    "cell = tf.contrib.rnn.BasicLSTMCell(4)\n"
    "out, st = s2s.embedding_rnn_seq2seq(enc, dec, cell, 10, 12, 4, feed_previous=feed)\n",
    "embedding_tied_cond": _INTS + "feed = tf.placeholder(tf.bool, [])\n"
    "cell = tf.contrib.rnn.BasicLSTMCell(4)\n"
    "out, st = s2s.embedding_tied_rnn_seq2seq(enc, dec, cell, 10, 4, num_decoder_symbols=12, feed_previous=feed)\n",
    "embedding_rnn_decoder": _INTS + "cell = tf.contrib.rnn.GRUCell(4)\n"
    "init = cell.zero_state(2, tf.float32)\n"
    "out, st = s2s.embedding_rnn_decoder(dec, init, cell, 12, 4, feed_previous=True, scope='dec')\n",
    "attention_decoder": _INTS + "cell = tf.contrib.rnn.GRUCell(4)\n"
    "states = tf.placeholder(tf.float32, [2, 5, 6])\n"
    "inputs = [tf.placeholder(tf.float32, [2, 3]) for _ in range(3)]\n"
    "init = cell.zero_state(2, tf.float32)\n"
    "loop = lambda prev, i: prev[:, :3]\n"
    "out, st = s2s.attention_decoder(inputs, init, states, cell, output_size=7, num_heads=2, loop_function=loop, initial_state_attention=True)\n",  # noqa: E501
    "embedding_attention_decoder": _INTS + _DEEP + "states = tf.placeholder(tf.float32, [2, 5, 6])\n"
    "init = cell.zero_state(2, tf.float32)\n"
    "out, st = s2s.embedding_attention_decoder(dec, init, states, cell, 12, 4, feed_previous=True)\n",
    "embedding_attention": _INTS + _DEEP
    + "out, st = s2s.embedding_attention_seq2seq(enc, dec, cell, 10, 12, 4, num_heads=2)\n",
    "embedding_attention_cond_projected": _INTS + _DEEP + _PROJ + "feed = tf.placeholder(tf.bool, [])\n"
    "out, st = s2s.embedding_attention_seq2seq(enc, dec, cell, 10, 12, 4, output_projection=proj, feed_previous=feed)\n",  # noqa: E501
    # the translate tutorial's shape (TF 1.1+: a new cell per bucket, as the encoder deep-copies a cell the first
    # bucket built, which fails): buckets after the first reuse the first's variables. One GRUCell object as both
    # layers, so the stack's sharing is there in every bucket's encoder and decoder.
    "model_with_buckets_shared_stack": _INTS + "def stack():\n"
    "    one = tf.contrib.rnn.GRUCell(4)\n"
    "    return tf.contrib.rnn.MultiRNNCell([one] * 2)\n"
    "model = lambda x, y: s2s.embedding_attention_seq2seq(x, y, stack(), 10, 12, 4)\n"
    "out, losses = s2s.model_with_buckets(enc, dec, targets, weights, [(2, 2), (3, 3)], model)\n",
    "model_with_buckets_per_example": _INTS
    + "model = lambda x, y: s2s.embedding_rnn_seq2seq(x, y, tf.contrib.rnn.GRUCell(4), 10, 12, 4)\n"
    "out, losses = s2s.model_with_buckets(enc, dec, targets, weights, [(2, 3), (3, 3)], model, per_example_loss=True)\n",  # noqa: E501
    # TF 0.12-era code: one cell built outside for every bucket; the second bucket's deep copy of the cell the first
    # bucket built fails under TF 1.15, and the port fails the same way
    "model_with_buckets_one_cell": _INTS + _DEEP
    + "model = lambda x, y: s2s.embedding_attention_seq2seq(x, y, cell, 10, 12, 4)\n"
    "out, losses = s2s.model_with_buckets(enc, dec, targets, weights, [(2, 2), (3, 3)], model)\n",
    # a wrapper around a stack of distinct cells is no layer: the stack's cells are, each with its own variables
    "dropout_around_stack": _INTS + _DEEP + "cell = tf.contrib.rnn.DropoutWrapper(cell, output_keep_prob=0.5)\n"
    "x = tf.placeholder(tf.float32, [2, 3, 4])\n"
    "out, st = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n",
    "wrappers": _INTS + "cell = tf.contrib.rnn.InputProjectionWrapper(tf.contrib.rnn.GRUCell(4), 5)\n"
    "cell = tf.contrib.rnn.OutputProjectionWrapper(cell, 7)\n"
    "x = [tf.placeholder(tf.float32, [2, 3]) for _ in range(3)]\n"
    "out, st = tf.nn.static_rnn(cell, x, dtype=tf.float32)\n",
}

# sources TF 1.15 itself fails on (the port must fail there too, with what it built by then the same)
FAILING = ("model_with_buckets_one_cell",)

Shape = Tuple[List[str], List[Tuple[Any, ...]], List[Tuple[Any, ...]], List[Tuple[Any, ...]]]


def _layers(run: Dict[str, Any]) -> List[Tuple[Any, ...]]:
    return [(layer["cell"], tuple(sorted(layer["variables"])), tuple(sorted(layer["owns"])),
             tuple(sorted(layer["borrows"]))) for layer in run["layers"]]


def _shape(trace: Dict[str, Any]) -> Shape:
    created = sorted(c["name"] for c in trace["created"])
    runs = [(r["driver"], r["line"], r["scope"], r["reuse"], _layers(r)) for r in trace["runs"]]
    sharing = sorted((s.get("code") or "", s["kind"], tuple(sorted(s["variables"]))) for s in trace["sharing"])
    stacks = [(s["line"], s["class"], [(c["cell"], c["same_as"]) for c in s["cells"]]) for s in trace["stacks"]]
    return created, runs, sharing, stacks


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]:
    """Every source traced by one TF 1.15 child and one TF 2 child: name -> (TF 1.15 trace, TF 2 trace)."""
    python = _tf115()
    folder = tmp_path_factory.mktemp("seq2seq_models")
    paths = []
    for name, source in sorted(SOURCES.items()):
        path = folder / (name + ".py")
        path.write_text(source)
        paths.append(str(path))
    tf1 = trace_files(paths, timeout=300.0, python=python)
    tf2 = trace_files(paths, timeout=300.0)
    return {name: (a, b) for name, a, b in zip(sorted(SOURCES), tf1, tf2)}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_port_matches_tf115_layer_by_layer(name: str, traces: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]) -> None:
    tf1, tf2 = traces[name]
    assert tf1["tf_version"].startswith("1.15") and tf2["tf_version"].startswith("2.")
    if name in FAILING:
        assert tf1["error"] and tf2["error"], (tf1["error"], tf2["error"])
        assert (tf2["error"]["type"], tf2["error"]["line"]) == (tf1["error"]["type"], tf1["error"]["line"])
    else:
        assert tf1["error"] is None and tf2["error"] is None, (tf1["error"], tf2["error"])
    assert not tf2["tf1_only"] and not tf2["synthesized"], "the port itself ran, nothing stood in for it"
    assert tf2["runs"] and tf2["created"], "the port's runs and variables are traced"
    assert _shape(tf2) == _shape(tf1)


def test_encoder_runs_a_deep_copy(traces: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]) -> None:
    """embedding_attention_seq2seq encodes with copy.deepcopy(cell): the encoder's layers own their variables and
    the decoder's cell is another object (TF 1.1+), so no encoder/decoder sharing is reported."""
    _, tf2 = traces["embedding_attention"]
    encoder, decoder = tf2["runs"][0], tf2["runs"][1]
    assert encoder["driver"] == "static_rnn" and encoder["scope"] == "embedding_attention_seq2seq/rnn"
    assert decoder["scope"].endswith("embedding_attention_decoder/attention_decoder")
    assert encoder["layers"][0]["object"] != decoder["layers"][0]["object"]
    assert not tf2["sharing"]


def test_buckets_after_the_first_reuse(traces: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]) -> None:
    """model_with_buckets: the second bucket's encoder and decoder run under reuse and own nothing (they borrow the
    first bucket's variables); each bucket's stack holds one GRUCell object twice, under TF 2 as under TF 1.15, and
    the stack's second layer borrows its first's variables in every run (RNN101)."""
    tf1, tf2 = traces["model_with_buckets_shared_stack"]
    runs = [(r["reuse"], bool(r["layers"][0]["owns"]), bool(r["layers"][0]["borrows"])) for r in tf2["runs"]]
    assert runs == [(False, True, False)] * 2 + [(True, False, True)] * 2, runs
    assert all(not r["layers"][1]["owns"] and r["layers"][1]["borrows"] for r in tf2["runs"])
    kinds = [{(s["code"], s["kind"]) for s in trace["sharing"]} for trace in (tf1, tf2)]
    # (the second bucket's layer 1, the same object as its layer 0, also reads the first bucket's cell_0: a
    # suspicious relation without a rule of its own, the RNN101 seen across buckets)
    assert kinds[0] == kinds[1] and {("RNN101", "suspicious"), (None, "intended")} <= kinds[1], kinds
    for trace in (tf1, tf2):
        assert [[c["same_as"] for c in s["cells"]] for s in trace["stacks"]] == [[None, 0], [None, 0]]


def test_bucketed_chatbot_fixture_runs_whole_on_tf2() -> None:
    """fixtures/dynamic/rnn101_obstacle_legacy_seq2seq_buckets.py: before the ports its model_with_buckets line
    ended the trace (NotSupportedOnTF2, a reason to need --tf1-python); now TF 2 runs the bucket's model, the stack
    inside the embedding and projection wrappers shows its two layers sharing in the encoder and in the decoder, and
    check --dynamic confirms the finding plainly, without a TF 1.x interpreter."""
    path = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_legacy_seq2seq_buckets.py")
    (trace,) = trace_files([path], timeout=300.0)
    assert trace["error"] is None and not trace["tf1_only"], (trace["error"], trace["tf1_only"])
    assert [(r["driver"], [layer["cell"] for layer in r["layers"]]) for r in trace["runs"]] == [
        ("static_rnn", ["GRUCell", "GRUCell"]), ("cell_call", ["GRUCell", "GRUCell"])]
    pairs = sorted((s["code"], s["kind"], [(p["run"], p["layer"]) for p in s["between"]]) for s in trace["sharing"])
    assert pairs == [("RNN101", "suspicious", [(0, 0), (0, 1)]), ("RNN101", "suspicious", [(1, 0), (1, 1)])]
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", "--isolated", "--format",
                           "json", path], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["findings"]
    assert (finding["code"], finding["line"]) == ("RNN101", 16)
    assert (finding["dynamic"]["verdict"], finding["dynamic"]["reached_via"]) == ("confirmed", "plain")
    assert finding["dynamic"]["evidence"].startswith("TF 2.")


def test_a_wrapper_around_a_stack_is_no_layer(traces: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]) -> None:
    """DropoutWrapper (or EmbeddingWrapper) around a MultiRNNCell of two GRUCells: two layers, each owning its own
    cell_N variables, and no sharing (the wrapper was taken as layer 0 and every cell's variables counted as its,
    so layer 1 seemed to borrow: a false RNN101)."""
    for trace in traces["dropout_around_stack"] + traces["embedding_attention"]:
        assert not trace["sharing"], trace["sharing"]
        for run in trace["runs"]:
            assert [(len(layer["owns"]), len(layer["borrows"])) for layer in run["layers"]] == [(4, 0), (4, 0)]
            assert all("/cell_%d/" % layer["index"] in name for layer in run["layers"] for name in layer["owns"])


_TF012 = """import tensorflow as tf
from tensorflow.models.rnn import seq2seq as models_seq2seq
enc = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
dec = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(4) for _ in range(2)])
cell = tf.nn.rnn_cell.OutputProjectionWrapper(cell, 12)
assert models_seq2seq.embedding_attention_seq2seq is tf.nn.seq2seq.embedding_attention_seq2seq
out, st = tf.nn.seq2seq.embedding_attention_seq2seq(enc, dec, cell, 10, 12, 4, output_projection=None)
"""


def test_tf012_spellings_reach_the_port(tmp_path: Any) -> None:
    """TF 0.12 code (`tf.nn.seq2seq`, `tf.nn.rnn_cell.OutputProjectionWrapper`, `tensorflow.models.rnn.seq2seq`) gets
    the same port on TF 2 (TF 1.15 itself has none of these names)."""
    from tests.dynamic.conftest import trace_sources

    traced = trace_sources(str(tmp_path), {"tf012": _TF012})["tf012"]
    assert traced["error"] is None and not traced["tf1_only"], traced["error"]
    names = {c["name"] for c in traced["created"]}
    assert ("embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/output_projection_wrapper/"
            "output_projection_wrapper/kernel") in names, sorted(names)
    assert [len(run["layers"]) for run in traced["runs"]] == [2, 2]
