"""Markdown for a pull-request comment: one bullet per finding, with a Mermaid graph of the runs it involves.

GitHub renders the ```mermaid blocks; each sits in a <details> block so a long review stays readable. The
graph is the `explain` picture of the finding's file, cut down to the runs reported at the finding's line or
at one of its related lines (the whole file's runs when none is).
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence, Set

from rnn_reuse_lint.finding import FileResult, Finding
from rnn_reuse_lint.report.common import ReportOptions, all_findings, locate
from rnn_reuse_lint.report.text import position
from rnn_reuse_lint.settings import Settings


def _cell(text: str) -> str:
    return text.replace("\n", " ")


def _involved(doc: Mapping[str, Any], finding: Finding) -> Dict[str, Any]:
    """The explain document with only the runs at the finding's lines, and the sharing among them."""
    lines: Set[int] = {finding.span.line} | {r.span.line for r in finding.related if r.path == finding.path}
    runs = [run for run in doc.get("runs") or [] if run["line"] in lines]
    if not runs:
        return dict(doc)
    kept = {run["run"] for run in runs}
    sharing = [rel for rel in doc.get("sharing") or [] if all(e.get("run") in kept for e in rel["between"])]
    layers_kept = []
    for run in runs:
        layers = []
        for layer in run["layers"]:
            src = layer.get("borrows_from")
            if src is not None and src.get("run") not in kept:
                layer = {k: v for k, v in layer.items() if k != "borrows_from"}
            layers.append(layer)
        layers_kept.append({**run, "layers": layers})
    return {**doc, "runs": layers_kept, "sharing": sharing}


def render(results: Sequence[FileResult], settings: Settings, options: ReportOptions = ReportOptions()) -> str:
    from rnn_reuse_lint.explain import explain_file
    from rnn_reuse_lint.views.markdown import mermaid

    out: List[str] = []
    docs: Dict[str, Dict[str, Any]] = {}
    for result in results:
        if result.error is not None:
            e = result.error
            where = locate(result, e.path, e.line, e.column)
            out.append(f"- **{e.code}** `{position(where)}`: {_cell(e.message)}")
    for result, finding, suppressed in all_findings(results, options):
        where = locate(result, finding.path, finding.span.line, finding.span.column)
        note = " (suppressed by `# noqa`)" if suppressed else ""
        out.append(f"- **{finding.code}** `{position(where)}`{note}: {_cell(finding.message)}")
        for related in finding.related:
            other = locate(result, related.path, related.span.line, related.span.column)
            out.append(f"  - `{position(other)}`: {_cell(related.message)}")
        if result.notebook is not None:
            continue  # explain reads .py files; a notebook's finding has no picture
        if finding.path not in docs:
            docs[finding.path] = explain_file(finding.path, settings)
        doc = docs[finding.path]
        if doc.get("error") or not doc.get("runs"):
            continue
        found = [{"code": finding.code, "line": finding.span.line, "message": finding.message}]
        out.append("\n  <details><summary>sharing picture</summary>\n")
        graph = mermaid(_involved(doc, finding), found)
        out.append("  ```mermaid\n" + "".join(f"  {line}\n" for line in graph.splitlines()) + "  ```\n")
        out.append("  </details>\n")
    return ("\n".join(out) + "\n") if out else ""
