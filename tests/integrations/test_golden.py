"""Golden outputs of every format, on the fixture project in tests/golden/project and on hand-built results.

Regenerate after an intended change with `UPDATE_GOLDEN=1 python -m pytest tests/integrations/test_golden.py`
and review the diff. Paths in the goldens are relative (the CLI runs inside the fixture project); the
tool version and the rules' documentation texts (owned by the rules) are replaced by placeholders.
"""
from __future__ import annotations

import json
import os
import re

import pytest

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import Dynamic, Edit, FileError, FileResult, Finding, Fix, Related, Span
from rnn_reuse_lint.notebook import NotebookCode, extract
from rnn_reuse_lint.report import FORMAT_NAMES, ReportOptions, formatters
from rnn_reuse_lint.settings import Settings
from tests.integrations.helpers import GOLDEN, notebook, run_cli

PROJECT = GOLDEN / "project"
EXPECTED = GOLDEN / "expected"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def normalize(text: str, fmt: str) -> str:
    text = text.replace(f'"{__version__}"', '"<version>"')
    if fmt == "sarif":
        doc = json.loads(text)
        # the repository root is where the checkout is: machine-dependent
        doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "file:///<repository root>/"
        for rule in doc["runs"][0]["tool"]["driver"]["rules"]:
            for key in ("shortDescription", "fullDescription", "help"):
                rule[key] = {k: "<from the rule's docs>" for k in rule[key]}
        text = json.dumps(doc, indent=2) + "\n"
    return text


def compare(name: str, actual: str) -> None:
    path = EXPECTED / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 python -m pytest {__file__}"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{name} differs from the golden; if the change is intended, regenerate with "
                                f"UPDATE_GOLDEN=1 python -m pytest {__file__} and review the diff")


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in (*FORMAT_NAMES, "concise")])
def test_project_golden(fmt: str) -> None:
    code, out, err = run_cli("check", ".", "--format", fmt, "--show-suppressed", cwd=PROJECT)
    assert code == 1, err
    compare(f"project.{fmt}", normalize(out, fmt))


def test_project_statistics_and_summary_golden() -> None:
    code, out, err = run_cli("check", ".", "--statistics", cwd=PROJECT)
    assert code == 1
    compare("project.statistics.txt", out)
    compare("project.summary.txt", err)


def test_paths_in_goldens_are_relative() -> None:
    for path in EXPECTED.iterdir():
        text = path.read_text(encoding="utf-8")
        assert str(PROJECT) not in text and "/work/" not in text and "/tmp/" not in text, path.name


# --------------------------------------------------------------------------------------------------
# Hand-built results: a fix, a dynamic verdict, a warning, a suppressed finding, a notebook, an error.

NOTEBOOK = notebook([
    ("markdown", "# Notes\n"),
    ("code", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
    ("code", "!ls\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"),
])


def synthetic_results() -> list:
    fix = Fix("build one cell per layer",
              (Edit(Span(3, 37, 3, 47), "[tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]"),), safe=False)
    shared = Finding("RNN101", "same-cell-in-several-layers", "error", "src/model.py", Span(3, 9, 3, 48),
                     "`cell` (line 2) is layers 0 and 1 of this `MultiRNNCell`",
                     (Related("src/model.py", Span(2, 8, 2, 34), "`cell` (LSTMCell) is created here"),),
                     fix=fix, dynamic=Dynamic("confirmed", "layer 1 reuses rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"))
    bidi = Finding("RNN102", "same-cell-both-directions", "warning", "src/model.py", Span(7, 1, 7, 20),
                   "`c` is both directions, 100% shared, \"quoted\", a:b,c", ())
    silenced = Finding("RNN101", "same-cell-in-several-layers", "error", "src/model.py", Span(9, 1, 9, 10),
                       "`d` (line 8) is layers 0 and 1", ())
    code = extract(NOTEBOOK.encode(), "nb/explore.ipynb")
    assert isinstance(code, NotebookCode)
    nb_fix = Fix("build one cell per layer", (Edit(Span(4, 37, 4, 47), "[fresh() for _ in range(2)]"),), safe=True)
    in_notebook = Finding("RNN101", "same-cell-in-several-layers", "error", "nb/explore.ipynb", Span(4, 9, 4, 48),
                          "`cell` (cell 2, line 2) is layers 0 and 1 of this `MultiRNNCell`",
                          (Related("nb/explore.ipynb", Span(2, 8, 2, 34), "`cell` (LSTMCell) is created here"),),
                          fix=nb_fix)
    return [
        FileResult("src/broken.py", error=FileError("src/broken.py", 4, 7, "syntax error: unexpected `)`")),
        FileResult("src/model.py", findings=(shared, bidi), suppressed=(silenced,)),
        FileResult("nb/explore.ipynb", findings=(in_notebook,), notebook=code.index),
    ]


SETTINGS = Settings(tf_version="1.15", tf_version_source="requirements.txt:2 (tensorflow-gpu==1.15.5)")


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMAT_NAMES])
@pytest.mark.parametrize("show", [pytest.param(True, id="show-suppressed"), pytest.param(False, id="default")])
def test_synthetic_golden(fmt: str, show: bool) -> None:
    text = formatters()[fmt](synthetic_results(), SETTINGS, ReportOptions(show_suppressed=show))
    suffix = ".show-suppressed" if show else ""
    compare(f"synthetic{suffix}.{fmt}", normalize(text, fmt))


def test_golden_project_has_every_kind_of_location() -> None:
    """The fixture set keeps covering what the goldens are for."""
    files = {p.relative_to(PROJECT).as_posix() for p in PROJECT.rglob("*") if p.is_file()}
    assert {"requirements.txt", "pyproject.toml", "notebooks/explore.ipynb", "models/broken.py"} <= files
    assert re.search(r"# noqa: RNN102", (PROJECT / "models" / "tagger.py").read_text())
