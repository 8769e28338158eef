"""A cell name only a function reads and nothing binds is not synthesized: no stack the program never builds."""
from __future__ import annotations

import os

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

LAYERS = os.path.join(FIXTURES, "dynamic", "unbound_cell_pkg", "layers.py")
SNIPPET = ("import tensorflow as tf\n"
           "x = tf.placeholder(tf.float32, [2, 3, 4])\n"
           "outputs, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * 2), x, dtype=tf.float32)\n")


def test_only_a_cell_the_top_level_reads_is_synthesized() -> None:
    with open(LAYERS) as handle:
        assert "single_cell" not in make_plan(handle.read(), LAYERS, {})["free"]
    # a pasted snippet that never defines its cell still gets one
    assert make_plan(SNIPPET, "snippet.py", {})["free"]["cell"]["kind"] == "cell"


def test_the_stack_over_an_unbound_name_is_not_confirmed() -> None:
    (finding,) = analyze_file(LAYERS, Settings(select=("RNN",))).findings
    assert finding.code == "RNN101" and finding.span.line == 10
    (trace,) = trace_files([LAYERS], timeout=120.0, targets={LAYERS: [10]})
    # before: `single_cell` was a synthesized GRUCell and the stack "held one GRUCell object as layers 0, 1"
    assert trace["stacks"] == [], trace["stacks"]
    (finding,) = verify([finding], {LAYERS: trace})
    assert finding.dynamic is not None and finding.dynamic.verdict != "confirmed", finding.dynamic
