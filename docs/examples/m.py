import tensorflow as tf
cell = tf.nn.rnn_cell.LSTMCell(8)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
