"""Cases where the trace's sharing verdict disagrees with the static one and with issue 14's reading of real code.

Each is a strict xfail that names the part of the trace to mend; the day it is mended the test passes, strict turns
that into a failure, and the case moves into fixtures/dynamic where the agreement test checks it for good.
"""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.dynamic.conftest import trace_sources

pytestmark = pytest.mark.dynamic

# Issue 14 §4: a generator run by dynamic_rnn, then stepped by hand under `variable_scope("generator", reuse=True)`,
# shares on purpose (reuse is asked for in a scope that holds the generator's variables).
GENERATOR_THEN_SAMPLER = '''import tensorflow as tf

cell = tf.nn.rnn_cell.GRUCell(4)
inputs = tf.placeholder(tf.float32, [2, 3, 4])
token = tf.placeholder(tf.float32, [2, 4])
with tf.variable_scope("generator"):
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
with tf.variable_scope("generator", reuse=True):
    for _ in range(3):
        token, state = cell(token, state)
'''


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    return trace_sources(str(tmp_path_factory.mktemp("disagrees")), {"generator_then_sampler": GENERATOR_THEN_SAMPLER})


def test_static_pass_reads_the_sampler_as_intended(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("static") / "generator_then_sampler.py"
    path.write_text(GENERATOR_THEN_SAMPLER, encoding="utf-8")
    result = analyze_file(str(path), Settings())
    assert result.error is None and not result.findings


@pytest.mark.xfail(strict=True, reason=(
    "rrl_child/summarize.py `_edge` calls one object run under another outer scope RNN103 whatever the reuse "
    "flag of that scope; the static pass (runs._sharing_kind) calls it intended when reuse is on there"))
def test_trace_reads_the_sampler_as_intended(traces: Dict[str, Dict[str, Any]]) -> None:
    trace = traces["generator_then_sampler"]
    assert trace["error"] is None
    assert len(trace["runs"]) >= 2  # the sampler steps ran: a verdict about them is not vacuous
    assert [s for s in trace["sharing"] if s["kind"] == "suspicious"] == []
