"""Odd file names (undecodable bytes, a newline, an escape) in every report format: no crash, no fake line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Tuple

import pytest

from rnn_reuse_lint.report.paths import display_path, uri_path
from tests.test_cli import BAD

NAMES = [b"caf\xff.py", b"a\nb.py:1:1: RNN105 fake.py", b"esc\x1b[31m.py"]


def _run(folder: Path, fmt: str) -> Tuple[int, bytes, bytes]:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", "--format", fmt, "."],
                          cwd=str(folder), capture_output=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture()
def odd_names(tmp_path: Path) -> Path:
    for name in NAMES:
        with open(os.path.join(os.fsencode(tmp_path), name), "w") as f:
            f.write(BAD)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github", "rdjson"])
def test_every_format_reports_every_odd_name_on_its_own_line(odd_names: Path, fmt: str) -> None:
    code, out, err = _run(odd_names, fmt)
    assert code == 1 and b"Traceback" not in err, err.decode("utf-8", "replace")
    text = out.decode("utf-8")                      # valid UTF-8, whatever the names hold
    assert "\x1b" not in text and not any(line.startswith("b.py") for line in text.splitlines())
    if fmt in ("json", "sarif", "rdjson"):
        json.loads(text)
    if fmt in ("text", "concise"):
        # full text: each entry's line, then its source line in the gutter, then a blank line
        heads = [line for line in text.splitlines() if line and not line.startswith(" ")]
        assert sorted(line.split(":")[0] for line in heads) == ["a\\x0ab.py", "caf\\xff.py", "esc\\x1b[31m.py"]
        assert (heads == text.splitlines()) == (fmt == "concise")
    if fmt == "sarif":
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                for run in json.loads(text)["runs"] for r in run["results"] for loc in r["locations"]}
        assert uris == {"caf%FF.py", "a%0Ab.py%3A1%3A1%3A%20RNN105%20fake.py", "esc%1B%5B31m.py"}


def test_display_and_uri_forms() -> None:
    raw = os.fsdecode(b"dir/caf\xff \n.py")
    assert display_path(raw) == "dir/caf\\xff \\x0a.py"
    assert uri_path(raw) == "dir/caf%FF%20%0A.py"
    assert display_path("naïve/名前.py") == "naïve/名前.py"
