"""Engine positions (1-based lines, 1-based code-point columns) to LSP positions (0-based, negotiated units)."""
from __future__ import annotations

import re
from typing import List, Optional, Sequence

from lsprotocol import types

from rnn_reuse_lint.finding import Span

# The engine (libcst) breaks lines only at \r\n, \r and \n; str.splitlines would also break at form feeds
# and U+2028, which would move every later finding by a line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> List[str]:
    """The lines of `text` without their line breaks, numbered as the engine numbers them."""
    return _LINE_BREAK.split(text)


def units(text: str, encoding: str) -> int:
    """Length of `text` in the code units the client counts (UTF-16 unless it asked for another)."""
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_client(lines: Sequence[str], line: int, column: int, encoding: str) -> types.Position:
    """1-based engine (line, column) to an LSP position, clamped into the document."""
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index] if lines else ""
    if line - 1 >= len(lines):  # past the end (a deletion up to the end of the file)
        return types.Position(line=index, character=units(text, encoding))
    return types.Position(line=index, character=units(text[: max(column - 1, 0)], encoding))


def span_range(lines: Sequence[str], span: Span, encoding: str) -> types.Range:
    return types.Range(start=to_client(lines, span.line, span.column, encoding),
                       end=to_client(lines, span.end_line, span.end_column, encoding))


def line_range(lines: Sequence[str], line: int, column: int, encoding: str) -> types.Range:
    """From (line, column) to the end of that line: where an RNN000 error without an end is shown."""
    index = min(max(line - 1, 0), max(len(lines) - 1, 0))
    text = lines[index] if lines else ""
    start = to_client(lines, line, column, encoding)
    end = types.Position(line=index, character=units(text, encoding))
    if end.character <= start.character:  # an empty line: one character wide so editors draw it
        end = types.Position(line=index, character=start.character + 1)
    return types.Range(start=start, end=end)


def from_client(lines: Sequence[str], position: types.Position, encoding: str) -> Optional[Span]:
    """An LSP position as a 1-based engine (line, column) point; None when it is outside the document."""
    if position.line >= len(lines):
        return None
    text = lines[position.line]
    if encoding == types.PositionEncodingKind.Utf32:
        column = min(position.character, len(text))
    else:
        column, counted = 0, 0
        while column < len(text) and counted < position.character:
            counted += units(text[column], encoding)
            column += 1
    return Span(position.line + 1, column + 1, position.line + 1, column + 1)


def contains(span: Span, point: Span) -> bool:
    """Whether the point (line, column) lies inside `span` (end inclusive, so a cursor after the last
    character of a call still hovers it)."""
    return (span.line, span.column) <= (point.line, point.column) <= (span.end_line, span.end_column)
