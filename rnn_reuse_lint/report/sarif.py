"""SARIF 2.1.0 (one run) for GitHub code scanning and other SARIF viewers.

Paths are relative to the repository root (`uriBaseId` `%SRCROOT%`, defined in `originalUriBaseIds`), from
whatever folder the run starts; a file outside it gets an absolute `file://` URI. Columns count Unicode code points. A notebook location
points at the line of the .ipynb file that holds the code line, and `properties` say the cell and the
line and column inside it. A file that cannot be analysed (RNN000) and notes on how a file was read (legacy
syntax normalized...) are the invocation's `toolExecutionNotifications`.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import FileError, FileResult, Finding
from rnn_reuse_lint.report.common import Location, ReportOptions, locate
from rnn_reuse_lint.report.paths import uri_path
from rnn_reuse_lint.settings import Settings, behaves_as

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note", "advisory": "note", "note": "note"}


def level(severity: str) -> str:
    return _LEVELS.get(severity, "warning")


@functools.lru_cache(maxsize=None)
def source_root(cwd: str) -> str:
    """What `%SRCROOT%` stands for: the git top level above the current directory, else the nearest project
    root (a folder with pyproject.toml, setup.cfg or setup.py), else the current directory. Code scanning
    resolves URIs against the repository root, so a run from a sub-folder must not yield cwd-relative URIs."""
    from rnn_reuse_lint.project import nearest

    for markers in ((".git",), ("pyproject.toml", "setup.cfg", "setup.py")):
        found = nearest(cwd, markers)
        if found is not None:
            return found
    return cwd


def artifact(path: str) -> Dict[str, Any]:
    """A path relative to `%SRCROOT%`, or an absolute `file://` URI for a path outside it."""
    root = source_root(os.getcwd())
    full = os.path.abspath(path)
    try:
        relative = os.path.relpath(full, root)
    except ValueError:  # another drive on Windows
        relative = ".."
    if relative == ".." or relative.startswith(".." + os.sep):
        return {"uri": Path(full).as_uri()}
    return {"uri": uri_path(relative.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def region(where: Location) -> Optional[Dict[str, Any]]:
    if where.file_line is None:
        return None
    out: Dict[str, Any] = {"startLine": where.file_line}
    if where.file_column is not None:
        out["startColumn"] = where.file_column
    if where.file_end_line is not None and where.file_end_line >= where.file_line:
        out["endLine"] = where.file_end_line
        if where.file_end_column is not None and (where.file_end_line > where.file_line
                                                  or where.file_end_column >= (where.file_column or 1)):
            out["endColumn"] = where.file_end_column
    return out


def physical(where: Location) -> Dict[str, Any]:
    out: Dict[str, Any] = {"artifactLocation": artifact(where.path)}
    reg = region(where)
    if reg is not None:
        out["region"] = reg
    return out


def cell_properties(where: Location) -> Dict[str, Any]:
    if where.cell is None:
        return {}
    return {"cell": where.cell, "cellLine": where.line, "cellColumn": where.column}


def rule_descriptors() -> List[Dict[str, Any]]:
    from rnn_reuse_lint.rules import ALL_RULES

    rules = []
    for rule in ALL_RULES:
        doc = rule.doc()
        rules.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": _section(doc, "What it does") or rule.summary},
            "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": level(rule.severity), "enabled": bool(rule.default_enabled)},
            "properties": {"tags": ["tensorflow", "rnn", "weight-sharing"]},
        })
    return rules


def result_dict(result: FileResult, f: Finding, rule_index: Dict[str, int], suppressed: bool) -> Dict[str, Any]:
    where = locate(result, f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
    out: Dict[str, Any] = {
        "ruleId": f.code,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": physical(where)}],
    }
    if f.code in rule_index:
        out["ruleIndex"] = rule_index[f.code]
    related = []
    for number, r in enumerate(f.related, start=1):
        other = locate(result, r.path, r.span.line, r.span.column, r.span.end_line, r.span.end_column)
        entry: Dict[str, Any] = {"id": number, "physicalLocation": physical(other), "message": {"text": r.message}}
        if other.cell is not None:
            entry["properties"] = cell_properties(other)
        related.append(entry)
    if related:
        out["relatedLocations"] = related
    # A fix inside a notebook would have to edit the notebook's JSON; it is offered in the json format only.
    if f.fix is not None and result.notebook is None:
        replacements = [
            {"deletedRegion": {"startLine": e.span.line, "startColumn": e.span.column,
                               "endLine": e.span.end_line, "endColumn": e.span.end_column},
             "insertedContent": {"text": e.replacement}}
            for e in f.fix.edits
        ]
        out["fixes"] = [{
            "description": {"text": f.fix.description},
            "artifactChanges": [{"artifactLocation": artifact(f.path), "replacements": replacements}],
        }]
    if suppressed:
        out["suppressions"] = [{"kind": "inSource", "justification": "`# noqa` comment at the reported line"}]
    properties: Dict[str, Any] = {"name": f.name, "severity": f.severity}
    properties.update(cell_properties(where))
    if f.fix is not None:
        properties["fixSafe"] = f.fix.safe
        if f.fix.reason:
            properties["fixUnsafeBecause"] = f.fix.reason
    if f.no_fix:
        properties["noFix"] = f.no_fix
    if f.dynamic is not None:
        properties["dynamic"] = {"verdict": f.dynamic.verdict, "evidence": f.dynamic.evidence}
    out["properties"] = properties
    return out


def error_notification(result: FileResult, e: FileError) -> Dict[str, Any]:
    """RNN000: the file could not be analysed."""
    where = locate(result, e.path, e.line, e.column)
    note: Dict[str, Any] = {
        "level": "error",
        "message": {"text": e.message},
        "locations": [{"physicalLocation": physical(where)}],
        "descriptor": {"id": e.code},
    }
    if where.cell is not None:
        note["properties"] = cell_properties(where)
    return note


def file_notes(result: FileResult) -> List[Dict[str, Any]]:
    """How a file was read (e.g. "normalized legacy syntax: ..."): results then point at the original text."""
    location = {"physicalLocation": {"artifactLocation": artifact(result.path)}}
    return [{"level": "note", "message": {"text": text}, "locations": [location]} for text in result.notes]


def document(
    results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()
) -> Dict[str, Any]:
    rules = rule_descriptors()
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    sarif_results: List[Dict[str, Any]] = []
    notifications: List[Dict[str, Any]] = []
    for result in results:
        if result.error is not None:
            notifications.append(error_notification(result, result.error))
        notifications.extend(file_notes(result))
        items = [(f, False) for f in result.findings]
        if options.show_suppressed:
            items += [(f, True) for f in result.suppressed]
            items.sort(key=lambda item: item[0].sort_key)
        sarif_results.extend(result_dict(result, f, rule_index, s) for f, s in items)
    invocation: Dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "rnn-reuse-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }},
            "invocations": [invocation],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(source_root(os.getcwd())).as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
            "properties": {"tfVersion": settings.tf_named, "tfBehavesAs": behaves_as(settings.tf_version),
                           "tfVersionSource": settings.tf_version_source},
        }],
    }


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    return json.dumps(document(results, settings, options), indent=2) + "\n"


def _section(doc: str, title: str) -> str:
    """The text of one `## title` section of a rule's docs."""
    lines = doc.splitlines()
    out: List[str] = []
    inside = False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip() == title
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()
