import tensorflow as tf

stack = tf.nn.rnn_cell.MultiRNNCell([
