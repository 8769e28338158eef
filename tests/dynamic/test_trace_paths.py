"""`trace` takes folders and notebooks like `check`; `check --dynamic` judges notebook findings in cell positions."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, List

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.dynamic

CELLS = [
    ["# A char-RNN notebook\n"],
    ["import tensorflow as tf\n", "%matplotlib inline\n", "num_layers = 2"],
    ["inputs = tf.placeholder(tf.float32, [2, 3, 4])\n", "cell = tf.nn.rnn_cell.LSTMCell(4)\n",
     "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * num_layers)\n",
     "outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)"],
]


def _notebook(path: Any) -> str:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": CELLS[0]}]
    cells += [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": src}
              for src in CELLS[1:]]
    doc = {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(doc, indent=1))
    return str(path)


def _run(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_trace_a_notebook_runs_its_code_cells(tmp_path: Any) -> None:
    nb = _notebook(tmp_path / "char_rnn.ipynb")
    proc = _run("trace", "--format", "json", nb)
    assert proc.returncode == 1, proc.stderr        # suspicious sharing found
    trace = json.loads(proc.stdout)
    assert trace["error"] is None
    (run,) = trace["runs"]
    assert trace["cell_lines"][run["line"] - 1] == [3, 4]
    text = _run("trace", nb).stdout
    assert "c3:4" in text and "RNN101 suspicious" in text


def test_check_dynamic_gives_notebook_findings_a_verdict(tmp_path: Any) -> None:
    nb = _notebook(tmp_path / "char_rnn.ipynb")
    proc = _run("check", "--dynamic", "--format", "json", nb)
    findings: List[Any] = json.loads(proc.stdout)["findings"]
    assert [f["code"] for f in findings] == ["RNN101"]
    dynamic = findings[0]["dynamic"]
    assert dynamic["verdict"] == "confirmed" and dynamic["reached_via"] == "plain"
    assert "cell 3, line 4" in dynamic["evidence"]


def test_trace_a_folder_traces_its_rnn_files(tmp_path: Any) -> None:
    pkg = os.path.join(ROOT, "fixtures", "dynamic", "relative_import_pkg")
    proc = _run("trace", "--format", "json", pkg)
    traces = json.loads(proc.stdout)
    traces = traces if isinstance(traces, list) else [traces]
    # cells.py and __init__.py hold no RNN code: only model.py is traced
    assert [os.path.basename(t["path"]) for t in traces] == ["model.py"]
    assert traces[0]["error"] is None and traces[0]["sharing"]
    (tmp_path / "plain.py").write_text("x = 1\n")
    empty = _run("trace", str(tmp_path))
    assert empty.returncode == 2 and "no file with RNN code" in empty.stderr
    missing = _run("trace", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
