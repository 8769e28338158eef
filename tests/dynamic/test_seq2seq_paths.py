"""Predicted paths of the seq2seq drivers checked against real TF 1.15 (TF 2 has neither module to trace).

legacy_seq2seq (`basic_rnn_seq2seq`, `tied_rnn_seq2seq`) and contrib.seq2seq (`BasicDecoder` +
`dynamic_decode`) exist only in TF 1.x, so these traces run under a TF 1.15 virtualenv (`--python`), built on
demand by tests/dynamic/test_legacy_tf.py's helper or named by RRL_TF115_PYTHON; the test skips when none can be.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List, Set

import pytest

from tests.conftest import ROOT
from tests.dynamic.test_legacy_tf import legacy_python

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

SOURCES = {
    "legacy_basic": """
import tensorflow as tf
enc = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
dec = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
cell = tf.contrib.rnn.GRUCell(4)
outputs, state = tf.contrib.legacy_seq2seq.basic_rnn_seq2seq(enc, dec, cell)
""",
    "legacy_tied": """
import tensorflow as tf
enc = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
dec = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
outputs, state = tf.contrib.legacy_seq2seq.tied_rnn_seq2seq(enc, dec, tf.contrib.rnn.LSTMCell(4))
""",
    "contrib_decoder": """
import tensorflow as tf
from tensorflow.contrib import seq2seq
dec_in = tf.placeholder(tf.float32, [2, 3, 4])
cell = tf.nn.rnn_cell.LSTMCell(4)
helper = seq2seq.TrainingHelper(dec_in, tf.fill([2], 3))
decoder = seq2seq.BasicDecoder(cell, helper, cell.zero_state(2, tf.float32))
outputs, state, _ = seq2seq.dynamic_decode(decoder)
with tf.variable_scope("second"):
    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(4) for _ in range(2)])
    helper2 = seq2seq.TrainingHelper(dec_in, tf.fill([2], 3))
    decoder2 = seq2seq.BasicDecoder(stack, helper2, stack.zero_state(2, tf.float32))
    outputs2, state2, _ = seq2seq.dynamic_decode(decoder2, scope="dec")
""",
}


def _python() -> str:
    return os.environ.get("RRL_TF115_PYTHON") or legacy_python("1.15.0")


def _cli(*args: str) -> Any:
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args, "--format", "json"], capture_output=True,
                          text=True, cwd=ROOT, timeout=900)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _predicted(doc: Dict[str, Any]) -> Set[str]:
    return {name for run in doc["runs"] for layer in run["layers"] for name in layer["variables"]}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_seq2seq_paths_match_tf_1_15(name: str, tmp_path: Any) -> None:
    """Every variable TF 1.15 creates is predicted, and nothing else: the decoders' own scopes (`rnn_decoder`,
    `decoder`), the tied model's single set, a stack under a decoder's `scope=`. The tracer does not list the
    cell calls inside legacy_seq2seq's decoder loop as a run, so the comparison is on the created names."""
    python = _python()
    path = tmp_path / f"{name}.py"
    path.write_text(SOURCES[name])
    traced = _cli("trace", "--python", python, str(path))
    assert not traced.get("error"), traced["error"]
    predicted = _cli("explain", "--tf-version", "1.15", str(path))
    created = {entry["name"] for entry in traced["created"]}
    assert created and created == _predicted(predicted)
    suspicious: List[Any] = [s["code"] for s in traced["sharing"] if s["kind"] == "suspicious"]
    assert suspicious == [s["code"] for s in predicted["sharing"] if s["kind"] == "suspicious"] == []
