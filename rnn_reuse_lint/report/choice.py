"""Which report `check` prints: `--output-format`/`--format`, `--[no-]show-source`, the config's `output-format`.

ruff's default text output (`full`) puts the source line under every finding, on a terminal and in a pipe
alike; `concise` is one line per finding. Here `text` is the same as `full`, and both are rendered by
report/text.py, with or without source lines.
"""
from __future__ import annotations

from typing import Optional, Tuple

from rnn_reuse_lint.report import FORMAT_NAMES

# Text with source lines (ruff's `full`, the default) and without them (`concise`, flake8's layout).
TEXT_STYLES = {"full": True, "concise": False}
OUTPUT_FORMATS: Tuple[str, ...] = ("full", "concise") + FORMAT_NAMES
DEFAULT_OUTPUT_FORMAT = "full"


def choose(flag: Optional[str], show_source: Optional[bool], configured: Optional[str]) -> Tuple[str, bool]:
    """(formatter name, source lines?): the flag over the config over `full`; an explicit `--show-source`
    or `--no-show-source` decides the source lines of any text style. An unknown name is returned as it
    is, for the caller to refuse."""
    name = flag or configured or DEFAULT_OUTPUT_FORMAT
    source = TEXT_STYLES.get(name, True)
    if show_source is not None:
        source = show_source
    return ("text" if name in TEXT_STYLES else name), source
