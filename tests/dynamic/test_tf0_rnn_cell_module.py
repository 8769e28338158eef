"""Cells from TF 0.x's `tensorflow.python.ops.rnn_cell` (TF's own legacy copy on TF 2) are traced like tf_keras's."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES
from tests.dynamic.conftest import trace_sources

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "rnn103_obstacle_tf0_rnn_cell_module.py")


def test_a_cell_of_the_tf0_module_called_by_hand_is_a_run_and_confirms() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    assert trace["error"] is None, trace["error"]
    # before: the variables were created but neither call was a run ("line 13 never ran")
    assert sorted(r["line"] for r in trace["runs"]) == [11, 13], trace["runs"]
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.code == "RNN103" and finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic
    assert "reader/gru_cell/gates" in (finding.dynamic.evidence or ""), finding.dynamic


STACK = """
import tensorflow as tf
from tensorflow.python.ops.rnn_cell import GRUCell, DropoutWrapper, MultiRNNCell

cell = DropoutWrapper(GRUCell(4), output_keep_prob=0.8)
stack = MultiRNNCell([cell] * 2)
"""


def test_a_stack_of_the_tf0_module_is_recorded_without_being_driven(tmp_path: "os.PathLike[str]") -> None:
    (trace,) = trace_sources(str(tmp_path), {"stack": STACK}).values()
    assert trace["error"] is None, trace["error"]
    # before: no stack at all (the constructor of TF's own legacy MultiRNNCell was not hooked), so a model whose
    # driver fails later (hengluchang's tensor used as a bool in model_with_buckets) had no evidence of it
    (stack,) = trace["stacks"]
    assert (stack["line"], stack["class"], stack["driven"]) == (6, "MultiRNNCell", False), stack
    assert [c["object"] for c in stack["cells"]] == [0, 0], stack
