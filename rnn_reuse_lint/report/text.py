"""`path:line:col: CODE message` lines, like flake8 and ruff; in a notebook `nb.ipynb:cell 3:2:5: CODE message`."""
from __future__ import annotations

from typing import List, Sequence

from rnn_reuse_lint.finding import FileResult, Finding
from rnn_reuse_lint.report import Location, ReportOptions, all_findings, locate
from rnn_reuse_lint.report.paths import display_path
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
    return []


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    lines: List[str] = []
    for result in results:
        if result.error is not None:
            e = result.error
            lines.append(f"{position(locate(result, e.path, e.line, e.column))}: {e.code} {e.message}")
        for _, f, suppressed in all_findings([result], options):
            where = locate(result, f.path, f.span.line, f.span.column)
            mark = " (suppressed by # noqa)" if suppressed else ""
            # --fix rewrites .py files only (a notebook fix would have to edit the notebook's JSON)
            fixable = " [*]" if f.fix is not None and f.fix.safe and not suppressed and result.notebook is None else ""
            lines.append(f"{position(where)}: {f.code}{fixable}{mark} {f.message}")
            if options.show_fixes:
                lines.extend(fix_lines(f))
            if f.dynamic is not None:
                lines.append(f"    dynamic: {f.dynamic.verdict}: {f.dynamic.evidence}")
    return "\n".join(lines) + ("\n" if lines else "")
