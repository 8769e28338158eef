"""A rule added as one module in rules/ gets a dynamic verdict: its Evidence names the traced fact that confirms it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.throwaway_rule import CODE, package_with_rule, run_with

pytestmark = [pytest.mark.slow, pytest.mark.dynamic]

# Runnable as it stands: one GRU cell object is the forward and the backward cell.
SHARED = ("import tensorflow as tf\n"
          "x = tf.placeholder(tf.float32, [2, 3, 4])\n"
          "cell = tf.nn.rnn_cell.GRUCell(4)\n"
          "out, _ = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n")


def test_real_tensorflow_confirms_the_new_rule(tmp_path: Path) -> None:
    site = package_with_rule(tmp_path / "pkg")
    work = tmp_path / "work"
    work.mkdir()
    (work / "m.py").write_text(SHARED)
    status, out, err = run_with(site, work, "-m", "rnn_reuse_lint", "check", "--dynamic", "--select", CODE,
                                "--format", "json", "m.py", timeout=600)
    assert status == 1, err
    (finding,) = json.loads(out)["findings"]
    assert finding["code"] == CODE
    # the child names the fact (shared_across_directions); the rule's Evidence says that fact confirms it
    assert finding["dynamic"]["verdict"] == "confirmed", finding["dynamic"]
    assert "bidirectional_rnn/fw/gru_cell" in finding["dynamic"]["evidence"]
