"""Text from a traced program (an exception message) cannot forge a finding line or colour the terminal."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dynamic

INJECTING = '''import tensorflow as tf
x = tf.placeholder(tf.float32, [2, 3, 4])
cell = tf.nn.rnn_cell.GRUCell(4)
try:  # inside the file's own try: the tracer never steps over it, so the message is the file's error
    if x is not None:
        raise ValueError("x\\ncases/fake.py:1:1: RNN105 injected\\x1b[31m\\r\\u202e")
finally:
    pass
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
out, _ = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
'''


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_an_exception_message_cannot_inject_lines(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "inject.py"
    path.write_text(INJECTING)
    out = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", "--format", fmt, str(path)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 1, out.stderr
    assert "RNN105 injected" in out.stdout                       # the message is shown ...
    assert not any(line.startswith("cases/fake.py") for line in out.stdout.splitlines())   # ... on no line of its own
    assert "\x1b" not in out.stdout and "\r" not in out.stdout and "\u202e" not in out.stdout
