"""A module bound by `try: import` / `except ImportError: import` under two paths resolves as that one module."""
from __future__ import annotations

from pathlib import Path

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

SOURCE = '''import tensorflow as tf
try:
    from FIRST import rnn_cell
except ImportError:
    from SECOND import rnn_cell


def stack(inputs, depth=3):
    unit = rnn_cell.BasicLSTMCell(16)
    return tf.nn.dynamic_rnn(rnn_cell.MultiRNNCell([unit] * depth), inputs, dtype=tf.float32)
'''


def _codes(tmp_path: Path, first: str, second: str) -> list[tuple[int, str]]:
    path = tmp_path / "acoustic.py"
    path.write_text(SOURCE.replace("FIRST", first).replace("SECOND", second), encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    return [(f.span.line, f.code) for f in result.findings]


def test_the_tf0_path_with_its_fallback_is_one_module(tmp_path: Path) -> None:
    # TF 1.15 takes the fallback and fails with "Dimensions must be equal"
    # (fixtures/rnn101_try_import_fallback_module.py)
    assert _codes(tmp_path, "tensorflow.models.rnn", "tensorflow.python.ops") == [(10, "RNN101")]
    assert _codes(tmp_path, "tensorflow.contrib", "tensorflow.nn").count((10, "RNN101")) == 1


def test_a_new_cell_per_layer_through_the_fallback_stays_quiet(tmp_path: Path) -> None:
    fresh = "[rnn_cell.BasicLSTMCell(16) for _ in range(depth)]"
    path = tmp_path / "fresh.py"
    path.write_text(SOURCE.replace("FIRST", "tensorflow.models.rnn").replace("SECOND", "tensorflow.python.ops")
                    .replace("[unit] * depth", fresh), encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None and not result.findings
