"""TF 1.x code reading TensorFlow's internals on TF 2: functions TF 2 moved out of array_ops/control_flow_ops/random_ops
served where TF 1.15 had them, and tf.contrib.rnn's module files (core_rnn_cell_impl, core_rnn) served from the
pieces the shim gives as tf.contrib.rnn."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any, Dict

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.rrl_child.moved_names import MOVED_NAMES
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.dynamic

INTERNAL_OPS = os.path.join(FIXTURES, "dynamic", "rnn103_obstacle_tf1_internal_ops.py")
OLD_PATHS = os.path.join(FIXTURES, "dynamic", "tf1_moved_modules", "rnn101_core_rnn_cell_impl.py")

# For each (old module, name): whether the module has it, and (after the child's install) whether it is the very
# object TensorFlow exports as tf.compat.v1.<name> (tf.<name> on TF 1.x).
_PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
import tensorflow as tf
api = tf.compat.v1 if hasattr(tf, "compat") and hasattr(tf.compat, "v1") else tf
if sys.argv[2] == "install":
    from rnn_reuse_lint.dynamic.rrl_child import moved_names
    moved_names.install()
out = {}
for old, names in json.loads(sys.argv[3]).items():
    module = importlib.import_module(old)
    for name in names:
        value = getattr(module, name, None)
        out[old + "." + name] = [value is not None, value is getattr(api, name, object())]
print(json.dumps(out))
"""


def _probe(python: str, install: bool) -> Dict[str, Any]:
    done = subprocess.run([python, "-c", _PROBE, ROOT, "install" if install else "as-is", json.dumps(MOVED_NAMES)],
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, TF_USE_LEGACY_KERAS="1", TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-2000:]
    found: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _verdict(path: str, trace: Dict[str, Any]) -> Any:
    (finding,) = verify(analyze_file(path, Settings(select=("RNN",))).findings, {path: trace})
    assert finding.dynamic is not None
    return finding.dynamic.verdict, finding.dynamic.reached_via


def test_internal_ops_of_tf1_run_on_tf2() -> None:
    (trace,) = trace_files([INTERNAL_OPS], timeout=120.0)
    # before: array_ops.stack raised AttributeError, line 13 was stepped over with a stand-in, and the decoder's
    # concat failed on it ("Can't concatenate scalars") at the finding's own line
    assert trace["synthesized"] == {}, trace["synthesized"]
    # the decoder steps the encoder's cell under its own scope and runs to the end (every fixtures/dynamic file
    # errs only where it marks a collision)
    assert trace["error"] is None, trace["error"]
    assert _verdict(INTERNAL_OPS, trace) == ("confirmed", "plain")


def test_tf1_contrib_rnn_module_files_run_on_tf2() -> None:
    (trace,) = trace_files([OLD_PATHS], timeout=120.0)
    # before: NotSupportedOnTF2 for tensorflow.contrib.rnn.python.ops at the import (line 5)
    assert trace["tf_version"].startswith("2.") and trace["error"] is None, trace["error"]
    assert trace["synthesized"] == {}
    assert [c["name"] for c in trace["created"]][:2] == ["project/kernel", "project/bias"]   # TF 1.15's _linear
    assert _verdict(OLD_PATHS, trace) == ("confirmed", "plain")


@pytest.mark.slow
def test_the_table_is_tf_history() -> None:
    """TF 1.15 holds every name in the old module, as its public API object; TF 2 lacks it there until the
    child's install, which then gives the same object tf.compat.v1 exports."""
    from tests.dynamic.test_legacy_tf import legacy_python

    tf115 = _probe(legacy_python("1.15.0"), install=False)
    assert tf115 and all(tf115.values()), tf115
    before = _probe(sys.executable, install=False)
    assert not any(present for present, _ in before.values()), before
    after = _probe(sys.executable, install=True)
    assert after == tf115, after
