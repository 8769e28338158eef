"""Hover on a stack, driver or cell construction: the `explain` table of the runs it takes part in, in Markdown."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Set

from rnn_reuse_lint.finding import NotebookIndex, Span
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.server.analysis import Explained
from rnn_reuse_lint.server.positions import contains

_REUSE = {True: "reuse", False: "create", "auto": "auto-reuse", None: "reuse unknown"}


def _shift(span: Span, columns: int) -> Span:
    return Span(span.line, span.column + columns, span.end_line, span.end_column + columns) if columns else span


def runs_at(model: ModuleModel, point: Span, columns: int = 0) -> List[int]:
    """Indices of the runs whose driver call, layer cell construction or stack holds `point`."""
    hit: Set[int] = set()
    for run in model.scopes.runs:
        if contains(_shift(run.span, columns), point) or any(
                contains(_shift(layer.cell_span, columns), point) for layer in run.layers):
            hit.add(run.index)
    for stack in model.stacks:
        span = _shift(stack.span, columns)
        if not contains(span, point):
            continue
        shared = {_shift(s.cell.span, columns) for s in stack.shared}
        for run in model.scopes.runs:
            for layer in run.layers:
                cell = _shift(layer.cell_span, columns)
                inside = contains(span, Span(cell.line, cell.column, cell.line, cell.column)) and \
                    contains(span, Span(cell.end_line, cell.end_column, cell.end_line, cell.end_column))
                if cell in shared or inside:  # the stack hands out this layer's cell, or builds it inline
                    hit.add(run.index)
    return sorted(hit)


def engine_line(index: Optional[NotebookIndex], cell: int, line: int) -> Optional[int]:
    """The concatenated-code line of line `line` of cell `cell` (both 1-based), None if the cell has no code."""
    if index is None:
        return line
    for number, where in enumerate(index.lines, start=1):
        if where.cell == cell and where.line == line:
            return number
    return None


def _where(index: Optional[NotebookIndex], line: int) -> str:
    if index is not None and 1 <= line <= len(index.lines):
        where = index.lines[line - 1]
        return f"cell {where.cell}, line {where.line}"
    return f"line {line}"


def _code(text: Any) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _layer_row(layer: Dict[str, Any], index: Optional[NotebookIndex]) -> str:
    number = "?" if layer["index"] is None else str(layer["index"])
    if "direction" in layer:
        number += f" {layer['direction']}"
    variables = "<br>".join(_code(v) for v in layer["variables"]) or "(not predicted)"
    borrowed = ""
    if "borrows_from" in layer:
        b = layer["borrows_from"]
        borrowed = f"run {b['run']} layer {'?' if b['layer'] is None else b['layer']}" + \
            (f" {b['direction']}" if "direction" in b else "")
    return f"| {number} | {_code(layer['cell'])} | {_where(index, layer['cell_line'])} | {variables} | {borrowed} |"


def render(explained: Explained, runs: List[int], tf_version: str) -> str:
    """The explain document of `runs` (each layer's cell, where it is built and its variables, and who
    borrows from whom), in Markdown."""
    from rnn_reuse_lint.explain import explain_model
    from rnn_reuse_lint.model import COLLIDING
    from rnn_reuse_lint.rules import reports

    doc = explain_model(explained.model, tf_version)
    index = explained.notebook
    chosen = set(runs)
    parts: List[str] = [f"**rnn-reuse-lint explain** (TensorFlow {tf_version} names)"]
    for run in doc["runs"]:
        if run["run"] not in chosen:
            continue
        scope = run["scope"] if run["scope"] else ("(keras)" if run["driver"].startswith("keras")
                                                   else "(root)" if run["scope"] == "" else "?")
        context = "" if run["context"] == "module" else f", in {run['context']}"
        parts.append(f"**run {run['run']}**: {_code(run['driver'])} at {_where(index, run['line'])}, "
                     f"scope {_code(scope)} ({_REUSE[run['reuse']]}{context})")
        rows = ["| layer | cell | built at | variables | borrows from |", "|---|---|---|---|---|"]
        rows += [_layer_row(layer, index) for layer in run["layers"]]
        parts.append("\n".join(rows))
    sharing = []
    for rel in doc["sharing"]:
        a, b = rel["between"]
        if a["run"] not in chosen and b["run"] not in chosen:
            continue
        label = rel["code"] or rel["kind"]
        names = ", ".join(_code(v) for v in rel["variables"][:3]) + (" ..." if len(rel["variables"]) > 3 else "")
        if a == b:
            sharing.append(f"- {label}: run {a['run']} ({_where(index, a['line'])}) layer {a['layer']} creates "
                           f"{names} again on the loop's next pass")
            continue
        verb = "both create" if reports(rel["code"], *COLLIDING) else "use"
        sharing.append(f"- {label}: run {a['run']} ({_where(index, a['line'])}) layer {a['layer']} and "
                       f"run {b['run']} ({_where(index, b['line'])}) layer {b['layer']} {verb} {names}")
    if sharing:
        parts.append("**sharing**\n" + "\n".join(sharing))
    return "\n\n".join(parts) + "\n"
