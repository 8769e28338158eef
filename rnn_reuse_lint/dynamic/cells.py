"""Notebooks in the dynamic mode: trace the code cells as the one program `check` sees, speak in cell positions."""
from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence, Tuple, Union

from rnn_reuse_lint.finding import FileError, Finding, NotebookIndex

_LINE_REF = re.compile(r"\bline (\d+)\b")
CellLines = List[Tuple[int, int]]


def notebook_program(data: bytes, path: str) -> Union[Tuple[str, CellLines], FileError, None]:
    """(the concatenated code of the code cells, [(cell, line)] for each of its lines), with cells that do not
    parse on their own blanked as the static pass leaves them out; None when it is not a Python notebook."""
    from rnn_reuse_lint.notebook import _broken_cells, extract

    code = extract(data, path)
    if code is None or isinstance(code, FileError):
        return code
    source = code.source
    broken = _broken_cells(code, path)
    if broken:
        lines = source.split("\n")
        for _, first, last, _ in broken:
            for i in range(first - 1, last):
                lines[i] = ""
        source = "\n".join(lines)
    return source, [(p.cell, p.line) for p in code.index.lines]


def where(cell_lines: Sequence[Sequence[int]], line: Optional[int]) -> str:
    """`cell 3, line 2` for line `line` of the concatenated code (plain `line N` past the end)."""
    if line is not None and 1 <= line <= len(cell_lines):
        cell, inner = cell_lines[line - 1][:2]
        return "cell %d, line %d" % (cell, inner)
    return "line %s" % line


def reword(text: str, cell_lines: Sequence[Sequence[int]]) -> str:
    """Every `line N` of a message about the concatenated code, as `cell C, line L`."""
    return _LINE_REF.sub(lambda m: where(cell_lines, int(m.group(1))), text)


def index_lines(index: NotebookIndex) -> CellLines:
    return [(p.cell, p.line) for p in index.lines]


def in_cells(findings: Sequence[Finding], index: Optional[NotebookIndex]) -> List[Finding]:
    """The findings with their dynamic evidence worded in cell positions (unchanged outside notebooks)."""
    if index is None:
        return list(findings)
    lines = index_lines(index)
    out = []
    for f in findings:
        if f.dynamic is not None:
            f = dataclasses.replace(f, dynamic=dataclasses.replace(f.dynamic, evidence=reword(f.dynamic.evidence,
                                                                                               lines)))
        out.append(f)
    return out
