"""Ignored by per-file-ignores in pyproject.toml."""
import tensorflow as tf

cell = tf.nn.rnn_cell.LSTMCell(32)
stack = tf.nn.rnn_cell.MultiRNNCell([cell, cell])
