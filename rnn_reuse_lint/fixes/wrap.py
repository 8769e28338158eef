"""Lines a fix made longer than the file's own longest line (at least pycodestyle's 79), broken inside their
outermost bracket with a visual indent: a flake8 hook after the fix hook must not fail on E501 (or E12x)
where the original passed."""
from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from typing import List, Optional, Set, Tuple

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_OPEN, _CLOSE = "([{", ")]}"
_FSTRING = (getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -2))
MIN_LIMIT = 79  # pycodestyle's default max-line-length (flake8 E501)


def limit_of(original: str) -> int:
    """The line length the file keeps to: its longest line, at least pycodestyle's default."""
    return max([MIN_LIMIT] + [len(line.rstrip("\r\n")) for line in _LINE.findall(original)])


def wrap_new_lines(text: str, original: str, limit: Optional[int] = None) -> str:
    """`text` with every line that is not a line of `original` and is longer than the limit broken; `text`
    itself if the broken text would not compile where `text` does (a safety net: breaks inside brackets
    are always legal Python)."""
    wrapped = _wrap_lines(text, original, limit)
    if wrapped != text and _compiles(text) and not _compiles(wrapped):
        return text
    return wrapped


def _compiles(text: str) -> bool:
    try:
        compile(text, "<fix>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def _wrap_lines(text: str, original: str, limit: Optional[int]) -> str:
    limit = limit_of(original) if limit is None else limit
    old: Set[str] = {line.rstrip("\r\n") for line in _LINE.findall(original)}
    out: List[str] = []
    for line in _LINE.findall(text):
        body = line.rstrip("\r\n")
        if len(body) > limit and body not in old:
            ending = line[len(body):] or ""
            joiner = ending or "\n"
            out.append(joiner.join(_with_comment(body, limit)) + ending)
        else:
            out.append(line)
    return "".join(out)


def _with_comment(body: str, limit: int) -> List[str]:
    """The line broken; a trailing comment stays on the first line (where the finding and any `# noqa` are)
    when it fits there, else the line is kept whole."""
    comment = next((t for t in _tokens(body) if t.type == tokenize.COMMENT and t.start[0] == 1), None)
    if comment is None:
        return _wrap(body, limit, 3)
    code, text = body[:comment.start[1]].rstrip(), body[comment.start[1]:]
    for room in (limit, limit - 2 - len(text)):  # then every piece leaves room for the comment
        pieces = _wrap(code, room, 3)
        if len(pieces) > 1 and len(pieces[0]) + 2 + len(text) <= limit:
            return [f"{pieces[0]}  {text}"] + pieces[1:]
    return [body]


def _tokens(body: str) -> List[tokenize.TokenInfo]:
    """The tokens of one line (an unclosed bracket continues on later lines: what was read so far)."""
    tokens: List[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(body + "\n").readline):
            tokens.append(token)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return tokens


@dataclass
class _Bracket:
    inside: int  # the column just after the opening bracket: a continuation line's visual indent
    points: List[int] = field(default_factory=list)  # columns where a continuation line may start
    close: int = 0  # the column of the closing bracket (the line's end while it stays open)


def _break_points(body: str, limit: int) -> Optional[Tuple[int, List[int]]]:
    """(column after the outermost bracket that holds the part past the limit, columns where a continuation
    line may start in it): after each comma directly inside it, and before a comprehension's `for`."""
    stack: List[_Bracket] = []
    candidates: List[_Bracket] = []
    # A continuation line (its bracket opened on an earlier line, closed on this one) breaks at its own commas,
    # with its own indentation
    enclosing = _Bracket(len(body) - len(body.lstrip()), close=-1)
    in_fstring = 0  # Python 3.12 tokenizes an f-string's braces and commas as operators: never break there
    for token in _tokens(body):
        if token.type == tokenize.COMMENT:
            return None  # a comment would be cut off from its code
        if token.start[0] != 1:
            break  # NEWLINE / DEDENT / ENDMARKER after the line
        if token.type in _FSTRING:
            in_fstring += 1 if token.type == _FSTRING[0] else -1
            continue
        if in_fstring:
            continue
        text, column = token.string, token.start[1]
        if token.type == tokenize.OP and text in _OPEN:
            stack.append(_Bracket(column + 1, close=len(body)))
            candidates.append(stack[-1])
        elif token.type == tokenize.OP and text in _CLOSE:
            if stack:
                stack.pop().close = column
            elif enclosing.close < 0:
                enclosing.close = column
        elif stack and token.type == tokenize.OP and text == ",":
            stack[-1].points.append(column + 1)
        elif token.type == tokenize.OP and text == "," and enclosing.close < 0:
            enclosing.points.append(column + 1)
        elif stack and token.type == tokenize.NAME and text == "for":
            stack[-1].points.append(column)
    if enclosing.close >= 0:
        candidates.insert(0, enclosing)
    for bracket in candidates:  # outermost first: the one opened first
        usable = [p for p in bracket.points if bracket.inside < p < bracket.close and body[p:].strip()]
        if usable and bracket.close >= limit and bracket.inside <= limit - 30:  # room for an argument per line
            return bracket.inside, usable
    return None


def _wrap(body: str, limit: int, depth: int) -> List[str]:
    found = _break_points(body, limit) if depth > 0 else None
    if found is None:
        return [body]
    indent, points = found

    def line(start: int, end: int) -> str:
        return body[start:end].rstrip() if start == 0 else " " * indent + body[start:end].strip()

    lines: List[str] = []
    start, fits = 0, None
    for point in points + [len(body)]:
        if fits is not None and len(line(start, point)) > limit:
            lines.append(line(start, fits))
            start = fits
        fits = point
    lines.append(line(start, len(body)))
    if len(lines) == 1:
        return lines
    out: List[str] = []
    for piece in lines:
        out.extend(_wrap(piece, limit, depth - 1) if len(piece) > limit else [piece])
    # a break that leaves a line too long anyway only spreads the statement out: keep it whole
    return out if all(len(piece) <= limit for piece in out) else [body]
