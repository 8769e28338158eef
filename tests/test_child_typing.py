"""The sandboxed child (dynamic/rrl_child) is type-checked: mypy with check_untyped_defs over its unannotated code,
nothing silenced, with the mypy version the test extra pins."""
from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import mypy.version

from rnn_reuse_lint.config import read_toml
from tests.conftest import ROOT

CHILD = os.path.join(ROOT, "rnn_reuse_lint", "dynamic", "rrl_child")
CHILD_MODULE = "rnn_reuse_lint.dynamic.rrl_child"


def _pyproject() -> str:
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as handle:
        return handle.read()


def test_mypy_checks_the_childs_untyped_bodies_cleanly() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "-p", CHILD_MODULE], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success" in done.stdout


def test_child_override_checks_untyped_defs_and_ignores_no_errors() -> None:
    config = read_toml(os.path.join(ROOT, "pyproject.toml"))["tool"]["mypy"]
    child = [o for o in config["overrides"] if o["module"] == f"{CHILD_MODULE}.*"]
    assert len(child) == 1
    assert child[0].get("check_untyped_defs") is True
    assert "ignore_errors" not in child[0]


def test_no_child_module_silences_mypy() -> None:
    silenced = []
    for path in sorted(glob.glob(os.path.join(CHILD, "*.py"))):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if re.search(r"#\s*(mypy:\s*ignore-errors|type:\s*ignore)", line):
                    silenced.append(f"{os.path.basename(path)}:{number}")
    assert silenced == []


def test_mypy_is_pinned_to_the_version_that_runs_here() -> None:
    pins = re.findall(r'"mypy==([^"]+)"', _pyproject())
    assert pins == [mypy.version.__version__]
