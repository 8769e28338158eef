"""`explain --format html`: one self-contained page (inline SVG, CSS and script; nothing fetched) per set of files."""
from __future__ import annotations

import json
from html import escape
from typing import Any, Dict, List, Mapping, Optional, Sequence

from rnn_reuse_lint.explain import names_label
from rnn_reuse_lint.views.edges import KINDS, LEGEND, edges, layer_label
from rnn_reuse_lint.views.layout import BOX_PAD, LINE_H, Layout, compress, layout

COLOURS = {"intended": "#2e7d32", "suspicious": "#c62828", "unknown": "#757575", "collision": "#ef6c00"}
STATUS = {"agrees": "the trace agrees", "differs": "the trace differs", "untraced": "not reached by the trace"}
CONTEXT = 2  # source lines shown around a clicked layer's cell and run

# The page may not load anything: the policy forbids every fetch, so a stray URL fails loudly in a browser test.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 24px 40px; color: #212121; }
h1 { font-size: 20px; margin: 18px 0 6px; } h2 { font-size: 16px; margin: 28px 0 6px; }
code, pre, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.legend { display: flex; flex-wrap: wrap; gap: 18px; margin: 6px 0 12px; font-size: 13px; }
.legend span::before { content: ""; display: inline-block; width: 26px; height: 0; margin-right: 6px;
  vertical-align: middle; border-top: 3px solid var(--c); }
.legend .collision::before { border-top-style: dashed; }
.legend .differs::before { border: 2px dashed #6a1b9a; height: 10px; width: 20px; border-radius: 3px; }
.scroll { overflow-x: auto; border: 1px solid #e0e0e0; border-radius: 6px; background: #fafafa; }
svg text { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 11px; fill: #212121; }
svg .run-title { font-weight: bold; font-size: 12px; } svg .run-scope { fill: #555; }
svg .panel { fill: #fff; stroke: #cfd8dc; } svg .box { fill: #e3f2fd; stroke: #1565c0; stroke-width: 1.2; }
svg .layer { cursor: pointer; } svg .layer:hover .box, svg .layer.selected .box { stroke-width: 2.5; }
svg .layer.borrower .box { fill: #f1f8e9; } svg .layer.differs .box { stroke: #6a1b9a; stroke-dasharray: 5 3; }
svg .layer.untraced .box { fill: #f5f5f5; stroke: #9e9e9e; }
svg .arrow { fill: none; stroke-width: 2; } svg .arrow.collision { stroke-dasharray: 6 4; }
.findings li { margin: 2px 0; } .code { font-weight: bold; }
.detail { margin-top: 8px; padding: 8px 12px; border: 1px solid #90a4ae; border-radius: 6px; background: #fff; }
.detail pre { margin: 4px 0; padding: 6px; background: #f5f5f5; overflow-x: auto; }
.detail .hit { background: #fff59d; display: inline-block; width: 100%; }
.error { color: #b71c1c; }
nav ul { margin: 4px 0; }
"""

# Clicking a layer box shows its variables and the source lines of its cell and its run, read from the
# page's own data block: the page works from a file:// URL with no server.
_SCRIPT = """
(function () {
  function lines(source, around) {
    var out = [];
    for (var n = around - %(context)d; n <= around + %(context)d; n++) {
      if (source[n] === undefined) continue;
      var text = String(n).padStart(5) + "  " + source[n];
      out.push(n === around ? '<span class="hit">' + esc(text) + "</span>" : esc(text));
    }
    return out.join("\\n");
  }
  function esc(s) { return s.replace(/[&<>]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}[c]; }); }
  document.querySelectorAll("section.file").forEach(function (section) {
    var block = section.querySelector("script.source");
    if (block === null) return;  // a file with no runs, or one that could not be analysed: nothing to click
    var data = JSON.parse(block.textContent);
    var detail = section.querySelector(".detail");
    section.querySelectorAll("g.layer").forEach(function (g) {
      g.addEventListener("click", function () {
        section.querySelectorAll("g.layer.selected").forEach(function (o) { o.classList.remove("selected"); });
        g.classList.add("selected");
        var info = data.layers[g.dataset.layer];
        var html = "<b>" + esc(info.title) + "</b><div class=mono>" + info.variables.map(esc).join("<br>") + "</div>";
        if (info.status) html += "<div>" + esc(info.status) + "</div>";
        html += "<div>cell, line " + info.cell_line + ":</div><pre>" + lines(data.source, info.cell_line) + "</pre>";
        if (info.run_line !== info.cell_line)
          html += "<div>run, line " + info.run_line + ":</div><pre>" + lines(data.source, info.run_line) + "</pre>";
        detail.innerHTML = html;
        detail.hidden = false;
      });
    });
  });
})();
""" % {"context": CONTEXT}


def render_html(docs: Sequence[Mapping[str, Any]], findings: Sequence[Sequence[Mapping[str, Any]]],
                sources: Sequence[Sequence[str]], title: str = "rnn-reuse-lint explain") -> str:
    """The page for `docs` (one explain document per file), with each file's findings and source lines."""
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
             f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{escape(title)}</h1>", _legend(docs)]
    if len(docs) > 1:
        parts.append("<nav><b>Files</b><ul>")
        for n, doc in enumerate(docs):
            parts.append(f'<li><a href="#file-{n}">{escape(str(doc["path"]))}</a> {escape(_summary(doc))}</li>')
        parts.append("</ul></nav>")
    for n, doc in enumerate(docs):
        parts.append(_file_section(n, doc, findings[n] if n < len(findings) else (),
                                   sources[n] if n < len(sources) else ()))
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"


def _legend(docs: Sequence[Mapping[str, Any]]) -> str:
    items = [f'<span class="{kind}" style="--c: {COLOURS[kind]}">{escape(LEGEND[kind])}</span>' for kind in KINDS]
    if any(_status(layer) for doc in docs for run in doc.get("runs") or [] for layer in run.get("layers") or []):
        items.append('<span class="differs" style="--c: #6a1b9a">predicted and traced variables differ</span>')
    return '<div class="legend">' + "".join(items) + "</div>"


def _summary(doc: Mapping[str, Any]) -> str:
    if doc.get("error"):
        return "(not analysed)"
    runs = len(doc.get("runs") or [])
    return f"({runs} run{'s' if runs != 1 else ''})"


def _file_section(n: int, doc: Mapping[str, Any], findings: Sequence[Mapping[str, Any]], source: Sequence[str]) -> str:
    head = (f'<section class="file" id="file-{n}"><h2>{escape(str(doc["path"]))} '
            f'({escape(names_label(doc))})</h2>')
    if doc.get("error"):
        return head + f'<p class="error">{escape(error_text(doc["error"]))}</p></section>'
    if not doc.get("runs"):
        return head + "<p>No RNN runs found.</p></section>"
    arrows = edges(doc, findings)
    geometry = layout(doc, arrows)
    body = [head]
    if doc.get("dynamic_error"):
        body.append(f'<p class="error">trace: {escape(str(doc["dynamic_error"]))}</p>')
    if doc.get("dynamic_tf_version"):
        body.append(f'<p>trace: under TF {escape(str(doc["dynamic_tf_version"]))} (--tf1-python)</p>')
    body += [f"<p>trace {escape(str(what))}</p>" for what in doc.get("dynamic_assumed") or []]
    body += ['<div class="scroll">', _svg(n, doc, geometry), "</div>"]
    listed = [f for f in findings if f.get("code")]
    if listed:
        body.append('<ul class="findings">')
        for finding in listed:
            body.append(f'<li><span class="code" style="color: {COLOURS["suspicious"]}">{escape(str(finding["code"]))}'
                        f"</span> line {finding['line']}: {escape(str(finding['message']))}</li>")
        body.append("</ul>")
    body.append('<div class="detail" hidden></div>')
    body.append(f'<script type="application/json" class="source">{_data(doc, source)}</script></section>')
    return "\n".join(body)


def _data(doc: Mapping[str, Any], source: Sequence[str]) -> str:
    """The click panel's data: every layer's full variable list and the source lines around cells and runs."""
    layers: Dict[str, Any] = {}
    wanted: set[int] = set()
    for r, run in enumerate(doc.get("runs") or []):
        for k, layer in enumerate(run.get("layers") or []):
            cell_line = int(layer.get("cell_line") or run["line"])
            layers[f"{r}-{k}"] = {
                "title": f"run {run['run']} {layer_label(layer)}: {layer.get('cell')}",
                "variables": list(layer.get("variables") or []) or ["(not predicted)"],
                "cell_line": cell_line, "run_line": run["line"],
                "status": STATUS.get(_status(layer), "") + _traced(layer),
            }
            for line in (cell_line, int(run["line"])):
                wanted.update(range(line - CONTEXT, line + CONTEXT + 1))
    lines = {n: source[n - 1] for n in sorted(wanted) if 1 <= n <= len(source)}
    # `</` would end the script element early; JSON allows the escaped slash
    return json.dumps({"layers": layers, "source": lines}).replace("</", "<\\/")


def _status(layer: Mapping[str, Any]) -> str:
    """`explain --dynamic`: agrees | differs | untraced (see overlay.py); empty without a trace."""
    dynamic = layer.get("dynamic")
    return str(dynamic.get("status", "")) if isinstance(dynamic, Mapping) else ""


def _traced(layer: Mapping[str, Any]) -> str:
    dynamic = layer.get("dynamic")
    if not isinstance(dynamic, Mapping) or dynamic.get("status") != "differs":
        return ""
    return "; traced: " + (", ".join(compress(dynamic.get("variables") or [])) or "nothing")


def _svg(n: int, doc: Mapping[str, Any], geometry: Layout) -> str:
    w, h = geometry.width, geometry.height
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sharing" width="{w:.0f}" height="{h:.0f}" '
           f'viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
           f'aria-label="layers and shared weights of {escape(str(doc["path"]))}">',
           "<defs>"]
    for kind, colour in COLOURS.items():
        out.append(f'<marker id="head-{n}-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse">'
                   f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    runs = doc.get("runs") or []
    for column in geometry.columns:
        out.append(f'<g class="run" data-run="{runs[column.run]["run"]}">'
                   f'<rect class="panel" x="{column.x:.1f}" y="8" width="{column.width:.1f}" '
                   f'height="{column.height:.1f}" rx="6"/>'
                   f'<text class="run-title" x="{column.x + BOX_PAD:.1f}" y="28">{escape(column.title[0])}</text>'
                   f'<text class="run-scope" x="{column.x + BOX_PAD:.1f}" y="44">{escape(column.title[1])}</text></g>')
    for (r, k), box in sorted(geometry.boxes.items()):
        layer = runs[r]["layers"][k]
        classes = ["layer"]
        if layer.get("borrows_from") is not None:
            classes.append("borrower")
        if _status(layer) in ("agrees", "differs", "untraced"):
            classes.append(_status(layer))
        out.append(f'<g class="{" ".join(classes)}" id="layer-{n}-{r}-{k}" data-layer="{r}-{k}">'
                   f'<title>{escape(chr(10).join(layer.get("variables") or []) or "(not predicted)")}</title>'
                   f'<rect class="box" x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" '
                   f'height="{box.height:.1f}" rx="4"/>')
        for i, line in enumerate(box.lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            out.append(f'<text x="{box.x + BOX_PAD:.1f}" y="{box.y + BOX_PAD + LINE_H * (i + 0.75):.1f}"{weight}>'
                       f"{escape(line)}</text>")
        out.append("</g>")
    for i, arrow in enumerate(geometry.arrows):
        edge = arrow.edge
        label = f"{edge.code}: {edge.message}" if edge.code else f"{edge.kind}: {edge.message}"
        out.append(f'<path class="arrow {edge.kind}" id="arrow-{n}-{i}" d="{arrow.path}" '
                   f'stroke="{COLOURS[edge.kind]}" '
                   f'marker-end="url(#head-{n}-{edge.kind})" data-from="layer-{n}-{edge.source[0]}-{edge.source[1]}" '
                   f'data-to="layer-{n}-{edge.target[0]}-{edge.target[1]}" data-kind="{edge.kind}"'
                   f'{_code_attr(edge.code)}><title>{escape(label)}</title></path>')
    out.append("</svg>")
    return "".join(out)


def _code_attr(code: Optional[str]) -> str:
    return f' data-code="{escape(code)}"' if code else ""


def error_text(error: Any) -> str:
    """An explain error ({code, line, message}) or a trace error (a message) as one line."""
    if isinstance(error, Mapping):
        where = f" line {error['line']}" if error.get("line") else ""
        return f"{error.get('code', 'error')}{where}: {error.get('message', '')}"
    return str(error)


def render_findings(findings: Sequence[Any]) -> List[Dict[str, Any]]:
    """Findings as the views read them: code, line and message."""
    return [{"code": f.code, "line": f.span.line, "message": f.message} for f in findings]
