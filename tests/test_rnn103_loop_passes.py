"""RNN103 for a cell first run elsewhere and then stepped in a loop that names a scope per pass."""
from __future__ import annotations

from pathlib import Path

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings

HOPS = '''import tensorflow as tf


def build(facts, question, hops):
    gru = tf.nn.rnn_cell.GRUCell(8)
    with tf.variable_scope("facts"):
        states, _ = tf.nn.dynamic_rnn(gru, facts, dtype=tf.float32)
    memory = question
    with tf.variable_scope("episodic"):
        for t in range(HOPS):
            with tf.variable_scope("hop_%d" % t):
                memory = gru(memory, memory)[0]
    return memory
'''


def _rnn103(tmp_path: Path, hops: str) -> list[tuple[int, str]]:
    path = tmp_path / "hops.py"
    path.write_text(HOPS.replace("HOPS", hops), encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    return [(f.span.line, f.message) for f in result.findings if f.code == "RNN103"]


def test_a_spelled_out_loop_borrowing_from_one_run_is_reported_once_at_its_call(tmp_path: Path) -> None:
    # Three passes (hop_0, hop_1, hop_2) all keep `facts/rnn`'s weights: one finding for the call, at its first pass.
    [(line, message)] = _rnn103(tmp_path, "3")
    assert line == 12
    assert "`episodic/hop_0`" in message and "`facts/rnn/gru_cell/gates/kernel`" in message


def test_a_loop_of_unknown_length_is_still_below_its_known_parent(tmp_path: Path) -> None:
    [(line, message)] = _rnn103(tmp_path, "hops")
    assert line == 12
    assert "`episodic/<a name per pass>`" in message


def test_a_loop_named_scope_under_the_first_runs_own_scope_is_not_claimed(tmp_path: Path) -> None:
    # The GRU first ran under `episodic/...` itself: a pass may name that very scope, so nothing is claimed here
    # (the loop's own passes are RNN103's loop case, reported at the loop).
    source = HOPS.replace('"facts"', '"episodic"')
    path = tmp_path / "same_parent.py"
    path.write_text(source.replace("HOPS", "hops"), encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    assert not any("<a name per pass>" in f.message for f in result.findings)
