"""A src/ layout whose package is imported top-level (`import taggers`, src/ on the path) while src/ holds an
__init__.py too: the package's implicit-relative imports resolve inside `taggers`, and a subclass handing its
constructor's `*args, **kwargs` on gets its base's required parameters."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

TAGGER = os.path.join(FIXTURES, "dynamic", "src_layout_project", "src", "taggers", "bilstm.py")


def test_the_package_cycle_resolves_and_the_base_signature_is_filled() -> None:
    (trace,) = trace_files([TAGGER], timeout=120.0)
    # before: "cannot import name 'BaseTagger' from partially initialized module 'base'" at line 4 ended the file:
    # taggers/__init__ (imported as `taggers` by src/vocab.py) read its `from base import` as the top-level copy
    # the traced file was still loading, because the folder chain named the package `src.taggers`
    assert trace["error"] is None, trace["error"]
    # the base's (num_units, num_tags) are stand-ins the run-time signature shows, named as such
    assert trace["synthesized"] == {
        "BiLSTMTagger(num_units)": "stand-in (a parameter only the run-time signature shows)",
        "BiLSTMTagger(num_tags)": "stand-in (a parameter only the run-time signature shows)"}, trace["synthesized"]
    (run,) = trace["runs"]
    # the real cell the code builds (before the signature was filled: `self.num_units` failed, the cell was a
    # stand-in whose "variables" were stub names)
    assert [(layer["cell"], layer["direction"]) for layer in run["layers"]] == [("LSTMCell", "fw"), ("LSTMCell", "bw")]
    assert run["layers"][1]["borrows"] == ["encoder/bidirectional_rnn/fw/lstm_cell/kernel",
                                           "encoder/bidirectional_rnn/fw/lstm_cell/bias"]
    (finding,) = verify(analyze_file(TAGGER, Settings(select=("RNN",))).findings, {TAGGER: trace})
    assert finding.code == "RNN102" and finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "encoder/bidirectional_rnn/fw/lstm_cell" in finding.dynamic.evidence, finding.dynamic.evidence
