"""Make a pasted fragment parse: re-indent ragged lines, skip lines that are not Python, report each one."""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import List, Optional, Tuple

MAX_REPAIRS = 20  # a file needing more is not a fragment with a few bad lines: report its first error instead
_INDENT = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class Repair:
    """One line that was changed so the rest of the file could be read."""

    line: int  # 1-based
    message: str
    shift: int = 0  # columns the line's code moved right (re-indented): findings there move back by as much


@dataclass(frozen=True)
class Repaired:
    """The text with the same number of lines as the input, and what was done to it."""

    source: str
    repairs: Tuple[Repair, ...]


def repair(source: str) -> Optional[Repaired]:
    """Re-indent or blank out the lines Python rejects until the rest compiles; None when it cannot.

    Line numbers never change: a skipped line becomes `pass` (or `if True:` when it opened a block) at the
    indentation its block needs, so every finding elsewhere keeps its line.
    """
    lines = source.splitlines(keepends=True)
    repairs: List[Repair] = []
    for _ in range(MAX_REPAIRS + 1):
        error = _first_error("".join(lines))
        if error is None:
            return Repaired("".join(lines), tuple(repairs)) if repairs else None
        if len(repairs) == MAX_REPAIRS:
            return None
        number, message, indentation = error
        if not 1 <= number <= len(lines):
            return None  # an unclosed bracket or string reported at the end of the file: nothing to skip
        index = number - 1
        text = lines[index]
        ending = text[len(text.rstrip("\r\n")):] or "\n"
        body = text.strip()
        if indentation:
            level = _nearest_level(lines, index)
            if level is None or level == _INDENT.match(text).group(0):  # type: ignore[union-attr]
                return None
            lines[index] = level + text.lstrip(" \t")
            shift = len(level) - (len(text) - len(text.lstrip(" \t")))
            repairs.append(Repair(number, f"{message}; re-indented to match its block and analysed", shift))
            continue
        indent = _INDENT.match(text).group(0)  # type: ignore[union-attr]
        opens_block = body.endswith(":")
        lines[index] = indent + ("if True:" if opens_block else "pass") + ending
        repairs.append(Repair(number, f"syntax error: {message}; this line was skipped, the rest was analysed"))
    return None


def _first_error(source: str) -> Optional[Tuple[int, str, bool]]:
    """(line, message, is an indentation error) of the first error Python's own parser reports, else None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not errors
            ast.parse(source)
    except IndentationError as exc:
        return exc.lineno or 0, exc.msg, True
    except SyntaxError as exc:
        return exc.lineno or 0, exc.msg, False
    except (ValueError, RecursionError, MemoryError):
        return 0, "cannot parse", False
    return None


def _nearest_level(lines: List[str], index: int) -> Optional[str]:
    """The indentation of the closest earlier code line whose indentation is a prefix-compatible level.

    `unindent does not match any outer indentation level` on a line at 7 spaces inside a block at 8: the
    line belongs to the block it sits in, so it takes the indentation of the previous code line.
    """
    for previous in range(index - 1, -1, -1):
        text = lines[previous]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        level = _INDENT.match(text).group(0)  # type: ignore[union-attr]
        if stripped.endswith(":"):
            return level + "    "  # the line starts the body of that block
        return level
    return ""
