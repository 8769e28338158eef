"""One cell object in several layers: contrib.grid_rnn cells share their inner cells; a flag's TF-cell branch shares."""
from __future__ import annotations

from pathlib import Path

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

SOURCE = '''import tensorflow as tf
from tensorflow.contrib import grid_rnn


def encoder(inputs, kind, layers):
    if kind == "LSTM":
        cell = tf.nn.rnn_cell.LSTMCell(32)
    elif kind == "GRID":
        cell = grid_rnn.Grid2LSTMCell(32)
    else:
        raise ValueError(kind)
    forward = tf.nn.rnn_cell.MultiRNNCell(STACK)
    backward = tf.nn.rnn_cell.MultiRNNCell(STACK)
    return tf.nn.bidirectional_dynamic_rnn(forward, backward, inputs, dtype=tf.float32)
'''


def _codes(tmp_path: Path, stack: str) -> list[tuple[int, str]]:
    path = tmp_path / "encoder.py"
    path.write_text(SOURCE.replace("STACK", stack), encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    return sorted((f.span.line, f.code) for f in result.findings)


def test_a_flag_choosing_a_tf_cell_or_a_grid_cell_shares_either_way(tmp_path: Path) -> None:
    # handwriting-recognition shape: one cell, chosen by a flag, listed per layer in both directions
    assert _codes(tmp_path, "[cell] * layers") == [(12, "RNN101"), (13, "RNN101"), (14, "RNN102")]


def test_a_new_cell_per_layer_stays_quiet(tmp_path: Path) -> None:
    fresh = "[grid_rnn.Grid2LSTMCell(32) for _ in range(layers)]"
    assert _codes(tmp_path, fresh) == []


PROJECT = '''import tensorflow as tf


class PerCallCell(tf.nn.rnn_cell.RNNCell):
    def __call__(self, inputs, state, scope=None):
        with tf.variable_scope(scope or "per_call"):
            return tf.nn.rnn_cell.GRUCell(16)(inputs, state)


def stack(inputs, use_project_cell, layers=3):
    cell = CHOICE
    return tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * layers), inputs, dtype=tf.float32)
'''


def test_a_flag_choosing_a_tf_cell_or_a_per_call_class_is_reported_for_the_tf_branch(tmp_path: Path) -> None:
    # TF 1.15: the project class gets a weight set per layer, the GRUCell branch fails on layer 1
    # (fixtures/rnn101_grid_rnn_cells.py, project_or_tf)
    path = tmp_path / "choice.py"
    for choice, expected in (("PerCallCell() if use_project_cell else tf.nn.rnn_cell.GRUCell(16)", [(12, "RNN101")]),
                             ("PerCallCell()", [])):
        path.write_text(PROJECT.replace("CHOICE", choice), encoding="utf-8")
        result = analyze_file(str(path), Settings(select=("RNN",)))
        assert result.error is None, result.error
        assert sorted((f.span.line, f.code) for f in result.findings) == expected, choice
