"""`path:line:col: CODE message` lines, like flake8 and ruff; in a notebook `nb.ipynb:cell 3:2:5: CODE message`."""
from __future__ import annotations

import unicodedata
from typing import Dict, List, Optional, Sequence

from rnn_reuse_lint.finding import FileError, FileResult, Finding
from rnn_reuse_lint.report.common import Location, ReportOptions, all_findings, locate
from rnn_reuse_lint.report.paths import display_path
from rnn_reuse_lint.report.style import paint
from rnn_reuse_lint.settings import Settings


def position(where: Location) -> str:
    cell = f"cell {where.cell}:" if where.cell is not None else ""
    return f"{display_path(where.path)}:{cell}{where.line}:{where.column}"


def fix_lines(f: Finding) -> List[str]:
    """`--show-fixes`: what the fix does and whether --fix applies it, or why there is none."""
    if f.fix is not None:
        kind = "fix" if f.fix.safe else f"unsafe fix (--unsafe-fixes; {f.fix.reason})"
        return [f"    {kind}: {f.fix.description}"]
    if f.no_fix:
        return [f"    no fix: {f.no_fix}"]
    from rnn_reuse_lint.rules import rule_for

    rule = rule_for(f.code)  # a rule that never fixes says why: which weights to share is a design decision
    if rule is not None and rule.no_fix_by_design:
        return [f"    no fix: {rule.no_fix_by_design}"]
    return []


class _Sources:
    """The analysed text of each reported file, read once: the file itself, or a notebook's code cells."""

    def __init__(self, texts: Dict[str, str]) -> None:
        self._lines: Dict[str, List[str]] = {p: t.split("\n") for p, t in texts.items()}

    def line(self, result: FileResult, path: str, number: int) -> Optional[str]:
        if path not in self._lines:
            self._lines[path] = self._read(path, notebook=result.notebook is not None and path == result.path)
        lines = self._lines[path]
        return lines[number - 1].rstrip("\r") if 1 <= number <= len(lines) else None

    @staticmethod
    def _read(path: str, notebook: bool) -> List[str]:
        from rnn_reuse_lint import engine

        data = engine.read_source(path)
        if not isinstance(data, bytes):
            return []
        if notebook:
            from rnn_reuse_lint.notebook import extract

            code = extract(data, path)
            return code.source.split("\n") if code is not None and not isinstance(code, FileError) else []
        text = engine.decode(data, path)
        return text.split("\n") if isinstance(text, str) else []


def _printable(text: str) -> str:
    """Tabs as spaces (so the underline lines up) and other control characters as `?`: a source line must
    not move the terminal's cursor or change its colours."""
    return "".join(" " if c == "\t" else "?" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)


def source_lines(f: Finding, where: Location, text: Optional[str], color: bool) -> List[str]:
    """The finding's line with its span underlined, in the gutter style of ruff:

        3 | stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
          |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    """
    if text is None:
        return []
    shown = _printable(text)
    start = max(where.column - 1, 0)
    same_line = f.span.end_line == f.span.line and f.span.end_column > f.span.column
    width = (f.span.end_column - f.span.column) if same_line else max(len(shown.rstrip()) - start, 1)
    width = max(1, min(width, max(len(shown) - start, 1)))
    number = str(where.line)
    gutter = " " * len(number)
    bar = paint("|", "blue", color)
    return [f"  {paint(number, 'blue', color)} {bar} {shown}",
            f"  {gutter} {bar} {' ' * start}{paint('^' * width, 'red', color)}"]


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    """One block per entry: its `path:line:col: CODE message` line, then (with show_source) the source line,
    then fix and dynamic lines. With source lines a blank line separates the blocks, as in ruff's `full`."""
    blocks: List[List[str]] = []
    color = options.color
    sources = _Sources(dict(options.texts)) if options.show_source else None
    for result in results:
        if result.error is not None:
            e = result.error
            blocks.append([f"{paint(position(locate(result, e.path, e.line, e.column)), 'bold', color)}: "
                           f"{paint(e.code, 'red', color)} {e.message}"])
        for _, f, suppressed in all_findings([result], options):
            where = locate(result, f.path, f.span.line, f.span.column)
            mark = " (suppressed by # noqa)" if suppressed else ""
            # --fix rewrites .py files only (a notebook fix would have to edit the notebook's JSON)
            fixable = " [*]" if f.fix is not None and f.fix.safe and not suppressed and result.notebook is None else ""
            block = [f"{paint(position(where), 'bold', color)}: {paint(f.code, 'red', color)}"
                     f"{paint(fixable, 'cyan', color)}{mark} {f.message}"]
            if sources is not None:
                block.extend(source_lines(f, where, sources.line(result, f.path, f.span.line), color))
            if options.show_fixes:
                block.extend(fix_lines(f))
            if f.dynamic is not None:
                block.append(f"    dynamic: {f.dynamic.verdict}: {f.dynamic.evidence}")
            blocks.append(block)
    separator = "\n\n" if sources is not None else "\n"
    return separator.join("\n".join(block) for block in blocks) + ("\n" if blocks else "")
