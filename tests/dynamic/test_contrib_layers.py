"""tf.contrib.layers' fully_connected, linear, dropout and regularizers on TF 2, built as TF 1.15 builds them."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

FIXTURE = os.path.join(FIXTURES, "dynamic", "rnn102_obstacle_contrib_layers.py")

# Each call kind once; what the graph holds afterwards is written into the names of three marker variables (the
# trace records variables, not tensors): the output shapes, the regularization losses, the user collection.
CALLS = """
import tensorflow as tf

layers = tf.contrib.layers
x = tf.placeholder(tf.float32, [2, 3, 5])
flat = tf.placeholder(tf.float32, [2, 5])
keep = tf.placeholder(tf.float32, [])
training = tf.placeholder(tf.bool, [])
a = layers.fully_connected(x, 4, weights_regularizer=layers.l2_regularizer(0.1))
b = layers.fully_connected(flat, 6, activation_fn=tf.tanh, scope="proj", biases_regularizer=layers.l1_regularizer(0.5))
c = layers.fully_connected(flat, 6, normalizer_fn=tf.identity, variables_collections=["mine"])
d = layers.linear(a, 3)
e = layers.dropout(d, keep_prob=keep, is_training=training)
f = layers.dropout(b, keep_prob=0.5)
with tf.variable_scope("proj", reuse=True):
    g = layers.fully_connected(flat, 6, scope=tf.get_variable_scope(), reuse=True)
shapes = [t.get_shape().as_list() for t in (a, b, c, d, e, f, g)]
tf.get_variable("shapes_" + "_".join("x".join(str(n) for n in s) for s in shapes), [1])
tf.get_variable("losses_%d" % len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)), [1])
tf.get_variable("mine_%d" % len(tf.get_collection("mine")), [1])
"""


def _built(trace: Dict[str, Any]) -> List[Tuple[str, Tuple[int, ...]]]:
    """The variables the layers own and the markers. TF 1.15 makes its `weights`/`biases` through a renaming
    getter around a Dense layer, whose inner `kernel`/`bias` requests the trace sees too: those are left out."""
    return sorted({(c["name"], tuple(c["shape"])) for c in trace["created"]
                   if not c["name"].endswith(("/kernel", "/bias"))})


def test_the_fixture_reaches_its_second_level() -> None:
    (trace,) = trace_files([FIXTURE], timeout=120.0)
    # before: fully_connected stood in, and the attention's reduce_sum over its stand-in output failed at line 16
    assert trace["error"] is None, trace["error"]
    assert trace["synthesized"] == {}
    (finding,) = verify(analyze_file(FIXTURE, Settings(select=("RNN",))).findings, {FIXTURE: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic


@pytest.mark.slow
def test_tf2_builds_what_tf115_builds(tmp_path: Any) -> None:
    from tests.dynamic.test_legacy_tf import legacy_python

    probe = tmp_path / "contrib_layers_calls.py"
    probe.write_text(CALLS)
    (tf115,) = trace_files([str(probe)], timeout=180.0, python=legacy_python("1.15.0"))
    assert tf115["tf_version"] == "1.15.0" and tf115["error"] is None, tf115["error"]
    (tf2,) = trace_files([str(probe)], timeout=180.0)
    assert tf2["error"] is None and not tf2["synthesized"], (tf2["error"], tf2["synthesized"])
    assert _built(tf2) == _built(tf115)
    assert ("shapes_2x3x4_2x6_2x6_2x3x3_2x3x3_2x6_2x6", (1,)) in _built(tf2)
    assert {("losses_2", (1,)), ("mine_1", (1,)), ("proj/weights", (5, 6))} <= set(_built(tf2))
