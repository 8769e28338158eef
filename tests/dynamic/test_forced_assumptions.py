"""A finding's stated assumption is given to its run (issue 22): two or more layers, a standard cell for a caller's;
TF-1-only APIs stand in on TF 2 or switch the file to a TF 1.x interpreter (--tf1-python)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.assumptions import forced_lines
from rnn_reuse_lint.dynamic.switch import needs_tf1, switched
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.finding import Finding, Span
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.dynamic

ASSUMED = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_assumed_layers_and_cell.py")
TF1_ONLY = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_tf1_only_api.py")


def _findings(path: str) -> List[Finding]:
    return list(analyze_file(path, Settings(select=("RNN",))).findings)


def test_the_rules_still_state_the_assumptions_the_tracer_forces() -> None:
    # assumptions.py reads the rules' wording: if a rule rephrases, this fails instead of forcing silently stopping
    forced = {f["line"]: f for f in forced_lines(_findings(ASSUMED))}
    assert forced[11] == {"line": 11, "layers": True, "cells": True}      # [cell] * depth, depth=1, a caller's cell
    assert forced[16] == {"line": 16, "layers": True, "cells": True}      # range(FLAGS.num_layers), flag default 1
    assert forced[23] == {"line": 23, "layers": False, "cells": True}     # unit = cells.make_cell(4), not installed
    assert forced_lines(_findings(os.path.join(FIXTURES, "dynamic", "rnn101_char_rnn_list_multiply.py"))) == []


ONE_PASS = os.path.join(FIXTURES, "dynamic", "rnn103_obstacle_one_pass_loop.py")


def test_a_loop_finding_forces_a_second_pass(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    # RNN103's "on every pass of the loop at line 9" is about a later pass: the loop's line gets two passes
    assert forced_lines(_findings(ONE_PASS)) == [{"line": 9, "layers": False, "cells": False, "passes": True}]
    (finding,) = verify(_findings(ONE_PASS), {ONE_PASS: fixture_traces[ONE_PASS]})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "assumed: 2 passes of the loop at line 9" in finding.dynamic.evidence
    assert "the code had 1" in finding.dynamic.evidence
    (unforced,) = trace_files([ONE_PASS], timeout=120.0)   # no findings handed over: nothing forced, one pass
    (plain,) = verify(_findings(ONE_PASS), {ONE_PASS: unforced})
    assert plain.dynamic is not None and plain.dynamic.verdict != "confirmed", plain.dynamic


def test_forced_findings_get_a_verdict_that_names_the_assumption(
        fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    verdicts = {f.span.line: f.dynamic for f in verify(_findings(ASSUMED), {ASSUMED: fixture_traces[ASSUMED]})}
    assert sorted(verdicts) == [11, 16, 23]
    for line, dyn in verdicts.items():
        assert dyn is not None and (dyn.verdict, dyn.reached_via) == ("confirmed", "synthesized"), (line, dyn)
    assert "assumed: 2 layers at line 11" in verdicts[11].evidence and "the code had 1" in verdicts[11].evidence
    assert "assumed: 2 layers at line 16" in verdicts[16].evidence
    assert "assumed: a standard cell at line 23" in verdicts[23].evidence
    # forcing touches the findings' lines only: the stack of fresh cells keeps its default of one layer
    fresh = [r for r in fixture_traces[ASSUMED]["runs"] if r["scope"].startswith("fresh")]
    assert [len(r["layers"]) for r in fresh] == [1]


def test_without_forcing_the_same_lines_are_not_confirmed() -> None:
    (trace,) = trace_files([ASSUMED], timeout=120.0)
    verdicts = {f.span.line: f.dynamic for f in verify(_findings(ASSUMED), {ASSUMED: trace})}
    assert all(d is not None and d.verdict != "confirmed" for line, d in verdicts.items() if line in (11, 16)), \
        verdicts


def _finding(line: int) -> Finding:
    return Finding("RNN101", "same-cell-in-several-layers", "warning", "m.py", Span(line, 1, line, 30),
                   "`cell` (line 3) is every layer of this `MultiRNNCell` (`[cell] * depth`) once there is more "
                   "than one layer, so those layers share one set of weights")


def _two_layer_trace(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    layers = [{"index": i, "cell": "LSTMCell", "cell_line": 3, "variables": ["s/cell_%d/kernel" % i],
               "owns": ["s/cell_%d/kernel" % i], "borrows": [], "stack_line": 4, "completed": True}
              for i in (0, 1)]
    return {"runs": [{"run": 0, "line": 5, "driver": "dynamic_rnn", "call_lines": [5], "entry": "tower",
                      "layers": layers}], "sharing": [], "error": None, "synth_events": events,
            "entries": [{"name": "tower", "runs": 1}], "tf_version": "2.x"}


def test_a_refutation_under_the_forced_assumption_stands() -> None:
    event = {"what": "assumed: 2 layers at line 4 (the finding assumes more than one layer; the code had 1)",
             "run": 0, "unit": "tower"}
    (f,) = verify([_finding(4)], {"m.py": _two_layer_trace([event])})
    assert f.dynamic is not None and (f.dynamic.verdict, f.dynamic.reached_via) == ("refuted", "synthesized")
    assert f.dynamic.evidence.index("assumed: 2 layers") < f.dynamic.evidence.index("the synthesized entry tower")


def test_a_synthesized_one_layer_run_is_still_no_refutation() -> None:
    trace = _two_layer_trace([])
    trace["runs"][0]["layers"] = trace["runs"][0]["layers"][:1]
    (f,) = verify([_finding(4)], {"m.py": trace})
    assert f.dynamic is not None and f.dynamic.verdict == "not-reached"


def test_which_traces_call_for_tf1() -> None:
    assert needs_tf1({"error": {"type": "NotSupportedOnTF2", "message": "tf.contrib.learn", "line": 3}})
    assert needs_tf1({"error": {"type": "ImportError", "line": 2,
                                "message": "cannot import name 'x' from 'tensorflow.python' (...)"}})
    assert needs_tf1({"error": None, "tf1_only": ["tf.contrib.crf"]}) == "TF 2 has no tf.contrib.crf (stand-ins there)"
    assert needs_tf1({"error": {"type": "ImportError", "message": "No module named 'matplotlib'"}}) is None
    assert needs_tf1({"error": {"type": "ValueError", "message": "tensorflow.python shapes"}}) is None


def test_the_trace_that_got_further_is_kept() -> None:
    tf2 = {"tf_version": "2.21.0", "runs": [], "stacks": [], "error": {"type": "NotSupportedOnTF2"}}
    tf1 = {"tf_version": "1.15.0", "runs": [{"run": 0}], "stacks": [], "error": None}
    assert switched(tf2, tf1, "why")["tf_version"] == "1.15.0"
    assert switched(tf2, tf1, "why")["switch"]["why"] == "why"
    broken = {"tf_version": None, "runs": [], "stacks": [], "error": {"type": "ChildError"}}
    assert switched(tf2, broken, "why")["tf_version"] == "2.21.0"
    # a tie: TF 1's real API beats TF 2's stand-ins
    stood_in = dict(tf1, tf_version="2.21.0", tf1_only=["tf.contrib.crf"])
    assert switched(stood_in, tf1, "why")["tf_version"] == "1.15.0"
    assert switched(dict(stood_in, tf1_only=[]), tf1, "why")["tf_version"] == "2.21.0"
    failing = dict(tf1, runs=[], error={"type": "ValueError"})
    assert switched(dict(stood_in, runs=[], error={"type": "ValueError"}), failing, "why")["tf_version"] == "2.21.0"


def test_tf1_only_pieces_stand_in_on_tf2(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[TF1_ONLY]
    assert trace["tf1_only"] == ["tf.contrib.crf"] and trace["error"] is None
    (f,) = verify(_findings(TF1_ONLY), {TF1_ONLY: trace})
    assert f.dynamic is not None and (f.dynamic.verdict, f.dynamic.reached_via) == ("confirmed", "synthesized")
    assert "tf.contrib.crf (stub: not in TF 2)" in f.dynamic.evidence


@pytest.mark.slow
def test_tf1_python_switches_the_file_that_needs_it() -> None:
    from tests.dynamic.test_legacy_tf import legacy_python

    python = os.environ.get("RRL_TF115_PYTHON") or legacy_python("1.15.0")
    plain = os.path.join(FIXTURES, "dynamic", "rnn101_char_rnn_list_multiply.py")
    done = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", "--isolated", "--format",
                           "json", "--tf1-python", python, TF1_ONLY, plain], capture_output=True, text=True,
                          cwd=ROOT, timeout=900)
    assert done.returncode == 1, done.stderr
    by_file = {os.path.basename(f["path"]): f["dynamic"] for f in json.loads(done.stdout)["findings"]}
    switched_one, kept = by_file[os.path.basename(TF1_ONLY)], by_file[os.path.basename(plain)]
    # TF 1.15 runs the CRF for real: no stand-in left, the verdict is the plain program's
    assert switched_one["verdict"] == "confirmed" and switched_one["evidence"].startswith("TF 1.15"), switched_one
    assert switched_one["reached_via"] == "plain", switched_one
    assert kept["evidence"].startswith("TF 2."), kept
