"""Jupyter notebooks as one program: concatenate the code cells, blank IPython magics, map lines back to cells."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple, Union

from rnn_reuse_lint.finding import CellPosition, FileError, FileResult, Finding, NotebookIndex, Related
from rnn_reuse_lint.settings import Settings

# Cell magics whose body is still Python (IPython runs it through the normal compiler); every other cell
# magic (%%bash, %%writefile, %%html, ...) makes the whole cell foreign text.
_PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# `x = !ls`, `out = %timeit -o f()`: IPython's assignment forms of shell escapes and line magics.
_ASSIGNED_ESCAPE = re.compile(r"^[\w.,\s\[\]()*]+=\s*[%!]")
# `obj?`, `?obj`, `obj??`: IPython help syntax.
_HELP = re.compile(r"^(\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")


@dataclass(frozen=True)
class NotebookCode:
    """The concatenated code of a notebook's code cells and where each of its lines comes from."""

    source: str
    index: NotebookIndex
    cells: Tuple[Tuple[int, int, int], ...]  # (cell number, first line, last line) in `source`, 1-based


# --------------------------------------------------------------------------------------------------
# Reading the .ipynb JSON, remembering where each source string sits in the file


@dataclass(frozen=True)
class _RawString:
    line: int  # 1-based line of the file
    column: int  # 0-based offset of the first character after the opening quote
    raw: str  # the escaped content between the quotes


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|\s+|[^\s{}\[\]:,"]+')


def _source_strings(text: str) -> Dict[Tuple[object, ...], _RawString]:
    """Position of every string value under `cells[i].source` (v4) or `worksheets[w].cells[i].input` (v3).

    A tiny JSON scanner: the standard library parser does not report positions, and reviewdog, GitHub
    annotations and SARIF viewers point at lines of the .ipynb file itself, not at lines of a cell.
    """
    found: Dict[Tuple[object, ...], _RawString] = {}
    # each frame: [path of the container, current key or index, is_object, expecting_key]
    stack: List[List[object]] = []
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first.isspace():
            newlines = token.count("\n")
            if newlines:
                line += newlines
                line_start = match.start() + token.rindex("\n") + 1
            continue
        frame = stack[-1] if stack else None
        if first == '"':
            if frame is not None and frame[2] and frame[3]:
                frame[1] = json.loads(token)
                frame[3] = False
                continue
            if frame is not None:
                path = frame[0] + (frame[1],)  # type: ignore[operator]
                if _is_source_path(path):
                    found[path] = _RawString(line, match.start() - line_start + 1, token[1:-1])
            continue
        if first in "{[":
            parent_path: Tuple[object, ...] = ()
            if frame is not None:
                parent_path = frame[0] + (frame[1],)  # type: ignore[operator]
            is_object = first == "{"
            stack.append([parent_path, None if is_object else 0, is_object, is_object])
        elif first in "}]":
            if stack:
                stack.pop()
        elif first == "," and frame is not None:
            if frame[2]:
                frame[3] = True
            else:
                frame[1] = int(frame[1]) + 1  # type: ignore[call-overload]
    return found


def _is_source_path(path: Tuple[object, ...]) -> bool:
    if len(path) >= 3 and path[0] == "cells" and path[2] == "source":
        return True
    return len(path) >= 5 and path[0] == "worksheets" and path[2] == "cells" and path[4] == "input"


def _escaped_length(raw: str, chars: int) -> int:
    """How many characters of the JSON-escaped `raw` encode the first `chars` decoded characters."""
    i = 0
    for _ in range(chars):
        if i >= len(raw):
            break
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1: i + 2] == "u":
            high = raw[i + 2: i + 6]
            # a surrogate pair (\ud83d\ude00) is one decoded character
            if high[:2].lower() == "d8" or high[:2].lower() in ("d9", "da", "db"):
                i += 12 if raw[i + 6: i + 8] == "\\u" else 6
            else:
                i += 6
        else:
            i += 2
    return i


# --------------------------------------------------------------------------------------------------
# Turning cells into one Python program


def extract(data: bytes, path: str) -> Union[NotebookCode, FileError, None]:
    """The notebook's Python code, an RNN000 error when it is not a notebook, or None for a non-Python one."""
    try:
        text = data.decode("utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError as exc:
        return FileError(path, 1, 1, f"not a notebook: cannot decode as UTF-8: {exc.reason}")
    except json.JSONDecodeError as exc:
        return FileError(path, exc.lineno, exc.colno, f"not a notebook: invalid JSON: {exc.msg}")
    if not isinstance(document, dict):
        return FileError(path, 1, 1, "not a notebook: the JSON document is not an object")
    language = _language(document)
    if language is not None and language != "python":
        return None
    cells = _cells(document)
    if cells is None:
        return FileError(path, 1, 1, "not a notebook: no `cells` list (nbformat 4) or `worksheets` (nbformat 3)")
    raw_strings = _source_strings(text)
    raw_lines = text.split("\n")
    lines: List[str] = []
    positions: List[CellPosition] = []
    spans: List[Tuple[int, int, int]] = []
    for number, (key, cell) in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        pieces = cell.get("source" if key[0] == "cells" else "input", "")
        if isinstance(pieces, str):
            pieces_list: Sequence[str] = [pieces]
            piece_keys: List[Tuple[object, ...]] = [key + ("source" if key[0] == "cells" else "input",)]
        elif isinstance(pieces, list) and all(isinstance(p, str) for p in pieces):
            pieces_list = pieces
            field = "source" if key[0] == "cells" else "input"
            piece_keys = [key + (field, k) for k in range(len(pieces))]
        else:
            continue
        cell_text = "".join(pieces_list)
        if not cell_text:
            continue
        cell_lines = cell_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if cell_lines and cell_lines[-1] == "":
            cell_lines.pop()
        where = _line_origins(pieces_list, piece_keys, raw_strings, raw_lines)
        first = len(lines) + 1
        for cell_line, code in enumerate(_blank_magics(cell_lines), start=1):
            lines.append(code)
            raw = where[cell_line - 1] if cell_line - 1 < len(where) else None
            if raw is None:
                positions.append(CellPosition(number, cell_line))
            else:
                positions.append(CellPosition(number, cell_line, raw[0], raw[1], raw[2]))
        spans.append((number, first, len(lines)))
    source = "".join(line + "\n" for line in lines)
    return NotebookCode(source, NotebookIndex(tuple(positions)), tuple(spans))


def _language(document: Dict[str, object]) -> Optional[str]:
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return None
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return str(value[field]).lower()
    return None


def _cells(document: Dict[str, object]) -> Optional[List[Tuple[Tuple[object, ...], object]]]:
    cells = document.get("cells")
    if isinstance(cells, list):
        return [(("cells", i), cell) for i, cell in enumerate(cells)]
    worksheets = document.get("worksheets")
    if isinstance(worksheets, list):
        out: List[Tuple[Tuple[object, ...], object]] = []
        for w, sheet in enumerate(worksheets):
            if isinstance(sheet, dict) and isinstance(sheet.get("cells"), list):
                out.extend((("worksheets", w, "cells", i), cell) for i, cell in enumerate(sheet["cells"]))
        return out
    return None


def _line_origins(
    pieces: Sequence[str],
    keys: Sequence[Tuple[object, ...]],
    raw_strings: Dict[Tuple[object, ...], _RawString],
    raw_lines: Sequence[str],
) -> List[Optional[Tuple[int, str, str]]]:
    """For each line of the cell: (line in the .ipynb file, raw text before it, its escaped text)."""
    origins: List[Optional[Tuple[int, str, str]]] = []
    at_line_start = True
    for piece, key in zip(pieces, keys):
        raw = raw_strings.get(key)
        offset = 0
        while offset < len(piece):
            end = piece.find("\n", offset)
            stop = len(piece) if end < 0 else end
            if at_line_start:
                if raw is None or raw.line - 1 >= len(raw_lines):
                    origins.append(None)
                else:
                    start = raw.column + _escaped_length(raw.raw, offset)
                    stop_raw = raw.column + _escaped_length(raw.raw, stop)
                    text_line = raw_lines[raw.line - 1]
                    origins.append((raw.line, text_line[:start], text_line[start:stop_raw]))
            if end < 0:
                at_line_start = False
                break
            at_line_start = True
            offset = end + 1
    return origins


def _blank_magics(lines: Sequence[str]) -> List[str]:
    """IPython-only lines become empty (or `pass` where a block needs a statement); line counts are kept."""
    out = list(lines)
    first_code = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first_code is not None and lines[first_code].lstrip().startswith("%%"):
        name = lines[first_code].lstrip()[2:].split(None, 1)[0] if lines[first_code].strip() != "%%" else ""
        if name not in _PYTHON_BODY_CELL_MAGICS:
            return ["" for _ in lines]
        out[first_code] = ""
        start = first_code + 1
    else:
        start = 0
    scanner = _Continuation()
    continued_magic = False
    for i in range(start, len(lines)):
        line = lines[i]
        if continued_magic:
            out[i] = ""
            continued_magic = line.rstrip().endswith("\\")
            continue
        if scanner.at_statement_start() and _is_magic(line):
            indent = line[: len(line) - len(line.lstrip())]
            out[i] = indent + "pass" if indent else ""
            continued_magic = line.rstrip().endswith("\\")
            continue
        scanner.feed(line)
    return out


def _is_magic(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    return stripped[0] in "%!" or bool(_ASSIGNED_ESCAPE.match(stripped)) or bool(_HELP.match(stripped))


class _Continuation:
    """Just enough lexing to know whether a line starts a new statement (IPython only rewrites those)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: Optional[str] = None  # the open triple quote
        self.backslash = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.backslash

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        self.backslash = False
        while i < n:
            if self.quote is not None:
                end = line.find(self.quote, i)
                while end > 0 and _escaped(line, end):
                    end = line.find(self.quote, end + 1)
                if end < 0:
                    return
                i = end + 3
                self.quote = None
                continue
            ch = line[i]
            if ch == "#":
                return
            if ch in "\"'":
                if line.startswith(ch * 3, i):
                    self.quote = ch * 3
                    i += 3
                    continue
                j = i + 1
                while j < n and (line[j] != ch or _escaped(line, j)):
                    j += 1
                i = j + 1
                continue
            if ch in "([{":
                self.depth += 1
            elif ch in ")]}":
                self.depth = max(0, self.depth - 1)
            elif ch == "\\" and i == n - 1:
                self.backslash = True
            i += 1


def _escaped(line: str, index: int) -> bool:
    backslashes = 0
    while index - 1 - backslashes >= 0 and line[index - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


# --------------------------------------------------------------------------------------------------
# Analysis


def analyze(data: bytes, path: str, settings: Settings) -> Tuple[FileResult, Optional[str]]:
    """Analyse a notebook as one program; positions stay in the concatenated code, `notebook` maps them.

    IPython compiles each cell on its own, so a cell that does not parse is left out (and reported as
    RNN000 at its cell) and one broken cell does not hide findings in the others. Returns the
    concatenated source too, for `# noqa`.
    """
    from rnn_reuse_lint.engine import analyze_bytes

    code = extract(data, path)
    if code is None:
        return FileResult(path, notes=("not a Python notebook",)), None
    if isinstance(code, FileError):
        return FileResult(path, error=code), None
    result = analyze_bytes(code.source.encode("utf-8"), path, settings)
    error = result.error
    if error is not None and error.message.startswith("syntax error"):
        broken = _broken_cells(code, path)
        if broken:
            lines = code.source.split("\n")
            for _, first, last, _ in broken:
                for i in range(first - 1, last):
                    lines[i] = ""
            result = analyze_bytes("\n".join(lines).encode("utf-8"), path, settings)
            first_broken = broken[0][3]
            if result.error is None:
                result = replace(result, error=first_broken,
                                 notes=result.notes + (f"{len(broken)} cell(s) with syntax errors left out",))
    findings = tuple(_with_cell_lines(f, code.index) for f in result.findings)
    return replace(result, findings=findings, notebook=code.index), code.source


def _broken_cells(code: NotebookCode, path: str) -> List[Tuple[int, int, int, FileError]]:
    """The cells that do not parse on their own, each with its error in concatenated-code lines."""
    from rnn_reuse_lint.engine import parse

    lines = code.source.split("\n")
    broken = []
    for number, first, last in code.cells:
        problem = parse("".join(line + "\n" for line in lines[first - 1: last]), path)
        if isinstance(problem, FileError):
            line = min(first + max(problem.line, 1) - 1, last)
            broken.append((number, first, last, replace(problem, line=line)))
    return broken


_LINE_REF = re.compile(r"\bline (\d+)\b")


def _with_cell_lines(finding: Finding, index: NotebookIndex) -> Finding:
    """Messages name other places as `(line 12)`; in a notebook that becomes `(cell 3, line 2)`."""

    def reword(message: str) -> str:
        def one(match: "re.Match[str]") -> str:
            number = int(match.group(1))
            if 1 <= number <= len(index.lines):
                where = index.lines[number - 1]
                return f"cell {where.cell}, line {where.line}"
            return match.group(0)

        return _LINE_REF.sub(one, message)

    related = tuple(Related(r.path, r.span, reword(r.message)) for r in finding.related)
    return replace(finding, message=reword(finding.message), related=related)


def cell_of(index: NotebookIndex, line: int) -> Optional[CellPosition]:
    """Where line `line` of the concatenated code is (None past the end)."""
    if 1 <= line <= len(index.lines):
        return index.lines[line - 1]
    return None


def raw_column(position: CellPosition, column: int, utf8: bool = False) -> Optional[int]:
    """1-based column inside the .ipynb file's line for 1-based `column` of the cell line (chars or UTF-8 bytes)."""
    if position.raw_line is None:
        return None
    escaped = position.raw_text[: _escaped_length(position.raw_text, max(column - 1, 0))]
    if utf8:
        return len(position.raw_prefix.encode("utf-8")) + len(escaped.encode("utf-8")) + 1
    return len(position.raw_prefix) + len(escaped) + 1
