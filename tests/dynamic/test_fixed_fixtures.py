"""The autofix under real TensorFlow: each fixed RNN101/RNN102 fixture builds and every layer owns its own weights."""
from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Counter, Dict, List, Tuple

import pytest

from tests.conftest import ROOT
from tests.dynamic.conftest import DYNAMIC_FIXTURES, expected_markers, fixture_id

pytestmark = pytest.mark.dynamic

SHARING_CODES = {"RNN101", "RNN102"}
# Every dynamic fixture marked with a rule the autofix handles, found by its `# expect:` marks.
MARKED = [p for p in DYNAMIC_FIXTURES if {code for _, code in expected_markers(p)} & SHARING_CODES]


@dataclass
class FixRun:
    """One fixture copied twice into a tmp dir: `original` as is, `fixed` after `check --fix --unsafe-fixes`."""

    original: str
    fixed: str
    lint: "subprocess.CompletedProcess[str]"      # check --format json on the original
    fix: "subprocess.CompletedProcess[str]"       # check --fix --unsafe-fixes on the fixed copy


def _cli(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def _assert_clean_exit(name: str, what: str, proc: "subprocess.CompletedProcess[str]") -> None:
    assert "Traceback" not in proc.stderr, "%s: `%s` crashed:\n%s" % (name, what, proc.stderr)
    assert proc.returncode in (0, 1), "%s: `%s` exited %d:\n%s" % (name, what, proc.returncode, proc.stderr)


def _findings(name: str, what: str, proc: "subprocess.CompletedProcess[str]") -> List[Dict[str, Any]]:
    """The findings of a `--format json` run, after checking it ran cleanly."""
    _assert_clean_exit(name, what, proc)
    report = json.loads(proc.stdout)
    assert report["errors"] == [], "%s: `%s` reported errors: %s" % (name, what, report["errors"])
    findings: List[Dict[str, Any]] = report["findings"]
    return findings


def _sharing(findings: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [f for f in findings if f["code"] in SHARING_CODES]


def _codes(findings: List[Dict[str, Any]]) -> Counter[str]:
    return collections.Counter(f["code"] for f in findings)


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@pytest.fixture(scope="module")
def fix_runs(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, FixRun]:
    """Lint each marked fixture, then fix a copy of it with the real CLI."""
    base = tmp_path_factory.mktemp("fixed_fixtures")
    runs = {}
    for path in MARKED:
        original, fixed = (str(base / kind / os.path.basename(path)) for kind in ("original", "fixed"))
        for copy in (original, fixed):
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            shutil.copyfile(path, copy)
        lint = _cli("--format", "json", original)
        fix = _cli("--fix", "--unsafe-fixes", fixed)
        runs[path] = FixRun(original, fixed, lint, fix)
    return runs


def _was_fixed(run: FixRun) -> bool:
    return _read(run.fixed) != _read(run.original)


@pytest.fixture(scope="module")
def traces(fix_runs: Dict[str, FixRun]) -> Dict[str, Dict[str, Any]]:
    """Every original copy and every changed fixed copy, traced by one trace_files call (one TensorFlow import)."""
    from rnn_reuse_lint.dynamic.api import is_available, trace_files

    ok, why = is_available()
    if not ok:
        pytest.fail("the dynamic tests need TensorFlow in this interpreter: %s" % why)
    from rnn_reuse_lint.dynamic.assumptions import forced_lines
    from rnn_reuse_lint.engine import analyze_file
    from rnn_reuse_lint.settings import Settings

    paths = [run.original for run in fix_runs.values()]
    paths += [run.fixed for run in fix_runs.values() if _was_fixed(run)]
    # as `check --dynamic` traces them: each finding's stated assumption is given to its lines
    force = {p: forced_lines(analyze_file(p, Settings(select=("RNN",))).findings) for p in paths}
    return dict(zip(paths, trace_files(paths, timeout=120.0, force=force)))


def _fixed_traces(path: str, fix_runs: Dict[str, FixRun],
                  traces: Dict[str, Dict[str, Any]]) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """(original trace, fixed trace) of a fixture the autofix changed; skips one it left alone."""
    run = fix_runs[path]
    if not _was_fixed(run):
        pytest.skip("%s has no fix (covered by test_fix_changes_exactly_the_fixable_files)" % fixture_id(path))
    return traces[run.original], traces[run.fixed]


def _layer_name(name: str, number: int, run: Dict[str, Any], layer: Dict[str, Any]) -> str:
    direction = " %s" % layer["direction"] if layer.get("direction") else ""
    return "%s run %d (%s, line %s) layer %d%s (%s, cell line %s)" % (
        name, number, run["driver"], run["line"], layer["index"], direction, layer["cell"], layer["cell_line"])


def _suspicious(trace: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [s for s in trace["sharing"] if s["kind"] == "suspicious" and s["code"] in SHARING_CODES]


def _rnn_variables_created(trace: Dict[str, Any]) -> List[str]:
    """Created variables that some traced layer uses (not embeddings, dense layers and the like)."""
    used = {name for run in trace["runs"] for layer in run["layers"] for name in layer["variables"]}
    return [c["name"] for c in trace["created"] if c["name"] in used]


def test_there_are_fixtures_to_fix() -> None:
    codes = {code for path in MARKED for _, code in expected_markers(path)}
    assert len(MARKED) >= 9 and codes >= SHARING_CODES, [fixture_id(p) for p in MARKED]


def test_each_rule_has_a_fixed_fixture(fix_runs: Dict[str, FixRun]) -> None:
    fixed = [p for p, run in fix_runs.items() if _was_fixed(run)]
    codes = {code for path in fixed for _, code in expected_markers(path)}
    assert codes >= SHARING_CODES, "fixed: %s" % [fixture_id(p) for p in fixed]


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_fix_changes_exactly_the_fixable_files(path: str, fix_runs: Dict[str, FixRun]) -> None:
    name, run = fixture_id(path), fix_runs[path]
    _assert_clean_exit(name, "check --fix --unsafe-fixes", run.fix)
    sharing = _sharing(_findings(name, "check --format json", run.lint))
    assert sharing, "%s: the linter no longer reports the marked RNN101/RNN102 sharing" % name
    for finding in sharing:
        where = "%s line %d %s" % (name, finding["line"], finding["code"])
        if finding["fix"] is None:
            assert isinstance(finding["no_fix"], str) and finding["no_fix"].strip(), \
                "%s has neither a fix nor a reason why not: %s" % (where, finding)
        else:
            assert finding["fix"]["edits"], "%s: a fix without edits: %s" % (where, finding["fix"])
            assert finding["no_fix"] is None, "%s: both a fix and a no_fix reason" % where
    with_fix = [f for f in sharing if f["fix"] is not None]
    if with_fix:
        assert len(with_fix) == len(sharing), "%s mixes fixable and unfixable sharing: %s" % (
            name, [(f["line"], f["code"], f["no_fix"]) for f in sharing if f["fix"] is None])
        assert _was_fixed(run), "%s: --fix left the file unchanged although %d finding(s) have a fix" % (
            name, len(with_fix))
    else:
        assert not _was_fixed(run), "%s: --fix changed a file none of whose findings has a fix" % name


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_fixed_file_lints_clean(path: str, fix_runs: Dict[str, FixRun]) -> None:
    name, run = fixture_id(path), fix_runs[path]
    if not _was_fixed(run):
        pytest.skip("%s has no fix" % name)
    before = _codes(_findings(name, "check --format json", run.lint))
    after_findings = _findings(name, "check --format json (fixed)", _cli("--format", "json", run.fixed))
    left = [(f["line"], f["code"], f["message"]) for f in _sharing(after_findings)]
    assert left == [], "%s: the fixed file still has sharing findings: %s" % (name, left)
    after = _codes(after_findings)
    new = {code: n for code, n in after.items() if n > before.get(code, 0)}
    assert new == {}, "%s: the fix introduced findings %s (before: %s)" % (name, new, dict(before))


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_original_trace_shows_the_sharing(path: str, fix_runs: Dict[str, FixRun],
                                          traces: Dict[str, Dict[str, Any]]) -> None:
    """Otherwise the checks on the fixed trace below would pass vacuously."""
    trace = traces[fix_runs[path].original]
    assert trace["error"] is None, "%s: the original does not build: %s" % (fixture_id(path), trace["error"])
    assert _suspicious(trace), "%s: the original trace shows no RNN101/RNN102 sharing: %s" % (
        fixture_id(path), trace["sharing"])


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_fixed_file_builds_the_same_runs(path: str, fix_runs: Dict[str, FixRun],
                                         traces: Dict[str, Dict[str, Any]]) -> None:
    name = fixture_id(path)
    before, after = _fixed_traces(path, fix_runs, traces)
    assert after["error"] is None, "%s: the fixed file does not build: %s" % (name, after["error"])

    def shape(trace: Dict[str, Any]) -> List[Any]:
        return [(r["driver"], [(layer["index"], layer.get("direction"), layer["cell"]) for layer in r["layers"]])
                for r in trace["runs"]]

    assert shape(after) == shape(before), "%s: the fixed file runs different RNNs than the original" % name


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_no_sharing_left_in_the_fixed_trace(path: str, fix_runs: Dict[str, FixRun],
                                            traces: Dict[str, Dict[str, Any]]) -> None:
    _, after = _fixed_traces(path, fix_runs, traces)
    assert _suspicious(after) == [], "%s: the fixed trace still shares: %s" % (fixture_id(path), _suspicious(after))


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_every_layer_owns_its_own_variables(path: str, fix_runs: Dict[str, FixRun],
                                            traces: Dict[str, Dict[str, Any]]) -> None:
    name = fixture_id(path)
    _, after = _fixed_traces(path, fix_runs, traces)
    for number, run in enumerate(after["runs"]):
        for layer in run["layers"]:
            where = _layer_name(name, number, run, layer)
            assert layer["variables"], "%s uses no variables" % where
            assert layer["borrows"] == [], "%s borrows %s" % (where, layer["borrows"])
            assert sorted(layer["owns"]) == sorted(layer["variables"]), "%s does not own all it uses" % where
        for one, other in combinations(run["layers"], 2):
            common = set(one["variables"]) & set(other["variables"])
            assert not common, "%s and %s share %s" % (
                _layer_name(name, number, run, one), _layer_name(name, number, run, other), sorted(common))


@pytest.mark.parametrize("path", MARKED, ids=fixture_id)
def test_the_fix_creates_new_rnn_variables(path: str, fix_runs: Dict[str, FixRun],
                                           traces: Dict[str, Dict[str, Any]]) -> None:
    before, after = _fixed_traces(path, fix_runs, traces)
    old, new = _rnn_variables_created(before), _rnn_variables_created(after)
    assert len(new) > len(old), "%s: %d RNN variables before the fix, %d after: %s" % (
        fixture_id(path), len(old), len(new), sorted(set(new) - set(old)))
