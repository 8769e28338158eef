"""Parameters read by string key (`inputs['train']`) get a dict of placeholders, one per key, typed by the name."""
from __future__ import annotations

import os
from typing import Any, Dict

import pytest

from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.dynamic.verify import verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

PATH = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_split_mapping.py")


def test_each_key_gets_a_placeholder_typed_by_the_name() -> None:
    with open(PATH, encoding="utf-8") as handle:
        source = handle.read()
    (entry,) = make_plan(source, PATH, {})["entries"]
    args = entry["init_args"]
    assert args["inputs"] == {"kind": "mapping", "keys": ["train"],
                              "value": {"kind": "placeholder", "dtype": "float32", "shape": [2, 3, 4]}}
    assert args["seq_length"]["value"] == {"kind": "placeholder", "dtype": "int32", "shape": [2]}
    assert args["labels"]["value"] == {"kind": "placeholder", "dtype": "int32", "shape": [2, 3]}
    assert args["config"]["kind"] == "namespace"     # attribute reads keep their namespace
    # a name read by key that says nothing about what it holds is a table of settings: each key's value from
    # the key's own name, aimed by the comparisons made on it (TensorBox's `H['num_lstm_layers'] > 1`)
    (other,) = make_plan("import tensorflow as tf\ndef f(opts):\n    if opts['depth'] > 5:\n"
                         "        return tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(opts['units'])] * 3)\n",
                         "g.py", {}, targets=[4])["entries"]
    assert other["args"]["opts"] == {"kind": "mapping", "keys": ["depth", "units"],
                                     "values": {"depth": {"kind": "literal", "value": 6},
                                                "units": {"kind": "int", "value": 4}}}


def test_the_entry_reaches_the_stack(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[PATH]
    assert trace["error"] is None, trace["error"]
    assert trace["synthesized"]["Model(inputs)"] == "{'train': placeholder float32 [2, 3, 4]}"
    (finding,) = verify(analyze_file(PATH, Settings(select=("RNN",))).findings, {PATH: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic


SETTINGS = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_settings_table.py")


def test_a_settings_table_reaches_the_stacked_branch(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[SETTINGS]
    assert trace["error"] is None, trace["error"]
    table = trace["synthesized"]["build_recurrence(H)"]
    assert "'num_layers': 2" in table and "'lstm_size': 4" in table, table
    assert trace["synthesized"]["build_recurrence(step_input)"] == "placeholder float32 [2, 4]"
    (finding,) = verify(analyze_file(SETTINGS, Settings(select=("RNN",))).findings, {SETTINGS: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "layer 0, line 18 layer 1" in finding.dynamic.evidence   # the run itself, not only the stack's objects
