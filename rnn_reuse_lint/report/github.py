"""GitHub Actions workflow commands (`::error file=...,line=...::message`): annotations on the PR diff.

Related locations are appended to the message, one per line. In a notebook the annotation sits on the
line of the .ipynb file holding the code line, and the title names the cell and the line inside it.
"""
from __future__ import annotations

from typing import List, Sequence

from rnn_reuse_lint.finding import FileResult
from rnn_reuse_lint.report.common import Location, ReportOptions, all_findings, locate
from rnn_reuse_lint.report.paths import display_path
from rnn_reuse_lint.report.text import position
from rnn_reuse_lint.settings import Settings

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice", "advisory": "notice", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _properties(where: Location, title: str) -> str:
    parts = [f"file={escape_property(display_path(where.path))}"]
    if where.file_line is not None:
        parts.append(f"line={where.file_line}")
        if where.file_column is not None:
            parts.append(f"col={where.file_column}")
        if where.file_end_line is not None:
            parts.append(f"endLine={where.file_end_line}")
            if where.file_end_column is not None:
                parts.append(f"endColumn={where.file_end_column}")
    parts.append(f"title={escape_property(title)}")
    return ",".join(parts)


def _cell_note(where: Location) -> str:
    return f" (cell {where.cell}, line {where.line})" if where.cell is not None else ""


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    lines: List[str] = []
    for result in results:
        if result.error is not None:
            e = result.error
            where = locate(result, e.path, e.line, e.column)
            title = f"{e.code} file-not-analysed{_cell_note(where)}"
            lines.append(f"::error {_properties(where, title)}::{escape_data(e.message)}")
        for _, f, suppressed in all_findings([result], options):
            where = locate(result, f.path, f.span.line, f.span.column, f.span.end_line, f.span.end_column)
            command = "notice" if suppressed else _COMMANDS.get(f.severity, "warning")
            title = f"{f.code} {f.name}{_cell_note(where)}" + (" (suppressed by # noqa)" if suppressed else "")
            message = f.message
            for r in f.related:
                other = locate(result, r.path, r.span.line, r.span.column)
                message += f"\n{position(other)}: {r.message}"
            if f.dynamic is not None:
                message += f"\ndynamic: {f.dynamic.verdict}: {f.dynamic.evidence}"
            lines.append(f"::{command} {_properties(where, title)}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
