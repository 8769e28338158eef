"""Findings as LSP diagnostics: the CLI's codes, messages, severities and related places, per document or cell."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import FileError, FileResult, Finding, Span
from rnn_reuse_lint.server.documents import Snapshot
from rnn_reuse_lint.server.positions import line_range, span_range, split_lines

SOURCE = "rnn-reuse-lint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}


class RuleDocs:
    """Where a code's documentation is: `template` with `{code}` (and `{name}`) replaced, or by default the
    rule's docs (what `rnn-reuse-lint rule CODE` prints) written once as Markdown into the user's cache."""

    def __init__(self, template: Optional[str] = None) -> None:
        self._template = template
        self._uris: Dict[str, Optional[str]] = {}

    def uri(self, code: str) -> Optional[str]:
        if code not in self._uris:
            self._uris[code] = self._make(code)
        return self._uris[code]

    def _make(self, code: str) -> Optional[str]:
        from rnn_reuse_lint.rules import ENGINE_CODES, RULES_BY_CODE

        rule = RULES_BY_CODE.get(code)
        name = rule.name if rule is not None else ENGINE_CODES.get(code, "")
        if self._template:
            return self._template.replace("{code}", code).replace("{name}", name)
        if rule is None:
            return None
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        for root in (base, tempfile.gettempdir()):
            folder = os.path.join(root, "rnn-reuse-lint", f"rules-{__version__}")
            target = os.path.join(folder, f"{code}.md")
            try:
                os.makedirs(folder, exist_ok=True)
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(f"# {code} {rule.name}\n\n{rule.doc()}\n")
                return Path(target).as_uri()
            except OSError:
                continue
        return None


@dataclass(frozen=True)
class Place:
    """A document (a file, or a notebook cell) and its lines, for positions."""

    uri: str
    lines: Sequence[str]


class Locator:
    """Maps engine positions of one snapshot (for a notebook: lines of its concatenated code) to documents."""

    def __init__(self, snapshot: Snapshot, result: FileResult, encoding: str) -> None:
        self.snapshot = snapshot
        self.encoding = encoding
        self._index = result.notebook
        if snapshot.cells is None:
            self._places = [Place(snapshot.uri, split_lines(snapshot.text))]
        else:
            self._places = [Place(c.uri, split_lines(c.text)) for c in snapshot.cells]

    def uris(self) -> List[str]:
        return [p.uri for p in self._places]

    def place(self, line: int) -> Tuple[Place, int]:
        """The document holding engine line `line`, and the line's number inside it."""
        if self._index is None:
            return self._places[0], line
        from rnn_reuse_lint.notebook import cell_of

        where = cell_of(self._index, line)
        if where is None or not 1 <= where.cell <= len(self._places):
            return self._places[-1], line
        return self._places[where.cell - 1], where.line

    def location(self, span: Span) -> Tuple[str, types.Range]:
        start, line = self.place(span.line)
        end, end_line = self.place(span.end_line)
        if end.uri != start.uri:  # a span across cells: show its part in the first cell
            text = start.lines[line - 1] if 0 < line <= len(start.lines) else ""
            end_line, end_column = line, len(text) + 1
        else:
            end_column = span.end_column
        return start.uri, span_range(start.lines, Span(line, span.column, end_line, end_column), self.encoding)

    def error_location(self, error: FileError) -> Tuple[str, types.Range]:
        place, line = self.place(error.line)
        return place.uri, line_range(place.lines, line, error.column, self.encoding)


def finding_diagnostic(finding: Finding, locator: Locator, docs: RuleDocs) -> Tuple[str, types.Diagnostic]:
    uri, where = locator.location(finding.span)
    related = []
    for other in finding.related:
        if os.path.normpath(other.path) == os.path.normpath(locator.snapshot.path):
            other_uri, other_range = locator.location(other.span)
        else:  # another file: its lines are not at hand, columns are taken as they are
            other_uri = Path(os.path.abspath(other.path)).as_uri()
            other_range = types.Range(types.Position(other.span.line - 1, other.span.column - 1),
                                      types.Position(other.span.end_line - 1, other.span.end_column - 1))
        related.append(types.DiagnosticRelatedInformation(types.Location(other_uri, other_range), other.message))
    href = docs.uri(finding.code)
    return uri, types.Diagnostic(
        range=where,
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
    )


def error_diagnostic(error: FileError, locator: Locator, docs: RuleDocs) -> Tuple[str, types.Diagnostic]:
    uri, where = locator.error_location(error)
    href = docs.uri(error.code)
    return uri, types.Diagnostic(range=where, message=error.message, severity=types.DiagnosticSeverity.Error,
                                 code=error.code, code_description=types.CodeDescription(href=href) if href else None,
                                 source=SOURCE)


def diagnostics(snapshot: Snapshot, result: FileResult, encoding: str, docs: RuleDocs
                ) -> Dict[str, List[types.Diagnostic]]:
    """Every published diagnostic by document URI; every cell of a notebook gets an entry (maybe empty),
    so that fixing a cell clears its old diagnostics."""
    locator = Locator(snapshot, result, encoding)
    out: Dict[str, List[types.Diagnostic]] = {uri: [] for uri in locator.uris()}
    if result.error is not None:
        uri, diagnostic = error_diagnostic(result.error, locator, docs)
        out.setdefault(uri, []).append(diagnostic)
    for finding in result.findings:
        uri, diagnostic = finding_diagnostic(finding, locator, docs)
        out.setdefault(uri, []).append(diagnostic)
    return out
