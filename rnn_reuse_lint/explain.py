"""The `explain` document: every run's layers and variables, and every sharing relation between runs."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Union

from rnn_reuse_lint.finding import FileError, NotebookIndex
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.settings import Settings


def _reuse(value: str) -> Union[bool, str, None]:
    flags: Dict[str, Union[bool, str, None]] = {"none": False, "true": True, "auto": "auto"}
    return flags.get(value)


SYMBOLIC_INDEX = "i"  # layer i of a stack whose depth is not known; its paths read `cell_{i}`


def explain_model(model: ModuleModel, tf_version: str,
                  enabled: Optional[Callable[[str], bool]] = None) -> Dict[str, Any]:
    """The document of one model; a suspicious relation is labelled with the code of the (enabled) rule that
    reports its fact."""
    from rnn_reuse_lint.rules import code_for

    runs: List[Dict[str, Any]] = []
    symbolic = {(run.index, layer.direction) for run in model.scopes.runs for layer in run.layers if layer.symbolic}

    def index(run: int, layer: Optional[int], direction: Optional[str]) -> Union[int, str, None]:
        """A layer index as shown: `"i"` where a run's unknown-depth layer stands for all its layers."""
        return SYMBOLIC_INDEX if layer is None and (run, direction) in symbolic else layer

    for run in model.scopes.runs:
        layers = []
        for layer in run.layers:
            entry: Dict[str, Any] = {"index": index(run.index, layer.index, layer.direction), "cell": layer.cell,
                                     "cell_line": layer.cell_span.line, "variables": list(layer.variables)}
            if layer.direction is not None:
                entry["direction"] = layer.direction
            if layer.borrows_from is not None:
                entry["borrows_from"] = {"run": layer.borrows_from[0],
                                         "layer": index(*layer.borrows_from)}
                if layer.borrows_from[2] is not None:
                    entry["borrows_from"]["direction"] = layer.borrows_from[2]
            layers.append(entry)
        runs.append({"run": run.index, "line": run.span.line, "driver": run.driver, "scope": run.scope,
                     "reuse": _reuse(run.reuse), "context": run.context, "layers": layers})
    sharing = [
        {"kind": rel.kind, "code": code_for(rel.fact, enabled), "variables": list(rel.variables),
         "between": [_endpoint(e.run, e.line, index(e.run, e.layer, e.direction), e.direction)
                     for e in rel.between]}
        for rel in model.scopes.sharing
    ]
    return {"version": 1, "path": model.path, "tf_version": tf_version, "runs": runs, "sharing": sharing}


def _endpoint(run: int, line: int, layer: Union[int, str, None], direction: Optional[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"run": run, "line": line, "layer": layer}
    if direction is not None:
        out["direction"] = direction
    return out


def explain_file(path: str, settings: Settings) -> Dict[str, Any]:
    """The explain JSON of one file; an unanalysable file gives an `error` entry and no runs."""
    from rnn_reuse_lint.engine import read_source

    data = read_source(path)
    if isinstance(data, FileError):
        return _error_doc(path, settings, data)
    if path.endswith(".ipynb"):
        return _explain_notebook(data, path, settings)
    return _explain_bytes(data, path, settings)


def _explain_notebook(data: bytes, path: str, settings: Settings) -> Dict[str, Any]:
    """A notebook is the one program `check` sees: its code cells concatenated (cells that do not parse
    left out, as check leaves them out), every line then told as a cell and a line in that cell."""
    from rnn_reuse_lint.notebook import _broken_cells, extract

    code = extract(data, path)
    if code is None:
        return explain_model(ModuleModel(path), settings.tf_version)
    if isinstance(code, FileError):
        return _error_doc(path, settings, code)
    source = code.source
    doc = _explain_bytes(source.encode("utf-8"), path, settings)
    if "error" in doc and doc["error"]["message"].startswith("syntax error"):
        broken = _broken_cells(code, path)
        if broken:
            lines = source.split("\n")
            for _, first, last, _ in broken:
                lines[first - 1: last] = [""] * (last - first + 1)
            doc = _explain_bytes("\n".join(lines).encode("utf-8"), path, settings)
            doc["broken_cells"] = [number for number, _, _, _ in broken]
    return in_cells(doc, code.index)


def in_cells(doc: Dict[str, Any], index: NotebookIndex) -> Dict[str, Any]:
    """Lines of the concatenated code -> (`notebook_cell`, `line` in that cell), in place."""
    from rnn_reuse_lint.notebook import cell_of

    def move(entry: Dict[str, Any], line_key: str, cell_key: str) -> None:
        where = cell_of(index, entry[line_key])
        if where is not None:
            entry[cell_key], entry[line_key] = where.cell, where.line

    for run in doc["runs"]:
        move(run, "line", "notebook_cell")
        for layer in run["layers"]:
            move(layer, "cell_line", "cell_notebook_cell")
    for relation in doc["sharing"]:
        for endpoint in relation["between"]:
            move(endpoint, "line", "notebook_cell")
    if "error" in doc:
        move(doc["error"], "line", "notebook_cell")
    return doc


def _explain_bytes(data: bytes, path: str, settings: Settings) -> Dict[str, Any]:
    from rnn_reuse_lint.engine import build

    try:
        built = build(data, path, settings.tf_version, dict(settings.define), fixes="off")  # explain shows none
    except RecursionError:
        return _error_doc(path, settings, FileError(path, 1, 1, "too deeply nested to analyse"))
    except Exception as exc:  # an analyzer bug is reported like check reports it, never as a traceback
        return _error_doc(path, settings, FileError(path, 1, 1, f"internal error: {type(exc).__name__}: {exc}"))
    if built is None:
        return explain_model(ModuleModel(path), settings.tf_version)
    if isinstance(built, FileError):
        return _error_doc(path, settings, built)
    return explain_model(built[0], settings.tf_version, settings.enabled)


def _error_doc(path: str, settings: Settings, error: FileError) -> Dict[str, Any]:
    return {"version": 1, "path": path, "tf_version": settings.tf_version, "runs": [], "sharing": [],
            "error": {"code": error.code, "line": error.line, "column": error.column, "message": error.message}}


def names_label(doc: Mapping[str, Any]) -> str:
    """`TF 1.2 names`, or with the release the user has: `TF 1.12 names, as 1.2-1.14`."""
    from rnn_reuse_lint.settings import behaves_as

    release = doc.get("tf_release")
    if release and release != doc["tf_version"]:
        return f"TF {release} names, as {behaves_as(str(doc['tf_version']))}"
    return f"TF {doc['tf_version']} names"


def with_release(doc: Dict[str, Any], settings: Settings) -> Dict[str, Any]:
    """The document with `tf_release`, the release the user has, when it is not the behaviour class itself
    (a 1.12 pin names variables as 1.2-1.14 does, and says so)."""
    if settings.tf_release and settings.tf_release != settings.tf_version:
        return {**doc, "tf_release": settings.tf_release}
    return doc
