"""Review-bot mode: `--diff-base REV` keeps the findings with any involved location (reported line or a
related one) on a line changed since REV, in every format; real git in a temporary repository."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import List, Tuple

import pytest

from rnn_reuse_lint.report import FORMAT_NAMES
from tests.conftest import FIXTURES
from tests.integrations.helpers import BIDI, check_json, codes_at, git, git_repo, notebook, run_cli, write

MODEL = """import tensorflow as tf

cell = tf.nn.rnn_cell.LSTMCell(64)


def encoder(layers):
    return tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(64) for _ in range(layers)])


def decoder(layers):
    return tf.nn.rnn_cell.MultiRNNCell([cell] * layers)
"""
OLD_BUG = """import tensorflow as tf

shared = tf.nn.rnn_cell.GRUCell(32)
stack = tf.nn.rnn_cell.MultiRNNCell([shared, shared])
"""
NB_CELLS = [("code", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
            ("markdown", "stacking"),
            ("code", "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8)] * 1)\n")]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose base commit has one pre-existing finding (old_bug.py line 4, model.py line 11)."""
    return git_repo(tmp_path / "repo", {"model.py": MODEL, "old_bug.py": OLD_BUG, "nb.ipynb": notebook(NB_CELLS)})


def review(repo: Path, *flags: str) -> List[Tuple[str, int, str]]:
    code, doc = check_json("--diff-base", "HEAD", *flags, ".", cwd=repo)
    return codes_at(doc)


def test_nothing_changed_nothing_reported(repo: Path) -> None:
    code, doc = check_json("--diff-base", "HEAD", ".", cwd=repo)
    assert (code, codes_at(doc)) == (0, [])
    assert codes_at(check_json(".", cwd=repo)[1]) == [("model.py", 11, "RNN101"), ("old_bug.py", 4, "RNN101")]


def test_change_at_the_reuse_site(repo: Path) -> None:
    write(repo, {"model.py": MODEL.replace("for _ in range(layers)])", "for _ in range(layers)])\n")
                 .replace("[tf.nn.rnn_cell.LSTMCell(64) for _ in range(layers)]", "[cell] * layers")})
    assert review(repo) == [("model.py", 7, "RNN101")]


def test_change_at_the_creation_site_reports_the_distant_stack(repo: Path) -> None:
    """Only line 3 (where the cell is built, a related location) changed; the stack at line 11 did not."""
    write(repo, {"model.py": MODEL.replace("LSTMCell(64)\n", "GRUCell(128)\n", 1)})
    assert review(repo) == [("model.py", 11, "RNN101")]


def test_unrelated_change_in_the_same_file(repo: Path) -> None:
    write(repo, {"model.py": MODEL.replace("def encoder(layers):", "def encoder(layers):  # touched")})
    assert review(repo) == []


def test_committed_changes_against_an_older_base(repo: Path) -> None:
    write(repo, {"model.py": MODEL.replace("LSTMCell(64)\n", "GRUCell(128)\n", 1)})
    git(repo, "commit", "-qam", "change the shared cell")
    assert review(repo) == []  # HEAD already has the change
    code, doc = check_json("--diff-base", "HEAD~1", ".", cwd=repo)
    assert codes_at(doc) == [("model.py", 11, "RNN101")]


def test_new_untracked_and_renamed_files(repo: Path) -> None:
    write(repo, {"new_model.py": BIDI})
    git(repo, "mv", "old_bug.py", "renamed_bug.py")
    assert review(repo) == [("new_model.py", 3, "RNN102")]  # a pure rename changes no line


def test_notebook_cells_are_diffed_as_code(repo: Path) -> None:
    cells = list(NB_CELLS)
    cells[2] = ("code", "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n")
    write(repo, {"nb.ipynb": notebook(cells)})
    code, doc = check_json("--diff-base", "HEAD", ".", cwd=repo)
    assert [(f["path"], f.get("cell"), f["line"]) for f in doc["findings"]] == [("nb.ipynb", 3, 1)]
    # a change in the markdown only touches no code line
    git(repo, "commit", "-qam", "nb")
    cells[1] = ("markdown", "stacking, explained")
    write(repo, {"nb.ipynb": notebook(cells)})
    assert review(repo) == []


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMAT_NAMES])
def test_every_format(repo: Path, fmt: str) -> None:
    write(repo, {"model.py": MODEL.replace("LSTMCell(64)\n", "GRUCell(128)\n", 1)})
    code, out, _ = run_cli("check", "--diff-base", "HEAD", "--format", fmt, ".", cwd=repo)
    assert code == 1
    assert "model.py" in out and "old_bug.py" not in out
    if fmt == "sarif":
        assert len(json.loads(out)["runs"][0]["results"]) == 1
    if fmt == "rdjson":
        assert len(json.loads(out)["diagnostics"]) == 1


def test_subdirectory_paths(repo: Path) -> None:
    write(repo, {"pkg/m.py": BIDI})
    code, doc = check_json("--diff-base", "HEAD", "pkg", cwd=repo)
    assert codes_at(doc) == [("m.py", 3, "RNN102")]
    code, doc = check_json("--diff-base", "HEAD", "m.py", cwd=repo / "pkg")
    assert codes_at(doc) == [("m.py", 3, "RNN102")]


@pytest.mark.parametrize("rev, message", [
    pytest.param("no-such-branch", "--diff-base: unknown revision 'no-such-branch'", id="unknown-revision"),
])
def test_bad_revision_is_exit_2(repo: Path, rev: str, message: str) -> None:
    code, out, err = run_cli("check", "--diff-base", rev, ".", cwd=repo)
    assert (code, out) == (2, "") and message in err


def test_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BIDI})
    code, out, err = run_cli("check", "--diff-base", "HEAD", "m.py", cwd=tmp_path,
                             env={"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert (code, out) == (2, "") and "--diff-base needs a git repository" in err


APP = os.path.join(FIXTURES, "projects", "seq2seq_app")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """The multi-file fixture project as a repository: model.py's findings point into nets/cells.py."""
    work = tmp_path / "app"
    shutil.copytree(APP, work)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "base")
    return work


def _edit_line(path: Path, number: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[number - 1] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def test_a_change_in_another_module_reports_the_finding_that_points_there(app: Path) -> None:
    """Only nets/cells.py line 6 (the construction of the cell model.py stacks as every layer) changed: model.py
    is unchanged, yet its RNN101, whose related location that line is, is reported; its RNN102/RNN103, whose cells
    are built on line 10, are not."""
    cells = app / "seq2seq" / "nets" / "cells.py"
    assert cells.read_text().splitlines()[5].startswith("_CACHED = tf.nn.rnn_cell.GRUCell(")
    _edit_line(cells, 6, "_CACHED = tf.nn.rnn_cell.GRUCell(config.HIDDEN * 2)")
    code, doc = check_json("--diff-base", "HEAD", ".", cwd=app)
    assert (code, codes_at(doc)) == (1, [("model.py", 12, "RNN101")])
    assert any(r["path"].endswith("cells.py") and r["line"] == 6 for r in doc["findings"][0]["related"])
    # per file, model.py does not see into cells.py: nothing of it is on a changed line
    assert codes_at(check_json("--diff-base", "HEAD", "--no-project", ".", cwd=app)[1]) == []


def test_an_unrelated_change_in_another_module_reports_nothing(app: Path) -> None:
    cells = app / "seq2seq" / "nets" / "cells.py"
    _edit_line(cells, 18, '    """A template cell (edited docstring): its variables live in the scope it is called in."""')
    code, doc = check_json("--diff-base", "HEAD", ".", cwd=app)
    assert (code, codes_at(doc)) == (0, [])
