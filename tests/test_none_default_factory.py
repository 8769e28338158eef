"""A parameter that defaults to None but is called in the body is, in a generic pass, a caller's callable."""
from __future__ import annotations

from pathlib import Path

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

LAYER = '''import tensorflow as tf


def layer(inputs, make_unit=None, depth=3):
    unit = make_unit(16)
    stack = tf.nn.rnn_cell.MultiRNNCell([unit] * depth)
    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
'''


def _codes(tmp_path: Path, source: str) -> list[tuple[int, str]]:
    path = tmp_path / "layer.py"
    path.write_text(source, encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    return [(f.span.line, f.code) for f in result.findings]


def test_a_called_none_default_is_one_object_per_call_like_a_parameter_without_default(tmp_path: Path) -> None:
    # Calling None raises TypeError, so the stack is only built when a caller passed a factory: its one result
    # is every layer (fixtures/rnn101_factory_param_defaults_none.py run under TF 2.21 compat.v1 with LSTMCell:
    # "Dimensions must be equal, but are 64 and 40").
    assert _codes(tmp_path, LAYER) == [(6, "RNN101")]
    assert _codes(tmp_path, LAYER.replace("make_unit=None", "make_unit")) == [(6, "RNN101")]


def test_the_factory_called_once_per_layer_stays_quiet(tmp_path: Path) -> None:
    fresh = LAYER.replace("[unit] * depth", "[make_unit(16) for _ in range(depth)]")
    assert _codes(tmp_path, fresh) == []


def test_a_caller_that_passes_none_still_decides(tmp_path: Path) -> None:
    # With a caller in the file its arguments are used, not the generic pass: None is called, nothing is built.
    called = LAYER + "\n\nlayer(tf.zeros([2, 3, 4]), make_unit=None)\n"
    assert _codes(tmp_path, called) == []
