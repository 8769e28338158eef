"""contrib.grid_rnn cells are cells: one grid cell object in several layers or both directions shares its
inner recurrent weights (TF 1.15, fixtures/rnn101_grid_rnn_cells.py)."""
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
