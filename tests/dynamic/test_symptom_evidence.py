"""A confirmed RNN101 whose run then failed with the sharing's own shape error names that error too."""
from __future__ import annotations

from pathlib import Path

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

pytestmark = pytest.mark.dynamic

# one LSTMCell as both layers: layer 0 builds its kernel for an input depth of 6 + 8, layer 1 brings 8 + 8
_DEPTHS = """import tensorflow as tf

inputs = tf.placeholder(tf.float32, [2, 3, {depth}])
one = tf.nn.rnn_cell.LSTMCell(8)
stack = tf.nn.rnn_cell.MultiRNNCell([one] * 2)
outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
"""


@pytest.mark.parametrize("depth, raised", [(6, True), (8, False)])
def test_the_shape_error_is_named_only_when_it_happened(tmp_path: Path, depth: int, raised: bool) -> None:
    path = str(tmp_path / ("depth_%d.py" % depth))
    Path(path).write_text(_DEPTHS.format(depth=depth))
    (finding,) = analyze_file(path, Settings(select=("RNN",))).findings
    (trace,) = trace_files([path], timeout=120.0, targets={path: [5]})
    assert (trace["error"] is not None) == raised, trace["error"]
    (judged,) = verify([finding], {path: trace})
    assert judged.dynamic is not None and judged.dynamic.verdict == "confirmed", judged.dynamic
    evidence = judged.dynamic.evidence
    assert "line 6 layer 0, line 6 layer 1 share rnn/multi_rnn_cell/cell_0/lstm_cell/{kernel,bias}" in evidence
    if raised:
        # layer 1's [2, 16] input against the [14, 32] kernel layer 0 built
        assert "; TF then raised at line 6: Dimensions must be equal, but are 16 and 14" in evidence, evidence
    else:
        assert "raised" not in evidence, evidence
