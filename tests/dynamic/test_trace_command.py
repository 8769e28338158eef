"""`rnn-reuse-lint trace`: JSON shape, the terminal table, exit codes and usage errors (no tracebacks)."""
from __future__ import annotations

import argparse
import json
import os
from typing import List, Tuple

import pytest

from rnn_reuse_lint.commands import trace as command
from rnn_reuse_lint.settings import Settings
from tests.conftest import ROOT

FIX = os.path.join(ROOT, "fixtures", "dynamic")
BARE_PY36 = "/root/.pyenv/versions/3.6.15/bin/python3.6"


def _run(argv: List[str], capsys: pytest.CaptureFixture[str], settings: Settings = Settings()) -> Tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    code = command.run(parser.parse_args(argv), settings)
    out, err = capsys.readouterr()
    return code, out, err


def test_command_contract() -> None:
    assert command.NAME == "trace" and command.HELP
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    args = parser.parse_args(["a.py", "--define", "n=2", "--define", "x=1", "--timeout", "5", "--format", "json"])
    assert args.files == ["a.py"] and args.define == ["n=2", "x=1"] and args.timeout == 5.0


@pytest.mark.parametrize("argv, message", [
    pytest.param(["/nonexistent/file.py"], "no such file", id="missing file"),
    pytest.param([os.path.join(FIX, "driver_raw_rnn_loop_fn.py"), "--define", "novalue"], "NAME=VALUE",
                 id="bad define"),
    pytest.param([os.path.join(FIX, "driver_raw_rnn_loop_fn.py"), "--timeout", "0"], "positive", id="bad timeout"),
    pytest.param([os.path.join(FIX, "driver_raw_rnn_loop_fn.py"), "--python", "/nonexistent/python"],
                 "no such interpreter", id="bad interpreter"),
])
def test_usage_errors_exit_2(argv: List[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(argv, capsys)
    assert code == 2 and message in err and "Traceback" not in err + out


@pytest.mark.skipif(not os.path.exists(BARE_PY36), reason="needs an interpreter without TensorFlow")
def test_missing_tensorflow_says_how_to_install(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run([os.path.join(FIX, "driver_raw_rnn_loop_fn.py"), "--python", BARE_PY36], capsys)
    assert code == 2 and 'pip install "rnn-reuse-lint[dynamic]"' in err and "Traceback" not in err


@pytest.mark.dynamic
def test_json_and_text_output_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    clean = os.path.join(FIX, "intended_seed_reuse_variables.py")
    shared = os.path.join(FIX, "rnn101_char_rnn_list_multiply.py")
    code, out, _ = _run([clean, "--format", "json", "--define", "nstates=8"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert set(doc) >= {"version", "path", "tf_version", "runs", "sharing", "created", "error", "synthesized"}
    assert doc["synthesized"]["nstates"] == 8 and doc["created"][0]["shape"] == [12, 32]
    assert doc["runs"][0]["layers"][0]["variables"][0] == "lstm/rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"
    settings = Settings(timeout=30.0, define=(("nstates", "4"),))
    code, out, _ = _run([clean, shared], capsys, settings)
    assert code == 1                                   # the second file shares one cell between layers
    assert "RNN101 suspicious  23:L0 = 23:L1 = 23:L2" in out
    assert "synthesized: n_layers=2, nstates=4, x=placeholder float32 [2, 3, 4]" in out
