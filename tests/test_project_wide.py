"""Project-wide analysis: imports of the project's own modules are followed, in the CLI, -j, flake8 and pre-commit."""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

import pytest

from rnn_reuse_lint import project
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, expected_markers

PROJECT = os.path.join(FIXTURES, "projects", "seq2seq_app")
FILES = sorted(glob.glob(os.path.join(PROJECT, "**", "*.py"), recursive=True))
MODEL = os.path.join(PROJECT, "seq2seq", "model.py")


@pytest.mark.parametrize("path", [pytest.param(p, id=os.path.relpath(p, PROJECT)) for p in FILES])
def test_project_files_are_truth_tables(path: str) -> None:
    result = analyze_file(path, Settings(select=("RNN",)))
    assert result.error is None or path.endswith("broken.py"), result.error
    found = {(f.span.line, f.code) for f in result.findings}
    assert found == expected_markers(path)


def test_related_locations_point_into_the_other_module() -> None:
    findings = {f.code: f for f in analyze_file(MODEL, Settings()).findings}
    cells = os.path.join(PROJECT, "seq2seq", "nets", "cells.py")
    decoding = os.path.join(PROJECT, "seq2seq", "nets", "decoding.py")
    assert {r.path for r in findings["RNN101"].related} == {cells}
    assert "nets/cells.py line 6" in findings["RNN101"].message
    assert any(r.path == cells for r in findings["RNN102"].related)
    rnn103 = findings["RNN103"]
    assert rnn103.span.line == 37 and "`decoder/rnn`" in rnn103.message
    assert {r.path for r in rnn103.related} == {MODEL, cells}
    assert not any(r.path == decoding for r in rnn103.related)  # the run is reached from line 37 of model.py


def test_without_a_project_root_the_package_chain_is_the_project(tmp_path: Path) -> None:
    package = tmp_path / "outer" / "pkg" / "sub"
    package.mkdir(parents=True)
    for folder in (package, package.parent):
        (folder / "__init__.py").write_text("")
    assert project.find_root(str(package)) in (str(tmp_path / "outer"), "/")  # "/" if a marker sits above tmp
    (tmp_path / "outer" / "setup.cfg").write_text("")
    project.find_root.cache_clear()
    assert project.find_root(str(package)) == str(tmp_path / "outer")
    assert project.resolve(str(package / "m.py"), "pkg.sub", 0) == (str(package / "__init__.py"), True)
    assert project.resolve(str(package / "m.py"), None, 2) == (str(package.parent / "__init__.py"), True)
    assert project.resolve(str(package / "m.py"), "tensorflow", 0) is None


def _cli(*args: str, cwd: str = PROJECT) -> Tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout


def _codes(output: str) -> Set[Tuple[str, int, str]]:
    out = set()
    for line in output.splitlines():
        path, number, _, rest = line.split(":", 3)
        out.add((os.path.normpath(path), int(number), rest.split()[0]))
    return out


def _expected() -> Set[Tuple[str, int, str]]:
    return {(os.path.relpath(p, PROJECT), line, code) for p in FILES for line, code in expected_markers(p)}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_over_the_project(jobs: str) -> None:
    code, out = _cli("--output-format", "concise", "-j", jobs, ".")
    assert code == 1
    assert _codes(out) == _expected()


def test_cli_json_carries_the_other_files_path() -> None:
    _, out = _cli("--format", "json", "seq2seq/model.py")
    doc = json.loads(out)
    paths = {r["path"] for f in doc["findings"] for r in f["related"]}
    assert any(p.endswith(os.path.join("nets", "cells.py")) for p in paths), paths


def _flake8(*args: str, stdin: str = "") -> List[str]:
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RNN", *args], cwd=PROJECT,
                          capture_output=True, text=True, input=stdin, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line.split(": ")[0] + ":" + line.split(": ")[1].split()[0] for line in proc.stdout.splitlines()]


def test_flake8_file_by_file_and_on_stdin() -> None:
    expected = sorted(f"{os.path.join('seq2seq', 'model.py')}:{line}:{col}:{code}" for line, col, code in [
        (12, 12, "RNN101"), (26, 12, "RNN102"), (37, 12, "RNN103")])
    by_file = sorted(_flake8(os.path.join("seq2seq", "model.py")))
    assert [e.rsplit(":", 2)[0] + ":" + e.rsplit(":", 1)[1] for e in expected] == \
        [b.rsplit(":", 2)[0] + ":" + b.rsplit(":", 1)[1] for b in by_file]
    with open(MODEL, encoding="utf-8") as handle:
        source = handle.read()
    # Editors pipe the buffer in and name the file: its imports are still read from disk.
    on_stdin = sorted(_flake8("--stdin-display-name", os.path.join("seq2seq", "model.py"), "-", stdin=source))
    assert on_stdin == by_file


@pytest.mark.slow
def test_pre_commit_sees_unchanged_dependencies(tmp_path: Path) -> None:
    if shutil.which("pre-commit") is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed")
    work = tmp_path / "app"
    shutil.copytree(PROJECT, work)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "home"), PRE_COMMIT_COLOR="never",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com")
    (work / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: rnn-reuse-lint\n    name: rnn-reuse-lint\n"
        f"    entry: {sys.executable} -m rnn_reuse_lint check\n    language: system\n    types: [python]\n")

    def run(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(cmd), cwd=work, capture_output=True, text=True, env=env, timeout=600)

    run("git", "init", "-q")
    run("git", "add", "-A")
    run("git", "commit", "-q", "-m", "fixture")
    model = work / "seq2seq" / "model.py"
    model.write_text(model.read_text() + "\n# touched\n")
    run("git", "add", "seq2seq/model.py")
    proc = run("pre-commit", "run")  # only the staged file: model.py, whose findings need nets/ and utils/
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "RNN103" in proc.stdout and "RNN102" in proc.stdout and "RNN101" in proc.stdout
    assert "cycle_a.py" not in proc.stdout  # unchanged files are read, not linted


def test_cycles_deep_chains_and_broken_modules_never_crash(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("")
    depth = 30
    for k in range(depth):  # m0 imports m1 imports ... m29, which imports m0 back
        (tmp_path / f"m{k}.py").write_text(f"from m{(k + 1) % depth} import CELL\n")
    (tmp_path / "cells.py").write_text("import tensorflow as tf\nCELL = tf.nn.rnn_cell.GRUCell(4)\n")
    (tmp_path / f"m{depth - 1}.py").write_text("from cells import CELL\nimport m0\n")
    (tmp_path / "self_import.py").write_text("import self_import\nfrom self_import import *\n")
    (tmp_path / "huge.py").write_text("X = 1\n" * 400_000)  # over the size limit: unknown
    main = tmp_path / "main.py"
    main.write_text("import tensorflow as tf\nfrom m0 import CELL\nimport self_import\nimport huge\n"
                    "stack = tf.nn.rnn_cell.MultiRNNCell([CELL] * 2)\n")
    result = analyze_file(str(main), Settings())
    assert result.error is None
    # a chain deeper than the analyzer follows leaves CELL unknown: an object of unknown class, still one object
    assert [f.code for f in result.findings] == ["RNN101"]


def test_closures_called_back_by_another_module_are_reported_where_they_run() -> None:
    """`encode_decode(source, target, encoder_f, decoder_f)` in nets/buckets.py calls this file's closures: both the
    finding and its related first run sit at the closures' lines here, not at the call that left the file."""
    callbacks = os.path.join(PROJECT, "seq2seq", "callbacks.py")
    findings = sorted(analyze_file(callbacks, Settings()).findings, key=lambda f: f.span.line)
    assert [(f.code, f.span.line) for f in findings] == [("RNN103", 17), ("RNN103", 30)]
    assert "(line 13)" in findings[0].message and "(line 27)" in findings[1].message
    assert all(r.path == callbacks for f in findings for r in f.related)


def test_per_file_switch_on_the_command_line_and_in_the_config(tmp_path: Path) -> None:
    """`--no-project` and config `project = false` analyse each file alone: model.py's imported names are unknown,
    so only what the file itself shows is left (stacks of one cell of a class it cannot see is a template)."""
    alone = {(os.path.join("seq2seq", "model.py"), line, "RNN101") for line in (21, 48)}
    assert _codes(_cli("--no-show-source", "seq2seq/model.py")[1]) != alone
    assert _codes(_cli("--no-show-source", "--no-project", "seq2seq/model.py")[1]) == alone
    work = tmp_path / "app"
    shutil.copytree(PROJECT, work)
    with open(work / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n[tool.rnn-reuse-lint]\nproject = false\n")
    assert _codes(_cli("--no-show-source", "seq2seq/model.py", cwd=str(work))[1]) == alone
    (work / "pyproject.toml").write_text((work / "pyproject.toml").read_text().replace("project = false",
                                                                                      "project = 0"))
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "seq2seq/model.py"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "`project`: expected true or false" in proc.stderr


def test_a_file_naming_no_rnn_is_still_linted_for_what_it_hands_the_projects_wrappers() -> None:
    """serve.py names no cell, driver or TensorFlow (the byte prefilter alone would skip it), but hands one cell
    from nets/ twice to a wrapper in utils/: the look through its imports lets it in, in the CLI and in flake8."""
    serve = os.path.join("seq2seq", "serve.py")
    assert _codes(_cli("--no-show-source", serve)[1]) == {(serve, 8, "RNN102")}
    assert _flake8(serve) == [f"{serve}:8:12:RNN102"]
    assert _codes(_cli("--no-show-source", "--no-project", serve)[1]) == set()


def test_an_imported_factory_read_first_under_a_main_guard_stays_a_factory(tmp_path: Path) -> None:
    """`if __name__ == "__main__": main()` runs main() on one path only; the imported factory main reaches first
    must not become "a factory on one path, not yet read on the other" for the functions evaluated after it."""
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "__init__.py").write_text("")
    (tmp_path / "nets" / "cells.py").write_text(
        "import tensorflow as tf\n\n\ndef make_lstm(units=8):\n    return tf.nn.rnn_cell.LSTMCell(units)\n")
    (tmp_path / "nets" / "wrap.py").write_text(
        "import tensorflow as tf\n\n\ndef both_ways(fw, bw, inputs):\n"
        "    return tf.nn.bidirectional_dynamic_rnn(fw, bw, inputs, dtype=tf.float32)\n")
    model = tmp_path / "model.py"
    model.write_text(
        "import tensorflow as tf\n"
        "from nets.cells import make_lstm\n"
        "from nets.wrap import both_ways\n"
        "\n"
        "\n"
        "def encoder(inputs):\n"
        "    return tf.nn.dynamic_rnn(make_lstm(), inputs, dtype=tf.float32)\n"
        "\n"
        "\n"
        "def tagger(inputs):\n"
        "    cell = make_lstm()\n"
        "    return both_ways(cell, cell, inputs)\n"
        "\n"
        "\n"
        "def main():\n"
        "    encoder(None)\n"
        "\n"
        "\n"
        "if __name__ == '__main__':\n"
        "    main()\n")
    assert [(f.span.line, f.code) for f in analyze_file(str(model), Settings()).findings] == [(12, "RNN102")]


def test_a_slot_failure_inside_other_modules_is_not_shown_at_their_lines_here(tmp_path: Path) -> None:
    """main.py builds towers in model.py (which leaves the root scope reusing) and a train op in train.py (Adam's
    slots then fail there): both places are in other modules, so main.py reports nothing, rather than a finding at
    train.py's line numbers under main.py's name. A train op built here after that leak is this file's finding,
    with the reuse in model.py as its related place."""
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "model.py").write_text(
        "import tensorflow as tf\n\n\ndef towers(inputs, count):\n    outputs = []\n"
        "    for _ in range(count):\n"
        "        outputs.append(tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), inputs, dtype=tf.float32)[0])\n"
        "        tf.get_variable_scope().reuse_variables()\n    return outputs\n")
    (tmp_path / "train.py").write_text(
        "import tensorflow as tf\n\n\ndef train_op(loss):\n"
        "    return tf.train.AdamOptimizer(0.1).minimize(loss)\n")
    main = tmp_path / "main.py"
    main.write_text(
        "import tensorflow as tf\nfrom model import towers\nfrom train import train_op\n\n"
        "outputs = towers(tf.zeros([2, 3, 4]), 2)\nop = train_op(tf.reduce_sum(outputs[0]))\n")
    assert [(f.code, f.span.line) for f in analyze_file(str(main), Settings()).findings] == []
    inline = tmp_path / "inline.py"
    inline.write_text(
        "import tensorflow as tf\nfrom model import towers\n\n"
        "outputs = towers(tf.zeros([2, 3, 4]), 2)\nop = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(outputs[0]))\n")
    [finding] = analyze_file(str(inline), Settings()).findings
    assert (finding.code, finding.span.line) == ("RNN105", 5) and "(model.py line 8)" in finding.message
    assert [(r.path, r.span.line) for r in finding.related] == [(str(tmp_path / "model.py"), 8)]
