"""The real-code scorer (benchmarks/realworld/score.py) counts hits, misses and false alarms the way its README says."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import List

import pytest

from tests.conftest import ROOT

SCORE = os.path.join(ROOT, "benchmarks", "realworld", "score.py")
HEADER = "repo\tcommit\tpath\tlabel\tcodes\tlines\tverified\n"
COMMIT = "0123456789abcdef0123456789abcdef01234567"

SHARED_STACK = """import tensorflow as tf

def tower(seq):
    cell = tf.nn.rnn_cell.LSTMCell(64)
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
    return tf.nn.dynamic_rnn(stack, seq, dtype=tf.float32)
"""

FRESH_STACK = """import tensorflow as tf

def tower(seq):
    stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(64) for _ in range(2)])
    return tf.nn.dynamic_rnn(stack, seq, dtype=tf.float32)
"""


def _load_score() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realworld_score", SCORE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def _row(repo: str, path: str, label: str, codes: str = "", lines: str = "", commit: str = COMMIT) -> str:
    return "\t".join((repo, commit, path, label, codes, lines, "written for this test")) + "\n"


def _run(tmp_path: Path, rows: List[str], *extra: str) -> "subprocess.CompletedProcess[str]":
    labels = tmp_path / "labels_test.tsv"
    labels.write_text(HEADER + "".join(rows), encoding="utf-8")
    return subprocess.run([sys.executable, SCORE, "--labels", str(labels), "--repos", str(tmp_path / "repos"), *extra],
                          capture_output=True, text=True, timeout=300)


def _checkout(tmp_path: Path, folder: str, files: "dict[str, str]") -> None:
    for name, text in files.items():
        target = tmp_path / "repos" / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def test_a_hit_on_the_labelled_line_and_a_quiet_clean_file_score_full_marks(tmp_path: Path) -> None:
    _checkout(tmp_path, "acme+tagger", {"model.py": SHARED_STACK, "clean.py": FRESH_STACK})
    done = _run(tmp_path, [_row("acme/tagger", "model.py", "bug", "RNN101", "5"), _row("acme/tagger", "clean.py", "clean")])
    assert done.returncode == 0, done.stderr
    assert "2 files from 1 repositories: 1 buggy, 1 clean" in done.stdout
    assert "overall      1    1    0    0      1.00   1.00" in done.stdout
    assert "RNN101       1    1    0    0      1.00   1.00" in done.stdout
    assert "missed (0):" in done.stdout and "false alarms (0):" in done.stdout


def test_findings_away_from_the_labelled_lines_are_a_miss_and_a_false_alarm(tmp_path: Path) -> None:
    _checkout(tmp_path, "acme+tagger", {"model.py": SHARED_STACK})
    done = _run(tmp_path, [_row("acme/tagger", "model.py", "bug", "RNN101", "1")], "--window", "1")
    assert "overall      1    0    1    1      0.00   0.00" in done.stdout
    assert "acme/tagger model.py: want RNN101 at 1 got RNN101@5" in done.stdout


def test_a_clean_label_on_a_sharing_stack_is_reported_as_a_false_alarm(tmp_path: Path) -> None:
    _checkout(tmp_path, "acme+tagger", {"model.py": SHARED_STACK})
    done = _run(tmp_path, [_row("acme/tagger", "model.py", "clean")])
    assert "false alarms (1):" in done.stdout
    assert "acme/tagger model.py: got RNN101@5" in done.stdout


def test_json_output_records_every_file(tmp_path: Path) -> None:
    import json

    _checkout(tmp_path, "acme+tagger", {"model.py": SHARED_STACK})
    out = tmp_path / "raw.json"
    _run(tmp_path, [_row("acme/tagger", "model.py", "bug", "RNN101", "5")], "--json", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["files"][0]["found"] is True
    assert data["files"][0]["findings"][0]["code"] == "RNN101"
    assert data["scores"][0]["recall"] == 1.0


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("repo\tcommit\n", "header must be", id="wrong header"),
        pytest.param(HEADER + _row("acme/tagger", "m.py", "bug"), "a bug row needs codes and lines", id="bug without codes"),
        pytest.param(HEADER + _row("acme/tagger", "m.py", "maybe"), "label must be bug or clean", id="unknown label"),
        pytest.param(HEADER + _row("acme/tagger", "m.py", "bug", "RNN999", "3"), "unknown rule code", id="unknown code"),
        pytest.param(HEADER + _row("acme/tagger", "m.py", "clean", commit="abc"), "commit must be 40", id="short commit"),
        pytest.param(HEADER + _row("acme/tagger", "m.py", "clean") * 2, "labelled twice", id="duplicate row"),
    ],
)
def test_bad_labels_exit_2_with_the_row_named(tmp_path: Path, text: str, message: str) -> None:
    labels = tmp_path / "labels_bad.tsv"
    labels.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, SCORE, "--labels", str(labels)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_missing_checkout_is_named_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "repos").mkdir()
    done = _run(tmp_path, [_row("acme/absent", "model.py", "bug", "RNN101", "5")])
    assert done.returncode == 1
    assert "acme/absent: model.py is missing" in done.stderr


def test_extract_rebuilds_the_checkout_from_a_mirror_at_the_labelled_commit(tmp_path: Path) -> None:
    work = tmp_path / "mirror" / "acme+tagger" / "repo"
    work.mkdir(parents=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=work, env=env, check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    (work / "pkg").mkdir()
    (work / "pkg" / "model.py").write_text(SHARED_STACK, encoding="utf-8")
    (work / "data.csv").write_text("not python\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-qm", "first")
    commit = git("rev-parse", "HEAD")
    (work / "pkg" / "model.py").write_text(FRESH_STACK, encoding="utf-8")  # a later commit must not leak in
    git("commit", "-qam", "second")

    done = _run(tmp_path, [_row("acme/tagger", "pkg/model.py", "bug", "RNN101", "5", commit=commit)],
                "--extract", "--mirror", str(tmp_path / "mirror"))
    assert done.returncode == 0, done.stderr
    extracted = tmp_path / "repos" / "acme+tagger"
    assert (extracted / "pkg" / "model.py").read_text(encoding="utf-8") == SHARED_STACK
    assert not (extracted / "data.csv").exists()

    missing = _run(tmp_path, [_row("acme/other", "m.py", "clean")], "--extract", "--mirror", str(tmp_path / "mirror"))
    assert missing.returncode == 1 and "fetch tool (github:acme/other)" in missing.stderr


def test_the_committed_labels_parse() -> None:
    score = _load_score()
    tables = sorted(Path(SCORE).parent.glob("labels*.tsv"))
    assert tables, "no labels*.tsv committed beside score.py"
    labels = score.read_labels(tables)
    assert len(labels) >= 35
    assert all(lb.lines for lb in labels if lb.buggy)
