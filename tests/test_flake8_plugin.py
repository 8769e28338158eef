"""The plugin through a real flake8 subprocess: entry point, codes, noqa, --select, E999 on syntax errors."""
from __future__ import annotations

import subprocess
import sys
from typing import List

import pytest

BAD = ("import tensorflow as tf\n"
       "cell = tf.nn.rnn_cell.LSTMCell(8)\n"
       "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"
       "out, st = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n")


def flake8(path: str, *flags: str) -> List[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", *flags, path], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def test_plugin_is_registered() -> None:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True)
    assert "rnn-reuse-lint" in proc.stdout


@pytest.mark.parametrize("flags, expected", [
    pytest.param(("--select", "RNN"), ["3:9: RNN101", "4:11: RNN102"], id="select-prefix"),
    pytest.param(("--select", "RNN102"), ["4:11: RNN102"], id="select-one-code"),
    pytest.param(("--select", "RNN", "--extend-ignore", "RNN101"), ["4:11: RNN102"], id="extend-ignore"),
])
def test_findings_and_selection(tmp_path, flags, expected) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.py"
    path.write_text(BAD)
    lines = flake8(str(path), *flags)
    assert [line.split(":", 1)[1].split(" `")[0] for line in lines] == expected


def test_noqa(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.py"
    path.write_text(BAD.replace("* 2)\n", "* 2)  # noqa: RNN101\n").replace("float32)\n", "float32)  # noqa\n"))
    assert flake8(str(path), "--select", "RNN") == []


def test_noqa_for_another_code_does_not_hide(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.py"
    path.write_text(BAD.replace("* 2)\n", "* 2)  # noqa: E501\n"))
    assert any("RNN101" in line for line in flake8(str(path), "--select", "RNN"))


def test_syntax_error_is_flake8s_e999(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.py"
    path.write_text("import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2\n")
    lines = flake8(str(path), "--select", "RNN,E999")
    assert len(lines) == 1 and "E999" in lines[0]


def test_scope_rules_through_flake8(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "scopes.py"
    path.write_text(
        "import tensorflow as tf\n"
        "cell = tf.nn.rnn_cell.GRUCell(4)\n"
        "a, s = tf.nn.dynamic_rnn(cell, x, scope='encoder', dtype=tf.float32)\n"
        "b, _ = tf.nn.dynamic_rnn(cell, y, initial_state=s, scope='decoder')\n"
        "c, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)\n"
        "d, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)\n"
        "with tf.variable_scope('eval', reuse=True):\n"
        "    e, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)\n")
    codes = [line.split(": ", 1)[1].split()[0] for line in flake8(str(path), "--select", "RNN")]
    assert codes == ["RNN103", "RNN104", "RNN105"]
