"""tf.contrib.layers.embed_sequence on TF 2 builds what TF 1.15's own builds, and an RNN fed by it runs as the
plain program rather than on a stand-in's scalar."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from rnn_reuse_lint.dynamic.api import trace_files
from rnn_reuse_lint.dynamic.verify import verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES
from tests.dynamic.test_seq2seq_shim import _tf115

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

_HEAD = ("import tensorflow as tf\n"
         "ids = tf.placeholder(tf.int32, [3, 5])\n"
         "cell = tf.contrib.rnn.GRUCell(4)\n")
SOURCES = {
    "default_scope": "emb = tf.contrib.layers.embed_sequence(ids, 20, 6)\n",
    "named_scope_and_reuse": "emb = tf.contrib.layers.embed_sequence(ids, 20, 6, scope='words')\n"
    "again = tf.contrib.layers.embed_sequence(ids, scope='words', reuse=True)\n",
    "unique_ids": "emb = tf.contrib.layers.embed_sequence(ids, 20, 6, unique=True)\n",
}
_RUN = "out, state = tf.nn.dynamic_rnn(cell, emb, dtype=tf.float32)\nshape = out.shape.as_list()\n"


def _shape(trace: Dict[str, Any]) -> Tuple[List[Tuple[str, Any]], List[Tuple[Any, ...]]]:
    created = sorted((c["name"], c["shape"]) for c in trace["created"])
    runs = [(r["driver"], r["line"], r["scope"], [lay["variables"] for lay in r["layers"]]) for r in trace["runs"]]
    return created, runs


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]:
    """name -> (TF 1.15 trace, TF 2 trace) of each source, an RNN run on the embedded ids after it."""
    python = _tf115()
    folder = tmp_path_factory.mktemp("embed_sequence")
    paths = []
    for name, source in sorted(SOURCES.items()):
        path = folder / (name + ".py")
        path.write_text(_HEAD + source + _RUN)
        paths.append(str(path))
    tf1 = trace_files(paths, timeout=300.0, python=python)
    tf2 = trace_files(paths, timeout=300.0)
    return {name: (a, b) for name, a, b in zip(sorted(SOURCES), tf1, tf2)}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_port_matches_tf115(name: str, traces: Dict[str, Tuple[Dict[str, Any], Dict[str, Any]]]) -> None:
    tf1, tf2 = traces[name]
    assert tf1["tf_version"].startswith("1.15") and tf2["tf_version"].startswith("2.")
    assert tf1["error"] is None and tf2["error"] is None, (tf1["error"], tf2["error"])
    assert not tf2["tf1_only"] and not tf2["synthesized"], "the port ran, nothing stood in for it"
    assert _shape(tf2) == _shape(tf1)
    assert ("EmbedSequence/embeddings" if name != "named_scope_and_reuse" else "words/embeddings") in \
        [c["name"] for c in tf2["created"]]


def test_port_refuses_what_tf1_refuses(tmp_path: Path) -> None:
    """No sizes and no reuse: TF 1.15 raises before making a variable, and so does the port, at the same line
    (kept as the error, or stepped over as a line that made no variable)."""
    path = tmp_path / "no_sizes.py"
    path.write_text(_HEAD + "emb = tf.contrib.layers.embed_sequence(ids)\n")
    tf1, = trace_files([str(path)], timeout=300.0, python=_tf115())
    tf2, = trace_files([str(path)], timeout=300.0)
    for trace in (tf1, tf2):
        raised = [e["error"] for e in trace["entries"] if e.get("error")] or [trace["error"]]
        stepped = trace["synthesized"].get("line 4", "")
        assert stepped.startswith("failed (ValueError)") or (
            raised[0]["line"] == 4 and "Must specify vocab size" in raised[0]["message"]), trace
        assert trace["created"] == [], trace["created"]


def test_embedded_encoder_fixture_confirms_plainly() -> None:
    """Before the port the stand-in's output reached bidirectional_dynamic_rnn as a rank-0 tensor and the RNN102
    finding ended in an error; now both findings are confirmed as the plain program runs."""
    path = os.path.join(FIXTURES, "dynamic", "rnn102_obstacle_contrib_embed_sequence.py")
    trace, = trace_files([path], timeout=300.0)
    assert trace["error"] is None and not trace["tf1_only"], (trace["error"], trace["tf1_only"])
    findings = verify(analyze_file(path, Settings(select=("RNN",))).findings, {path: trace})
    got = {(f.code, f.span.line): (f.dynamic.verdict, f.dynamic.reached_via) for f in findings if f.dynamic}
    assert got == {("RNN101", 10): ("confirmed", "plain"), ("RNN102", 11): ("confirmed", "plain")}, got
