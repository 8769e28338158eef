"""`explain`: predicted variables per layer, sharing relations, and the seed question answered."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rnn_reuse_lint.engine import analyze_bytes
from rnn_reuse_lint.explain import explain_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, ROOT

SEED = os.path.join(FIXTURES, "seed_second_stack_reuses.py")


def test_seed_layer_i_of_second_stack_uses_layer_i_of_first() -> None:
    doc = explain_file(SEED, Settings())
    first, second = doc["runs"]
    assert (first["scope"], first["reuse"], second["scope"], second["reuse"]) == ("lstm/rnn", False, "lstm/rnn", True)
    for i in range(3):
        expected = [f"lstm/rnn/multi_rnn_cell/cell_{i}/lstm_cell/kernel", f"lstm/rnn/multi_rnn_cell/cell_{i}/lstm_cell/bias"]
        assert first["layers"][i]["variables"] == expected
        assert second["layers"][i]["variables"] == expected
        assert second["layers"][i]["borrows_from"] == {"run": 0, "layer": i}
    pairs = [(s["kind"], s["code"], s["between"][0]["layer"], s["between"][1]["layer"]) for s in doc["sharing"]]
    assert pairs == [("intended", None, i, i) for i in range(3)]


def test_seed_has_no_findings() -> None:
    with open(SEED, "rb") as handle:
        assert analyze_bytes(handle.read(), SEED, Settings()).findings == ()


def _variables(source: str, version: str = "2") -> list:  # type: ignore[type-arg]
    path = os.path.join(ROOT, "build", "explain_case.py")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write("import tensorflow as tf\nx = tf.placeholder(tf.float32, [2, 3, 5])\n" + source)
    doc = explain_file(path, Settings(tf_version=version))
    return [layer["variables"] for run in doc["runs"] for layer in run["layers"]]


@pytest.mark.parametrize("cell, version, expected", [
    pytest.param("BasicRNNCell(4)", "2", ["rnn/basic_rnn_cell/kernel", "rnn/basic_rnn_cell/bias"], id="basic-rnn"),
    pytest.param("GRUCell(4)", "2", ["rnn/gru_cell/gates/kernel", "rnn/gru_cell/gates/bias",
                                     "rnn/gru_cell/candidate/kernel", "rnn/gru_cell/candidate/bias"], id="gru"),
    pytest.param("BasicLSTMCell(4)", "1.0", ["rnn/basic_lstm_cell/weights", "rnn/basic_lstm_cell/biases"],
                 id="basic-lstm-tf-1.0-names"),
    pytest.param("LSTMCell(4, use_peepholes=True, num_proj=3)", "2",
                 ["rnn/lstm_cell/kernel", "rnn/lstm_cell/bias", "rnn/lstm_cell/w_f_diag", "rnn/lstm_cell/w_i_diag",
                  "rnn/lstm_cell/w_o_diag", "rnn/lstm_cell/projection/kernel"], id="lstm-peepholes-projection"),
    pytest.param("LSTMCell(4, name='enc_lstm')", "2", ["rnn/enc_lstm/kernel", "rnn/enc_lstm/bias"], id="name-argument"),
])
def test_name_prediction_per_cell_class(cell: str, version: str, expected: list) -> None:  # type: ignore[type-arg]
    assert _variables(f"out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.{cell}, x, dtype=tf.float32)\n", version) == [expected]


def test_bidirectional_and_scope_argument() -> None:
    layers = _variables("out, _ = tf.nn.bidirectional_dynamic_rnn(tf.nn.rnn_cell.GRUCell(2), "
                        "tf.nn.rnn_cell.GRUCell(2), x, dtype=tf.float32, scope='enc')\n")
    assert [v[0] for v in layers] == ["enc/fw/gru_cell/gates/kernel", "enc/bw/gru_cell/gates/kernel"]


def test_borrowed_layers_list_the_first_layers_names() -> None:
    layers = _variables("cell = tf.nn.rnn_cell.LSTMCell(4)\n"
                        "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * 3), x, dtype=tf.float32)\n")
    assert layers == [["rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias"]] * 3


def test_explain_cli_text_and_json() -> None:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", SEED], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0 and "borrows run 0 layer 2" in proc.stdout and "intended" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--format", "json", SEED],
                          capture_output=True, text=True, cwd=ROOT)
    assert json.loads(proc.stdout)["runs"][1]["reuse"] is True


def test_define_gives_free_names_a_value(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "snippet.py"
    path.write_text("stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(h) for _ in range(n_layers)])\n"
                    "out, _ = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)\n")
    without = explain_file(str(path), Settings())
    assert [(layer["index"], layer["variables"][0]) for layer in without["runs"][0]["layers"]] == [
        ("i", "rnn/multi_rnn_cell/cell_{i}/gru_cell/gates/kernel")]
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--format", "json", "--define",
                           "n_layers=3", str(path)], capture_output=True, text=True, cwd=ROOT)
    layers = json.loads(proc.stdout)["runs"][0]["layers"]
    assert [layer["variables"][0] for layer in layers] == [
        f"rnn/multi_rnn_cell/cell_{i}/gru_cell/gates/kernel" for i in range(3)]


def test_branch_decided_by_inlined_argument() -> None:
    layers = _variables("def build(x, training):\n"
                        "    cell = tf.nn.rnn_cell.GRUCell(2)\n"
                        "    if training:\n"
                        "        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)\n"
                        "    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, scope='s')\n"
                        "a = build(x, training=True)\n")
    assert layers[0][0] == "s/gru_cell/gates/kernel"


def test_legacy_seq2seq_encoder_runs_on_a_copy() -> None:
    source = ("cell = tf.contrib.rnn.GRUCell(4)\n"
              "outputs, state = tf.contrib.legacy_seq2seq.basic_rnn_seq2seq(enc, dec, cell)\n")
    layers = _variables(source)
    assert [v[0] for v in layers] == ["basic_rnn_seq2seq/rnn/gru_cell/gates/kernel",
                                      "basic_rnn_seq2seq/rnn_decoder/gru_cell/gates/kernel"]
    path = os.path.join(ROOT, "build", "explain_case.py")
    assert explain_file(path, Settings())["sharing"] == []


def test_tied_seq2seq_shares_on_purpose() -> None:
    _variables("o, s = tf.contrib.legacy_seq2seq.tied_rnn_seq2seq(enc, dec, tf.contrib.rnn.GRUCell(4))\n")
    doc = explain_file(os.path.join(ROOT, "build", "explain_case.py"), Settings())
    assert [(s["kind"], s["code"]) for s in doc["sharing"]] == [("intended", None)]
    assert doc["runs"][0]["layers"][0]["variables"][0] == "combined_tied_rnn_seq2seq/tied_rnn_seq2seq/gru_cell/gates/kernel"


def test_comprehension_using_its_index_is_spelled_out() -> None:
    layers = _variables("cells = [tf.nn.rnn_cell.LSTMCell(4, name='lstm_%d' % i) for i in range(2)]\n"
                        "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(cells), x, dtype=tf.float32)\n")
    assert [v[0] for v in layers] == ["rnn/multi_rnn_cell/cell_0/lstm_0/kernel", "rnn/multi_rnn_cell/cell_1/lstm_1/kernel"]


def test_sharing_with_an_unknown_scope_or_reuse_is_unknown_not_rnn103(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # RNN103 needs both scopes; where one is unknown explain must not claim RNN103 either. An unknown reuse flag
    # (line 8) does not matter when nothing was created under that scope: on or off, the cell uses `encoder`'s.
    from rnn_reuse_lint.commands.explain import render_text

    path = tmp_path / "m.py"
    path.write_text("import tensorflow as tf\n"
                    "cell = tf.nn.rnn_cell.LSTMCell(4)\n"
                    "with tf.variable_scope('encoder'):\n"
                    "    a, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
                    "with tf.variable_scope(name):\n"
                    "    b, _ = tf.nn.dynamic_rnn(cell, y, dtype=tf.float32)\n"
                    "with tf.variable_scope('decoder', reuse=flag):\n"
                    "    c, _ = tf.nn.dynamic_rnn(cell, y, dtype=tf.float32)\n"
                    "with tf.variable_scope('other'):\n"
                    "    d, _ = tf.nn.dynamic_rnn(cell, y, dtype=tf.float32)\n")
    doc = explain_file(str(path), Settings())
    assert [(s["kind"], s["code"], s["between"][1]["line"]) for s in doc["sharing"]] == [
        ("unknown", None, 6), ("suspicious", "RNN103", 8), ("suspicious", "RNN103", 10)]
    findings = analyze_bytes(path.read_bytes(), str(path), Settings()).findings
    assert [(f.code, f.span.line) for f in findings] == [("RNN103", 8), ("RNN103", 10)]
    assert "    unknown: run 0 (line 4) layer 0 and run 1 (line 6) layer 0 use encoder/rnn/lstm_cell/kernel" \
        in render_text(doc)


def test_rnn104_collisions_are_listed_with_the_sharing() -> None:
    _variables("a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2) for _ in range(2)]), "
               "x, dtype=tf.float32)\n"
               "b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2) for _ in range(2)]), "
               "x, dtype=tf.float32)\n")
    path = os.path.join(ROOT, "build", "explain_case.py")
    doc = explain_file(path, Settings())
    relations = [(s["kind"], s["code"], [(e["run"], e["layer"]) for e in s["between"]], s["variables"][0])
                 for s in doc["sharing"]]
    expected = [("suspicious", "RNN104", [(0, i), (1, i)], f"rnn/multi_rnn_cell/cell_{i}/gru_cell/gates/kernel")
                for i in range(2)]
    assert relations == expected
    with open(path, "rb") as handle:
        assert {f.code for f in analyze_bytes(handle.read(), path, Settings()).findings} == {"RNN104"}


SEED_AS_PASTED = os.path.join(FIXTURES, "dynamic", "intended_seed_reuse_variables.py")  # free n_layers, nstates, x


def test_seed_as_pasted_answers_with_a_symbolic_layer() -> None:
    """Free names: one layer i per stack, and layer i of the second stack borrows layer i of the first."""
    doc = explain_file(SEED_AS_PASTED, Settings())
    first, second = doc["runs"]
    names = ["lstm/rnn/multi_rnn_cell/cell_{i}/lstm_cell/kernel", "lstm/rnn/multi_rnn_cell/cell_{i}/lstm_cell/bias"]
    assert [(lay["index"], lay["variables"]) for lay in first["layers"]] == [("i", names)]
    assert [(lay["index"], lay["variables"], lay["borrows_from"]) for lay in second["layers"]] == [
        ("i", names, {"run": 0, "layer": "i"})]
    assert [(s["kind"], [e["layer"] for e in s["between"]]) for s in doc["sharing"]] == [("intended", ["i", "i"])]
    from rnn_reuse_lint.commands.explain import render_text

    text = render_text(doc)
    assert "layer i: LSTMCell (line 7) lstm/rnn/multi_rnn_cell/cell_{i}/lstm_cell/kernel" in text
    assert "<- borrows run 0 layer i" in text
    assert "intended: run 0 (line 14) layer i and run 1 (line 20) layer i use" in text


def test_same_cell_times_unknown_n_is_layer_0_then_layer_i_borrowing_it() -> None:
    layers = _variables("cell = tf.nn.rnn_cell.LSTMCell(4)\n"
                        "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * n), x, dtype=tf.float32)\n")
    doc = explain_file(os.path.join(ROOT, "build", "explain_case.py"), Settings())
    assert [(lay["index"], lay.get("borrows_from")) for lay in doc["runs"][0]["layers"]] == [
        (0, None), ("i", {"run": 0, "layer": 0})]
    assert layers == [["rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias"]] * 2


def test_symbolic_layers_raise_no_finding_against_a_known_depth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A known-depth run creates cell_0, cell_1; a reuse run of unknown depth names cell_{i}: not RNN105.
    path = tmp_path / "m.py"
    path.write_text("import tensorflow as tf\n"
                    "with tf.variable_scope('m'):\n"
                    "    a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2) "
                    "for _ in range(2)]), x, dtype=tf.float32)\n"
                    "with tf.variable_scope('m', reuse=True):\n"
                    "    b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(2) "
                    "for _ in range(k)]), x, dtype=tf.float32)\n")
    assert analyze_bytes(path.read_bytes(), str(path), Settings()).findings == ()
    doc = explain_file(str(path), Settings())
    assert [lay["index"] for lay in doc["runs"][1]["layers"]] == ["i"]


def test_keras_paths_follow_tf_keras_layer_names() -> None:
    layers = _variables("a = tf.keras.layers.LSTM(8, name='enc')(x)\n"
                        "b = tf.keras.layers.Bidirectional(tf.keras.layers.GRU(4))(x)\n"
                        "c = tf.keras.layers.RNN([tf.keras.layers.GRUCell(4), tf.keras.layers.GRUCell(4)])(x)\n"
                        "d = tf.keras.layers.RNN(tf.keras.layers.GRUCell(4))(x)\n"
                        "def build(y):\n"
                        "    return tf.keras.layers.LSTM(4)(y), tf.keras.layers.LSTM(4, name='named')(y)\n")
    assert [v[0] if v else None for v in layers] == [
        "enc/lstm_cell/kernel", "bidirectional/forward_gru/gru_cell/kernel",
        "bidirectional/backward_gru/gru_cell/kernel", "rnn/stacked_rnn_cells/gru_cell/kernel",
        "rnn/stacked_rnn_cells/gru_cell_1/kernel", "rnn_1/gru_cell_2/kernel",
        None,  # numbered inside a function evaluated on its own: where the counters stand is unknown
        "named/lstm_cell/kernel"]
