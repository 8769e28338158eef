"""Stand-ins TensorFlow refuses are stepped over, and definitions below the module's stopping point still exist."""
from __future__ import annotations

import os
from typing import Any, Dict

import pytest

from rnn_reuse_lint.dynamic.api import verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES
from tests.dynamic.conftest import trace_sources

pytestmark = pytest.mark.dynamic

DYN = os.path.join(FIXTURES, "dynamic")
REFUSED = os.path.join(DYN, "rnn101_obstacle_stand_in_refused.py")
BELOW = os.path.join(DYN, "rnn101_obstacle_model_below_training.py")


def _finding(path: str, trace: Dict[str, Any]) -> Finding:
    (finding,) = verify(analyze_file(path, Settings(select=("RNN",))).findings, {path: trace})
    assert finding.dynamic is not None
    return finding


def test_tensorflow_refusing_a_stand_in_is_stepped_over(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[REFUSED]
    assert trace["error"] is None, trace["error"]
    failed = {f["line"]: f["type"] for f in trace["tolerated"]}
    # the positional cross-entropy on a stub (walking a stub's `.op` never ended: a MemoryError), the reshape
    assert failed == {7: "TypeError", 8: "ValueError"}, trace["tolerated"]
    finding = _finding(REFUSED, trace)
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "line 8 failed (ValueError)" in finding.dynamic.evidence


def test_the_programs_own_values_refused_are_still_the_result(tmp_path: Any) -> None:
    sources = {
        # no stand-in anywhere: TensorFlow's refusal is the program's own result
        "own_shapes": "import tensorflow as tf\nprior = tf.reshape(tf.zeros([3]), [4, 4])\n"
                         "cell = tf.nn.rnn_cell.GRUCell(4)\n",
        # a stand-in nearby, but TF refused the program's own tensor: still the result
        "own_beside_stub": "import tensorflow as tf\nimport rrl_fixture_not_installed as h\nscale = h.scale()\n"
                              "prior = tf.reshape(tf.zeros([3]), [4, 4])\n",
        # sharing's own symptom is never stepped over, whatever fed it
        "symptom": "import tensorflow as tf\nimport rrl_fixture_not_installed as h\n"
                      "a = tf.get_variable('w', [2], initializer=tf.zeros_initializer())\n"
                      "b = tf.get_variable('w', [int(h.depth())])\n",
    }
    traces = trace_sources(str(tmp_path), sources)
    assert traces["own_shapes"]["error"]["line"] == 2
    assert traces["own_beside_stub"]["error"]["line"] == 4
    assert traces["symptom"]["error"]["line"] == 4
    assert "already exists" in traces["symptom"]["error"]["message"]


def test_a_model_class_below_the_training_loop_is_defined_and_run(
        fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[BELOW]
    assert trace["stopped_at"]["what"] == "Session.run", trace["stopped_at"]
    assert trace["synthesized"]["defined after the module stopped"] == "LAYERS, Tagger"
    finding = _finding(BELOW, trace)
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic
    assert "the synthesized entry Tagger" in finding.dynamic.evidence


SIZES = os.path.join(DYN, "rnn101_obstacle_sizes_from_missing_config.py")


def test_size_like_names_of_a_failed_statement_get_numbers(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[SIZES]
    assert trace["error"] is None, trace["error"]
    assert [(t["line"], t["names"]) for t in trace["tolerated"]] == [(9, ["n_hidden_units=4"]), (10, ["n_layers=2"])]
    finding = _finding(SIZES, trace)
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized"), finding.dynamic


def test_the_plan_gives_size_like_targets_numbers_and_positional_lengths_vectors() -> None:
    from rnn_reuse_lint.dynamic.plan import make_plan

    source = ("import tensorflow as tf\nn_hidden = cfg.getint('a')\nself_name = cfg.get('b')\n"
              "def encode(cell, x, lengths):\n    return tf.nn.dynamic_rnn(cell, x, lengths, dtype=tf.float32)\n")
    plan = make_plan(source, "m.py", {})
    assert plan["stub_values"] == {"n_hidden": 4}     # `self_name` reads as no size: it stays a stub
    (entry,) = plan["entries"]
    assert entry["args"]["lengths"] == {"kind": "placeholder", "dtype": "int32", "shape": [2]}


SHADOW = os.path.join(DYN, "sibling_shadow_pkg", "models", "tagger.py")


def test_a_package_modules_sibling_does_not_hide_the_projects_package(tmp_path: Any) -> None:
    from rnn_reuse_lint.dynamic.api import trace_files

    (trace,) = trace_files([SHADOW], timeout=120.0)
    assert trace["error"] is None, trace["error"]   # was: 'models.utils' is not a package (its sibling utils.py)
    finding = _finding(SHADOW, trace)
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic


def test_tf0_rnn_rnn_takes_a_list_of_time_steps() -> None:
    from rnn_reuse_lint.dynamic.plan import make_plan

    source = ("from tensorflow.models.rnn import rnn, rnn_cell\n"
              "def encode(cell, encoder_inputs):\n    wrapped = rnn_cell.DropoutWrapper(cell)\n"
              "    return rnn.rnn(wrapped, encoder_inputs, dtype=None)\n"
              "def apply(layer, x):\n    return layer.rnn(x)\n")
    plan = make_plan(source, "m.py", {})
    args = {e["name"]: e.get("args", {}) for e in plan["entries"]}
    assert args["encode"]["encoder_inputs"]["kind"] == "placeholders"   # TF 0.x's static_rnn: one tensor per step
    assert args.get("apply", {}).get("x", {}).get("kind") != "cell"      # a one-argument `.rnn(x)` is no driver


TF0_WRAPPERS = os.path.join(DYN, "rnn101_obstacle_tf0_ops_rnn_cell_wrappers.py")


def test_tf0_ops_rnn_cell_serves_its_wrappers(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[TF0_WRAPPERS]
    assert trace["error"] is None and not trace["tolerated"], (trace["error"], trace["tolerated"])
    (run,) = trace["runs"]
    assert run["line"] == 9 and len(run["layers"]) == 2, run   # the projection's stack ran, both layers
    # TF 0.x's _linear(args, output_size, bias, bias_start): its own names, the 4th argument a bias start
    assert [c["name"] for c in trace["created"]][-2:] == ["Linear/Matrix", "Linear/Bias"], trace["created"]
    finding = _finding(TF0_WRAPPERS, trace)
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic
