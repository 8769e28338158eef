"""Notebooks are one program across code cells; magics and shell escapes are skipped; every format points
at the cell and the line inside it (text/json), or at the line of the .ipynb file itself (sarif/github/rdjson)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List

import pytest

from tests.integrations.helpers import BAD, check_json, notebook, run_cli, write

CELLS = [
    ("markdown", "# A deeper encoder\n\nBuilt once, stacked later.\n"),
    ("code", "%matplotlib inline\n!nvidia-smi\nimport tensorflow as tf\nhidden = 128\n"
             "encoder_cell = tf.nn.rnn_cell.LSTMCell(hidden)  # «shared»\n"),
    ("code", "files = !ls data\n%time n = 3\ntf.nn.rnn_cell.MultiRNNCell?\n"),
    ("code", "%%bash\nfor f in *; do echo $f; done\n"),
    ("markdown", "Now stack it:"),
    ("code", "depth = 3\nif depth:\n    %time x = 1\n"
             "encoder = tf.nn.rnn_cell.MultiRNNCell([encoder_cell] * depth)\n"),
    ("code", "%%time\ndecoder = tf.nn.rnn_cell.MultiRNNCell(\n"
             "    [tf.nn.rnn_cell.LSTMCell(hidden) for _ in range(2)])\n"),
    ("code", "msg = ('%d layers'\n       % depth)\n"),
]


@pytest.fixture
def nb(tmp_path: Path) -> Path:
    write(tmp_path, {"explore.ipynb": notebook(CELLS)})
    return tmp_path


def test_text_points_at_cell_and_line(nb: Path) -> None:
    code, out, err = run_cli("check", "--output-format", "concise", "explore.ipynb", cwd=nb)
    assert code == 1, err
    assert out.splitlines() == [
        "explore.ipynb:cell 6:4:11: RNN101 `encoder_cell` (cell 2, line 5) is layers 0, 1 and 2 of this "
        "`MultiRNNCell`, so those layers share one set of weights; TF 2.x compat.v1 and Keras silently share one "
        "set of weights, or fail with a shape error when the layer inputs differ"]


def test_json_has_cell_numbers(nb: Path) -> None:
    code, doc = check_json("explore.ipynb", cwd=nb)
    (finding,) = doc["findings"]
    assert (finding["cell"], finding["line"], finding["column"]) == (6, 4, 11)
    assert finding["end_line"] == 4 and finding["end_column"] == len(
        "encoder = tf.nn.rnn_cell.MultiRNNCell([encoder_cell] * depth)") + 1
    assert [(r["cell"], r["line"], r["column"]) for r in finding["related"]] == [(2, 5, 16)]
    assert doc["errors"] == []


def _raw_line(nb: Path, line: int) -> str:
    return (nb / "explore.ipynb").read_text(encoding="utf-8").splitlines()[line - 1]


def test_sarif_github_rdjson_point_into_the_ipynb_file(nb: Path) -> None:
    stack = "tf.nn.rnn_cell.MultiRNNCell([encoder_cell] * depth)"
    _, out, _ = run_cli("check", "--format", "sarif", "explore.ipynb", cwd=nb)
    result = json.loads(out)["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    raw = _raw_line(nb, region["startLine"])
    assert raw[region["startColumn"] - 1: region["endColumn"] - 1] == stack
    assert result["properties"]["cell"] == 6 and result["properties"]["cellLine"] == 4
    related = result["relatedLocations"][0]
    assert related["properties"] == {"cell": 2, "cellLine": 5, "cellColumn": 16}
    rel_region = related["physicalLocation"]["region"]
    assert _raw_line(nb, rel_region["startLine"])[rel_region["startColumn"] - 1:].startswith("tf.nn.rnn_cell.LSTMCell")

    _, out, _ = run_cli("check", "--format", "github", "explore.ipynb", cwd=nb)
    fields = dict(re.findall(r"(\w+)=([^,:]+)", out.split("::")[1]))
    assert fields["line"] == str(region["startLine"]) and fields["col"] == str(region["startColumn"])
    assert "title=RNN101 same-cell-in-several-layers (cell 6%2C line 4)" in out
    assert "explore.ipynb:cell 2:5:16: `encoder_cell` (LSTMCell) is created here" in out

    _, out, _ = run_cli("check", "--format", "rdjson", "explore.ipynb", cwd=nb)
    (diag,) = json.loads(out)["diagnostics"]
    start = diag["location"]["range"]["start"]
    assert start["line"] == region["startLine"]
    raw_bytes = _raw_line(nb, start["line"]).encode("utf-8")
    assert raw_bytes[start["column"] - 1:].startswith(stack.encode())
    assert diag["message"].startswith("[cell 6, line 4] `encoder_cell`")
    related_start = diag["related_locations"][0]["location"]["range"]["start"]
    # the creation line holds non-ASCII text after the cell; columns before it are the same in bytes
    assert _raw_line(nb, related_start["line"]).encode()[related_start["column"] - 1:].startswith(b"tf.nn")


def test_syntax_error_in_one_cell_keeps_the_others(tmp_path: Path) -> None:
    cells = CELLS + [("code", "def broken(:\n    pass\n")]
    write(tmp_path, {"nb.ipynb": notebook(cells)})
    code, doc = check_json("nb.ipynb", cwd=tmp_path)
    assert code == 1
    # The bad line is skipped and reported as RNN000 beside the findings of the rest (at the cell it is in).
    assert [(f["code"], f["cell"]) for f in doc["findings"]] == [("RNN101", 6), ("RNN000", 9)]
    assert doc["findings"][0]["line"] == 4 and doc["errors"] == []
    error = doc["findings"][1]
    assert error["line"] in (1, 2)  # the parser's line
    code, out, _ = run_cli("check", "nb.ipynb", cwd=tmp_path)
    assert f"nb.ipynb:cell 9:{error['line']}:1: RNN000" in out


@pytest.mark.parametrize("files, expected_codes", [
    pytest.param({"r.ipynb": notebook([("code", BAD)], language="R")}, [], id="non-python-kernel-skipped"),
    pytest.param({"bad.ipynb": "{not json"}, ["RNN000"], id="invalid-json-is-rnn000"),
    pytest.param({"odd.ipynb": json.dumps({"metadata": {}})}, ["RNN000"], id="no-cells-is-rnn000"),
])
def test_odd_notebooks(tmp_path: Path, files: Dict[str, str], expected_codes: List[str]) -> None:
    write(tmp_path, files)
    code, doc = check_json(*files, cwd=tmp_path)
    assert [e["code"] for e in doc["errors"]] + [f["code"] for f in doc["findings"]] == expected_codes


def test_nbformat_3_and_string_sources(tmp_path: Path) -> None:
    document = {"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": ["import tensorflow as tf\n", "cell = tf.nn.rnn_cell.LSTMCell(8)\n"]},
        {"cell_type": "heading", "source": "x"},
        {"cell_type": "code", "input": "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)"},
    ]}]}
    write(tmp_path, {"old.ipynb": json.dumps(document)})  # one line of JSON: no indentation at all
    code, doc = check_json("old.ipynb", cwd=tmp_path)
    assert [(f["cell"], f["line"], f["column"]) for f in doc["findings"]] == [(3, 1, 9)]
    _, out, _ = run_cli("check", "--format", "sarif", "old.ipynb", cwd=tmp_path)
    region = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    raw = (tmp_path / "old.ipynb").read_text()
    assert region["startLine"] == 1 and raw[region["startColumn"] - 1:].startswith("tf.nn.rnn_cell.MultiRNNCell")


def test_noqa_inside_a_cell(tmp_path: Path) -> None:
    cells = [("code", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
             ("code", "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)  # noqa: RNN101\n")]
    write(tmp_path, {"nb.ipynb": notebook(cells)})
    code, doc = check_json("--show-suppressed", "nb.ipynb", cwd=tmp_path)
    assert code == 0 and doc["findings"] == [] and doc["suppressed"][0]["cell"] == 2


def test_escaped_characters_before_the_finding(tmp_path: Path) -> None:
    """JSON escapes (\\" \\t \\u00e9) make the .ipynb column differ from the cell column."""
    cells = [("code", 'import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n'),
             ("code", 's = "\\"é\\t"; stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n')]
    text = notebook(cells).replace("é", "\\u00e9")
    write(tmp_path, {"nb.ipynb": text})
    _, out, _ = run_cli("check", "--format", "github", "nb.ipynb", cwd=tmp_path)
    fields = dict(re.findall(r"(\w+)=([^,:]+)", out.split("::")[1]))
    raw = text.splitlines()[int(fields["line"]) - 1]
    assert raw[int(fields["col"]) - 1:].startswith("tf.nn.rnn_cell.MultiRNNCell")
