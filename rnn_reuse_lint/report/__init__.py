"""Output formats: each turns the same results into one text (text, json, and the integrations' formats)."""
from __future__ import annotations

from typing import Callable, Dict, Sequence

from rnn_reuse_lint.finding import FileResult
from rnn_reuse_lint.settings import Settings

Formatter = Callable[[Sequence[FileResult], Settings], str]


def formatters() -> Dict[str, Formatter]:
    from rnn_reuse_lint.report import json_report, text

    return {"text": text.render, "json": json_report.render}
