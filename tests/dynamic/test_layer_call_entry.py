"""A layer's `__call__` is an entry: its `input_ids` are int ids and `self.nums_layers > 1` aims __init__'s default."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

LAYER = os.path.join(FIXTURES, "dynamic", "aimed_layers", "layer_call.py")


def test_the_plan_runs_call_with_ids_and_two_layers() -> None:
    with open(LAYER) as handle:
        entries = make_plan(handle.read(), LAYER, {}, targets=[13])["entries"]
    # before: dunder methods were never entries, so the finding's line "never ran"
    (call,) = [e for e in entries if e.get("method") == "__call__"]
    assert call["args"]["input_ids"] == {"kind": "placeholder", "dtype": "int32", "shape": [2, 3]}
    assert call["args"]["inputs"]["shape"] == [2, 3, 4]
    # the finding sits under `if self.nums_layers > 1:`, and __init__ stores its defaulted parameter there
    assert call["init_args"]["nums_layers"] == {"kind": "literal", "value": 2}


def test_the_call_runs_and_confirms_through_stand_ins() -> None:
    (finding,) = analyze_file(LAYER, Settings(select=("RNN",))).findings
    assert finding.code == "RNN101" and finding.span.line == 13
    (trace,) = trace_files([LAYER], timeout=120.0, targets={LAYER: [13]})
    assert [e["error"] for e in trace["entries"] if e.get("error")] == []
    (finding,) = verify([finding], {LAYER: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
