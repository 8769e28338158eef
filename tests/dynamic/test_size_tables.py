"""A parameter whose cells are read as sizes (`range(buckets[-1][0])`) is a table of ints, not a list of tensors."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_bucket_table.py")


def _init_args(source: str) -> dict:
    (entry,) = make_plan(source, "m.py", {})["entries"]
    return dict(entry["init_args"])


def test_cells_used_as_sizes_make_a_table_and_other_uses_do_not() -> None:
    with open(MODEL) as handle:
        args = _init_args(handle.read())
    # columns 0 and 1 are read (`buckets[-1][1] + 1`): one row of two lengths, the time steps of other stand-ins
    assert args["buckets"] == {"kind": "literal", "value": [[3, 3]]}
    iterated = ("import tensorflow as tf\nclass M(object):\n    def __init__(self, steps):\n"
                "        for s in steps:\n            tf.nn.static_rnn(tf.nn.rnn_cell.GRUCell(4), steps)\n")
    # a list only iterated and handed to a driver stays the inputs it was
    assert _init_args(iterated)["steps"]["kind"] == "placeholders"


def test_the_table_lets_the_model_build_and_its_run_is_the_evidence() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    # before: `range(<tensor>)` and `len(...) < <tensor>` failed and were stepped over (lines 8-10), and the
    # verdict rested on the stack's construction alone
    assert trace["tolerated"] == [] and trace["error"] is None, (trace["tolerated"], trace["error"])
    assert trace["synthesized"]["Translator(buckets)"] == "[[3, 3]]"
    (run,) = [r for r in trace["runs"] if r["line"] == 14]
    assert [lay["index"] for lay in run["layers"]] == [0, 1]
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "rnn/multi_rnn_cell/cell_0/gru_cell" in (finding.dynamic.evidence or ""), finding.dynamic
