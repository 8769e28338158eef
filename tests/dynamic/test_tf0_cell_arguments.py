"""TF 0.x-1.1 cells given `input_size` (deprecated and unused, gone in TF 1.2) run on TF 1.15 and TF 2 as TF 1.1 ran
them: the keyword dropped, a positional call read in the old order, and the trace says so under `synthesized`."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

FIXTURE = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_tf0_cell_arguments.py")

# Every cell TF 1.1 built with an `input_size`, through tf.contrib.rnn (TF 1.1 has no tf.nn.rnn_cell): positional
# where TF 1.2 moved the next parameter into its place, and by keyword.
TF11_CELLS = """
import tensorflow as tf

rnn = tf.contrib.rnn
x = tf.placeholder(tf.float32, [2, 3, 5])
cells = [("basic_lstm", rnn.BasicLSTMCell(4, 1.0, 5)),
         ("basic_lstm_kw", rnn.BasicLSTMCell(4, input_size=5, state_is_tuple=True)),
         ("lstm", rnn.LSTMCell(4, 5, True)),
         ("lstm_kw", rnn.LSTMCell(4, input_size=5, num_proj=3)),
         ("gru", rnn.GRUCell(4, 5)),
         ("basic_rnn", rnn.BasicRNNCell(4, input_size=5)),
         ("projected", rnn.InputProjectionWrapper(rnn.GRUCell(4), 4, 5))]
for scope, cell in cells:
    tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, scope=scope)
"""


def _shapes(trace: Dict[str, Any]) -> Dict[str, List[Tuple[int, ...]]]:
    """Each top scope's variable shapes: the names changed between TF 1.1 and 1.2 (weights -> kernel), the
    shapes say what was built (a peephole, a projection, the input width the kernel was made for)."""
    out: Dict[str, List[Tuple[int, ...]]] = {}
    for var in trace["created"]:
        out.setdefault(var["name"].split("/")[0], []).append(tuple(var["shape"]))
    return {scope: sorted(shapes) for scope, shapes in out.items()}


def test_the_fixture_runs_and_says_what_was_read_the_old_way() -> None:
    (trace,) = trace_files([FIXTURE], timeout=120.0)
    # before: TypeError ('Keyword argument not understood:', 'input_size') at line 8 ended the file
    assert trace["error"] is None, trace["error"]
    assert trace["synthesized"] == {
        "BasicLSTMCell(input_size=...)": "input_size dropped (deprecated and unused until TF 1.1)",
        "GRUCell(input_size=...)": "positional arguments read in TF 1.1's order; input_size dropped (deprecated "
                                   "and unused until TF 1.1)"}, trace["synthesized"]
    # GRUCell(4, 4): the second 4 is the input size, not the activation TF 2 would call
    assert _shapes(trace)["summary"] == [(4,), (8,), (8, 4), (8, 8)], _shapes(trace)
    (finding,) = verify(analyze_file(FIXTURE, Settings(select=("RNN",))).findings, {FIXTURE: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "BasicLSTMCell(input_size=...)" in finding.dynamic.evidence, finding.dynamic.evidence


@pytest.mark.slow
def test_tf115_and_tf2_build_what_tf11_built(tmp_path: Any) -> None:
    from tests.dynamic.test_legacy_tf import legacy_python

    probe = tmp_path / "tf11_cells.py"
    probe.write_text(TF11_CELLS)
    (tf11,) = trace_files([str(probe)], timeout=180.0, python=legacy_python("1.1.0"))
    assert tf11["tf_version"] == "1.1.0" and tf11["error"] is None, tf11["error"]
    assert not tf11["synthesized"]          # TF 1.1 takes these calls as they are: nothing is read differently
    expected = _shapes(tf11)
    assert set(expected) == {"basic_lstm", "basic_lstm_kw", "lstm", "lstm_kw", "gru", "basic_rnn", "projected"}
    for python in (legacy_python("1.15.0"), None):
        (trace,) = trace_files([str(probe)], timeout=180.0, python=python)
        assert trace["error"] is None, (trace["tf_version"], trace["error"])
        assert _shapes(trace) == expected, trace["tf_version"]
        assert "LSTMCell(input_size=...)" in trace["synthesized"], trace["synthesized"]
