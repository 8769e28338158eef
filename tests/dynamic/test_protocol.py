"""The parent's reading of the child's messages: nothing a traced file sends can raise in the parent."""
from __future__ import annotations

import json
from typing import Any

import pytest

from rnn_reuse_lint.dynamic.protocol import MAX_LINE, ProtocolError, check_trace, decode, printable

GOOD = {"version": 1, "path": "a.py", "tf_version": "2.21.0", "error": None, "synthesized": {"n": 2},
        "runs": [{"run": 0, "line": 5, "driver": "dynamic_rnn", "scope": "rnn", "call_lines": [5],
                  "layers": [{"index": 0, "direction": None, "variables": ["rnn/k"], "owns": ["rnn/k"], "borrows": []}]}],
        "sharing": [{"kind": "suspicious", "code": "RNN101", "variables": ["rnn/k"],
                     "between": [{"line": 5, "layer": 0, "run": 0}], "evidence": "one cell"}],
        "created": [{"name": "rnn/k", "line": 5, "shape": [4, 4], "graph": 0}], "stacks": [], "entries": [],
        "stopped_at": None, "violations": [], "seconds": 0.5, "sandbox": {"seccomp": "on"}}


def test_a_real_trace_passes_unchanged() -> None:
    assert check_trace(json.loads(json.dumps(GOOD))) == GOOD


@pytest.mark.parametrize("line", [
    pytest.param(b"[" * 100000 + b"]" * 100000, id="nested past the recursion limit"),
    pytest.param(b'{"id": 1, "trace": ' + b"[" * 500 + b"]" * 500 + b"}", id="nested past the depth cap"),
    pytest.param(b"\xff\xfe{", id="not JSON"),
    pytest.param(b"[1, 2]", id="not an object"),
    pytest.param(b" " * (MAX_LINE + 1), id="over the size cap"),
])
def test_bad_lines_are_protocol_errors(line: bytes) -> None:
    with pytest.raises(ProtocolError):
        check_trace(decode(line).get("trace"))


@pytest.mark.parametrize("field,value", [
    pytest.param("runs", 5, id="runs not a list"),
    pytest.param("sharing", "x", id="sharing a string"),
    pytest.param("error", {"type": 3, "message": "m"}, id="error type a number"),
    pytest.param("runs", [{"layers": [{"variables": "rnn/k"}]}], id="variables a string"),
    pytest.param("sharing", [{"between": [{"line": True}]}], id="a bool for a line"),
    pytest.param("sandbox", {"seccomp": ["on"]}, id="sandbox status a list"),
])
def test_mistyped_fields_are_protocol_errors(field: str, value: Any) -> None:
    with pytest.raises(ProtocolError):
        check_trace(dict(GOOD, **{field: value}))


def test_strings_are_made_printable_everywhere() -> None:
    trace = json.loads(json.dumps(dict(GOOD, error={"type": "ValueError", "message": "x\nf.py:1:1: RNN105 y\x1b[31m\u202e",
                                                    "line": 2, "stack": [2]})))
    trace["runs"][0]["layers"][0]["variables"] = ["a\rb"]
    cleaned = check_trace(trace)
    assert cleaned["error"]["message"] == "x\\nf.py:1:1: RNN105 y\\x1b[31m\\u202e"
    assert cleaned["runs"][0]["layers"][0]["variables"] == ["a\\rb"]
    assert printable("naïve 名前") == "naïve 名前"
