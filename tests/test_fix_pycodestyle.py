"""Fixed code passes `flake8 --select E,W` wherever the original did: a flake8 hook after the fix hook must not
fail on the fix's own layout (real flake8 and the real CLI, on every fixture fix and on hand-made cases)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Set

import pytest

ROOT = Path(__file__).resolve().parents[1]


def style_codes(paths: Set[Path]) -> Dict[Path, Set[str]]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "E,W",
                           "--format", "%(path)s %(code)s", *map(str, sorted(paths))],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    out: Dict[Path, Set[str]] = {p: set() for p in paths}
    for line in proc.stdout.splitlines():
        path, code = line.rsplit(" ", 1)
        out[Path(path)].add(code)
    return out


def fix(*args: str, cwd: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--fix", "-q", *args], cwd=str(cwd),
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.slow
def test_every_fixture_fix_keeps_pycodestyle_clean(tmp_path: Path) -> None:
    copy = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", copy)
    files = set(copy.rglob("*.py"))
    before = {p: (p.read_text(encoding="utf-8"), codes) for p, codes in style_codes(files).items()}
    fix("--unsafe-fixes", "-j", "1", ".", cwd=copy)
    changed = {p for p in files if p.read_text(encoding="utf-8") != before[p][0]}
    assert len(changed) >= 10  # the fixtures do carry fixes
    after = style_codes(changed)
    new = {str(p.relative_to(copy)): sorted(after[p] - before[p][1]) for p in changed if after[p] - before[p][1]}
    assert new == {}


NESTED = '''import tensorflow as tf


def build(config, is_training):
    size = config.hidden_size

    cell = tf.nn.rnn_cell.LSTMCell(size)
    if is_training:
        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)

    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
    return stack


def opens_its_block(config, is_training):
    cell = tf.nn.rnn_cell.LSTMCell(config.hidden_size)
    if is_training:
        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)
    return tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
'''

TOP_LEVEL = '''import tensorflow as tf

TRAINING = True
cell = tf.nn.rnn_cell.LSTMCell(8)
if TRAINING:
    cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
print(stack)
'''


@pytest.mark.parametrize("source", [pytest.param(NESTED, id="nested-factory-after-blank-lines-E303-E306"),
                                    pytest.param(TOP_LEVEL, id="top-level-factory-E302-E305"),
                                    pytest.param(TOP_LEVEL.replace("\n", "\r\n"), id="crlf")])
def test_factory_is_spaced_like_pycodestyle_wants(tmp_path: Path, source: str) -> None:
    path = tmp_path / "model.py"
    path.write_bytes(source.encode())
    assert style_codes({path})[path] == set()
    fix("model.py", cwd=tmp_path)
    fixed = path.read_bytes().decode()
    assert "def make_cell" in fixed and "[cell] * 2" not in fixed
    assert style_codes({path})[path] == set(), fixed
    fix("model.py", cwd=tmp_path)
    assert path.read_bytes().decode() == fixed  # a second --fix is a no-op


# ----- long lines: a fix keeps to the file's own line length (wrap.py) ----------------------------


def test_a_fix_breaks_the_long_lines_it_makes_inside_their_bracket() -> None:
    from rnn_reuse_lint.fixes.wrap import wrap_new_lines

    original = ("    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(cell, cell, inputs, sequence_length=lengths,\n"
                "                                                  dtype=tf.float32)\n")
    fixed = original.replace("(cell, cell,", "(cell, tf.nn.rnn_cell.LSTMCell(hidden),")
    assert wrap_new_lines(fixed, original) == (
        "    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.LSTMCell(hidden),\n"
        "                                                  inputs, sequence_length=lengths,\n"
        "                                                  dtype=tf.float32)\n")
    comprehension = ("    stack = rnn.MultiRNNCell([rnn.LSTMCell(FLAGS.hidden_size) "
                     "for _ in range(FLAGS.num_layers)])\r\n")
    assert wrap_new_lines(comprehension, "x = 1\r\n") == (
        "    stack = rnn.MultiRNNCell([rnn.LSTMCell(FLAGS.hidden_size)\r\n"
        "                              for _ in range(FLAGS.num_layers)])\r\n")
    continued = "    cell, rnn.GRUCell(hidden), word_vectors, sequence_length=sentence_len, dtype=tf.float32)\n"
    assert wrap_new_lines(continued, "") == (
        "    cell, rnn.GRUCell(hidden), word_vectors, sequence_length=sentence_len,\n"
        "    dtype=tf.float32)\n")
    # a trailing comment stays on the first line, where the finding (and a `# noqa`) is
    commented = comprehension.replace("\r\n", "  # noqa: RNN101\n")
    assert wrap_new_lines(commented, "") == (
        "    stack = rnn.MultiRNNCell([rnn.LSTMCell(FLAGS.hidden_size)  # noqa: RNN101\n"
        "                              for _ in range(FLAGS.num_layers)])\n")
    # left as they are: a line of the original, a comment that leaves no room, a line no bracket can break
    assert wrap_new_lines(comprehension, comprehension) == comprehension
    crowded = comprehension.replace("\r\n", "  # a comment far too long to share a line with the code\n")
    assert wrap_new_lines(crowded, "") == crowded
    bare = "x = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
    assert wrap_new_lines(bare, "") == bare


@pytest.mark.slow
def test_every_fixture_fix_keeps_to_the_files_line_length(tmp_path: Path) -> None:
    """Measured before wrap.py: 35 new lines over 119 characters in 33 fixed fixtures (a flake8 hook with
    max-line-length = 120 after the fix hook failed). Left long: a line whose trailing comment leaves its first
    piece no room (3 in the fixtures)."""
    from rnn_reuse_lint.fixes.wrap import limit_of

    copy = tmp_path / "fixtures"
    shutil.copytree(ROOT / "fixtures", copy)
    originals = {p: p.read_text(encoding="utf-8") for p in copy.rglob("*.py")}
    fix("--unsafe-fixes", "-j", "2", ".", cwd=copy)
    changed = {p: p.read_text(encoding="utf-8") for p in originals if p.read_text(encoding="utf-8") != originals[p]}
    assert len(changed) >= 10
    long_lines = []
    for path, text in changed.items():
        compile(text, str(path), "exec")
        old, limit = set(originals[path].splitlines()), limit_of(originals[path])
        long_lines += [line for line in text.splitlines() if len(line) > limit and line not in old and "#" not in line]
    assert long_lines == []
