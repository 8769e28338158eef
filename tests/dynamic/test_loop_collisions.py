"""Loops that make a new cell on every pass, traced with real TensorFlow: the static RNN104 verdict matches."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from tests.dynamic.conftest import trace_sources

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

pytestmark = pytest.mark.dynamic

HEADER = "import tensorflow as tf\n\nunits = 4\nsteps = tf.placeholder(tf.float32, [2, 3, units], name='steps')\n"

CASES = {
    # Direct calls in one open scope: TF 1.5+ names them gru_cell, gru_cell_1, ...: no collision, no finding.
    "direct_calls_scope_stays_open": (
        "state = tf.zeros([2, units])\n"
        "for t in range(3):\n"
        "    step_cell = tf.nn.rnn_cell.GRUCell(units)\n"
        "    out, state = step_cell(steps[:, t], state)\n"),
    # The same calls with the scope re-entered on every pass: the counter restarts and the second pass collides.
    "direct_calls_scope_reopened": (
        "state = tf.zeros([2, units])\n"
        "for t in range(3):\n"
        "    with tf.variable_scope('step'):\n"
        "        out, state = tf.nn.rnn_cell.GRUCell(units)(steps[:, t], state)\n"),
    # A driver re-enters its `rnn` scope on every call.
    "driver_new_cell_every_pass": (
        "out = steps\n"
        "for layer in range(2):\n"
        "    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(units), out, dtype=tf.float32)\n"),
    # Reuse switched on after the first pass: the passes share, as intended.
    "driver_reuse_after_first_pass": (
        "outs = []\n"
        "with tf.variable_scope('tower'):\n"
        "    for layer in range(2):\n"
        "        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(units), steps, dtype=tf.float32)\n"
        "        tf.get_variable_scope().reuse_variables()\n"),
}


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    sources = {name: HEADER + body for name, body in CASES.items()}
    return trace_sources(str(tmp_path_factory.mktemp("loops")), sources)


def _static_codes(trace: Dict[str, Any]) -> List[tuple]:
    result = analyze_file(trace["path"], Settings())
    assert result.error is None
    return [(f.span.line, f.code) for f in result.findings]


def _created(trace: Dict[str, Any]) -> List[str]:
    return [entry["name"] for entry in trace.get("created") or []]


@pytest.mark.parametrize("name", ["direct_calls_scope_stays_open", "driver_reuse_after_first_pass"])
def test_no_collision_and_no_finding(name: str, traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced[name]
    assert trace["error"] is None, trace["error"]
    assert _static_codes(trace) == []


def test_open_scope_names_every_pass_apart(traced: Dict[str, Dict[str, Any]]) -> None:
    created = _created(traced["direct_calls_scope_stays_open"])
    assert {"gru_cell/gates/kernel", "gru_cell_1/gates/kernel", "gru_cell_2/gates/kernel"} <= set(created)


def test_reuse_after_first_pass_creates_one_set(traced: Dict[str, Dict[str, Any]]) -> None:
    created = _created(traced["driver_reuse_after_first_pass"])
    assert sorted(created) == sorted(set(created)) and "tower/rnn/gru_cell/gates/kernel" in created


@pytest.mark.parametrize("name, variable", [
    ("direct_calls_scope_reopened", "step/gru_cell/gates/kernel"),
    ("driver_new_cell_every_pass", "rnn/gru_cell/gates/kernel"),
])
def test_collision_on_the_second_pass_is_rnn104(name: str, variable: str, traced: Dict[str, Dict[str, Any]]) -> None:
    trace = traced[name]
    error = trace["error"]
    assert error is not None and f"Variable {variable} already exists" in error["message"]
    assert _static_codes(trace) == [(error["line"], "RNN104")]
