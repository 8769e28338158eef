"""A test on an attribute of a config that only a base class's __init__ takes (a stand-in at run time) is aimed
at the finding's branch: `if opts.update_rule == "recurrent":` gets "recurrent" there."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "stand_in_branch_pkg", "memory.py")


def _finding_line() -> int:
    (finding,) = analyze_file(MODEL, Settings(select=("RNN",))).findings
    assert finding.code == "RNN103"
    return finding.span.line


def test_the_plan_aims_attributes_read_off_self_and_its_aliases() -> None:
    with open(MODEL) as handle:
        source = handle.read()
    line = _finding_line()
    (entry,) = make_plan(source, MODEL, {}, targets=[line])["entries"]
    # `opts = self.options` ... `opts.update_rule == "recurrent"` holds the finding; the elif's literals do not
    assert entry["stand_in_attrs"] == {"update_rule": "recurrent"}
    # aimed at nothing (or at a line outside the branches), nothing is forced
    assert "stand_in_attrs" not in make_plan(source, MODEL, {}, targets=[14])["entries"][0]
    assert "stand_in_attrs" not in make_plan(source, MODEL, {})["entries"][0]


def test_the_aimed_stand_in_takes_the_branch_and_the_verdict_says_so() -> None:
    line = _finding_line()
    (trace,) = trace_files([MODEL], timeout=120.0, targets={MODEL: [line]})
    assert [e["error"] for e in trace["entries"] if e.get("error")] == []
    # before: a stand-in equals no string, the elif ran (dense) and the finding's line never did
    assert sorted(r["line"] for r in trace["runs"]) == [14, line], trace["runs"]
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "Memory.options.update_rule = 'recurrent'" in (finding.dynamic.evidence or ""), finding.dynamic
