"""`explain --format html|markdown`: command-line behaviour and the documents' content (the browser tests draw them)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any, List

import pytest

from rnn_reuse_lint.views.edges import edges
from rnn_reuse_lint.views.markdown import mermaid
from tests.conftest import FIXTURES, ROOT

SEED = os.path.join(FIXTURES, "seed_second_stack_reuses.py")
SEED_AS_PASTED = os.path.join(FIXTURES, "dynamic", "intended_seed_reuse_variables.py")


def _explain(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_html_is_self_contained() -> None:
    done = _explain("--format", "html", SEED)
    assert done.returncode == 0, done.stderr
    page = done.stdout
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "default-src 'none'" in page  # the page may fetch nothing, and says so to the browser
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|@import|url\((?!#)", page)
    assert page.count('class="arrow intended"') == 3


def test_seed_as_pasted_in_every_format() -> None:
    """The seed question with its free names: layer i of the second stack borrows layer i of the first."""
    text = _explain(SEED_AS_PASTED).stdout
    assert "<- borrows run 0 layer i" in text
    markdown = _explain("--format", "markdown", SEED_AS_PASTED).stdout
    assert 'r1l0 -->|"borrows"| r0l0' in markdown and "cell_{i}" in markdown
    assert "| 1 | 20 | `dynamic_rnn` | `lstm/rnn` | i |" in markdown
    page = _explain("--format", "html", SEED_AS_PASTED).stdout
    assert 'data-from="layer-0-1-0" data-to="layer-0-0-0" data-kind="intended"' in page
    assert "layer i · LSTMCell (line 7)" in page


def test_output_file_and_errors(tmp_path: Any) -> None:
    out = tmp_path / "report.md"
    done = _explain("--format", "markdown", SEED, "-o", str(out))
    assert (done.returncode, done.stdout) == (0, "") and out.read_text().startswith("### `")
    done = _explain("--format", "html", SEED, "-o", str(tmp_path / "missing" / "r.html"))
    assert done.returncode == 2 and "cannot write" in done.stderr and "Traceback" not in done.stderr
    done = _explain("--format", "html", str(tmp_path / "nope.py"), SEED)
    assert done.returncode == 2 and "nope.py: no such file or directory" in done.stderr
    assert "<svg" in done.stdout  # the other file is still explained
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _explain(str(empty))
    assert done.returncode == 2 and "no Python files" in done.stderr


def test_folder_gives_one_section_per_file(tmp_path: Any) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / "a.py").write_text("import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(2)\n"
                                 "o, _ = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n")
    (folder / "b.py").write_bytes(b"import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(\0)\n")  # NUL: not Python
    (folder / "c.py").write_text("print('no rnn')\n")
    done = _explain("--format", "html", str(folder))
    assert done.returncode == 1  # b.py cannot be analysed
    assert done.stdout.count('<section class="file"') == 3 and done.stdout.count("<nav>") == 1
    assert 'data-code="RNN102"' in done.stdout and "RNN000" in done.stdout and "No RNN runs found." in done.stdout


@pytest.mark.parametrize("text, expected", [
    pytest.param('name="x"', "name=#quot;x#quot;", id="quotes"),
    pytest.param("a<b>#c", "a#lt;b#gt;#35;c", id="angle-brackets-and-hash"),
])
def test_mermaid_labels_are_escaped(text: str, expected: str) -> None:
    doc = {"path": "m.py", "tf_version": "2", "sharing": [],
           "runs": [{"run": 0, "line": 3, "driver": "dynamic_rnn", "scope": text, "reuse": False,
                     "layers": [{"index": 0, "cell": "GRUCell", "cell_line": 2, "variables": [f"{text}/kernel"]}]}]}
    graph = mermaid(doc)
    assert expected in graph and text not in graph


def test_trace_documents_give_arrows_from_their_relations() -> None:
    """A trace has no `borrows_from`: its sharing relations alone make the arrows."""
    layer: List[Any] = [{"index": 0, "cell": "LSTMCell", "cell_line": 2, "variables": ["s/rnn/lstm_cell/kernel"]}]
    doc = {"runs": [{"run": 0, "line": 4, "layers": layer}, {"run": 1, "line": 6, "layers": layer}],
           "sharing": [{"kind": "suspicious", "code": "RNN103", "variables": ["s/rnn/lstm_cell/kernel"],
                        "between": [{"run": 0, "line": 4, "layer": 0}, {"run": 1, "line": 6, "layer": 0}]}],
           "error": None}
    [edge] = edges(doc, [{"code": "RNN103", "line": 6, "message": "`cell` first ran under `s`"}])
    assert (edge.source, edge.target, edge.kind, edge.code, edge.message) == (
        (1, 0), (0, 0), "suspicious", "RNN103", "`cell` first ran under `s`")
