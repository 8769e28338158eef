"""The project lints clean under its own tools, as flake8-bugbear's own test does: pyflakes and `rnn-reuse-lint check`
over rnn_reuse_lint/ and tests/ (the golden project under tests/golden is deliberately buggy and left out)."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import List

import pytest

from tests.conftest import ROOT

LINTED = ("rnn_reuse_lint", "tests")
BUGGY_ON_PURPOSE = os.path.join("tests", "golden")


def _python_files() -> List[str]:
    out = []
    for top in LINTED:
        for directory, folders, files in os.walk(os.path.join(ROOT, top)):
            folders[:] = sorted(f for f in folders if f != "__pycache__"
                                and os.path.relpath(os.path.join(directory, f), ROOT) != BUGGY_ON_PURPOSE)
            out += [os.path.join(directory, name) for name in sorted(files) if name.endswith(".py")]
    return out


def test_the_walk_leaves_out_only_the_buggy_golden_project() -> None:
    files = [os.path.relpath(path, ROOT) for path in _python_files()]
    assert os.path.join("rnn_reuse_lint", "dynamic", "rrl_child", "tracer.py") in files
    assert os.path.join("tests", "test_self_lint.py") in files
    assert not [path for path in files if path.startswith(BUGGY_ON_PURPOSE + os.sep)]


def test_pyflakes_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "pyflakes", *_python_files()], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_rnn_reuse_lint_check_is_clean() -> None:
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", *LINTED, "--extend-exclude",
                           BUGGY_ON_PURPOSE, "--no-show-source"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 findings in" in done.stderr
