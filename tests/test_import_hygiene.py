"""The core stays light: no TensorFlow, flake8, argparse or tomllib on the analysis path; no libcst without RNN."""
from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from rnn_reuse_lint.engine import analyze_bytes
from rnn_reuse_lint.settings import Settings
analyze_bytes({source!r}, "x.py", Settings())
print(",".join(sorted(m for m in ("tensorflow", "flake8", "argparse", "tomllib", "libcst") if m in sys.modules)))
"""


def _loaded(source: bytes) -> str:
    proc = subprocess.run([sys.executable, "-c", CHECK.format(source=source)], capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


def test_engine_imports_no_tensorflow_flake8_argparse_or_tomllib() -> None:
    source = b"import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(2)] * 2)\n"
    assert _loaded(source) == "libcst"


def test_file_without_rnn_tokens_never_loads_libcst() -> None:
    assert _loaded(b"import os\nprint(os.getcwd())\n") == ""
