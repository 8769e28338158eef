"""Dynamic runs show progress on stderr when it is a terminal, and nothing when it is not (issue 16 item 12)."""
from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.dynamic

FILES = [os.path.join("fixtures", "dynamic", name + ".py")
         for name in ("rnn101_obstacle_python2", "intended_init_calls_build")]


def _stderr_on_terminal(*args: str) -> str:
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm", COLUMNS="160")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "rnn_reuse_lint", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:      # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.communicate(timeout=300)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal() -> None:
    err = _stderr_on_terminal("trace", *FILES)
    assert "tracing" in err and "/2" in err
    assert "rnn101_obstacle_python2.py" in err


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "trace", *FILES], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.stderr == ""
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", *FILES], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert "tracing" not in proc.stderr and "\x1b[" not in proc.stderr
