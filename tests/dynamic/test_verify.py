"""verify(): the verdict for each static finding against a trace (no TensorFlow needed)."""
from __future__ import annotations

from typing import Any, Dict

from rnn_reuse_lint.dynamic.api import verify
from rnn_reuse_lint.dynamic.verify import compress
from rnn_reuse_lint.finding import Finding, Span


def _finding(code: str, line: int, path: str = "m.py") -> Finding:
    return Finding(code, "x", "error", path, Span(line, 5, line, 30), "static message")


def _trace(**extra: Any) -> Dict[str, Any]:
    layer = {"index": 0, "cell": "LSTMCell", "cell_line": 3, "variables": ["rnn/lstm_cell/kernel"], "owns": [],
             "borrows": [], "stack_line": 4, "completed": True}
    doc = {"version": 1, "path": "m.py", "tf_version": "2.21.0", "error": None, "sharing": [], "stacks": [],
           "runs": [{"run": 0, "line": 6, "driver": "dynamic_rnn", "call_lines": [6],
                     "layers": [layer, dict(layer, index=1)]}]}
    doc.update(extra)
    return doc


def test_confirmed_by_a_sharing_relation() -> None:
    trace = _trace(sharing=[{"kind": "suspicious", "code": "RNN101", "variables": ["rnn/lstm_cell/kernel"],
                             "between": [{"run": 0, "line": 6, "layer": 0}, {"run": 0, "line": 6, "layer": 1}]}])
    (f,) = verify([_finding("RNN101", 4)], {"m.py": trace})
    assert f.dynamic is not None and f.dynamic.verdict == "confirmed"
    assert "rnn/lstm_cell/kernel" in f.dynamic.evidence and f.message == "static message"


def test_refuted_when_the_line_ran_without_sharing() -> None:
    (f,) = verify([_finding("RNN101", 4)], {"m.py": _trace()})
    assert f.dynamic is not None and f.dynamic.verdict == "refuted"


def test_collision_and_missing_variable_errors_confirm_rnn104_and_rnn105() -> None:
    exists = _trace(error={"type": "ValueError", "message": "Variable rnn/x already exists, disallowed.",
                           "line": 6, "stack": [9, 6]})
    missing = _trace(error={"type": "ValueError", "message": "Variable rnn/x does not exist, or was not created",
                            "line": 6, "stack": [6]})
    (a,) = verify([_finding("RNN104", 9)], {"m.py": exists})
    (b,) = verify([_finding("RNN105", 6)], {"m.py": missing})
    assert a.dynamic and a.dynamic.verdict == "confirmed" and b.dynamic and b.dynamic.verdict == "confirmed"


def test_an_entry_judged_by_its_own_error() -> None:
    """Each synthesized entry runs in a graph of its own: the second entry's error confirms the finding there even
    though the file's `error` is the first entry's."""
    first = {"type": "ValueError", "message": "Variable a/x does not exist, or was not created", "line": 10,
             "stack": [10]}
    second = {"type": "ValueError", "message": "Variable b/x does not exist, or was not created", "line": 17,
              "stack": [17]}
    trace = _trace(error=first, entries=[{"name": "<module>", "runs": 1, "error": None},
                                         {"name": "one", "runs": 1, "error": first},
                                         {"name": "two", "runs": 1, "error": second}])
    a, b, c = verify([_finding("RNN105", 10), _finding("RNN105", 17), _finding("RNN105", 30)], {"m.py": trace})
    assert a.dynamic and a.dynamic.verdict == "confirmed" and "a/x" in a.dynamic.evidence
    assert b.dynamic and b.dynamic.verdict == "confirmed" and "b/x" in b.dynamic.evidence
    assert c.dynamic and c.dynamic.verdict == "error"  # no entry failed at line 30: the file's first error stands


def test_tf_1_1_refusal_confirms_sharing_findings() -> None:
    trace = _trace(error={"type": "ValueError", "message": "Attempt to reuse RNNCell <x> with a different scope",
                          "line": 6, "stack": [6]})
    (f,) = verify([_finding("RNN102", 6)], {"m.py": trace})
    assert f.dynamic and f.dynamic.verdict == "confirmed"


def test_not_reached_error_and_untraced() -> None:
    stopped = _trace(stopped_at={"what": "Session.run", "line": 8})
    crashed = _trace(runs=[], error={"type": "Timeout", "message": "wall-clock timeout", "line": None})
    findings = [_finding("RNN103", 20), _finding("RNN103", 20, "other.py")]
    a, b = verify(findings, {"m.py": stopped})
    assert a.dynamic and a.dynamic.verdict == "not-reached" and "Session.run" in a.dynamic.evidence
    assert b.dynamic and b.dynamic.verdict == "not-reached"
    (c,) = verify([_finding("RNN101", 4)], {"m.py": crashed})
    assert c.dynamic and c.dynamic.verdict == "error" and "timeout" in c.dynamic.evidence


def test_other_codes_are_left_alone() -> None:
    f = Finding("RNN201", "x", "warning", "m.py", Span(1, 1, 1, 2), "advisory")
    assert verify([f], {"m.py": _trace()}) == [f]


def test_compress_groups_leaves() -> None:
    assert compress(["a/b/kernel", "a/b/bias", "c/kernel"]) == "a/b/{kernel,bias}, c/kernel"


def test_no_sharing_under_synthesized_values_is_not_a_refutation() -> None:
    # `def tower(seq, unit, depth=1)` run as a synthesized entry with its default of one layer: the finding assumes
    # two or more layers, so the trace says nothing against it.
    trace = _trace(runs=[{"run": 0, "line": 6, "driver": "dynamic_rnn", "call_lines": [6], "entry": "tower",
                          "layers": [{"index": 0, "cell": "LSTMCell", "cell_line": 3, "variables": ["a/kernel"],
                                      "owns": [], "borrows": [], "stack_line": 4, "completed": True}]}])
    (f,) = verify([_finding("RNN101", 4)], {"m.py": trace})
    assert f.dynamic is not None and f.dynamic.verdict == "not-reached", f.dynamic
    assert f.dynamic.reached_via == "synthesized" and "the synthesized entry tower" in f.dynamic.evidence


def test_a_traced_fact_confirms_only_the_rules_whose_evidence_names_it() -> None:
    # the child names facts, not codes: RNN101's evidence names shared_across_layers, RNN102's does not
    trace = _trace(sharing=[{"kind": "suspicious", "fact": "shared_across_layers", "code": None,
                             "variables": ["rnn/lstm_cell/kernel"],
                             "between": [{"run": 0, "line": 6, "layer": 0}, {"run": 0, "line": 6, "layer": 1}]}])
    layers, directions = verify([_finding("RNN101", 4), _finding("RNN102", 6)], {"m.py": trace})
    assert layers.dynamic is not None and layers.dynamic.verdict == "confirmed"
    assert directions.dynamic is not None and directions.dynamic.verdict == "refuted"


def test_a_finding_the_kept_trace_misses_is_judged_by_the_other_interpreters_trace() -> None:
    from rnn_reuse_lint.dynamic.switch import ALTERNATIVE, switched

    shared = [{"kind": "suspicious", "code": "RNN101", "variables": ["rnn/lstm_cell/kernel"],
               "between": [{"run": 0, "line": 6, "layer": 0}, {"run": 0, "line": 6, "layer": 1}]}]
    # TF 2 got further overall (two runs elsewhere) but stopped before line 4's stack; TF 1.15 ran it and shared
    tf2 = _trace(runs=[], stacks=[{"line": 20, "class": "MultiRNNCell", "cells": [{}]}, {"line": 30, "cells": [{}]}],
                 error={"type": "NotSupportedOnTF2", "message": "not supported on TF 2: tf.contrib.x", "line": 3,
                        "stack": [3]}, tf1_only=["tf.contrib.x"])
    tf1 = _trace(tf_version="1.15.0", sharing=shared,
                 error={"type": "ValueError", "message": "shapes", "line": 40, "stack": [40]})
    kept = switched(tf2, tf1, "NotSupportedOnTF2 at line 3")
    assert kept["tf_version"] == "2.21.0" and kept["switch"][ALTERNATIVE]["tf_version"] == "1.15.0"
    (f,) = verify([_finding("RNN101", 4)], {"m.py": kept})
    assert f.dynamic is not None and f.dynamic.verdict == "confirmed", f.dynamic
    assert f.dynamic.evidence.startswith("TF 1.15.0:"), f.dynamic.evidence
    # a finding neither trace reaches keeps the kept trace's answer
    (g,) = verify([_finding("RNN101", 50)], {"m.py": kept})
    assert g.dynamic is not None and g.dynamic.verdict != "confirmed"
