"""Bidirectional tagger (golden fixture: RNN102, one silenced by noqa, one clean twin)."""
import tensorflow as tf


def encode(inputs, lengths, hidden):
    cell = tf.nn.rnn_cell.LSTMCell(hidden)
    return tf.nn.bidirectional_dynamic_rnn(cell, cell, inputs, sequence_length=lengths, dtype=tf.float32)


def encode_tied_on_purpose(inputs, hidden):
    tied = tf.nn.rnn_cell.GRUCell(hidden)
    return tf.nn.bidirectional_dynamic_rnn(tied, tied, inputs, dtype=tf.float32)  # noqa: RNN102


def encode_separate(inputs, hidden):
    fw = tf.nn.rnn_cell.LSTMCell(hidden)
    bw = tf.nn.rnn_cell.LSTMCell(hidden)
    return tf.nn.bidirectional_dynamic_rnn(fw, bw, inputs, dtype=tf.float32)
