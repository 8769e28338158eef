"""A user's first day (issue 16): what got in the way, each through the real CLI, git, flake8 or pre-commit."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from tests.integrations.helpers import BAD, BIDI, GOOD, check_json, git, git_repo, notebook, run_cli, write

SCOPED = ("import tensorflow as tf\n"
          "gru = tf.nn.rnn_cell.GRUCell(4)\n"
          "a, s = tf.nn.dynamic_rnn(gru, x, scope='encoder', dtype=tf.float32)\n"
          "b, _ = tf.nn.dynamic_rnn(gru, y, initial_state=s, scope='decoder')\n")


def shown_files(cwd: Path, *args: str) -> List[str]:
    code, out, err = run_cli("check", "--show-files", *args, cwd=cwd)
    assert code == 0, err
    return out.splitlines()


# -- 1. which files a walk lints ----------------------------------------------------------------


def test_env_build_dist_hold_code_unless_gitignored(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "rl", {
        ".gitignore": "build/\n*.gen.py\n",
        "env/cartpole.py": BAD, "build/lib/copy.py": BAD, "dist/model.py": BAD, "agent.py": GOOD,
        "agent.gen.py": BAD,
    })
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("dist/\n")
    write(repo, {".venv/lib/site.py": BAD, "venv2/pyvenv.cfg": "home = /usr\n", "venv2/lib/x.py": BAD,
                 ".hidden/h.py": BAD, "sub/.ignore": "scratch.py\n", "sub/scratch.py": BAD, "sub/keep.py": GOOD})
    assert shown_files(repo, ".") == ["agent.py", "env/cartpole.py", "sub/keep.py"]
    # a path named on the command line is always linted, ignored or not
    assert shown_files(repo, "build", "agent.gen.py") == ["agent.gen.py", "build/lib/copy.py"]
    assert "build/lib/copy.py" in shown_files(repo, "--no-respect-gitignore", ".")


def test_gitignore_negation_and_nested_files(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "p", {".gitignore": "generated/\n", "src/.gitignore": "*.py\n!model.py\n",
                                     "src/model.py": BAD, "src/tmp.py": BAD, "generated/g.py": BAD})
    assert shown_files(repo) == ["src/model.py"]
    # outside a git repository .gitignore means nothing (as in git and ruff); .ignore still counts
    plain = write(tmp_path / "plain", {".gitignore": "*.py\n", "a.py": BAD, ".ignore": "b.py\n", "b.py": BAD})
    assert shown_files(plain) == ["a.py"]


def test_gits_global_excludes_file_is_honoured(tmp_path: Path) -> None:
    """core.excludesFile, as git, ruff and ripgrep read it: set in the global config, else the default
    $XDG_CONFIG_HOME/git/ignore (~/.config/git/ignore); relative to the repository's top level, below
    .git/info/exclude and .gitignore in precedence; never outside a repository."""
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    home.mkdir()
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(xdg), "GIT_CONFIG_NOSYSTEM": "1"}
    repo = git_repo(tmp_path / "p", {"scratch_nb.py": BAD, "model.py": BAD, "pkg/scratch_x.py": BAD,
                                     "keep/scratch_keep.py": BAD, "keep/.gitignore": "!scratch_keep.py\n"})

    def files(*args: str) -> List[str]:
        code, out, err = run_cli("check", "--show-files", *args, cwd=repo, env=env)
        assert code == 0, err
        return out.splitlines()

    everything = ["keep/scratch_keep.py", "model.py", "pkg/scratch_x.py", "scratch_nb.py"]
    assert files(".") == everything
    write(xdg, {"git/ignore": "scratch_*.py\n"})  # git's default global excludes file
    assert files(".") == ["keep/scratch_keep.py", "model.py"]  # a .gitignore below re-includes
    assert files("pkg/scratch_x.py") == ["pkg/scratch_x.py"]  # a path named on the command line is linted
    assert files("--no-respect-gitignore", ".") == everything
    # core.excludesFile in the global config replaces the default file (`~` is the user's home)
    write(home, {"ignores/python": "model.py\n"})
    proc = subprocess.run(["git", "config", "--global", "core.excludesFile", "~/ignores/python"], cwd=str(repo),
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert files(".") == ["keep/scratch_keep.py", "pkg/scratch_x.py", "scratch_nb.py"]
    # outside a repository git's excludes mean nothing
    plain = write(tmp_path / "plain", {"model.py": BAD})
    code, out, _ = run_cli("check", "--show-files", ".", cwd=plain, env=env)
    assert out.splitlines() == ["model.py"]


def test_a_walk_that_finds_nothing_says_why(tmp_path: Path) -> None:
    repo = git_repo(tmp_path / "p", {".gitignore": "*.py\n", "README": "x\n"})
    write(repo, {"m.py": BAD})
    code, out, err = run_cli("check", ".", cwd=repo)
    assert (code, out) == (0, "") and "warning: no Python files or notebooks under ." in err, err


def test_show_files_reports_missing_paths(tmp_path: Path) -> None:
    code, out, err = run_cli("check", "--show-files", "nope", cwd=tmp_path)
    assert code == 2 and "nope: no such file or directory" in err


# -- 5, 8, 9. TensorFlow versions: any release, per project, in flake8 too ----------------------


@pytest.mark.parametrize("flag, release, wording", [
    pytest.param("1.12", "TensorFlow 1.12 (behaves as 1.2-1.14)", "TF 1.2+", id="1.12"),
    pytest.param("1.4", "TensorFlow 1.4 (behaves as 1.2-1.14)", "TF 1.2+", id="1.4"),
    pytest.param("2.3", "TensorFlow 2.3 (behaves as 2.x)", "TF 2.x", id="2.3"),
    pytest.param("1.15.5", "TensorFlow 1.15 assumed", "TF 1.15", id="patch-release"),
    pytest.param("1.1", "TensorFlow 1.1 assumed", "TF 1.1 raises", id="1.1"),
])
def test_any_release_is_accepted_and_named(tmp_path: Path, flag: str, release: str, wording: str) -> None:
    write(tmp_path, {"m.py": BAD})
    code, out, err = run_cli("check", "--tf-version", flag, "m.py", cwd=tmp_path)
    assert code == 1 and release in err and wording in out, err


def test_pin_names_the_release_the_user_has(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "tensorflow-gpu==1.12.0\n", "m.py": BAD})
    _, _, err = run_cli("check", "m.py", cwd=tmp_path)
    assert "TensorFlow 1.12 (behaves as 1.2-1.14) assumed (requirements.txt:1 (tensorflow-gpu==1.12.0))" in err
    doc = check_json("m.py", cwd=tmp_path)[1]
    assert (doc["tf_version"], doc["tf_behaves_as"], doc["tf_version_source"]) == \
        ("1.12", "1.2-1.14", "requirements.txt:1 (tensorflow-gpu==1.12.0)")


def test_each_file_gets_its_own_projects_pin(tmp_path: Path) -> None:
    write(tmp_path, {"a/requirements.txt": "tensorflow==1.1.0\n", "a/m.py": BAD,
                     "b/setup.py": "setup(install_requires=['tensorflow-gpu==1.0.1'])\n", "b/m.py": BAD,
                     "c/m.py": BAD})
    code, out, err = run_cli("check", "--output-format", "concise", "a", "b", "c", "-j", "1", cwd=tmp_path)
    lines = {line.split(":")[0]: line for line in out.splitlines()}
    assert "TF 1.1 raises" in lines["a/m.py"]
    assert "TF 1.0 gives each layer separate variables" in lines["b/m.py"]
    assert "TF 2.x" in lines["c/m.py"]
    assert "TensorFlow assumed per project: " in err and "1.1 for 1 file (a/requirements.txt:1" in err, err
    # json (and sarif) say so too, instead of one version for every file
    doc = check_json("a", "b", "c", cwd=tmp_path)[1]
    assert doc["tf_version_source"] == err.rstrip("\n").split("; ")[-1], doc["tf_version_source"]
    # --tf-version still decides for every file
    _, out, _ = run_cli("check", "--no-show-source", "a", "b", "c", "--tf-version", "1.15", cwd=tmp_path)
    assert all("TF 1.15" in line for line in out.splitlines())


def flake8(cwd: Path, *args: str, stdin: str = "") -> List[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "RNN", *args], cwd=str(cwd), input=stdin,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines() + proc.stderr.splitlines()


def test_flake8_reads_the_pin_per_file_and_takes_rnn_tf_version(tmp_path: Path) -> None:
    write(tmp_path, {"old/requirements.txt": "tensorflow==1.1.0\n", "old/m.py": BAD, "new/m.py": BAD})
    out = flake8(tmp_path, "--isolated", "old/m.py", "new/m.py")
    assert "TF 1.1 raises" in next(line for line in out if line.startswith("old/"))
    assert "TF 2.x" in next(line for line in out if line.startswith("new/"))
    # stdin as editors pipe it: the display name's folder decides, else the current one
    out = flake8(tmp_path / "old", "--isolated", "-", stdin=BAD)
    assert len(out) == 1 and "TF 1.1 raises" in out[0], out
    out = flake8(tmp_path, "--isolated", "--rnn-tf-version", "1.12", "old/m.py")
    assert "TF 1.2+" in out[0], out
    write(tmp_path, {"new/setup.cfg": "[flake8]\nrnn-tf-version = 1.0\n"})
    assert "TF 1.0" in flake8(tmp_path / "new", "m.py")[0]
    out = flake8(tmp_path, "--isolated", "--rnn-tf-version", "1.16", "new/m.py")
    assert any("there is no TensorFlow release 1.16" in line for line in out), out


# -- 6. SARIF from a sub-folder: tests/integrations/test_formats.py ------------------------------
# -- 7. stdin ----------------------------------------------------------------------------------


def run_stdin(args: List[str], text: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], cwd=str(cwd), input=text,
                          capture_output=True, text=True, timeout=120)


def test_stdin_with_a_filename_takes_its_config_pin_and_ignores(tmp_path: Path) -> None:
    write(tmp_path, {"proj/pyproject.toml": '[tool.rnn-reuse-lint]\nper-file-ignores = {"legacy/*" = ["RNN102"]}\n',
                     "proj/requirements.txt": "tensorflow==1.1.0\n"})
    done = run_stdin(["check", "-", "--stdin-filename", "proj/model.py"], BAD, tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("proj/model.py:3:9: RNN101"), done.stderr
    assert "TF 1.1 raises" in done.stdout
    done = run_stdin(["check", "-", "--stdin-filename", "proj/legacy/old.py"], BIDI, tmp_path)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    done = run_stdin(["check", "-", "--format", "json"], BAD, tmp_path)
    assert json.loads(done.stdout)["findings"][0]["path"] == "-"


def test_stdin_fix_writes_the_fixed_source_to_stdout(tmp_path: Path) -> None:
    done = run_stdin(["check", "--fix", "-", "--stdin-filename", "m.py"], BAD + SCOPED.split("\n", 1)[1], tmp_path)
    assert done.stdout.startswith("import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell("
                                  "[tf.nn.rnn_cell.LSTMCell(8)\n" + " " * 37 + "for _ in range(2)])\n"), done.stdout
    assert "m.py:" in done.stderr and "RNN103" in done.stderr and "1 fixed" in done.stderr
    # the source line under the finding is the fixed text's line 6 (the fix broke line 2 in two), which the
    # original, 5 lines long, does not have
    assert "\n  6 | b, _ = tf.nn.dynamic_rnn(gru, y, initial_state=s, scope='decoder')\n" in done.stderr
    assert done.returncode == 1  # RNN103 is left
    assert not (tmp_path / "m.py").exists()
    done = run_stdin(["check", "--diff", "-"], BAD, tmp_path)
    assert done.returncode == 1 and "+stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8)" in done.stdout
    done = run_stdin(["check", "-", "."], BAD, tmp_path)
    assert done.returncode == 2 and "cannot be combined" in done.stderr


# -- 10, 15. options a ruff user reaches for -------------------------------------------------------


def test_select_all_and_selectors_matching_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD})
    assert run_cli("check", "--select", "ALL", "m.py", cwd=tmp_path)[0] == 1
    code, out, err = run_cli("check", "--select", "RNN9", "m.py", cwd=tmp_path)
    assert (code, out) == (2, "") and "select RNN9 matches no rule" in err
    write(tmp_path, {"pyproject.toml": '[tool.rnn-reuse-lint]\nextend-select = ["RNN3"]\n'})
    code, _, err = run_cli("check", "m.py", cwd=tmp_path)
    assert code == 2 and "extend-select RNN3 matches no rule" in err


def test_config_file_without_the_table_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"other.toml": "[tool.black]\nline-length = 100\n", "m.py": BAD})
    code, _, err = run_cli("check", "--config", "other.toml", "m.py", cwd=tmp_path)
    assert code == 2 and "no [tool.rnn-reuse-lint] table" in err


def test_unknown_option_prints_the_subcommands_usage(tmp_path: Path) -> None:
    code, out, err = run_cli("check", "--bogus", ".", cwd=tmp_path)
    assert code == 2 and "usage: rnn-reuse-lint check" in err and "unrecognized arguments: --bogus" in err
    code, _, err = run_cli("explain", "--nope", "x.py", cwd=tmp_path)
    assert code == 2 and "usage: rnn-reuse-lint explain" in err


def test_short_version_and_jobs_auto(tmp_path: Path) -> None:
    code, out, _ = run_cli("-V")
    assert code == 0 and out.startswith("rnn-reuse-lint ")
    write(tmp_path, {f"m{i}.py": BAD for i in range(4)})
    outputs = {run_cli("check", *jobs, ".", cwd=tmp_path)[1] for jobs in ([], ["-j", "auto"], ["-j", "1"], ["-j", "3"])}
    assert len(outputs) == 1  # every core by default, the same bytes as one process
    code, _, err = run_cli("check", "-j", "0", ".", cwd=tmp_path)
    assert code == 2 and "positive number" in err


def test_show_fixes_says_why_scope_findings_have_none(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": SCOPED})
    _, out, _ = run_cli("check", "--show-fixes", "m.py", cwd=tmp_path)
    assert "RNN103" in out and "    no fix: whether the two runs should share weights is a design decision" in out


def test_rule_command_knows_rnn000_and_lists_json(tmp_path: Path) -> None:
    code, out, _ = run_cli("rule", "RNN000")
    assert code == 0 and out.startswith("# RNN000 file-not-analysed") and "could not be analysed" in out
    code, out, _ = run_cli("rule", "--all", "--format", "json")
    entries = json.loads(out)
    assert [e["code"] for e in entries] == ["RNN101", "RNN102", "RNN103", "RNN104", "RNN105", "RNN000"]
    assert {e["code"]: e["fixable"] for e in entries}["RNN101"] is True
    assert all(e["docs"] and e["name"] and e["summary"] for e in entries)
    code, _, err = run_cli("rule", "RNN999")
    assert code == 2 and "unknown rule" in err


# -- 16. source lines and colour -------------------------------------------------------------


SOURCE = ["  3 | stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)", "    |         " + "^" * 39]


def test_source_is_shown_by_default_as_ruffs_full_format(tmp_path: Path) -> None:
    """ruff's default (`full`) shows the source under each finding in a pipe too; `concise` is one line."""
    write(tmp_path, {"m.py": BAD + BIDI.split("\n", 1)[1]})
    _, out, _ = run_cli("check", "m.py", cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0].startswith("m.py:3:9: RNN101 [*] ") and lines[1:4] == [*SOURCE, ""]
    assert lines[4].startswith("m.py:5:7: RNN102 [*] ") and lines[5] == \
        "  5 | out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)" and len(lines) == 7
    for flags in (["--show-source"], ["--output-format", "full"], ["--format", "text"]):
        assert run_cli("check", *flags, "m.py", cwd=tmp_path)[1] == out, flags
    concise = [line for line in lines if line.startswith("m.py:")]
    for flags in (["--no-show-source"], ["--output-format", "concise"], ["--format", "concise"]):
        assert run_cli("check", *flags, "m.py", cwd=tmp_path)[1].splitlines() == concise, flags
    # --output FILE holds the same report, never coloured
    assert run_cli("check", "--color", "always", "-o", "report.txt", "m.py", cwd=tmp_path)[1] == ""
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == out


def test_output_format_in_the_config(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD, "pyproject.toml": '[tool.rnn-reuse-lint]\noutput-format = "concise"\n'})
    _, out, _ = run_cli("check", "m.py", cwd=tmp_path)
    assert out.startswith("m.py:3:9: RNN101") and out.count("\n") == 1
    assert run_cli("check", "--show-source", "m.py", cwd=tmp_path)[1].splitlines()[1:] == SOURCE  # the flag wins
    assert json.loads(run_cli("check", "--output-format", "json", "m.py", cwd=tmp_path)[1])["findings"]
    write(tmp_path, {"pyproject.toml": '[tool.rnn-reuse-lint]\noutput-format = "sarif"\n'})
    assert json.loads(run_cli("check", "m.py", cwd=tmp_path)[1])["version"] == "2.1.0"  # as ruff's setting does
    write(tmp_path, {"pyproject.toml": '[tool.rnn-reuse-lint]\noutput-format = "short"\n'})
    code, out, err = run_cli("check", "m.py", cwd=tmp_path)
    assert (code, out) == (2, "") and "`output-format`: expected one of full, concise, text, json" in err, err


def test_source_lines_of_a_notebook_come_from_its_cell(tmp_path: Path) -> None:
    write(tmp_path, {"nb.ipynb": notebook([("markdown", "# x\n"), ("code", BAD)])})
    _, out, _ = run_cli("check", "nb.ipynb", cwd=tmp_path)
    assert out.splitlines()[1:] == SOURCE


@pytest.mark.parametrize("args, env, coloured", [
    pytest.param(["--color", "always"], {}, True, id="always"),
    pytest.param(["--color", "always"], {"NO_COLOR": "1"}, True, id="flag-beats-NO_COLOR"),
    pytest.param([], {}, False, id="pipe-is-plain"),
    pytest.param([], {"FORCE_COLOR": "1"}, True, id="FORCE_COLOR"),
    pytest.param([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, id="NO_COLOR"),
    pytest.param(["--color", "never"], {"FORCE_COLOR": "1"}, False, id="never"),
])
def test_colour(tmp_path: Path, args: List[str], env: Dict[str, str], coloured: bool) -> None:
    write(tmp_path, {"m.py": BAD})
    base = {k: "" for k in ("NO_COLOR", "FORCE_COLOR")}
    _, out, _ = run_cli("check", *args, "m.py", cwd=tmp_path, env={**base, **env})
    assert ("\x1b[" in out) == coloured
    assert out.replace("\x1b[1m", "").replace("\x1b[1;31m", "").replace("\x1b[36m", "").replace("\x1b[0m", "") \
        .startswith("m.py:3:9: RNN101 [*] `cell`")


def test_terminal_gets_source_and_colour(tmp_path: Path) -> None:
    """A real pseudo-terminal: source lines and colour by default, NO_COLOR honoured."""
    import pty

    write(tmp_path, {"m.py": BAD})

    def on_terminal(env: Dict[str, str]) -> str:
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "rnn_reuse_lint", "check", "-q", "m.py"], cwd=str(tmp_path),
                                stdout=slave, stderr=subprocess.DEVNULL, env={**os.environ, "TERM": "xterm", **env})
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
        os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    plain_env = {"NO_COLOR": "", "FORCE_COLOR": ""}
    shown = on_terminal(plain_env)
    assert "\x1b[" in shown and "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)" in shown and "^^^" in shown
    assert "\x1b[" not in on_terminal({**plain_env, "NO_COLOR": "1"})


# -- 2, 14. explain on notebooks and folders -------------------------------------------------


def test_explain_a_notebook_as_check_sees_it(tmp_path: Path) -> None:
    write(tmp_path, {"nb.ipynb": notebook([
        ("markdown", "# model\n"),
        ("code", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
        ("code", "%matplotlib inline\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"
                 "out, _ = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)\n"),
        ("code", "def broken(:\n"),
    ])})
    _, out, _ = run_cli("check", "nb.ipynb", cwd=tmp_path)
    assert "nb.ipynb:cell 3:2:9: RNN101" in out
    code, out, err = run_cli("explain", "nb.ipynb", cwd=tmp_path)
    assert code == 0, err
    assert "  run 0: cell 3 line 3 dynamic_rnn scope=rnn (create)" in out
    assert "    layer 1: LSTMCell (cell 2 line 2) rnn/multi_rnn_cell/cell_0/lstm_cell/kernel" in out
    assert "<- borrows run 0 layer 0" in out and "left out (they do not parse): cell 4" in out
    code, out, _ = run_cli("explain", "--format", "json", "nb.ipynb", cwd=tmp_path)
    run = json.loads(out)["runs"][0]
    assert (run["notebook_cell"], run["line"], run["layers"][0]["cell_notebook_cell"]) == (3, 3, 2)


def test_explain_names_the_release_and_why_a_stack_alone_has_no_runs(tmp_path: Path) -> None:
    """A 1.12 pin: explain's names are 1.2-1.14's and it says both. A stack that is never run is what `check`
    reports (RNN101) while explain has no run to show: it says why instead of seeming to disagree."""
    driven = BIDI.replace("x, dtype", "tf.zeros([2, 3, 4]), dtype")
    write(tmp_path, {"requirements.txt": "tensorflow-gpu==1.12.0\n", "m.py": BAD, "bidi.py": driven})
    code, out, _ = run_cli("check", "--output-format", "concise", "m.py", cwd=tmp_path)
    assert code == 1 and " RNN101 " in out
    code, out, err = run_cli("explain", "m.py", "bidi.py", cwd=tmp_path)
    assert code == 0, err
    assert "m.py (TF 1.12 names, as 1.2-1.14)\n  no RNN runs found: no cell here is run" in out
    assert "`rnn-reuse-lint check` reports how stacks are built" in out
    assert "bidi.py (TF 1.12 names, as 1.2-1.14)\n  run 0: line 3 bidirectional_dynamic_rnn" in out
    docs = json.loads(run_cli("explain", "--format", "json", "m.py", "bidi.py", cwd=tmp_path)[1])
    assert [(d["tf_version"], d["tf_release"]) for d in docs] == [("1.2", "1.12"), ("1.2", "1.12")]
    _, out, _ = run_cli("explain", "--format", "markdown", "bidi.py", cwd=tmp_path)
    assert "### `bidi.py` (TF 1.12 names, as 1.2-1.14)" in out
    _, out, _ = run_cli("explain", "--tf-version", "1.2", "bidi.py", cwd=tmp_path)
    assert out.startswith("bidi.py (TF 1.2 names)\n")


def test_explain_walks_folders_like_check(tmp_path: Path) -> None:
    driven = BAD + "out, _ = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)\n"
    repo = git_repo(tmp_path / "p", {".gitignore": "out/\n", "pkg/a.py": driven, "pkg/b.py": GOOD, "out/c.py": BAD,
                                     "requirements.txt": "tensorflow==1.0.1\n"})
    code, out, err = run_cli("explain", ".", cwd=repo)
    assert code == 0, err
    assert [line for line in out.splitlines() if not line.startswith(" ")] == \
        ["pkg/a.py (TF 1.0 names)", "pkg/b.py (TF 1.0 names)"]
    assert "cell_0/lstm_cell/weights" in out  # the pin's TF 1.0 names
    code, _, err = run_cli("explain", "missing", cwd=repo)
    assert code == 2 and "missing: no such file or directory" in err
    git(repo, "status")  # the walk changed nothing in the repository
