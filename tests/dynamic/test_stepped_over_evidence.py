"""A finding whose own line failed and was stepped over says so, instead of "never ran" or another entry's error."""
from __future__ import annotations

from pathlib import Path

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

pytestmark = pytest.mark.dynamic

_SOURCE = """import tensorflow as tf

LAYERS = {"depth": "two"}
cell = tf.nn.rnn_cell.GRUCell(4)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * int(LAYERS["depth"]))


def other_model(x):
    return tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), tf.reshape(x, [2, 3]), dtype=tf.float32)
"""


def test_the_finding_names_the_failure_at_its_line(tmp_path: Path) -> None:
    path = str(tmp_path / "depth_from_text.py")
    Path(path).write_text(_SOURCE)
    (finding,) = analyze_file(path, Settings(select=("RNN",))).findings
    assert (finding.code, finding.span.line) == ("RNN101", 5)
    (trace,) = trace_files([path], timeout=120.0, targets={path: [5]})
    # the tracer stepped over line 5 (it made no variable), and the synthesized entry other_model failed elsewhere
    assert [f["line"] for f in trace["tolerated"]] == [5]
    assert trace["error"] is not None and trace["error"]["line"] == 9, trace["error"]
    (judged,) = verify([finding], {path: trace})
    assert judged.dynamic is not None and judged.dynamic.verdict == "error"
    assert judged.dynamic.evidence.endswith(
        "line 5 raised ValueError (invalid literal for int() with base 10: 'two') and was stepped over, so nothing "
        "at line 5 was built"), judged.dynamic.evidence   # before: "tracing stopped at line 9 before reaching line 5"
