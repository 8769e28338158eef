"""No crash on real Python: every .py of the running interpreter's standard library, parsed and modelled."""
from __future__ import annotations

import os
import sysconfig
from typing import List

import pytest

from rnn_reuse_lint.engine import analyze_bytes, build
from rnn_reuse_lint.settings import Settings


def _stdlib_files() -> List[str]:
    root = sysconfig.get_paths()["stdlib"]
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("site-packages", "__pycache__")]
        out.extend(os.path.join(dirpath, f) for f in filenames if f.endswith(".py"))
    return sorted(out)


@pytest.mark.slow
def test_whole_stdlib_never_crashes() -> None:
    """The prefilter is bypassed (every file is parsed and evaluated) so the evaluator meets all syntax."""
    internal = []
    syntax = 0
    for path in _stdlib_files():
        with open(path, "rb") as handle:
            data = handle.read()
        # Prefix RNN and TF tokens so the prefilter lets the file through to the parser and the evaluator.
        result = analyze_bytes(b"# rnn tf.\n" + data, path, Settings())
        if result.error is not None:
            if result.error.message.startswith("internal error"):
                internal.append((path, result.error.message))
            else:
                syntax += 1
                assert result.error.code == "RNN000" and result.error.line >= 1
        # Ordinary code is never reported; files with lines Python rejects get RNN000 for those lines only.
        assert all(f.code == "RNN000" for f in result.findings), (path, result.findings)
    assert internal == []


def test_prefilter_skips_files_without_rnn_tokens() -> None:
    assert build(b"def f():\n    return 1\n", "x.py") is None


def test_self_doubling_list_stays_bounded() -> None:
    """`l += l` in a loop doubled the abstract list every pass (stdlib test_bigmem.py ran out of memory)."""
    source = b"import tensorflow as tf\nl = [tf.nn.rnn_cell.LSTMCell(2)]\nfor _ in range(64):\n    l += l\n    l = l + l\n"
    source += b"s = tf.nn.rnn_cell.MultiRNNCell(l)\n"
    result = analyze_bytes(source, "x.py", Settings())
    assert result.error is None


def test_odd_percent_formats_are_not_evaluated() -> None:
    """`'%c' % 0x110000` raised OverflowError inside the evaluator (stdlib test_format.py)."""
    source = b"import tensorflow as tf\nname = '%c' % 0x110000\nwide = '%999999999d' % 1\nrnn = 1\n"
    assert analyze_bytes(source, "x.py", Settings()).error is None
