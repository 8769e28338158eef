"""The hook in .pre-commit-hooks.yaml through the real `pre-commit try-repo`: a bad file fails, a good one passes."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Tuple

import pytest

from tests.integrations.helpers import BAD, GOOD, ROOT, git, git_repo, notebook

pytestmark = pytest.mark.slow

BAD_NOTEBOOK = notebook([
    ("code", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
    ("code", "%time x = 1\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"),
])


def _hook_repo(tmp: Path) -> Tuple[Path, str]:
    """A committed copy of this project's package and hook definition (never a commit in the real repo)."""
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e .[test])")
    repo = tmp / "hook-repo"
    repo.mkdir()
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, repo / name)
    if not (repo / "README.md").exists():
        (repo / "README.md").write_text("rnn-reuse-lint\n")
    shutil.copytree(ROOT / "rnn_reuse_lint", repo / "rnn_reuse_lint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook under test")
    return repo, git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> Tuple[Path, str, Path]:
    tmp = tmp_path_factory.mktemp("precommit")
    repo, sha = _hook_repo(tmp)
    return repo, sha, tmp / "pre-commit-home"


def _try_repo(hook: Tuple[Path, str, Path], project: Path, *files: str,
              hook_id: str = "rnn-reuse-lint") -> subprocess.CompletedProcess:
    repo, sha, home = hook
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run(["pre-commit", "try-repo", str(repo), hook_id, "--ref", sha,
                           "--files", *files], cwd=str(project), capture_output=True, text=True, env=env,
                          timeout=900)


# Each `try-repo` builds the hook's virtualenv from scratch (it uses a throw-away store), about a
# minute, so the cases are grouped into one passing and one failing run.
@pytest.mark.parametrize("files, passes, shown", [
    pytest.param({"good.py": GOOD, "silenced.py": BAD.replace("* 2)", "* 2)  # noqa: RNN101")}, True,
                 ["rnn-reuse-lint", "Passed"], id="good-and-noqa-silenced-files-pass"),
    pytest.param({"bad.py": BAD, "nb.ipynb": BAD_NOTEBOOK, "good.py": GOOD}, False,
                 ["Failed", "bad.py:3:9: RNN101", "nb.ipynb:cell 2:2:9: RNN101"],
                 id="bad-python-file-and-bad-notebook-fail"),
])
def test_hook(hook, tmp_path: Path, files, passes: bool, shown) -> None:  # type: ignore[no-untyped-def]
    project = git_repo(tmp_path / "user-project", files)
    done = _try_repo(hook, project, *files)
    output = done.stdout + done.stderr
    assert (done.returncode == 0) == passes, output
    for text in shown:
        assert text in output, output
    assert "good.py" not in output, output


def test_fix_hook_rewrites_the_file_and_fails_the_commit(hook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = git_repo(tmp_path / "user-project", {"bad.py": BAD, "good.py": GOOD})
    done = _try_repo(hook, project, "bad.py", "good.py", hook_id="rnn-reuse-lint-fix")
    output = done.stdout + done.stderr
    # pre-commit fails a hook that modified files, so the user reviews the rewrite before committing
    assert done.returncode == 1 and "files were modified by this hook" in output, output
    fixed = (project / "bad.py").read_text()
    assert "for _ in range(2)" in fixed and "[cell] * 2" not in fixed
    assert (project / "good.py").read_text() == GOOD


def test_hook_definition_matches_the_cli() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    for expected in ("id: rnn-reuse-lint", "entry: rnn-reuse-lint check", "language: python",
                     "types_or: [python, jupyter]", "id: rnn-reuse-lint-fix", "entry: rnn-reuse-lint check --fix"):
        assert expected in text


SHARED_AND_SCOPED = BAD + ("gru = tf.nn.rnn_cell.GRUCell(4)\n"
                           "a, s = tf.nn.dynamic_rnn(gru, x, scope='encoder', dtype=tf.float32)\n"
                           "b, _ = tf.nn.dynamic_rnn(gru, y, initial_state=s, scope='decoder')\n")


def test_readme_configuration_fixes_and_reports_each_finding_once(hook, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The `.pre-commit-config.yaml` of README_INTEGRATIONS.md, run as written (repo and rev pointed at a
    copy of this checkout): the one hook fixes RNN101 and prints the unfixable RNN103 once."""
    import re

    repo, sha, home = hook
    text = (ROOT / "README_INTEGRATIONS.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(repos:\n.*?)```", text, re.S)
    assert block is not None
    config = block.group(1).replace("https://github.com/your-org/rnn-reuse-lint", str(repo))
    config = re.sub(r"rev: [0-9a-f]{40}", f"rev: {sha}", config)
    project = git_repo(tmp_path / "user-project", {".pre-commit-config.yaml": config, "model.py": SHARED_AND_SCOPED,
                                                    "good.py": GOOD})
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run(["pre-commit", "run", "--all-files"], cwd=str(project), capture_output=True, text=True,
                          env=env, timeout=900)
    output = done.stdout + done.stderr
    assert done.returncode == 1 and "files were modified by this hook" in output, output
    assert output.count("RNN103") == 1 and "RNN101" not in output, output
    assert "[cell] * 2" not in (project / "model.py").read_text()
