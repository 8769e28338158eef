"""The JSON document of `check --format json` (version 1): findings and RNN000 errors, 1-based positions."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import FileResult, Finding, Fix
from rnn_reuse_lint.settings import Settings


def fix_dict(fix: Optional[Fix]) -> Optional[Dict[str, Any]]:
    if fix is None:
        return None
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [
            {"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
             "end_column": e.span.end_column, "replacement": e.replacement}
            for e in fix.edits
        ],
    }


def finding_dict(f: Finding) -> Dict[str, Any]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "related": [
            {"path": r.path, "line": r.span.line, "column": r.span.column, "message": r.message} for r in f.related
        ],
        "fix": fix_dict(f.fix),
        "dynamic": None if f.dynamic is None else {"verdict": f.dynamic.verdict, "evidence": f.dynamic.evidence},
    }


def document(results: Sequence[FileResult], settings: Settings) -> Dict[str, Any]:
    findings: List[Dict[str, Any]] = []
    errors: List[Dict[str, Any]] = []
    for result in results:
        findings.extend(finding_dict(f) for f in result.findings)
        if result.error is not None:
            e = result.error
            errors.append({"code": e.code, "path": e.path, "line": e.line, "column": e.column, "message": e.message})
    return {
        "version": 1,
        "tool": {"name": "rnn-reuse-lint", "version": __version__},
        "tf_version": settings.tf_version,
        "findings": findings,
        "errors": errors,
    }


def render(results: Sequence[FileResult], settings: Settings) -> str:
    return json.dumps(document(results, settings), indent=2) + "\n"
