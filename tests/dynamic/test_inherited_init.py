"""An entry whose class inherits its __init__ from another module: its required parameters get stand-ins."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "inherited_init_pkg", "model.py")


def test_the_inherited_signature_is_filled_and_the_finding_confirmed() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    errors = [e["error"] for e in trace["entries"] if e.get("error")]
    # before: TypeError "BaseModel.__init__() missing 2 required positional arguments" ended the entry; now the
    # only error is the sharing's own symptom at the driver (layer 1 gets layer 0's 5+7-wide kernel)
    assert [(e["type"], e["line"]) for e in errors] == [("ValueError", 12)], errors
    assert trace["synthesized"].get("Tagger(params)") == "stand-in (a parameter only the run-time signature shows)"
    assert "Tagger(vocab)" in trace["synthesized"]
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.code == "RNN101"
    assert finding.dynamic is not None
    # stand-ins got it there: the verdict must say so
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
