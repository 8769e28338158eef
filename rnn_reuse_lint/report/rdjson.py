"""reviewdog's diagnostic format (rdjson): `rnn-reuse-lint check --format rdjson . | reviewdog -f=rdjson ...`.

Columns are UTF-8 byte offsets as the format requires. Related places go to `related_locations`, fixes
to `suggestions`. Notebook locations point at lines of the .ipynb file (reviewdog comments on the diff of
the file itself) and the message starts with the cell and the line inside it; suggestions are left out
for notebooks, since they would have to edit the notebook's JSON. The format has no place for the run's
TensorFlow release (json and sarif carry it); the messages are worded for it.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

from rnn_reuse_lint.finding import FileResult, Finding
from rnn_reuse_lint.report.common import Location, ReportOptions, SourceLines, all_findings, locate
from rnn_reuse_lint.report.paths import display_path
from rnn_reuse_lint.report.text import position
from rnn_reuse_lint.settings import Settings

_SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO", "advisory": "INFO", "note": "INFO"}
SOURCE = {"name": "rnn-reuse-lint"}


def _range(where: Location) -> Optional[Dict[str, Any]]:
    if where.file_line is None:
        return None
    start: Dict[str, Any] = {"line": where.file_line}
    if where.file_column is not None:
        start["column"] = where.file_column
    out: Dict[str, Any] = {"start": start}
    if where.file_end_line is not None:
        end: Dict[str, Any] = {"line": where.file_end_line}
        if where.file_end_column is not None:
            end["column"] = where.file_end_column
        out["end"] = end
    return out


def _location(where: Location) -> Dict[str, Any]:
    out: Dict[str, Any] = {"path": display_path(where.path)}
    rng = _range(where)
    if rng is not None:
        out["range"] = rng
    return out


def _prefix(where: Location) -> str:
    return f"[cell {where.cell}, line {where.line}] " if where.cell is not None else ""


def diagnostic(result: FileResult, f: Finding, suppressed: bool, lines: SourceLines) -> Dict[str, Any]:
    where = locate(result, f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column, lines)
    message = _prefix(where) + f.message + (" (suppressed by # noqa)" if suppressed else "")
    if f.fix is not None and not f.fix.safe and result.notebook is None:
        # rdjson has no field for it: an unsafe suggestion says so in the message a reviewer reads with it
        message += f" (the suggested fix is not proven safe{': ' + f.fix.reason if f.fix.reason else ''})"
    out: Dict[str, Any] = {
        "message": message,
        "location": _location(where),
        "severity": "INFO" if suppressed else _SEVERITIES.get(f.severity, "WARNING"),
        "source": SOURCE,
        "code": {"value": f.code},
        "original_output": f"{position(locate(result, f.path, f.span.line, f.span.column))}: {f.code} {f.message}",
    }
    if f.fix is not None and result.notebook is None:
        out["suggestions"] = []
        for e in f.fix.edits:
            edit = locate(result, f.path, e.span.line, e.span.column, e.span.end_line, e.span.end_column, lines)
            out["suggestions"].append({"range": _range(edit), "text": e.replacement})
    related = []
    for r in f.related:
        other = locate(result, r.path, r.span.line, r.span.column, r.span.end_line, r.span.end_column, lines)
        related.append({"message": _prefix(other) + r.message, "location": _location(other)})
    if related:
        out["related_locations"] = related
    return out


def document(
    results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()
) -> Dict[str, Any]:
    lines = SourceLines()
    diagnostics: List[Dict[str, Any]] = []
    for result in results:
        if result.error is not None:
            e = result.error
            where = locate(result, e.path, e.line, e.column, utf8=lines)
            diagnostics.append({
                "message": _prefix(where) + e.message,
                "location": _location(where),
                "severity": "ERROR",
                "source": SOURCE,
                "code": {"value": e.code},
            })
        diagnostics.extend(diagnostic(result, f, s, lines) for _, f, s in all_findings([result], options))
    return {"source": SOURCE, "diagnostics": diagnostics}


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    return json.dumps(document(results, settings, options), indent=2) + "\n"
