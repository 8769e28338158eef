"""Rewrite Python 2 syntax and indented fragments so libcst can parse them, keeping token positions."""
from __future__ import annotations

import keyword
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable, NamedTuple

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True)
class Normalized:
    """The rewritten text, what was rewritten, and how far columns moved.

    ``source`` has exactly the same number of lines as the input, so every line number the
    parser reports is an original line number.  Columns are original columns once
    ``column_offset`` is added back (it is non-zero only for an indented fragment, where
    every line lost the same prefix).  ``source`` is for analysis only, never for writing
    back: some rewrites keep positions at the cost of meaning (see ``normalize``).
    """

    source: str
    changes: tuple[str, ...]
    column_offset: int = 0


def normalize(source: str) -> Normalized | None:
    """Return ``source`` rewritten so that a Python 3 parser accepts it, or None.

    None means that nothing applied (modern code, or text the tokenizer cannot read at
    all); the caller then reports the original syntax error.  Never raises.

    Only tokens found by the stdlib ``tokenize`` module are rewritten, so strings and
    comments are never touched.  Rewrites keep the length of what they replace, so every
    kept token stays at its original line and column:

    =========================  ======================  =====================================
    Python 2                   becomes                 what is lost
    =========================  ======================  =====================================
    ``print x, y``             ``print;x, y``          the call; the operands stay
    ``exec code in ns``        ``exec;code in ns``     the call; the operands stay
    ``except E, e:``           ``except E| e:``        ``e`` is read instead of bound
    ``raise E, "msg"``         ``raise E; "msg"``      the message becomes its own statement
    backticks around ``x``     ``(x)``                 the ``repr``
    ``a <> b``                 ``a != b``              nothing
    ``ur'x'``                  ``r'x' ``               ``\\u`` escapes stay literal
    ``0777`` / ``0777L``       ``511 `` / ``511  ``    nothing (same value, in decimal)
    ``10L`` / ``0xffL``        ``10 `` / ``0xff ``     nothing
    ``def f((a, b), c)``       ``def f( a, b , c)``    the unpacking (also for ``lambda``)
    tabs mixed with spaces     tab stops of 8 spaces   nothing (Python 2's own reading)
    in indentation
    =========================  ======================  =====================================

    ``repr(x)``, ``print(x, y)`` or ``except E as e`` would need characters the original
    does not have.  An RNN linter points at operands, never at ``repr`` or ``print`` or an
    exception's name, so keeping the operands' columns wins over keeping the call.

    Where no length-preserving rewrite exists, line numbers still never change; only later
    columns on that one line move, and ``changes`` says so: ``print``/``exec`` glued to its
    operand (``print"x"`` gains a ``;``), and a multi-line ``ur'''...'''`` string (its
    first line loses the ``u``; only string content follows it on that line).

    Already-valid forms are left alone: a bare ``print`` and ``print >>f, x`` are legal
    Python 3 expressions (a name; a tuple holding a shift), and so are ``print (x)``,
    ``print -x`` and ``print [x]``.

    A uniformly indented fragment (every non-blank line starts with the indent of the first
    statement, as when a snippet is pasted from an issue) loses that prefix, and
    ``column_offset`` is its length, to add back to every column.  A fragment whose
    multi-line string has lines without the prefix is not uniform and is left alone.
    """
    try:
        return _normalize(source)
    except Exception:  # runs on arbitrary files: a bug here must cost a rewrite, not the run
        return None


class _Tok(NamedTuple):
    """A token that matters for the rules, with the context the rules need."""

    type: int
    string: str
    row: int
    col: int
    end_row: int
    end_col: int
    depth: int  # bracket (and backtick) depth around it; a bracket and its partner share one
    stmt_start: bool  # first token of a simple statement


class _Edit(NamedTuple):
    row: int
    start: int
    end: int
    text: str


class _Note(NamedTuple):
    kind: str  # singular description, e.g. "print statement"
    row: int
    detail: str = ""


# Python 2's ``print`` took its operands without parentheses.  These tokens can follow the
# name ``print`` in valid Python 3 (``print if a else b``, ``print not in x``), so an operand
# starting with them is not evidence of a print statement.
_CONTINUES_EXPRESSION = frozenset({"and", "or", "is", "in", "if", "else", "for", "as"})
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")
_VALUE_NAMES = frozenset({"True", "False", "None"})
_FSTRING_START = getattr(tokenize, "FSTRING_START", -1)  # Python 3.12+
_FSTRING_END = getattr(tokenize, "FSTRING_END", -1)
_SKIPPED = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.ENCODING})
# ``splitlines`` also splits on \v, \f, \x1c..., which are not line ends for Python or libcst.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_INT = re.compile(r"(0[0-7]+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[1-9][0-9]*|0)([lL]?)")


def _normalize(source: str) -> Normalized | None:
    lines = _LINE.findall(source)
    if "".join(lines) != source:  # cannot happen; never rewrite text we did not fully split
        return None
    prefix = _common_indent(lines)
    if prefix:
        lines = [_dedent(line, prefix) for line in lines]
    tokens = _tokens(lines)
    if tokens is None:
        return None
    edits: list[_Edit] = []
    notes: list[_Note] = []
    for rule in (_statement_keywords, _except_comma, _raise_comma, _backticks,
                 _not_equal, _ur_prefix, _tuple_parameters, _int_literals, _tab_indents):
        rule(tokens, lines, edits, notes)
    if not edits and not prefix:
        return None
    changes = [_describe_indent(prefix)] if prefix else []
    changes.extend(_summarize(notes))
    return Normalized(_apply(lines, edits), tuple(changes), len(prefix))


def _common_indent(lines: list[str]) -> str:
    """The whitespace every non-blank line starts with, if some code line is indented."""
    indents = []
    first_code = None  # the indent of the first statement, which must end up at column 0
    for line in lines:
        body = line.rstrip("\r\n")
        stripped = body.lstrip(" \t")
        if not stripped:
            continue
        indent = body[: len(body) - len(stripped)]
        indents.append(indent)
        if first_code is None and not stripped.startswith("#"):
            first_code = indent
    if not first_code:
        return ""
    first, last = min(indents), max(indents)
    common = 0
    while common < len(first) and first[common] == last[common]:
        common += 1
    return first_code if common == len(first_code) else ""


def _dedent(line: str, prefix: str) -> str:
    if line.startswith(prefix):
        return line[len(prefix):]
    return line.lstrip(" \t")  # a blank line shorter than the prefix


def _describe_indent(prefix: str) -> str:
    if set(prefix) == {" "}:
        what = "space" if len(prefix) == 1 else "spaces"
    elif set(prefix) == {"\t"}:
        what = "tab" if len(prefix) == 1 else "tabs"
    else:
        what = "whitespace characters"
    return f"uniformly indented fragment ({len(prefix)} {what} removed)"


def _tokens(lines: list[str]) -> list[_Tok] | None:
    """Significant tokens with depth and statement starts; None if tokenize gives up."""
    # tokenize only knows \n and \r\n; a lone \r (old Mac files) becomes \n, same length,
    # so rows and columns still match ``lines``.
    feed = iter([line[:-1] + "\n" if line.endswith("\r") else line for line in lines])

    def readline() -> str:
        return next(feed, "")

    result: list[_Tok] = []
    depth = 0
    backticks: list[int] = []  # depths of open backticks
    previous: _Tok | None = None
    try:
        for info in tokenize.generate_tokens(readline):
            kind, text = info.type, info.string
            if kind in _SKIPPED or (kind == tokenize.ERRORTOKEN and text.isspace()):
                continue
            stmt_start = previous is None or (
                previous.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
                or (previous.type == tokenize.OP and previous.string == ";")
                or (previous.type == tokenize.OP and previous.string == ":" and previous.depth == 0)
            )
            before = depth
            if text == "`" and kind in (tokenize.OP, tokenize.ERRORTOKEN):
                # Python 2 backticks nest, so opening vs closing depends on context: after a
                # value a backtick closes, anywhere else it opens.
                if backticks and previous is not None and _is_value(previous):
                    depth = backticks.pop()
                    before = depth
                else:
                    backticks.append(depth)
                    depth += 1
            elif kind == tokenize.OP and text in _OPENERS:
                depth += 1
            elif kind == tokenize.OP and text in _CLOSERS:
                depth = max(depth - 1, 0)
                before = depth
            tok = _Tok(kind, text, info.start[0], info.start[1], info.end[0], info.end[1],
                       before, stmt_start)
            result.append(tok)
            previous = tok
    except (tokenize.TokenError, SyntaxError, ValueError):
        # Unclosed brackets or strings at EOF, bad dedents, NUL bytes (3.12+): the text
        # is broken beyond Python 2 syntax, so there is nothing safe to rewrite.
        return None
    return result


def _is_value(tok: _Tok) -> bool:
    """Whether ``tok`` can end an operand (so a backtick after it closes one)."""
    if tok.type == tokenize.NAME:
        return tok.string in _VALUE_NAMES or not keyword.iskeyword(tok.string)
    if tok.type in (tokenize.NUMBER, tokenize.STRING, _FSTRING_END):
        return True
    return tok.type in (tokenize.OP, tokenize.ERRORTOKEN) and (
        tok.string in _CLOSERS or tok.string == "`"
    )


def _starts_operand(tokens: list[_Tok], index: int) -> bool:
    """Whether the token at ``index`` can only begin a new operand, not continue an expression."""
    tok = tokens[index]
    if tok.type == tokenize.NAME:
        if tok.string in _CONTINUES_EXPRESSION:
            return False
        if tok.string == "not":  # ``print not in x`` is valid Python 3
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            return following is None or following.string != "in"
        return True
    if tok.type in (tokenize.NUMBER, tokenize.STRING, _FSTRING_START):
        return True
    return tok.type in (tokenize.OP, tokenize.ERRORTOKEN) and tok.string in ("`", "~", "{")


def _statement_keywords(tokens: list[_Tok], lines: list[str],
                        edits: list[_Edit], notes: list[_Note]) -> None:
    """``print x`` / ``exec code in ns``: end the statement after the keyword with ``;``."""
    for index, tok in enumerate(tokens[:-1]):
        if not (tok.type == tokenize.NAME and tok.string in ("print", "exec") and tok.stmt_start):
            continue
        if not _starts_operand(tokens, index + 1):
            continue
        line = lines[tok.row - 1]
        if tok.end_col < len(line) and line[tok.end_col] in " \t":
            edits.append(_Edit(tok.row, tok.end_col, tok.end_col + 1, ";"))
            notes.append(_Note(f"{tok.string} statement", tok.row))
        else:  # ``print"x"``: nothing to overwrite, so later columns on this line move by one
            edits.append(_Edit(tok.row, tok.end_col, tok.end_col, ";"))
            notes.append(_Note(f"{tok.string} statement", tok.row,
                               f"columns after `{tok.string}` on line {tok.row} shift by 1"))


def _statement_tail(tokens: list[_Tok], index: int, stop: str) -> list[_Tok]:
    """Tokens after ``tokens[index]`` at its depth, up to ``stop`` or the end of the statement."""
    depth = tokens[index].depth
    tail = []
    for tok in tokens[index + 1:]:
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            break
        if tok.depth == depth and tok.type == tokenize.OP and tok.string in (stop, ";"):
            break
        if tok.depth == depth:
            tail.append(tok)
    return tail


def _except_comma(tokens: list[_Tok], lines: list[str],
                  edits: list[_Edit], notes: list[_Note]) -> None:
    """``except E, e:`` -> ``except E| e:`` (``as`` would be two characters longer)."""
    for index, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string != "except":
            continue
        tail = _statement_tail(tokens, index, ":")
        commas = [t for t in tail if t.type == tokenize.OP and t.string == ","]
        if len(commas) == 1 and not any(t.type == tokenize.NAME and t.string == "as" for t in tail):
            edits.append(_Edit(commas[0].row, commas[0].col, commas[0].end_col, "|"))
            notes.append(_Note("`except E, e` clause", tok.row))


def _raise_comma(tokens: list[_Tok], lines: list[str],
                 edits: list[_Edit], notes: list[_Note]) -> None:
    """``raise E, "msg"[, tb]`` -> ``raise E; "msg"[; tb]``."""
    for index, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string != "raise":
            continue
        tail = _statement_tail(tokens, index, ";")
        if any(t.type == tokenize.NAME and t.string == "from" for t in tail):
            continue
        commas = [t for t in tail if t.type == tokenize.OP and t.string == ","]
        if 1 <= len(commas) <= 2:
            edits.extend(_Edit(c.row, c.col, c.end_col, ";") for c in commas)
            notes.append(_Note("`raise E, arg` statement", tok.row))


def _backticks(tokens: list[_Tok], lines: list[str],
               edits: list[_Edit], notes: list[_Note]) -> None:
    """```x``` -> ``(x)``; unmatched backticks are left for the parser to report."""
    stack: list[_Tok] = []
    for tok in tokens:
        if tok.string != "`" or tok.type not in (tokenize.OP, tokenize.ERRORTOKEN):
            continue
        # ``_tokens`` gave an opening backtick the depth outside it and a closing one the
        # same depth, so a backtick at a depth above the innermost open one opens.
        if stack and stack[-1].depth == tok.depth:
            opening = stack.pop()
            edits.append(_Edit(opening.row, opening.col, opening.end_col, "("))
            edits.append(_Edit(tok.row, tok.col, tok.end_col, ")"))
            notes.append(_Note("backtick repr", opening.row))
        else:
            stack.append(tok)


def _not_equal(tokens: list[_Tok], lines: list[str],
               edits: list[_Edit], notes: list[_Note]) -> None:
    """``<>`` -> ``!=`` (3.12+ tokenizes ``<>`` as one token, earlier versions as two)."""
    for index, tok in enumerate(tokens):
        if tok.type != tokenize.OP:
            continue
        if tok.string == "<>":
            edits.append(_Edit(tok.row, tok.col, tok.end_col, "!="))
            notes.append(_Note("`<>` operator", tok.row))
        elif tok.string == "<" and index + 1 < len(tokens):
            after = tokens[index + 1]
            if after.string == ">" and (after.row, after.col) == (tok.end_row, tok.end_col):
                edits.append(_Edit(tok.row, tok.col, after.end_col, "!="))
                notes.append(_Note("`<>` operator", tok.row))


def _ur_prefix(tokens: list[_Tok], lines: list[str],
               edits: list[_Edit], notes: list[_Note]) -> None:
    """``ur'x'`` -> ``r'x' ``: drop the ``u``, pad after the string so later columns hold."""
    for index, tok in enumerate(tokens[:-1]):
        string = tokens[index + 1]
        if not (tok.type == tokenize.NAME and tok.string.lower() == "ur"
                and string.type == tokenize.STRING
                and (string.row, string.col) == (tok.end_row, tok.end_col)):
            continue
        edits.append(_Edit(tok.row, tok.col, tok.col + 1, ""))
        if string.end_row == string.row:
            edits.append(_Edit(string.end_row, string.end_col, string.end_col, " "))
            notes.append(_Note("`ur` string literal", tok.row))
        else:  # only string content follows on the first line; the last line is untouched
            notes.append(_Note("`ur` string literal", tok.row,
                               f"line {tok.row} loses one character inside the string"))


def _tuple_parameters(tokens: list[_Tok], lines: list[str],
                      edits: list[_Edit], notes: list[_Note]) -> None:
    """``def f((a, b), c)`` / ``lambda (k, v): k`` -> the unpacking brackets become spaces.

    The names stay where they were and become plain parameters.  A bracket is a tuple
    parameter when it opens right after the parameter list's ``(`` (or ``lambda``), after a
    tuple parameter's own ``(``, or after a comma at one of those levels; brackets anywhere
    else (default values, annotations) are left alone.
    """
    for index, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string not in ("def", "lambda"):
            continue
        if tok.string == "def":
            if index + 2 >= len(tokens) or tokens[index + 2].string != "(":
                continue
            start = index + 2
        else:
            start = index
        unpacking: list[bool] = []  # per open bracket inside the list: is it a tuple parameter?
        found = False
        previous = tokens[start]
        for tok2 in tokens[start + 1:]:
            if tok2.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
            if tok2.type == tokenize.OP and tok2.string in _OPENERS:
                in_parameters = not unpacking or unpacking[-1]
                is_tuple = (tok2.string == "(" and in_parameters
                            and (previous is tokens[start] or previous.string in ("(", ",")))
                unpacking.append(is_tuple)
                if is_tuple:
                    edits.append(_Edit(tok2.row, tok2.col, tok2.end_col, " "))
                    found = True
            elif tok2.type == tokenize.OP and tok2.string in _CLOSERS:
                if not unpacking:
                    break  # the end of ``def``'s parameter list
                if unpacking.pop():
                    edits.append(_Edit(tok2.row, tok2.col, tok2.end_col, " "))
            elif tok2.string == ":" and not unpacking and tok.string == "lambda":
                break
            previous = tok2
        if found:
            notes.append(_Note("tuple parameter", tok.row))


def _int_literals(tokens: list[_Tok], lines: list[str],
                  edits: list[_Edit], notes: list[_Note]) -> None:
    """``0777`` -> ``511 ``, ``10L`` -> ``10 ``: same value, same width, padded after."""
    index = 0
    while index < len(tokens):
        first = tokens[index]
        index += 1
        if first.type != tokenize.NUMBER:
            continue
        # Before 3.12 tokenize splits ``0777`` into ``0`` ``777`` and ``10L`` into ``10`` ``L``.
        last = first
        while index < len(tokens) and (tokens[index].row, tokens[index].col) == (last.row, last.end_col):
            nxt = tokens[index]
            if nxt.type == tokenize.NUMBER and last.type == tokenize.NUMBER:
                last = nxt
                index += 1
            elif nxt.type == tokenize.NAME and nxt.string in ("l", "L") and last.type == tokenize.NUMBER:
                last = nxt
                index += 1
                break
            else:
                break
        text = lines[first.row - 1][first.col:last.end_col]
        match = _INT.fullmatch(text)
        if match is None:
            continue
        digits, suffix = match.groups()
        new = digits
        if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit() and digits.strip("0"):
            new = str(int(digits, 8))  # never longer: 8**k < 10**k
            notes.append(_Note("octal literal", first.row, f"`{digits}` written as {new}"))
        if suffix:
            notes.append(_Note("long literal", first.row, f"`{text}`"))
        if new != digits or suffix:
            edits.append(_Edit(first.row, first.col, last.end_col, new.ljust(len(text))))


def _tab_indents(tokens: list[_Tok], lines: list[str],
                 edits: list[_Edit], notes: list[_Note]) -> None:
    """Indentation mixing tabs and spaces -> tabs expanded to Python 2's tab stops of 8.

    Python 2 read a tab as "up to the next multiple of 8 columns"; Python 3 (and libcst) refuse
    such a file (TabError).  Only the indentation of a logical line's first row is expanded, never
    a continuation row or a row inside a multi-line string, and only when the file mixes the two:
    a file indented with tabs alone is valid Python 3 and keeps its columns.  Later columns of an
    expanded row move.
    """
    indents: dict[int, str] = {}
    logical_start = True  # only a logical line's first row is indented; continuation rows' whitespace is free
    for tok in tokens:
        if tok.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE, tokenize.ENDMARKER):
            logical_start = logical_start or tok.type == tokenize.NEWLINE
            continue  # zero-width or whole-indent tokens: the row's first real token decides
        if logical_start:
            indents[tok.row] = lines[tok.row - 1][: tok.col]
        logical_start = False
    used = "".join(indents.values())
    if "\t" not in used or " " not in used:
        return
    rows = [row for row, indent in indents.items() if "\t" in indent and indent.strip(" \t") == ""]
    for row in rows:
        edits.append(_Edit(row, 0, len(indents[row]), indents[row].expandtabs(8)))
    if rows:  # one note: a Python 2 file mixes them on hundreds of lines
        notes.append(_Note("tab and space indentation", rows[0],
                           f"tabs on {len(rows)} lines read as Python 2 tab stops of 8; later columns there move"))


def _apply(lines: list[str], edits: Iterable[_Edit]) -> str:
    """Apply edits given in original coordinates, right to left within each line."""
    by_row: dict[int, list[_Edit]] = {}
    for edit in edits:
        by_row.setdefault(edit.row, []).append(edit)
    out = list(lines)
    for row, row_edits in by_row.items():
        line = out[row - 1]
        limit = len(line)
        for edit in sorted(row_edits, key=lambda e: (e.start, e.end), reverse=True):
            if edit.end > limit:  # overlaps an edit already applied; keep the first one
                continue
            line = line[: edit.start] + edit.text + line[edit.end:]
            limit = edit.start
        out[row - 1] = line
    return "".join(out)


def _summarize(notes: list[_Note]) -> list[str]:
    """One line per kind of change, in order of first appearance: "print statements on lines 3, 5"."""
    grouped: dict[str, list[_Note]] = {}
    for note in sorted(notes, key=lambda n: n.row):
        grouped.setdefault(note.kind, []).append(note)
    summary = []
    for kind, group in grouped.items():
        rows = sorted({n.row for n in group})
        what = kind if len(group) == 1 else kind + "s"
        where = "line" if len(rows) == 1 else "lines"
        text = f"{what} on {where} {', '.join(map(str, rows))}"
        details = [n.detail for n in group if n.detail]
        if details:
            text += " (" + "; ".join(dict.fromkeys(details)) + ")"
        summary.append(text)
    return summary
