"""The sandboxed child still runs on Python 3.6 (`--python` may name a TF 1.x interpreter that old): every module
compiles there, the child boots there up to its TensorFlow import, and its parts that need no TensorFlow (statement
wrapping, function-entry marks, source lines, the summary of a unit) run there."""
from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from typing import Any, Dict, List, Optional

import pytest

from tests.conftest import ROOT

CHILD = os.path.join(ROOT, "rnn_reuse_lint", "dynamic", "rrl_child")


def _python36() -> Optional[str]:
    """pyenv's 3.6 (or one on PATH), which this machine's TF 1.x environments use."""
    candidates = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.6*/bin/python3.6")))
    candidates += [c for c in (shutil.which("python3.6"),) if c]
    for candidate in candidates:
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 6))"],
                              capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == "True":
            return candidate
    return None


PYTHON36 = _python36()
pytestmark = pytest.mark.skipif(PYTHON36 is None, reason="no Python 3.6 on this machine (pyenv's 3.6.x or "
                                                         "python3.6 on PATH); the child's 3.6 support is unchecked")


def _run36(args: List[str], stdin: str = "", cwd: Optional[str] = None) -> "subprocess.CompletedProcess[str]":
    assert PYTHON36 is not None
    return subprocess.run([PYTHON36, "-I", "-B", *args], input=stdin, capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_every_child_module_compiles_on_python36() -> None:
    modules = sorted(glob.glob(os.path.join(CHILD, "*.py")))
    assert len(modules) > 10
    script = ("import sys\nfor path in sys.argv[1:]:\n"
              "    with open(path, encoding='utf-8') as f:\n        compile(f.read(), path, 'exec')\n")
    done = _run36(["-c", script, *modules])
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("isolate", [pytest.param(False, id="plain"), pytest.param(True, id="sandboxed")])
def test_child_boots_on_python36_up_to_its_tensorflow_import(isolate: bool) -> None:
    # the same launch as dynamic/pool.py; this interpreter has no TensorFlow, so the child reports exactly that
    done = _run36([CHILD], stdin=json.dumps({"isolate": isolate}) + "\n")
    first = json.loads(done.stdout.splitlines()[0])
    assert first["fatal"] == (f"cannot import TensorFlow in {PYTHON36}: ModuleNotFoundError: "
                              f"No module named 'tensorflow'"), done.stdout + done.stderr


# Runs under 3.6: loads rrl_child as the package the child's __main__ makes of it, then uses its TF-free parts.
PARTS = r'''
import ast, builtins, importlib, importlib.util, json, os, sys

here = sys.argv[1]
spec = importlib.util.spec_from_file_location("rrl_child", os.path.join(here, "__init__.py"),
                                              submodule_search_locations=[here])
package = importlib.util.module_from_spec(spec)
sys.modules["rrl_child"] = package
spec.loader.exec_module(package)
names = sorted(f[:-3] for f in os.listdir(here) if f.endswith(".py") and not f.startswith("__"))
for name in names:
    importlib.import_module("rrl_child." + name)
out = {"imported": names, "tensorflow_loaded": "tensorflow" in sys.modules}

from rrl_child.hooks import mark_wrapper
from rrl_child.runner import _EnterMarker
from rrl_child.source_lines import SourceLines
from rrl_child.summarize import Numbering, summarize
from rrl_child.tolerate import Tolerance, Wrapper, bound_names, install
from rrl_child.trace_records import Layer, Run, Unit


class UnitHolder(object):
    """The part of the tracer Tolerance reads: the unit being recorded."""
    unit = Unit("<module>")


# A statement that fails outside graph construction is stepped over; what it binds becomes a stub.
source = "rows: list = open('/nonexistent/rows.txt').read().split()\nafter = 1\n"
tree = Wrapper().visit(ast.parse(source))
user_builtins = dict(vars(builtins))
tolerance = Tolerance(UnitHolder())
install(user_builtins, tolerance)
scope = {"__builtins__": user_builtins}
exec(compile(ast.fix_missing_locations(tree), "user.py", "exec"), scope)
out["failures"] = [(f["line"], f["type"], f["names"]) for f in tolerance.failures]
out["stubbed"] = type(scope["rows"]).__name__
out["after"] = scope["after"]
out["bound"] = bound_names(ast.parse("x: int = 1").body[0]) + bound_names(ast.parse("a.b, c = d").body[0])

# Every function announces its entry with its first body line.
entered = []
marker = _EnterMarker()
tree = marker.visit(ast.parse("def f(x):\n    'doc'\n    return x + 1\n"))
scope = {"__builtins__": dict(vars(builtins), __rrl_enter__=entered.append)}
exec(compile(ast.fix_missing_locations(tree), "user.py", "exec"), scope)
out["f"] = scope["f"](1)
out["entered"] = entered
out["spans"] = sorted(marker.spans.items())

# Lines of the user's file on the stack and in a traceback.
lines = SourceLines()
lines.filename = os.path.abspath(__file__)
def here_and_now():
    return lines.user_lines()
out["stack_has_caller"] = here_and_now()[-1] > 0
try:
    int("not a number")
except ValueError:
    out["traceback_lines"] = len(lines.tb_lines(sys.exc_info()[2]))

# A unit whose run drives one cell object as two layers: the second borrows what the first created.
class LSTMCell(object):
    pass
cell = LSTMCell()
unit = Unit("<module>")
run = Run(0, "dynamic_rnn", 7, [7], "rnn", False, 1, "<module>")
kernel = "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"
for i in range(2):
    layer = Layer(i, 0, i, None, cell, cell, None)
    layer.called.append(id(cell))
    run.layers.append(layer)
    run.by_pos[(0, i)] = i
    unit.obj_req[(0, i, id(cell))] = [kernel]
unit.runs.append(run)
unit.keepalive.append(cell)
unit.created.append({"name": kernel, "shape": [4, 8], "line": 3, "graph": 1})
unit.creator[(1, kernel)] = (0, 0)
runs, sharing, created, stacks = summarize(unit, Numbering(), {}, None)
out["layers"] = [(l["owns"], l["borrows"], l["object"]) for l in runs[0]["layers"]]
out["created"] = created

def wrapped():
    return 1
marked = mark_wrapper(lambda: wrapped(), "_rrl", wrapped)
out["marked"] = [getattr(marked, "_rrl", False), marked.__wrapped__ is wrapped]
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    script = tmp_path_factory.mktemp("py36") / "parts.py"
    script.write_text(PARTS, encoding="utf-8")
    done = _run36([str(script), CHILD], cwd=str(script.parent))
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


def test_child_modules_import_on_python36_without_tensorflow(parts: Dict[str, Any]) -> None:
    assert {"runner", "sandbox", "serve", "summarize", "tolerate", "tracer", "zygote"} <= set(parts["imported"])
    assert parts["tensorflow_loaded"] is False


def test_failed_statement_is_stepped_over_on_python36(parts: Dict[str, Any]) -> None:
    assert parts["failures"] == [[1, "FileNotFoundError", ["rows"]]]
    assert parts["stubbed"] == "Stub"
    assert parts["after"] == 1
    assert parts["bound"] == ["x", "a.b", "c"]


def test_function_entry_marks_on_python36(parts: Dict[str, Any]) -> None:
    assert parts["f"] == 2
    assert parts["entered"] == [2]
    assert parts["spans"] == [[2, [2, 3]]]


def test_source_lines_and_summary_on_python36(parts: Dict[str, Any]) -> None:
    assert parts["stack_has_caller"] is True
    assert parts["traceback_lines"] == 1
    kernel = "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"
    assert parts["layers"] == [[[kernel], [], 0], [[], [kernel], 0]]
    assert parts["created"] == [{"name": kernel, "shape": [4, 8], "line": 3, "graph": 0}]
    assert parts["marked"] == [True, True]
