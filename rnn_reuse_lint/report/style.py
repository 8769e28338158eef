"""Terminal colour for the text format: when to use it (`--color`, NO_COLOR, FORCE_COLOR) and the ANSI codes."""
from __future__ import annotations

import os
from typing import IO, Literal, Tuple

ColorMode = Literal["auto", "always", "never"]
COLOR_MODES: Tuple[ColorMode, ...] = ("auto", "always", "never")

_CODES = {"bold": "1", "red": "1;31", "cyan": "36", "blue": "1;34", "dim": "2", "yellow": "33"}


def wants_color(mode: ColorMode, stream: IO[str]) -> bool:
    """`always`/`never` as asked; `auto` colours a terminal unless NO_COLOR is set (https://no-color.org),
    and FORCE_COLOR colours a pipe, as ruff and most CLIs read them."""
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def paint(text: str, style: str, enabled: bool) -> str:
    if not enabled or not text:
        return text
    return f"\x1b[{_CODES[style]}m{text}\x1b[0m"
