"""A `for` loop over an iterable known to be empty never runs its body (only its `else:`)."""
from __future__ import annotations

from pathlib import Path

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

STACK = '''import tensorflow as tf


def stack(inputs):
    depth = DEPTH
    unit = tf.nn.rnn_cell.LSTMCell(16)
    layers = [unit]
    for _ in range(1, depth - 1):
        layers.append(unit)
    return tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(layers), inputs, dtype=tf.float32)
'''


def _codes(tmp_path: Path, source: str) -> list[tuple[int, str]]:
    path = tmp_path / "stack.py"
    path.write_text(source, encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    return [(f.span.line, f.code) for f in result.findings]


def test_an_empty_range_adds_no_layer(tmp_path: Path) -> None:
    # depth 1 and 2: `range(1, 0)` and `range(1, 1)` are empty, the stack has one layer (TF 2.21 compat.v1 makes
    # only cell_0's weights, fixtures/rnn101_empty_loop_range.py); depth 3 runs the body once: two layers, one cell
    assert _codes(tmp_path, STACK.replace("DEPTH", "1")) == []
    assert _codes(tmp_path, STACK.replace("DEPTH", "2")) == []
    assert _codes(tmp_path, STACK.replace("DEPTH", "3")) == [(10, "RNN101")]


def test_an_unknown_range_may_run(tmp_path: Path) -> None:
    unknown = STACK.replace("def stack(inputs):", "def stack(inputs, depth):").replace("    depth = DEPTH\n", "")
    assert _codes(tmp_path, unknown) == [(9, "RNN101")]


def test_the_else_of_an_empty_loop_still_runs(tmp_path: Path) -> None:
    with_else = STACK.replace("DEPTH", "1").replace(
        "        layers.append(unit)\n", "        pass\n    else:\n        layers.append(unit)\n")
    assert _codes(tmp_path, with_else) == [(12, "RNN101")]


def test_a_list_another_method_fills_is_not_known_empty(tmp_path: Path) -> None:
    # `self.cells` starts empty in __init__, but `build` (called by a user before `run`) fills it: `run` must not
    # take it as empty, or the shared stack it makes would be lost.
    source = '''import tensorflow as tf


class Net(object):
    def __init__(self):
        self.cells = []
        self.cell = tf.nn.rnn_cell.LSTMCell(8)

    def build(self, n):
        for _ in range(n):
            self.cells.append(self.cell)

    def run(self, x):
        layers = []
        for c in self.cells:
            layers.append(c)
        return tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(layers), x, dtype=tf.float32)
'''
    assert _codes(tmp_path, source) == [(17, "RNN101")]
