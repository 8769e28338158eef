"""--python: the same child under real TF 1.1 and TF 1.15 (Python 3.6 virtualenvs built on demand)."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
from typing import Any, Dict, Iterator

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "rnn-reuse-lint", "tf-venvs")
SETUP = [os.path.join(ROOT, "..", "shared", "tf_versions", "setup_legacy_tf.sh"),
         "/work/shared/tf_versions/setup_legacy_tf.sh"]
SHARED_STACK = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [2, 3, 4])
cell = tf.contrib.rnn.BasicLSTMCell(4)
stack = tf.contrib.rnn.MultiRNNCell([cell] * 2)  # expect: RNN101
outputs, state = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
"""


def _python36() -> str:
    found = shutil.which("python3.6")
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.6*/bin/python3.6")))
    for path in candidates + ([found] if found else []):
        ok = subprocess.run([path, "-c", "import sys; assert sys.version_info[:2] == (3, 6)"],
                            capture_output=True).returncode == 0
        if ok:
            return path
    return ""


def legacy_python(version: str) -> str:
    """The interpreter of a TF `version` virtualenv, built with shared/tf_versions if missing; skip if impossible."""
    python = os.path.join(CACHE, "tf" + version, "bin", "python")
    if os.path.exists(python):
        return python
    py36 = _python36()
    if not py36:
        pytest.skip("no CPython 3.6 interpreter found: TF %s needs one (pyenv install 3.6.15)" % version)
    setup = next((s for s in SETUP if os.path.exists(s)), None)
    if setup is None:
        pytest.skip("shared/tf_versions/setup_legacy_tf.sh not found: cannot build the TF %s virtualenv" % version)
    proc = subprocess.run(["bash", setup, CACHE, version], capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, PY36=py36))
    if proc.returncode != 0 or not os.path.exists(python):
        pytest.skip("could not build the TF %s virtualenv (package registry unreachable?): %s"
                    % (version, (proc.stdout + proc.stderr).strip()[-300:]))
    return python


SEQ2SEQ = """
import tensorflow as tf
from tensorflow.contrib import seq2seq

units = 4
enc_in = tf.placeholder(tf.float32, [2, 3, units])
dec_in = tf.placeholder(tf.float32, [2, 3, units])
lengths = tf.placeholder(tf.int32, [2])
cell = tf.nn.rnn_cell.GRUCell(units)
enc_out, enc_state = tf.nn.dynamic_rnn(cell, enc_in, dtype=tf.float32, scope="encoder")
helper = seq2seq.TrainingHelper(dec_in, lengths)
decoder = seq2seq.BasicDecoder(cell, helper, enc_state)
outputs, state, _ = seq2seq.dynamic_decode(decoder, scope="decoder")  # expect: RNN103
"""


@pytest.fixture(scope="module")
def seq2seq_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("legacy") / "contrib_seq2seq.py"
    path.write_text(SEQ2SEQ)
    yield str(path)


@pytest.fixture(scope="module")
def shared_stack_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("legacy") / "shared_stack.py"
    path.write_text(SHARED_STACK)
    yield str(path)


def _trace(version: str, *paths: str) -> Dict[str, Dict[str, Any]]:
    from rnn_reuse_lint.dynamic.api import trace_files

    traces = trace_files(list(paths), timeout=120.0, python=legacy_python(version))
    return {os.path.basename(p): t for p, t in zip(paths, traces)}


SEED = os.path.join(ROOT, "fixtures", "dynamic", "intended_seed_reuse_variables.py")
ENC_DEC = os.path.join(ROOT, "fixtures", "dynamic", "rnn103_encoder_decoder.py")


def test_tf_1_1_refuses_to_reuse_a_cell(shared_stack_file: str) -> None:
    traces = _trace("1.1.0", shared_stack_file, SEED)
    trace = traces["shared_stack.py"]
    assert trace["tf_version"] == "1.1.0"
    assert trace["error"]["type"] == "ValueError"
    assert trace["error"]["message"].startswith("Attempt to reuse RNNCell")
    assert trace["error"]["line"] == 6
    assert trace["sharing"] == []                      # 1.1 shares nothing: it refuses
    assert trace["runs"][0]["layers"][1]["variables"] == []
    seed = traces["intended_seed_reuse_variables.py"]   # the seed's own fix works on 1.1, with 1.1 names
    assert seed["error"] is None
    assert seed["runs"][1]["layers"][1]["borrows"] == [
        "lstm/rnn/multi_rnn_cell/cell_1/lstm_cell/weights", "lstm/rnn/multi_rnn_cell/cell_1/lstm_cell/biases"]


def test_tf_1_15_shares_silently(shared_stack_file: str, seq2seq_file: str) -> None:
    traces = _trace("1.15.0", shared_stack_file, ENC_DEC, seq2seq_file)
    trace = traces["shared_stack.py"]
    assert trace["tf_version"] == "1.15.0" and trace["error"] is None
    (rel,) = trace["sharing"]
    assert rel["code"] == "RNN101" and rel["variables"] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias"]
    enc_dec = traces["rnn103_encoder_decoder.py"]
    assert [s["code"] for s in enc_dec["sharing"]] == ["RNN103"]
    assert enc_dec["runs"][1]["layers"][0]["variables"] == ["encoder/rnn/lstm_cell/kernel", "encoder/rnn/lstm_cell/bias"]
    s2s = traces["contrib_seq2seq.py"]      # contrib.seq2seq exists only on TF 1.x: BasicDecoder + dynamic_decode
    assert [r["driver"] for r in s2s["runs"]] == ["dynamic_rnn", "dynamic_decode"]
    assert [(s["code"], [p["line"] for p in s["between"]]) for s in s2s["sharing"]] == [("RNN103", [10, 13])]


def test_legacy_child_runs_sandboxed(shared_stack_file: str) -> None:
    trace = _trace("1.15.0", shared_stack_file)["shared_stack.py"]
    status = trace["sandbox"]
    assert status["namespaces"].startswith("on") and status["seccomp"].startswith("on")
    assert status["audit"].startswith("off")          # Python 3.6 has no audit hooks; the namespaces still hold
