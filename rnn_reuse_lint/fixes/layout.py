"""What --fix writes beyond a fix's own edits, folded into them: the blank lines pycodestyle wants around an
inserted factory (blank_lines.py) and long lines broken (wrap.py). Every consumer of a fix (--fix, json, sarif,
rdjson, the editor's code action) then applies the same text."""
from __future__ import annotations

import bisect
import difflib
import os
import re
from dataclasses import replace
from typing import List, Optional, Sequence, Set, Tuple

from rnn_reuse_lint.finding import Edit, Finding, Span

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # the line breaks fixes/apply.py counts


def laid_out(text: str, edits: Sequence[Edit]) -> Tuple[Edit, ...]:
    """A fix's edits with the layout folded in: applied to `text` alone they give the laid-out result.
    Unchanged when no layout is needed; otherwise rebuilt from a line diff of the text before and after,
    each changed line run one edit, trimmed to the characters that change."""
    from rnn_reuse_lint.fixes.apply import line_starts, splice
    from rnn_reuse_lint.fixes.blank_lines import space_definitions
    from rnn_reuse_lint.fixes.wrap import wrap_new_lines

    joined, definitions = splice(text, edits)
    wanted = wrap_new_lines(space_definitions(joined, definitions), text)
    if wanted == joined:
        return tuple(edits)
    before, after = _LINE.findall(text), _LINE.findall(wanted)
    offsets = [0]
    for line in before:
        offsets.append(offsets[-1] + len(line))
    starts = line_starts(text)

    def position(offset: int) -> Tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    out = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end, new = offsets[i1], offsets[i2], "".join(after[j1:j2])
        old = text[start:end]
        head = _word_start(old, len(os.path.commonprefix([old, new])))
        tail = len(os.path.commonprefix([old[head:][::-1], new[head:][::-1]]))
        while tail and _inside_word(old, len(old) - tail):  # an edit starts and ends between whole names
            tail -= 1
        (line, column), (end_line, end_column) = position(start + head), position(end - tail)
        out.append(Edit(Span(line, column, end_line, end_column), new[head:len(new) - tail]))
    return tuple(out)


def lay_out_fixes(findings: Sequence[Finding], text: str) -> List[Finding]:
    """Every finding with a fix, its edits `laid_out` (engine.analyze_bytes).

    `laid_out` works on the whole text, so a module with a fix per statement cost the square of its size
    (`findings` x16 in benchmarks/growth.py: 512 fixes, 2.9 s of 4.1). It runs only for the fixes whose edits
    need a layout, which the edited lines alone decide: a verdict without edits (the text report's `[*]`)
    never does, nor does a fix that inserts no `def` and makes no line longer than the file's limit."""
    from rnn_reuse_lint.fixes.apply import line_starts
    from rnn_reuse_lint.fixes.wrap import limit_of

    out = []
    context: Optional[Tuple[List[int], int]] = None  # the text's line starts and line limit, once
    for finding in findings:
        fix = finding.fix
        if fix is not None and fix.edits:
            if context is None:
                context = line_starts(text), limit_of(text)
            if _needs_layout(text, fix.edits, *context):
                edits = laid_out(text, fix.edits)
                if edits != fix.edits:
                    finding = replace(finding, fix=replace(fix, edits=edits))
        out.append(finding)
    return out


def _needs_layout(text: str, edits: Sequence[Edit], starts: List[int], limit: int) -> bool:
    """Whether `laid_out` could change `edits`: one may insert a `def` (blank_lines.py), or leave a line longer
    than `limit` (wrap.py breaks only lines that are not the original's). Edits that share a line: assumed so."""
    seen: Set[int] = set()
    for edit in edits:
        if "def " in edit.replacement:
            return True
        span = edit.span
        if not (1 <= span.line <= len(starts) and 1 <= span.end_line <= len(starts)):
            return True  # stale, or a deletion to the end of the text: laid_out decides (and splice checks)
        line_start = starts[span.line - 1]
        start, end = line_start + span.column - 1, starts[span.end_line - 1] + span.end_column - 1
        head = text[line_start:start] + edit.replacement
        # an edit that ends at the start of a line leaves that line alone when what it puts there ends a line
        rest = span.end_column > 1 or not (head == "" or head.endswith(("\n", "\r")))
        last = span.end_line if rest else span.end_line - 1
        lines = set(range(span.line, max(last, span.line) + 1))
        if lines & seen:
            return True
        seen |= lines
        line_end = (starts[span.end_line] if span.end_line < len(starts) else len(text)) if rest else end
        edited = head + text[end:max(line_end, end)]
        if any(len(line.rstrip("\r\n")) > limit for line in _LINE.findall(edited)):
            return True
    return False


def _inside_word(text: str, index: int) -> bool:
    """Whether `index` falls between two characters of one name or number (`t|f.nn`)."""
    return 0 < index < len(text) and (text[index - 1].isalnum() or text[index - 1] == "_") \
        and (text[index].isalnum() or text[index] == "_")


def _word_start(text: str, index: int) -> int:
    while _inside_word(text, index):
        index -= 1
    return index
