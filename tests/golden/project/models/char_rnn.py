"""Character-level language model (golden fixture: RNN101 twice, one clean twin)."""
import tensorflow as tf

rnn = tf.nn.rnn_cell


def build_shared(hidden, layers):
    cell = rnn.BasicLSTMCell(hidden)
    return rnn.MultiRNNCell([cell] * layers)


def build_appended(hidden, layers):
    base = rnn.GRUCell(hidden)
    cells = []
    for _ in range(layers):
        cells.append(rnn.DropoutWrapper(base, output_keep_prob=0.8))
    return rnn.MultiRNNCell(cells)


def build_fresh(hidden, layers):
    return rnn.MultiRNNCell([rnn.BasicLSTMCell(hidden) for _ in range(layers)])
