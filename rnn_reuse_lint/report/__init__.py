"""Output formats: each turns the same results into one text (text, json, sarif, github, rdjson, markdown).

Every formatter is `render(results, settings, options=ReportOptions()) -> str`. Positions inside a
notebook are in its concatenated code (see notebook.py); `locate` turns them into a cell and a line in
that cell (text, json) or a line of the .ipynb file itself (sarif, github, rdjson), so every format
points at the same place.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Dict, Literal, Tuple

# The options are part of every formatter's signature: callers import them from here (report.common has the rest).
from rnn_reuse_lint.report.common import ReportOptions

if TYPE_CHECKING:
    from rnn_reuse_lint.settings import FixMode

__all__ = ["FORMAT_NAMES", "FormatName", "Formatter", "ReportOptions", "fixes_shown", "formatters"]

FormatName = Literal["text", "json", "sarif", "github", "rdjson", "markdown"]
FORMAT_NAMES: Tuple[FormatName, ...] = ("text", "json", "sarif", "github", "rdjson", "markdown")
# What each built-in format shows of fixes (settings.FixMode): the text report only marks the fixable findings
# (`[*]`, the summary's counts) unless --show-fixes; github and markdown show none. A plugin format gets "plan".
_FIX_MODES: Dict[str, "FixMode"] = {"text": "mark", "json": "plan", "sarif": "plan", "rdjson": "plan",
                                    "github": "off", "markdown": "off"}


def fixes_shown(format_name: str, show_fixes: bool) -> "FixMode":
    """How much of the fixes a report in `format_name` needs planned."""
    if show_fixes:
        return "plan"
    return _FIX_MODES.get(format_name, "plan")


Formatter = Callable[..., str]


def formatters() -> Dict[FormatName, Formatter]:
    from rnn_reuse_lint.report import github, json_report, markdown, rdjson, sarif, text

    return {
        "text": text.render,
        "json": json_report.render,
        "sarif": sarif.render,
        "github": github.render,
        "rdjson": rdjson.render,
        "markdown": markdown.render,
    }
