"""TF 1.0-1.1's RNN module paths (core_rnn_cell_impl, core_rnn) served from where TF 1.15 keeps the same objects."""
from __future__ import annotations

import json
import os
import subprocess
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.rrl_child.moved_modules import MOVED
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES
from tests.dynamic.test_legacy_tf import legacy_python

pytestmark = [pytest.mark.dynamic, pytest.mark.slow]

FIXTURE = os.path.join(FIXTURES, "dynamic", "tf1_moved_modules", "rnn101_core_rnn_cell_impl.py")
_PROBE = """
import importlib, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        out[name] = sorted(vars(importlib.import_module(name)))
    except ImportError:
        out[name] = None
print(json.dumps(out))
"""


def _modules(python: str, names: List[str]) -> Dict[str, Any]:
    done = subprocess.run([python, "-c", _PROBE, *names], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found: Dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_table_is_tf_history() -> None:
    """Each old path exists in TF 1.1 and is gone from TF 1.15, whose targets hold every public name it had."""
    old = _modules(legacy_python("1.1.0"), sorted(MOVED))
    targets = sorted({t for ts in MOVED.values() for t in ts})
    new = _modules(legacy_python("1.15.0"), sorted(MOVED) + targets)
    for name, places in MOVED.items():
        assert old[name] is not None and new[name] is None, name
        held = set().union(*(new[t] or [] for t in places))
        wanted = {n for n in old[name] if n[:1].isupper() or n in ("static_rnn", "_linear", "rnn_decoder")}
        assert wanted and wanted <= held, (name, sorted(wanted - held))


def test_tf115_runs_tf11_code_through_the_old_paths() -> None:
    (trace,) = trace_files([FIXTURE], timeout=120.0, python=legacy_python("1.15.0"))
    assert trace["tf_version"] == "1.15.0" and trace["error"] is None, trace["error"]
    findings = verify(analyze_file(FIXTURE, Settings(select=("RNN",))).findings, {FIXTURE: trace})
    assert [(f.code, f.span.line) for f in findings] == [("RNN101", 11)]
    dyn = findings[0].dynamic
    assert dyn is not None and (dyn.verdict, dyn.reached_via) == ("confirmed", "plain"), dyn


def test_tf11_itself_has_the_old_paths() -> None:
    # the fixture is real TF 1.1 code: there the very same stack is refused at graph construction
    (trace,) = trace_files([FIXTURE], timeout=120.0, python=legacy_python("1.1.0"))
    assert trace["tf_version"] == "1.1.0"
    assert "Attempt to reuse RNNCell" in (trace["error"] or {}).get("message", ""), trace["error"]
