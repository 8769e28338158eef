"""The JSON document of `check --format json` (version 1): findings and RNN000 errors, 1-based positions.

Notebook locations add `"cell"` (1-based, all cells counted) and give `line`/`end_line` inside that cell.
`tf_version` is the TensorFlow release the run assumed ("1.12"), `tf_behaves_as` the releases whose
behaviour it was analysed with ("1.2-1.14").
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import FileResult, Finding, Fix
from rnn_reuse_lint.report.common import ReportOptions, locate
from rnn_reuse_lint.report.paths import display_path
from rnn_reuse_lint.settings import Settings, behaves_as

_EMPTY = FileResult("")


def fix_dict(fix: Optional[Fix], result: FileResult = _EMPTY, path: str = "") -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    edits = []
    for e in fix.edits:
        where = locate(result, path, e.span.line, e.span.column, e.span.end_line, e.span.end_column)
        edit: Dict[str, Any] = {"line": where.line, "column": where.column,
                                "end_line": where.end_line if where.end_line is not None else e.span.end_line,
                                "end_column": where.end_column if where.end_column is not None else e.span.end_column,
                                "replacement": e.replacement}
        if where.cell is not None:
            edit["cell"] = where.cell
        edits.append(edit)
    out: Dict[str, Any] = {"description": fix.description, "safe": fix.safe, "edits": edits}
    if fix.reason:
        out["unsafe_because"] = fix.reason
    return out


def finding_dict(f: Finding, result: FileResult = _EMPTY) -> Dict[str, Any]:
    where = locate(result, f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
    out: Dict[str, Any] = {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "path": display_path(f.path),
        "line": where.line,
        "column": where.column,
        "end_line": where.end_line if where.end_line is not None else f.span.end_line,
        "end_column": where.end_column if where.end_column is not None else f.span.end_column,
        "message": f.message,
        "related": [],
        "fix": fix_dict(f.fix, result, f.path),
        "no_fix": f.no_fix,
        "dynamic": None if f.dynamic is None else {"verdict": f.dynamic.verdict, "evidence": f.dynamic.evidence,
                                                    "reached_via": f.dynamic.reached_via},
    }
    if where.cell is not None:
        out["cell"] = where.cell
    for r in f.related:
        other = locate(result, r.path, r.span.line, r.span.column)
        related: Dict[str, Any] = {"path": display_path(r.path), "line": other.line, "column": other.column, "message": r.message}
        if other.cell is not None:
            related["cell"] = other.cell
        out["related"].append(related)
    return out


def document(
    results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()
) -> Dict[str, Any]:
    findings: List[Dict[str, Any]] = []
    suppressed: List[Dict[str, Any]] = []
    errors: List[Dict[str, Any]] = []
    for result in results:
        findings.extend(finding_dict(f, result) for f in result.findings)
        if options.show_suppressed:
            suppressed.extend(finding_dict(f, result) for f in result.suppressed)
        if result.error is not None:
            e = result.error
            where = locate(result, e.path, e.line, e.column)
            error: Dict[str, Any] = {"code": e.code, "path": display_path(e.path), "line": where.line, "column": where.column,
                                     "message": e.message}
            if where.cell is not None:
                error["cell"] = where.cell
            errors.append(error)
    doc: Dict[str, Any] = {
        "version": 1,
        "tool": {"name": "rnn-reuse-lint", "version": __version__},
        "tf_version": settings.tf_named,   # the release the user has ("1.12")
        "tf_behaves_as": behaves_as(settings.tf_version),   # the releases it is analysed as ("1.2-1.14")
        "tf_version_source": settings.tf_version_source,
        "findings": findings,
        "errors": errors,
    }
    if options.show_suppressed:
        doc["suppressed"] = suppressed
    notes = [{"path": display_path(r.path), "message": note} for r in results for note in r.notes]
    if notes:  # e.g. "normalized legacy syntax: ..." (findings then point at the original text)
        doc["notes"] = notes
    return doc


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    return json.dumps(document(results, settings, options), indent=2) + "\n"
