"""An error of a multi-line call counts at every line of that call: Python 3.6 reports it at the last argument's
line, 3.8+ at the first, and a finding may name any of them (the argument passing the shared cell)."""
from __future__ import annotations

import ast
import os
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files
from rnn_reuse_lint.dynamic.statements import multiline_statements, place_errors, statement_spans
from rnn_reuse_lint.dynamic.verify import judge
from rnn_reuse_lint.finding import Finding, Span
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "cross_scope_depth", "model.py")
CALL = (13, 15)   # `decoded, _ = step_decoder(` ... `cell)`, inside `with tf.variable_scope("decoder"):`


def _at(line: int) -> Finding:
    return Finding("RNN103", "cell-driven-in-two-scopes", "error", MODEL, Span(line, 1, line, 1), "test")


def test_spans_are_statements_and_compound_headers() -> None:
    source = "with f(\n        a):\n    x = g(\n        b,\n        c)\ny = 1\n"
    spans = statement_spans(source)
    assert (1, 2) in spans and (3, 5) in spans and (6, 6) in spans
    assert not any(first == 1 and last > 2 for first, last in spans)   # a header never answers for its body
    trace: Dict[str, Any] = {"error": {"line": 5, "stack": [5]}, "entries": [{"error": {"line": 6, "stack": [6]}}]}
    place_errors(trace, source)
    assert trace["error"]["statements"] == [[3, 5]]
    assert "statements" not in trace["entries"][0]["error"]          # one-line statements need nothing


def test_one_parse_serves_the_runs_and_the_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "# one_parse\nx = f(\n    a)\nwith g(\n        b):\n    y = 2\n"
    parsed: List[str] = []
    real_parse = ast.parse

    def counting_parse(text: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return real_parse(text, *args, **kwargs)
    monkeypatch.setattr(ast, "parse", counting_parse)
    trace: Dict[str, Any] = {"error": {"line": 3, "stack": [3]}, "entries": [{"error": {"line": 5, "stack": [5]}}]}
    trace["statements"] = multiline_statements(source)      # as api.trace_files asks: the runs' view first
    place_errors(trace, source)                               # then the errors' view, from the same walk
    assert parsed == [source]
    assert trace["statements"] == [[2, 3]]                    # the `with` header is no simple statement
    assert trace["error"]["statements"] == [[2, 3]] and trace["entries"][0]["error"]["statements"] == [[4, 5]]


def test_tf2_error_at_the_call_counts_at_its_last_line() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    assert trace["error"]["line"] == CALL[0] and trace["error"]["statements"] == [list(CALL)]
    verdict, evidence = judge(_at(CALL[1]), trace)
    assert verdict == "confirmed" and "fails on its first run's weights" in evidence, evidence


@pytest.mark.slow
def test_tf115_error_at_the_last_argument_counts_at_the_first_line() -> None:
    from tests.dynamic.test_legacy_tf import legacy_python

    (trace,) = trace_files([MODEL], timeout=120.0, python=legacy_python("1.15.0"))
    # Python 3.6 names the last argument's line (not the `with` line the frame unwound to)
    assert trace["error"]["line"] == CALL[1], trace["error"]
    # AutoGraph's list of converted frames is cut away: the error itself is what is kept
    assert trace["error"]["message"].startswith("Dimensions must be equal"), trace["error"]["message"][:200]
    verdict, evidence = judge(_at(CALL[0]), trace)
    assert verdict == "confirmed" and evidence.startswith("TF 1.15"), evidence
