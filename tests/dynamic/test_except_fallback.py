"""A finding in the except: fallback of a try whose body runs: its entry runs again with the try failing."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.fallbacks import fallback_tries
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

LAYER = os.path.join(FIXTURES, "dynamic", "aimed_layers", "except_fallback.py")


def _source() -> str:
    with open(LAYER) as handle:
        return handle.read()


def test_only_a_handler_holding_a_finding_its_body_lacks_is_planned() -> None:
    source = _source()
    entries = make_plan(source, LAYER, {}, targets=[10, 12])["entries"]
    (only,) = fallback_tries(source, LAYER, [10, 12], entries)
    assert only == {"try": 9, "handler": 11, "targets": [12], "entry": 0}
    assert entries[0]["name"] == "StackedEncoder"
    # the body's own finding needs no second run; nor does a try at module level, which no entry runs
    assert fallback_tries(source, LAYER, [10], entries) == []
    top = "import tensorflow as tf\ntry:\n    a = 1\nexcept Exception:\n    b = 2\n"
    assert fallback_tries(top, "top.py", [5], []) == []


def test_both_twins_confirm_each_from_its_own_run() -> None:
    findings = analyze_file(LAYER, Settings(select=("RNN",))).findings
    assert [(f.code, f.span.line) for f in findings] == [("RNN101", 10), ("RNN101", 12)]
    (trace,) = trace_files([LAYER], timeout=120.0, targets={LAYER: [10, 12]})
    names = [e["name"] for e in trace["entries"]]
    assert names == ["<module>", "StackedEncoder", "StackedEncoder, its except: fallbacks"], names
    assert [e["error"] for e in trace["entries"] if e.get("error")] == []
    # each stack line was built by one run only: the body's by the entry, the handler's by the rerun
    built = {(s["line"], tuple(c["same_as"] for c in s["cells"])) for s in trace["stacks"]}
    assert built == {(10, (None, 0)), (12, (None, 0))}, built
    body, handler = verify(findings, {LAYER: trace})
    assert body.dynamic is not None and handler.dynamic is not None
    assert (body.dynamic.verdict, handler.dynamic.verdict) == ("confirmed", "confirmed")
    assert handler.dynamic.reached_via == "synthesized"
    assert "assumed: the finding at line 12 runs, the try at line 9 made to fail" in handler.dynamic.evidence
    # the handler's assumption is not the body's: a verdict on line 10 does not name it
    assert "line 12" not in body.dynamic.evidence, body.dynamic.evidence


def test_an_inactive_try_runs_as_written() -> None:
    """Without a finding in its handler the try is untouched: the plain trace builds only the body's stack."""
    (trace,) = trace_files([LAYER], timeout=120.0, targets={LAYER: [10]})
    assert [s["line"] for s in trace["stacks"]] == [10]
    assert not any(str(e["what"]).startswith("assumed: the finding at line") for e in trace["synth_events"])


def test_the_rerun_works_under_tf115_and_python36() -> None:
    """The child's marker and raise run under the TF 1.x interpreters too (Python 3.6 has no end_lineno)."""
    from tests.dynamic.test_seq2seq_shim import _tf115

    (trace,) = trace_files([LAYER], timeout=300.0, targets={LAYER: [10, 12]}, python=_tf115())
    assert trace["tf_version"].startswith("1.15")
    assert [(e["name"], e["error"]) for e in trace["entries"]][-1] == ("StackedEncoder, its except: fallbacks", None)
    assert sorted((s["line"], tuple(c["same_as"] for c in s["cells"])) for s in trace["stacks"]) == [
        (10, (None, 0)), (12, (None, 0))]


def test_the_method_holding_the_try_is_the_entry_run_again() -> None:
    source = ("import tensorflow as tf\n"
              "class Model(object):\n"
              "    def __init__(self):\n"
              "        self.n = 2\n"
              "    def build(self, cell):\n"
              "        try:\n"
              "            return tf.nn.rnn_cell.MultiRNNCell([cell] * self.n, state_is_tuple=True)\n"
              "        except TypeError:\n"
              "            return tf.nn.rnn_cell.MultiRNNCell([cell] * self.n)\n")
    entries = [{"name": "Model", "kind": "class", "line": 4}, {"name": "Model.build", "kind": "method", "line": 6}]
    assert fallback_tries(source, "m.py", [9], entries) == [{"try": 6, "handler": 8, "targets": [9], "entry": 1}]
