"""The fixes json, sarif and rdjson carry are exactly what `check --fix` writes, blank lines included: applied
to the original text by an applier written here (as a consumer would write it), they give the same bytes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[1]

Change = Tuple[int, int, str]  # start offset, end offset, replacement (offsets into the file's text)


def _lines(text: str) -> List[int]:
    """Offsets of the lines as the formats count them (\\r\\n, \\r and \\n end a line)."""
    starts, i = [0], 0
    while i < len(text):
        if text[i] == "\r":
            i += 2 if text[i + 1:i + 2] == "\n" else 1
            starts.append(i)
            continue
        if text[i] == "\n":
            starts.append(i + 1)
        i += 1
    return starts


def _offset(text: str, line: int, column: int, utf8: bool = False) -> int:
    starts = _lines(text)
    if line > len(starts):  # a deletion that runs to the end of the file
        return len(text)
    start = starts[line - 1]
    if utf8:  # rdjson counts UTF-8 bytes
        return start + len(text[start:].encode("utf-8")[:column - 1].decode("utf-8"))
    return start + column - 1


def _json_fixes(finding: Dict[str, Any], text: str) -> List[Change]:
    fix = finding["fix"]
    return [(_offset(text, e["line"], e["column"]), _offset(text, e["end_line"], e["end_column"]), e["replacement"])
            for e in fix["edits"]] if fix else []


def _sarif_fixes(result: Dict[str, Any], text: str) -> List[Change]:
    out = []
    for fix in result.get("fixes", []):
        for change in fix["artifactChanges"]:
            for r in change["replacements"]:
                region = r["deletedRegion"]
                out.append((_offset(text, region["startLine"], region["startColumn"]),
                            _offset(text, region["endLine"], region["endColumn"]), r["insertedContent"]["text"]))
    return out


def _rdjson_fixes(diagnostic: Dict[str, Any], text: str) -> List[Change]:
    return [(_offset(text, s["range"]["start"]["line"], s["range"]["start"]["column"], utf8=True),
             _offset(text, s["range"]["end"]["line"], s["range"]["end"]["column"], utf8=True), s["text"])
            for s in diagnostic.get("suggestions", [])]


def _entries(fmt: str, doc: Dict[str, Any]) -> List[Tuple[str, Dict[str, Any]]]:
    """(path, entry) in report order."""
    if fmt == "json":
        return [(f["path"], f) for f in doc["findings"]]
    if fmt == "sarif":
        return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r)
                for r in doc["runs"][0]["results"]]
    return [(d["location"]["path"], d) for d in doc["diagnostics"]]


_READERS: Dict[str, Callable[[Dict[str, Any], str], List[Change]]] = {
    "json": _json_fixes, "sarif": _sarif_fixes, "rdjson": _rdjson_fixes}


def _apply(text: str, fixes: List[List[Change]]) -> str:
    """Each fix whole or not at all, in report order, skipping one that touches an earlier chosen fix."""
    taken: List[Change] = []
    for changes in fixes:
        if any((s < e2 and s2 < e) or s == e == s2 == e2 for s, e, _ in changes for s2, e2, _ in taken):
            continue
        taken.extend(changes)
    for start, end, replacement in sorted(taken, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _report(fmt: str, folder: Path) -> Dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", "--exit-zero", "-j", "2",
                           "--format", fmt, "."], cwd=str(folder), capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _apply_reports(fmt: str, folder: Path) -> int:
    """Apply what the report offers, pass after pass (as --fix re-lints), until it offers nothing; the passes."""
    for passes in range(10):
        by_path: Dict[str, List[Dict[str, Any]]] = {}
        for path, entry in _entries(fmt, _report(fmt, folder)):
            by_path.setdefault(path, []).append(entry)
        changed = False
        for path, entries in by_path.items():
            file = folder / path
            text = file.read_bytes().decode("utf-8")
            fixes = [c for c in (_READERS[fmt](e, text) for e in entries) if c]
            new = _apply(text, fixes)
            if new != text:
                file.write_bytes(new.encode("utf-8"))
                changed = True
        if not changed:
            return passes
    raise AssertionError("the reported fixes did not settle")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "sarif", "rdjson"])
def test_reported_fixes_are_what_fix_writes(tmp_path: Path, fmt: str) -> None:
    fixed, applied = tmp_path / "fixed", tmp_path / "applied"
    for copy in (fixed, applied):
        shutil.copytree(ROOT / "fixtures", copy)
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", "--fix", "--unsafe-fixes",
                           "-q", "-j", "2", "."], cwd=str(fixed), capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    passes = _apply_reports(fmt, applied)
    assert passes >= 1
    files = sorted(p.relative_to(fixed) for p in fixed.rglob("*.py"))
    originals = {p: (ROOT / "fixtures" / p).read_bytes() for p in files}
    changed = [p for p in files if (fixed / p).read_bytes() != originals[p]]
    assert len(changed) >= 10  # the fixtures do carry fixes, local factories among them
    assert any(b"def make_" in (fixed / p).read_bytes() for p in changed)
    differ = [str(p) for p in files if (applied / p).read_bytes() != (fixed / p).read_bytes()]
    assert differ == []
