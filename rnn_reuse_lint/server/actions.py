"""Code actions: each finding's fix (safe = preferred quick fix, unsafe = says why), `# noqa`, and fix-all."""
from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from lsprotocol import types

from rnn_reuse_lint.finding import FileResult, Finding, Fix
from rnn_reuse_lint.server.diagnostics import Locator, RuleDocs, finding_diagnostic
from rnn_reuse_lint.server.documents import Snapshot
from rnn_reuse_lint.server.positions import span_range, split_lines, units

FIX_ALL = "source.fixAll.rnn-reuse-lint"
KINDS = (types.CodeActionKind.QuickFix, FIX_ALL)
_LINES_WITH_BREAKS = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")

FixAll = Callable[[], Tuple[str, str]]


def wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """LSP kinds are hierarchical: asking for `source.fixAll` includes `source.fixAll.rnn-reuse-lint`."""
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def overlaps(a: types.Range, b: types.Range) -> bool:
    def key(p: types.Position) -> Tuple[int, int]:
        return (p.line, p.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _fix_action(finding: Finding, fix: Fix, diagnostic: types.Diagnostic, locator: Locator) -> types.CodeAction:
    snapshot = locator.snapshot
    lines = split_lines(snapshot.text)
    edits = [types.TextEdit(span_range(lines, e.span, locator.encoding), e.replacement) for e in fix.edits]
    title = f"{fix.description} ({finding.code})" if fix.safe else \
        f"{fix.description} ({finding.code}, unsafe: {fix.reason or 'not proven safe'})"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=fix.safe,
        edit=types.WorkspaceEdit(document_changes=[_document_edit(snapshot, edits)]),
    )


def _document_edit(snapshot: Snapshot, edits: List[types.TextEdit], uri: Optional[str] = None
                   ) -> types.TextDocumentEdit:
    version = snapshot.version if uri is None else None
    return types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri or snapshot.uri, version=version),
        edits=list(edits),
    )


def noqa_edit(line_text: str, code: str, line_index: int, encoding: str) -> Optional[types.TextEdit]:
    """The edit that adds `code` to the line's `# noqa` comment (or a new `# noqa: CODE`); None where a
    comment cannot go (after a backslash continuation)."""
    from rnn_reuse_lint.noqa import NOQA_INLINE

    match = NOQA_INLINE.search(line_text)
    if match is not None:
        if match.group("codes") is None:
            return None  # a bare `# noqa` already silences every code
        codes = match.group("codes").rstrip(", \t")
        after_codes = match.start("codes") + len(codes)
        at = types.Position(line_index, units(line_text[:after_codes], encoding))
        return types.TextEdit(types.Range(at, at), f", {code}")
    stripped = line_text.rstrip()
    if stripped.endswith("\\"):
        return None
    start = types.Position(line_index, units(stripped, encoding))
    end = types.Position(line_index, units(line_text, encoding))
    return types.TextEdit(types.Range(start, end), f"{'  ' if stripped else ''}# noqa: {code}")


def _noqa_action(finding: Finding, diagnostic: types.Diagnostic, locator: Locator,
                 line_maps: Dict[str, Dict[int, str]]) -> Optional[types.CodeAction]:
    from rnn_reuse_lint.noqa import line_map

    place, line = locator.place(finding.span.line)
    if not 0 < line <= len(place.lines):
        return None
    text = place.lines[line - 1]
    if place.uri not in line_maps:
        line_maps[place.uri] = line_map("\n".join(place.lines) + "\n")
    # A line inside a multi-line string: flake8 reads the whole token, a comment cannot go on this line.
    joined = line_maps[place.uri].get(line, "")
    if joined.rstrip("\r\n") != text:
        return None
    edit = noqa_edit(text, finding.code, line - 1, locator.encoding)
    if edit is None:
        return None
    snapshot = locator.snapshot
    document = _document_edit(snapshot, [edit], uri=place.uri if snapshot.is_notebook else None)
    return types.CodeAction(title=f"Add `# noqa: {finding.code}` on this line",
                            kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            edit=types.WorkspaceEdit(document_changes=[document]))


def replace_edit(old: str, new: str, encoding: str) -> types.TextEdit:
    """One edit turning `old` into `new`, limited to the lines between their common head and tail."""
    a = _LINES_WITH_BREAKS.findall(old)
    b = _LINES_WITH_BREAKS.findall(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = types.Position(head, 0)
    if tail:
        end = types.Position(len(a) - tail, 0)
    else:  # up to the end of the document
        lines = split_lines(old)
        end = types.Position(len(lines) - 1, units(lines[-1], encoding))
    return types.TextEdit(types.Range(start, end), "".join(b[head: len(b) - tail]))


def code_actions(
    snapshot: Snapshot,
    result: FileResult,
    uri: str,
    requested: types.Range,
    only: Optional[Sequence[str]],
    encoding: str,
    docs: RuleDocs,
    fix_all: FixAll,
) -> List[types.CodeAction]:
    """The actions for the findings of document `uri` (a file, or one cell) that touch `requested`."""
    locator = Locator(snapshot, result, encoding)
    actions: List[types.CodeAction] = []
    fixes: List[types.CodeAction] = []
    line_maps: Dict[str, Dict[int, str]] = {}
    if wanted(types.CodeActionKind.QuickFix, only):
        for finding in result.findings:
            where, diagnostic = finding_diagnostic(finding, locator, docs)
            if where != uri or not overlaps(diagnostic.range, requested):
                continue
            # Notebooks are not fixed (as by `check --fix`): the fix planner's positions are in the
            # concatenated code, and one fix may span cells.
            if finding.fix is not None and not snapshot.is_notebook:
                fixes.append(_fix_action(finding, finding.fix, diagnostic, locator))
            noqa = _noqa_action(finding, diagnostic, locator, line_maps)
            if noqa is not None:
                actions.append(noqa)
    fixes.sort(key=lambda a: not a.is_preferred)  # the safe fixes first, then the unsafe ones
    actions = fixes + actions
    # Only when asked for by kind (on save, or a "fix all" command): it re-lints the file once per pass,
    # too much for the light-bulb requests editors send at every cursor move.
    if only and wanted(FIX_ALL, only) and not snapshot.is_notebook and any(
            f.fix is not None and f.fix.safe for f in result.findings):
        fixed, _ = fix_all()
        if fixed != snapshot.text:
            edit = replace_edit(snapshot.text, fixed, encoding)
            actions.append(types.CodeAction(
                title="rnn-reuse-lint: apply every safe fix", kind=FIX_ALL,
                edit=types.WorkspaceEdit(document_changes=[_document_edit(snapshot, [edit])])))
    return actions
