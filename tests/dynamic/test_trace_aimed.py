"""`trace` and `explain --dynamic` trace as `check --dynamic` does (issue 22): aimed at the file's findings, each
finding's stated assumption given to its lines, and --tf1-python / config `tf1-python` for files TF 2 cannot run."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from tests.conftest import FIXTURES, ROOT
from tests.dynamic.test_seq2seq_shim import _tf115

pytestmark = pytest.mark.dynamic

ASSUMED = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_assumed_layers_and_cell.py")
TF1_ONLY = os.path.join(FIXTURES, "dynamic", "rnn101_obstacle_tf1_only_api.py")


def _cli(args: List[str], cwd: str = ROOT) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=dict(os.environ, PYTHONPATH=ROOT))


def _shared_lines(trace: Dict[str, Any]) -> Dict[int, str]:
    """First line of each suspicious relation -> its rule code."""
    return {s["between"][0]["line"]: s["code"] for s in trace["sharing"] if s["kind"] == "suspicious"}


def test_trace_gives_the_findings_their_assumptions() -> None:
    """Depth 1 from a default and a flag, a cell from a module that is not installed: `check --dynamic` confirms the
    three findings only by forcing their assumptions (test_forced_assumptions.py); `trace` now forces the same."""
    done = _cli(["trace", "--isolated", "--format", "json", ASSUMED])
    assert done.returncode == 1, done.stderr   # suspicious sharing
    trace = json.loads(done.stdout)
    assert _shared_lines(trace) == {12: "RNN101", 17: "RNN101", 23: "RNN102"}
    said = [e["what"] for e in trace["synth_events"]]
    assert any(w.startswith("assumed: 2 layers at line 11") for w in said), said
    assert any(w.startswith("assumed: a standard cell at line 23") for w in said), said
    text = _cli(["trace", "--isolated", ASSUMED])
    assert "  assumed: 2 layers at line 16 (the finding assumes more than one layer; the code had 1)" in text.stdout


def test_explain_dynamic_gives_the_findings_their_assumptions() -> None:
    done = _cli(["explain", "--dynamic", "--isolated", "--format", "json", ASSUMED])
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert "dynamic_error" not in doc, doc.get("dynamic_error")
    assert len(doc["dynamic_assumed"]) == 3 and all(a.startswith("assumed: ") for a in doc["dynamic_assumed"])
    # the bidirectional run at line 23 runs only with a real cell given for the stand-in one
    tagger = next(run for run in doc["runs"] if run["line"] == 23)
    assert {layer["dynamic"]["status"] for layer in tagger["layers"]} == {"differs"}
    assert all(layer["dynamic"]["variables"] == ["bidirectional_rnn/fw/lstm_cell/kernel",
                                                 "bidirectional_rnn/fw/lstm_cell/bias"]
               for layer in tagger["layers"]), tagger["layers"]
    text = _cli(["explain", "--dynamic", "--isolated", ASSUMED]).stdout
    assert "  trace assumed: 2 layers at line 11" in text


@pytest.mark.slow
def test_trace_and_explain_take_tf1_python_from_the_flag_and_the_config(tmp_path: Any) -> None:
    python = _tf115()
    done = _cli(["trace", "--isolated", "--format", "json", "--tf1-python", python, TF1_ONLY])
    trace = json.loads(done.stdout)
    assert trace["tf_version"].startswith("1.15") and trace["switch"]["kept"] == trace["tf_version"], trace["switch"]
    assert "traced again under TF 1.15" in _cli(["trace", "--isolated", "--tf1-python", python, TF1_ONLY]).stdout
    # config `tf1-python`, no flag: explain --dynamic switches too
    shutil.copy(TF1_ONLY, tmp_path / "tagger.py")
    (tmp_path / "pyproject.toml").write_text('[tool.rnn-reuse-lint]\ntf1-python = "%s"\n' % python)
    done = _cli(["explain", "--dynamic", "--format", "json", "tagger.py"], cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["dynamic_tf_version"].startswith("1.15"), doc
    assert "under TF 1.15" in _cli(["explain", "--dynamic", "tagger.py"], cwd=str(tmp_path)).stdout
    # without a TF 1.x interpreter the file stays on TF 2, with the CRF standing in
    done = _cli(["trace", "--isolated", "--format", "json", TF1_ONLY])
    assert json.loads(done.stdout)["tf_version"].startswith("2.")
