"""What the server lints: one version of a Python document or of a notebook's cells, as the bytes a file would hold."""
from __future__ import annotations

import io
import json
import os
import tokenize
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from urllib.parse import unquote, urlparse

from lsprotocol import types

UNSAVED_NAME = "untitled"


@dataclass(frozen=True)
class Cell:
    """One notebook cell: its text document and whether it is Python code (markdown cells count too:
    the engine numbers cells as the .ipynb file does, markdown included)."""

    uri: str
    text: str
    code: bool


@dataclass(frozen=True)
class Snapshot:
    """One version of a document: a Python file's text, or a notebook's cells."""

    uri: str
    path: str  # where config, the TF pin and per-file-ignores are looked up, and what findings name
    version: Optional[int]
    text: str = ""  # a Python document's text
    cells: Optional[Tuple[Cell, ...]] = None  # set for a notebook

    @property
    def is_notebook(self) -> bool:
        return self.cells is not None

    def data(self) -> bytes:
        """The bytes `check` would read for this document (a notebook becomes nbformat 4 JSON)."""
        if self.cells is not None:
            cells: List[Dict[str, object]] = [
                {"cell_type": "code" if c.code else "markdown", "metadata": {}, "source": c.text} for c in self.cells]
            return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode("utf-8")
        return encode(self.text)


def encode(text: str) -> bytes:
    """Text as the file would store it: in its coding cookie's encoding, so that the engine decodes it back
    to the same text (UTF-8 when there is no cookie or the text does not fit the declared encoding)."""
    utf8 = text.encode("utf-8", "surrogatepass")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(utf8).readline)
    except SyntaxError:
        return utf8
    if encoding in ("utf-8", "utf-8-sig"):
        return utf8
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return utf8


def path_of(uri: str, suffix: str) -> str:
    """The file system path of a `file:` URI; other schemes (unsaved buffers, notebook cells) get a name in
    the current directory, so the project's configuration still applies."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        path = unquote(parsed.path)
        if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":
            path = path[1:]
        path = os.path.normpath(path)
    else:
        name = os.path.basename(unquote(parsed.path)) or UNSAVED_NAME
        path = os.path.join(os.getcwd(), name)
    return path if path.endswith(suffix) else path + suffix


def python_snapshot(uri: str, text: str, version: Optional[int]) -> Snapshot:
    return Snapshot(uri, path_of(uri, ".py"), version, text=text)


def notebook_snapshot(notebook: types.NotebookDocument, texts: Dict[str, str],
                      languages: Dict[str, str]) -> Snapshot:
    """A notebook from its cells in order; `texts` and `languages` are each cell document's text and language."""
    cells = tuple(
        Cell(c.document, texts.get(c.document, ""),
             c.kind == types.NotebookCellKind.Code and languages.get(c.document, "python") == "python")
        for c in notebook.cells
    )
    return Snapshot(notebook.uri, path_of(notebook.uri, ".ipynb"), notebook.version, cells=cells)
