"""`explain --format markdown`: a summary with a Mermaid graph of the sharing, for a review bot's PR comment."""
from __future__ import annotations

from typing import Any, List, Mapping, Sequence

from rnn_reuse_lint.explain import names_label
from rnn_reuse_lint.views.edges import LEGEND, Edge, edges, layer_label
from rnn_reuse_lint.views.html import COLOURS, error_text
from rnn_reuse_lint.views.layout import compress, run_title


def _label(text: str) -> str:
    """Text for a quoted Mermaid label: its own entity codes replace the characters that end or break one."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


def _cell(text: str) -> str:
    """Text for a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def mermaid(doc: Mapping[str, Any], findings: Sequence[Mapping[str, Any]] = ()) -> str:
    """A Mermaid `graph LR`: one subgraph per run, one node per layer, an arrow from each borrower to its owner."""
    out = ["graph LR"]
    for r, run in enumerate(doc.get("runs") or []):
        title = " · ".join(run_title(run))
        out.append(f'  subgraph run{r}["{_label(title)}"]')
        out.append("    direction TB")
        for k, layer in enumerate(run.get("layers") or []):
            variables = compress(layer.get("variables") or []) or ["(not predicted)"]
            head = _label(f"{layer_label(layer)}: {layer.get('cell')} (line {layer.get('cell_line')})")
            out.append(f'    r{r}l{k}["{head}<br/>' + "<br/>".join(_label(v) for v in variables) + '"]')
        out.append("  end")
    links = edges(doc, findings)
    for edge in links:
        arrow = "-.->" if edge.kind == "collision" else "-->"
        out.append(f'  r{edge.source[0]}l{edge.source[1]} {arrow}|"{_label(_edge_text(edge))}"| '
                   f"r{edge.target[0]}l{edge.target[1]}")
    for n, edge in enumerate(links):
        out.append(f"  linkStyle {n} stroke:{COLOURS[edge.kind]},stroke-width:2px")
    return "\n".join(out) + "\n"


def _edge_text(edge: Edge) -> str:
    return edge.code or ("borrows" if edge.kind == "intended" else edge.kind)


def render_markdown(docs: Sequence[Mapping[str, Any]], findings: Sequence[Sequence[Mapping[str, Any]]]) -> str:
    parts: List[str] = []
    for n, doc in enumerate(docs):
        found = findings[n] if n < len(findings) else ()
        parts.append(f"### `{doc['path']}` ({names_label(doc)})\n")
        if doc.get("error"):
            parts.append(error_text(doc["error"]) + "\n")
            continue
        if not doc.get("runs"):
            parts.append("No RNN runs found.\n")
            continue
        parts.append("```mermaid\n" + mermaid(doc, found) + "```\n")
        parts.append("| run | line | driver | scope | layer | cell | variables | uses the weights of |")
        parts.append("|---|---|---|---|---|---|---|---|")
        runs = doc["runs"]
        for run in runs:
            for layer in run.get("layers") or []:
                src = layer.get("borrows_from")
                borrowed = ""
                if src is not None:
                    borrowed = f"run {src['run']} layer {'?' if src.get('layer') is None else src['layer']}" + \
                        (f" {src['direction']}" if src.get("direction") else "")
                variables = ", ".join(f"`{v}`" for v in compress(layer.get("variables") or [])) or "(not predicted)"
                parts.append(f"| {run['run']} | {run['line']} | `{run['driver']}` | `{run.get('scope') or '-'}` | "
                             f"{_cell(layer_label(layer)[6:])} | `{layer.get('cell')}` "
                             f"(line {layer.get('cell_line')}) | {_cell(variables)} | {_cell(borrowed)} |")
        parts.append("")
        kinds = sorted({edge.kind for edge in edges(doc, found)})
        if kinds:
            parts.append("Arrows: " + "; ".join(f"{kind}: {LEGEND[kind]}" for kind in kinds) + ".\n")
        for finding in found:
            parts.append(f"- **{finding['code']}** line {finding['line']}: {_cell(str(finding['message']))}")
        if found:
            parts.append("")
    return "\n".join(parts)
