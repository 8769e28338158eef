"""The TF 2 port of tf.contrib.legacy_seq2seq builds what TF 1.15's own module builds (same variables, runs, sharing)."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import pytest

from rnn_reuse_lint.dynamic.api import trace_files

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

_CANDIDATES = ("/work/legacy_tf/tf1.15.0/bin/python",
               os.path.join(os.path.expanduser("~"), ".cache", "rnn-reuse-lint", "tf-venvs", "tf1.15.0", "bin",
                            "python"))

_HEAD = """import tensorflow as tf
enc = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
dec = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
targets = [tf.placeholder(tf.int32, [2]) for _ in range(3)]
weights = [tf.ones([2]) for _ in range(3)]
"""
SOURCES = {
    "basic": _HEAD + "cell = tf.contrib.rnn.GRUCell(4)\n"
                     "outputs, state = tf.contrib.legacy_seq2seq.basic_rnn_seq2seq(enc, dec, cell)\n",
    "tied": _HEAD + "cell = tf.contrib.rnn.BasicLSTMCell(4)\n"
                    "outputs, state = tf.contrib.legacy_seq2seq.tied_rnn_seq2seq(enc, dec, cell)\n",
    "decoder_loop": _HEAD + "cell = tf.contrib.rnn.GRUCell(4)\n"
                            "init = cell.zero_state(2, tf.float32)\n"
                            "loop = lambda prev, i: prev\n"
                            # one line: Python 3.6 and 3.11 place a multi-line call's frame on different lines
                            "outputs, state = tf.contrib.legacy_seq2seq.rnn_decoder(dec, init, cell, loop, 'dec')\n"
                            "loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(outputs, targets, weights)\n"
                            "total = tf.contrib.legacy_seq2seq.sequence_loss(outputs, targets, weights)\n",
}


def _tf115() -> str:
    for path in _CANDIDATES:
        if os.path.exists(path):
            return path
    pytest.skip("no TF 1.15 interpreter (build one with shared/tf_versions/setup_legacy_tf.sh)")
    return ""


def _shape(trace: Dict[str, Any]) -> Tuple[List[str], List[Tuple[Any, ...]], List[Tuple[Any, ...]]]:
    created = sorted(c["name"] for c in trace["created"])
    runs = [(r["driver"], r["line"], r["scope"]) for r in trace["runs"]]
    sharing = sorted((s.get("code"), s["kind"], tuple(sorted(s["variables"]))) for s in trace["sharing"])
    return created, runs, sharing


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_port_matches_tf115(name: str, tmp_path: Any) -> None:
    python = _tf115()
    path = str(tmp_path / (name + ".py"))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(SOURCES[name])
    (tf1,) = trace_files([path], timeout=180.0, python=python)
    (tf2,) = trace_files([path], timeout=180.0)
    assert tf1["tf_version"].startswith("1.15") and tf2["tf_version"].startswith("2.")
    assert tf1["error"] is None and tf2["error"] is None, (tf1["error"], tf2["error"])
    assert _shape(tf2) == _shape(tf1)
    assert tf2["runs"], "the port's runs are traced"
