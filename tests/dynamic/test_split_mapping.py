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
    # a name read by key that says nothing about what it holds is left to the usual stand-in
    (other,) = make_plan("import tensorflow as tf\ndef f(opts):\n    return tf.nn.rnn_cell.LSTMCell(opts['units'])\n",
                         "g.py", {})["entries"]
    assert (other.get("args") or {}).get("opts", {}).get("kind") != "mapping"


def test_the_entry_reaches_the_stack(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[PATH]
    assert trace["error"] is None, trace["error"]
    assert trace["synthesized"]["Model(inputs)"] == "{'train': placeholder float32 [2, 3, 4]}"
    (finding,) = verify(analyze_file(PATH, Settings(select=("RNN",))).findings, {PATH: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
