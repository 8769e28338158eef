"""The command line as a user runs it: exit codes, text lines, the JSON document, RNN000 entries."""
from __future__ import annotations

import json
import subprocess
import sys
from typing import List, Tuple

import pytest

from tests.conftest import ROOT

BAD = "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"
GOOD = "import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)])\n"


def run(*args: str, cwd: str = ROOT) -> Tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def write(tmp_path, name: str, text: str) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_findings_exit_1_and_text_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "bad.py", BAD)
    code, out, err = run("check", path)
    assert code == 1, err
    # `[*]`: --fix can repair it, as ruff marks fixable findings
    assert out.startswith(f"{path}:3:9: RNN101 [*] `cell` (line 2) is layers 0 and 1 of this `MultiRNNCell`")
    assert "Traceback" not in err


def test_clean_exit_0(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("check", write(tmp_path, "good.py", GOOD))
    assert (code, out) == (0, "")


def test_missing_path_is_usage_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run("check", str(tmp_path / "nope.py"))
    assert code == 2 and "no such file" in err


def test_unknown_flag_is_usage_error() -> None:
    code, _, err = run("check", "--no-such-flag")
    assert code == 2 and "usage" in err


def test_syntax_error_is_rnn000_and_other_files_still_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = write(tmp_path, "broken.py", "import tensorflow as tf\nrnn = tf.nn.rnn_cell.(\n")
    bad = write(tmp_path, "bad.py", BAD)
    code, out, _ = run("check", "--format", "json", broken, bad)
    doc = json.loads(out)
    assert code == 1
    # The line Python rejects is reported and skipped; the rest of that file is still read.
    assert [(f["path"], f["code"], f["line"]) for f in doc["findings"]] == [(bad, "RNN101", 3), (broken, "RNN000", 2)]
    assert doc["errors"] == []


def test_only_unanalysable_files_exit_2(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = write(tmp_path, "broken.py", "import tensorflow as tf\ndef rnn(:\n")
    code, out, _ = run("check", broken)
    assert code == 2 and "RNN000" in out


def test_json_shape(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "bad.py", BAD)
    code, out, _ = run("check", "--format", "json", path)
    doc = json.loads(out)
    assert doc["version"] == 1 and doc["tool"]["name"] == "rnn-reuse-lint"
    (finding,) = doc["findings"]
    assert set(finding) >= {"code", "name", "severity", "path", "line", "column", "end_line", "end_column",
                            "message", "related", "fix", "dynamic"}
    assert (finding["code"], finding["name"], finding["line"], finding["column"]) == (
        "RNN101", "same-cell-in-several-layers", 3, 9)
    assert finding["end_line"] == 3 and finding["end_column"] == len(BAD.splitlines()[2]) + 1
    assert finding["related"][0]["line"] == 2 and finding["related"][0]["column"] == 8
    assert doc["errors"] == []


@pytest.mark.parametrize("flags, expected", [
    pytest.param([], ["RNN101"], id="default-selects-all"),
    pytest.param(["--select", "RNN102"], [], id="select-other-rule"),
    pytest.param(["--ignore", "RNN101"], [], id="ignore-code"),
    pytest.param(["--ignore", "RNN1"], [], id="ignore-prefix"),
    pytest.param(["--select", "RNN1", "--ignore", "RNN102"], ["RNN101"], id="select-prefix-ignore-other"),
])
def test_select_and_ignore(tmp_path, flags: List[str], expected: List[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("check", "--format", "json", *flags, write(tmp_path, "bad.py", BAD))
    assert [f["code"] for f in json.loads(out)["findings"]] == expected


def test_directory_walk_skips_hidden_and_venv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pkg").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "venv").mkdir()
    (tmp_path / "myenv").mkdir()
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    for folder in ("pkg", ".hidden", "venv", "myenv"):
        (tmp_path / folder / "model.py").write_text(BAD)
    code, out, _ = run("check", "--format", "json", str(tmp_path))
    paths = [f["path"] for f in json.loads(out)["findings"]]
    assert paths == [str(tmp_path / "pkg" / "model.py")]


def test_rule_command_prints_docs() -> None:
    code, out, _ = run("rule", "RNN101")
    assert code == 0 and "## Why is this bad?" in out and "same-cell-in-several-layers" in out
    code, out, _ = run("rule")
    assert code == 0 and "RNN102" in out
    code, _, _ = run("rule", "RNN999")
    assert code == 2


def test_first_readme_command_reports_rnn101_on_fixtures() -> None:
    code, out, _ = run("check", "fixtures/")
    assert code == 1 and " RNN101 " in out and " RNN102 " in out
