"""`explain --dynamic` and `trace --format html|markdown`: the real trace laid over the prediction, and drawn."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.dynamic

SEED_AS_PASTED = os.path.join(FIXTURES, "dynamic", "intended_seed_reuse_variables.py")
KERAS = os.path.join(FIXTURES, "dynamic", "driver_keras_layer_names.py")
UNREACHED = os.path.join(FIXTURES, "dynamic", "driver_keras_functions_unreached.py")


def _cli(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


def test_overlay_marks_each_layer() -> None:
    done = _cli("explain", "--dynamic", "--format", "json", SEED_AS_PASTED, KERAS, UNREACHED)
    assert done.returncode == 0, done.stderr
    docs = {os.path.basename(d["path"]): d for d in json.loads(done.stdout)}
    statuses = {name: [lay["dynamic"]["status"] for run in doc["runs"] for lay in run["layers"]]
                for name, doc in docs.items()}
    # symbolic layer i agrees with every traced cell_N; every Keras path is the traced one
    assert statuses["intended_seed_reuse_variables.py"] == ["agrees", "agrees"]
    assert set(statuses["driver_keras_layer_names.py"]) == {"agrees"}
    # a layer whose names the static pass cannot spell (`"char_lstm_%d" % i`) differs, and shows the traced names
    unreached = docs["driver_keras_functions_unreached.py"]["runs"][0]["layers"][0]["dynamic"]
    assert unreached["status"] == "differs"
    assert "char_encoder/multi_rnn_cell/cell_1/char_lstm_1/kernel" in unreached["variables"]
    text = _cli("explain", "--dynamic", UNREACHED).stdout
    assert "[trace: differs: traced char_encoder/multi_rnn_cell/cell_0/char_lstm_0/kernel" in text
    assert "word_gru/gru_cell/bias  [trace: agrees]" in text


def test_overlay_with_a_bad_timeout_is_a_usage_error() -> None:
    done = _cli("explain", "--dynamic", "--timeout", "0", SEED_AS_PASTED)
    assert done.returncode == 2 and "positive number of seconds" in done.stderr and done.stdout == ""


def test_trace_markdown_draws_the_traced_sharing() -> None:
    done = _cli("trace", "--format", "markdown", SEED_AS_PASTED)
    assert done.returncode == 0, done.stderr
    assert 'r1l1 -->|"borrows"| r0l1' in done.stdout  # traced: layer 1 of the second stack borrows layer 1
    assert "lstm/rnn/multi_rnn_cell/cell_1/lstm_cell/{kernel,bias}" in done.stdout
