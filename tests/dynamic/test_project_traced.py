"""Dynamic mode on a multi-file project: the traced file imports the project's real modules (its package root, its
project root and `src/`, read-only), every static finding is confirmed by TensorFlow, the near-misses share nothing,
and nothing above the project root becomes readable."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

PROJECT = os.path.join(FIXTURES, "projects", "seq2seq_app")
TRACED = [os.path.join(PROJECT, "seq2seq", "model.py"), os.path.join(PROJECT, "tag.py"),
          os.path.join(PROJECT, "seq2seq", "cycle_a.py")]
# model.py's near-misses: a factory building a fresh cell per call (16, 30, 42-43), and a template cell class from
# another module stacked as every layer (21, and 48, run under TensorFlow at 49)
NEAR_MISSES = {16, 21, 30, 42, 43, 48, 49}


@pytest.fixture(scope="module")
def traces() -> Dict[str, Dict[str, Any]]:
    from rnn_reuse_lint.dynamic.api import trace_files

    return dict(zip(TRACED, trace_files(TRACED, timeout=120.0)))


@pytest.mark.parametrize("path", [pytest.param(p, id=os.path.relpath(p, PROJECT)) for p in TRACED])
def test_every_static_finding_is_confirmed_on_the_real_imports(path: str, traces: Dict[str, Dict[str, Any]]) -> None:
    from rnn_reuse_lint.dynamic.verify import verify

    findings = analyze_file(path, Settings()).findings
    assert findings
    checked = verify(findings, {path: traces[path]})
    assert [(f.span.line, f.code, f.dynamic.verdict if f.dynamic else None) for f in checked] == \
        [(f.span.line, f.code, "confirmed") for f in findings]
    for f in checked:
        # the cells are the project's own (tag.py's from src/taggerlib), not stand-ins for a module not found
        assert f.dynamic is not None and "Stub" not in f.dynamic.evidence and "stub_" not in f.dynamic.evidence


def test_the_near_misses_share_nothing_under_tensorflow(traces: Dict[str, Dict[str, Any]]) -> None:
    trace = traces[TRACED[0]]
    shared_lines: Set[int] = {place["line"] for rel in trace["sharing"] for place in rel["between"]}
    assert shared_lines == {26, 36, 37}  # RNN102 at 26; RNN103 between the runs at 36 and 37
    assert not shared_lines & NEAR_MISSES
    fresh = next(s for s in trace["stacks"] if s["line"] == 16)
    assert [c["same_as"] for c in fresh["cells"]] == [None, None, None]
    template = next(r for r in trace["runs"] if r["line"] == 49)
    variables: List[List[str]] = [layer["variables"] for layer in template["layers"]]
    assert len(variables) == 3 and len({tuple(v) for v in variables}) == 3, variables  # one `w` per layer's scope


def test_the_project_root_is_readable_and_nothing_above_it(tmp_path: Path) -> None:
    """A src/ layout project inside a folder holding a secret: the traced file imports its cell from src/, sees
    the project's own files, and cannot see the secret beside the project."""
    from rnn_reuse_lint.dynamic.api import trace_files

    (tmp_path / "secret.txt").write_text("not for traced code")
    root = tmp_path / "proj"
    (root / "src" / "lib").mkdir(parents=True)
    (root / "app").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (root / "src" / "lib" / "__init__.py").write_text("")
    (root / "src" / "lib" / "cells.py").write_text("import tensorflow as tf\nSHARED = tf.nn.rnn_cell.GRUCell(4)\n")
    model = root / "app" / "model.py"
    model.write_text(
        "import os\n"
        "import tensorflow as tf\n"
        "from lib.cells import SHARED\n"
        "\n"
        "HERE = os.path.dirname(os.path.abspath(__file__))\n"
        "seen = 'root_%s_above_%s' % (os.path.exists(os.path.join(HERE, '..', 'pyproject.toml')),\n"
        f"                              os.path.exists({str(tmp_path / 'secret.txt')!r}))\n"
        "stack = tf.nn.rnn_cell.MultiRNNCell([SHARED] * 2)\n"
        "outputs, _ = tf.nn.dynamic_rnn(stack, tf.zeros([2, 3, 4]), dtype=tf.float32, scope=seen)\n")
    static = analyze_file(str(model), Settings()).findings
    assert [(f.span.line, f.code) for f in static] == [(8, "RNN101")]
    trace = trace_files([str(model)], timeout=120.0)[0]
    assert trace.get("error") is None, trace.get("error")
    (run,) = trace["runs"]
    assert run["layers"][0]["variables"][0].startswith("root_True_above_False/"), run["layers"]
    stack = trace["stacks"][0]
    assert stack["cells"][0]["cell"] == "GRUCell" and stack["cells"][1]["same_as"] == 0
