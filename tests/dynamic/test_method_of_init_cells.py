"""A method that only steps cells __init__ kept on `self` (its text names no RNN) is an entry, and it confirms."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "rnn105_obstacle_method_steps_init_cells.py")

HELPER = """
import tensorflow as tf

class Net(object):
    def __init__(self):
        self.cell = tf.nn.rnn_cell.GRUCell(4)
        self.lr = 0.1

    def step(self, x, h):
        return self.cell(x, h)

    def rate(self):
        return self.lr * 2

    def train(self, loss):
        return tf.train.AdamOptimizer(self.lr).minimize(loss)
"""


def test_methods_reading_rnn_attributes_or_holding_a_finding_are_entries() -> None:
    methods = {e["method"] for e in make_plan(HELPER, "net.py", {})["entries"] if e["kind"] == "method"}
    # `self.cell` holds a GRUCell made in __init__; `self.lr` holds a number, so rate() is no entry
    assert methods == {"step"}
    aimed = {e["method"] for e in make_plan(HELPER, "net.py", {}, targets=[16])["entries"] if e["kind"] == "method"}
    assert aimed == {"step", "train"}   # the finding's own line is in train()


def test_the_method_runs_and_its_optimizer_error_confirms() -> None:
    (finding,) = analyze_file(MODEL, Settings(select=("RNN",))).findings
    assert finding.code == "RNN105"
    (trace,) = trace_files([MODEL], timeout=120.0, targets={MODEL: [finding.span.line]})
    # before: only the class ran (its __init__ steps nothing): "line 31 never ran"
    (entry,) = [e for e in trace["entries"] if e["name"] == "Captioner.build_model"]
    assert entry["runs"] >= 2 and "does not exist" in entry["error"]["message"], entry
    (finding,) = verify([finding], {MODEL: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
