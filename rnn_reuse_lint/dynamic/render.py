"""Render traces as a compact terminal table: one row per layer, then sharing, synthesized values and errors."""
from __future__ import annotations

from typing import Any, List, Mapping, Sequence

from rnn_reuse_lint.dynamic.cells import where
from rnn_reuse_lint.dynamic.assumptions import assumed_in
from rnn_reuse_lint.dynamic.verify import compress


def _table(rows: List[List[str]], indent: str = "  ") -> List[str]:
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _loc(trace: Mapping[str, Any], line: Any) -> str:
    """A line of the traced program: `12`, or `c3:2` (cell 3, line 2) in a notebook."""
    cells = trace.get("cell_lines")
    if cells and isinstance(line, int) and 1 <= line <= len(cells):
        return "c%d:%d" % tuple(cells[line - 1][:2])
    return str(line)


def _place(trace: Mapping[str, Any], p: Mapping[str, Any]) -> str:
    d = p.get("direction")
    layer = p.get("layer")
    return "%s:L%s%s" % (_loc(trace, p.get("line")), "?" if layer is None else layer, "/" + d if d else "")


def _at(trace: Mapping[str, Any], line: Any) -> str:
    cells = trace.get("cell_lines")
    return where(cells, line) if cells else "line %s" % line


def render_trace(trace: Mapping[str, Any]) -> str:
    head = "%s  (TF %s" % (trace.get("path"), trace.get("tf_version") or "?")
    if trace.get("seconds") is not None:
        head += ", %.1fs" % trace["seconds"]
    lines = [head + ")"]
    if trace.get("cell_lines"):
        lines.append("  (a notebook's code cells run as one program; c3:2 is cell 3, line 2)")
    rows = [["line", "driver", "scope", "layer", "cell", "owns", "borrows", "variables"]]
    for run in trace.get("runs") or []:
        layers = run.get("layers") or [{}]
        for k, lay in enumerate(layers):
            name = "%s%s" % (lay.get("index", ""), "/" + lay["direction"] if lay.get("direction") else "")
            cell = lay.get("cell") or ""
            if lay.get("cell_line"):
                cell += "@%s" % _loc(trace, lay["cell_line"])
            rows.append([_loc(trace, run.get("line")) if k == 0 else "", run.get("driver", "") if k == 0 else "",
                         (run.get("scope") or "") if k == 0 else "", name, cell,
                         str(len(lay.get("owns") or [])), str(len(lay.get("borrows") or [])),
                         compress(lay.get("variables") or [], limit=2)])
    if len(rows) > 1:
        lines.extend(_table(rows))
    else:
        lines.append("  no RNN driver ran")
    sharing = trace.get("sharing") or []
    if sharing:
        lines.append("  sharing:")
        srows = []
        for s in sharing:
            label = s.get("code") or s.get("kind", "")
            if s.get("code"):
                label += " " + s.get("kind", "")
            srows.append([label, " = ".join(_place(trace, p) for p in s.get("between") or []),
                          compress(s.get("variables") or [], limit=2)])
        lines.extend(_table(srows, "    "))
    synth = {k: v for k, v in (trace.get("synthesized") or {}).items() if not k.startswith(("line ", "import "))}
    if synth:
        lines.append("  synthesized: " + ", ".join("%s=%s" % kv for kv in synth.items()))
    stubs = [k[len("import "):] for k in trace.get("synthesized") or {} if k.startswith("import ")]
    if stubs:
        lines.append("  stubbed (not installed): " + ", ".join(stubs))
    for t in trace.get("tolerated") or []:
        names = t.get("names") or []
        lines.append("  %s failed (%s: %s); %s" % (
            _at(trace, t.get("line")), t.get("type"), (t.get("message") or "").splitlines()[0][:120] if t.get("message") else "",
            "its names were synthesized: " + ", ".join(names) if names else "stepped over"))
    lines.extend("  " + what for what in assumed_in(trace))
    switch = trace.get("switch")
    if switch:
        lines.append("  traced again under TF %s (%s): kept the TF %s trace" % (
            switch.get("tf1_version") or "?", switch.get("why"), switch.get("kept") or "?"))
    if trace.get("normalized"):
        lines.append("  run as normalized Python 2: " + "; ".join(trace["normalized"]))
    unit_via = sorted({r.get("entry") for r in trace.get("runs") or [] if r.get("entry") not in (None, "<module>")})
    if unit_via:
        lines.append("  runs reached only through synthesized entries: " + ", ".join(str(u) for u in unit_via))
    if trace.get("stopped_at"):
        st = trace["stopped_at"]
        lines.append("  stopped at the first %s (%s)" % (st.get("what"), _at(trace, st.get("line"))))
    for v in trace.get("violations") or []:
        lines.append("  sandbox refused at %s: %s (%s)" % (_at(trace, v.get("line")), v.get("what"), v.get("detail")))
    err = trace.get("error")
    if err:
        at = " at " + _at(trace, err["line"]) if err.get("line") else ""
        message = (err.get("message") or "").strip().splitlines()
        lines.append("  error%s: %s: %s" % (at, err.get("type"), message[0][:300] if message else ""))
    return "\n".join(lines)


def render(traces: Sequence[Mapping[str, Any]]) -> str:
    return "\n\n".join(render_trace(t) for t in traces)
