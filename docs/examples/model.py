import tensorflow as tf


def build(inputs, config, is_training):
    cell = tf.nn.rnn_cell.LSTMCell(config.hidden_size)
    if is_training and config.keep_prob < 1:
        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=config.keep_prob)
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * config.num_layers)
    outputs, _ = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
    return outputs


def encode(inputs, hidden):
    gru = tf.nn.rnn_cell.GRUCell(hidden)
    return tf.nn.bidirectional_dynamic_rnn(gru, gru, inputs, dtype=tf.float32)
