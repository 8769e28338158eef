"""The parent-side planner: free names and their synthesized values, unreached entry points, --define values."""
from __future__ import annotations

import ast

import pytest

from rnn_reuse_lint.dynamic.defines import DefineError, parse_define
from rnn_reuse_lint.dynamic.plan import entries, free_names, make_plan

SEED = """
import tensorflow as tf
from tensorflow.contrib import rnn

def create_lstm_multicell():
    lstm_cell = lambda: rnn.LSTMCell(nstates, reuse=tf.get_variable_scope().reuse)
    return rnn.MultiRNNCell([lstm_cell() for _ in range(n_layers)])

with tf.variable_scope('lstm') as scope:
    layer1, _ = tf.nn.dynamic_rnn(create_lstm_multicell(), x, dtype=tf.float32)
"""


def test_seed_free_names_get_sizes_and_a_placeholder() -> None:
    plan = make_plan(SEED, "seed.py", {})
    assert plan["free"] == {
        "n_layers": {"kind": "int", "value": 2},
        "nstates": {"kind": "int", "value": 4},
        "x": {"kind": "placeholder", "dtype": "float32", "shape": [2, 3, 4]},
    }


@pytest.mark.parametrize("source, name, expected", [
    pytest.param("tf.nn.static_rnn(cell, steps, dtype=tf.float32)\n", "steps",
                 {"kind": "placeholders", "count": 3, "dtype": "float32", "shape": [2, 4]}, id="static rnn inputs"),
    pytest.param("tf.nn.dynamic_rnn(cell, x, sequence_length=lens)\n", "lens",
                 {"kind": "placeholder", "dtype": "int32", "shape": [2]}, id="sequence length"),
    pytest.param("out, s = cell(step, state)\n", "step",
                 {"kind": "placeholder", "dtype": "float32", "shape": [2, 4]}, id="direct cell call input"),
    pytest.param("c = MultiRNNCell([LSTMCell(4)] * depth)\n", "depth", {"kind": "int", "value": 4},
                 id="list multiplier"),
    pytest.param("c = LSTMCell(cfg.hidden_size)\nk = cfg.keep_prob\n", "cfg",
                 {"kind": "namespace", "attrs": {"hidden_size": {"kind": "int", "value": 4},
                                                 "keep_prob": {"kind": "literal", "value": 0.5}}}, id="config object"),
    # probabilities are valid both as keep_prob and as rate (issue 16: dropout=0.0 made rate=1.0 raise)
    pytest.param("y = tf.nn.dropout(x, keep_prob=dropout)\n", "dropout", {"kind": "literal", "value": 0.5},
                 id="dropout probability"),
    pytest.param("c = tf.nn.rnn_cell.GRUCell(4)\nout, s = tf.nn.dynamic_rnn(base, x)\n", "base",
                 {"kind": "cell", "class": "tf.nn.rnn_cell.GRUCell"}, id="cell of the file's class"),
    pytest.param("s = MultiRNNCell([c] * 2)\nz = c.zero_state(2, tf.float32)\n", "c",
                 {"kind": "cell", "class": "tf.nn.rnn_cell.LSTMCell"}, id="cell without a class in the file"),
    pytest.param("class TinyConfig:\n    hidden = 4\nc = LSTMCell(config.hidden)\n", "config",
                 {"kind": "instance", "class": "TinyConfig"}, id="the file's config class"),
    pytest.param("m = keras.layers.LSTM(4)\n", "keras", {"kind": "module", "module": "tf_keras"}, id="free keras"),
])
def test_use_decides_the_value(source: str, name: str, expected: dict) -> None:
    assert make_plan(source, "f.py", {})["free"][name] == expected


def test_bound_names_builtins_and_imports_are_not_free() -> None:
    source = "import os\nimport tensorflow as tf\nn = 3\ndef f(a):\n    return a + n + len(b)\n"
    assert free_names(source, "f.py") == {"b"}


def test_defines_override_and_reach_entry_arguments() -> None:
    source = "def build(inputs, num_layers):\n    return tf.nn.dynamic_rnn(MultiRNNCell([]), inputs)\n"
    plan = make_plan(source, "f.py", {"num_layers": "3", "x": "placeholder float32 [4, None, 8]"})
    assert plan["free"]["x"] == {"kind": "placeholder", "dtype": "float32", "shape": [4, None, 8]}
    (entry,) = plan["entries"]
    assert entry["args"]["num_layers"] == {"kind": "literal", "value": 3}
    assert entry["args"]["inputs"]["kind"] == "placeholder"


def test_entries_are_functions_and_classes_with_rnn_code() -> None:
    source = ("class Model(object):\n    def __init__(self, config):\n        self.cell = LSTMCell(config.units)\n"
              "    def decode(self, steps):\n        return tf.nn.static_rnn(self.cell, steps)\n"
              "    def helper(self):\n        return 1\n"
              "def unrelated(a):\n    return a\n")
    got = [(e["kind"], e["name"]) for e in entries(ast.parse(source), source, {})]
    assert got == [("class", "Model"), ("method", "Model.decode")]


@pytest.mark.parametrize("text, expected", [
    pytest.param("n=3", ("n", {"kind": "literal", "value": 3}), id="int"),
    pytest.param("shape=(2, 3)", ("shape", {"kind": "literal", "value": [2, 3]}), id="tuple becomes list"),
    pytest.param("mode=train", ("mode", {"kind": "literal", "value": "train"}), id="bare word"),
    pytest.param("xs=3 placeholders float32 [2, 4]",
                 ("xs", {"kind": "placeholders", "count": 3, "dtype": "float32", "shape": [2, 4]}), id="list"),
])
def test_parse_define(text: str, expected: tuple) -> None:
    assert parse_define(text) == expected


@pytest.mark.parametrize("text", ["novalue", "1x=3", "x=[1, (", "x={1, 2}"])
def test_bad_defines_are_clear_errors(text: str) -> None:
    with pytest.raises(DefineError):
        parse_define(text)


def test_unparsable_file_gets_an_empty_plan() -> None:
    assert make_plan("def (:\n", "bad.py", {}) == {"free": {}, "entries": []}
