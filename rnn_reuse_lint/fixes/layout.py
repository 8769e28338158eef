"""What --fix writes beyond a fix's own edits, folded into them: the blank lines pycodestyle wants around an
inserted factory (blank_lines.py) and long lines broken (wrap.py). Every consumer of a fix (--fix, json, sarif,
rdjson, the editor's code action) then applies the same text."""
from __future__ import annotations

import bisect
import difflib
import os
import re
from dataclasses import replace
from typing import List, Sequence, Tuple

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
    """Every finding with a fix, its edits `laid_out` (engine.analyze_bytes)."""
    out = []
    for finding in findings:
        fix = finding.fix
        if fix is not None:
            edits = laid_out(text, fix.edits)
            if edits != fix.edits:
                finding = replace(finding, fix=replace(fix, edits=edits))
        out.append(finding)
    return out


def _inside_word(text: str, index: int) -> bool:
    """Whether `index` falls between two characters of one name or number (`t|f.nn`)."""
    return 0 < index < len(text) and (text[index - 1].isalnum() or text[index - 1] == "_") \
        and (text[index].isalnum() or text[index] == "_")


def _word_start(text: str, index: int) -> int:
    while _inside_word(text, index):
        index -= 1
    return index
