"""A model sized from a stand-in config, run through TF 0.x's seq2seq module: sizes agree and the run is traced."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "stub_sizes_pkg", "model.py")


def test_stand_in_sizes_build_the_run_and_its_variables_are_the_evidence() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    # before: `seq2seq` was a stand-in (no run at line 16 at all), and with the module served the stand-in batch
    # size made a rank-4 zero state ("Shape must be rank 2 but is rank 4")
    assert [e["error"] for e in trace["entries"] if e.get("error")] == []
    assert not any("seq2seq" in key for key in trace["synthesized"]), trace["synthesized"]
    (run,) = [r for r in trace["runs"] if r["line"] == 16]
    assert [lay["index"] for lay in run["layers"]] == [0, 1], run
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.code == "RNN101" and finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    # the traced variables, not the stack's construction alone, are the evidence now
    assert "share rnn_decoder/multi_rnn_cell/cell_0/gru_cell" in (finding.dynamic.evidence or ""), finding.dynamic
