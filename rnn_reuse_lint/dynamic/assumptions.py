"""What a finding assumes (two or more layers, a standard cell from its caller), as lines the tracer must force."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Sequence

from rnn_reuse_lint.finding import Finding

# The static rules word their assumptions with these phrases (rnn101's "once there is more than one layer", the
# evaluator's opaque objects "`x` is a cell that creates new variables on every call" behind base.unless);
# tests/dynamic/test_forced_assumptions.py checks the rules still say them.
MORE_LAYERS = "once there is more than one layer"
CALLERS_CELL = "a cell that creates new variables on every call"
# RNN103's and RNN104's loop findings ("on every pass of the loop at line 3", "on the next pass of the loop at line
# 3") are about a pass after the first: the loop must run at least twice
LOOP_PASSES = re.compile(r"\b(?:every|next) pass of the loop at line (\d+)")

Force = Dict[str, object]


def assumes_more_layers(finding: Finding) -> bool:
    return MORE_LAYERS in finding.message


def assumes_standard_cell(finding: Finding) -> bool:
    return " unless " in finding.message and CALLERS_CELL in finding.message


def forced_lines(findings: Sequence[Finding]) -> List[Force]:
    """Per line of the file (the finding's own and its related places there), what the trace must give it:
    {"line": N, "layers": True} (a layer count of at least 2 for `[x] * n` / `range(n)`), {"cells": True} (a
    standard cell where the code holds None or a stand-in), {"passes": True} on a loop's line (two passes at least
    of `for ... in range(n)`). Findings that assume nothing add nothing."""
    out: Dict[int, Force] = {}
    for f in findings:
        loop = LOOP_PASSES.search(f.message)
        if loop is not None:
            entry = out.setdefault(int(loop.group(1)), {"line": int(loop.group(1)), "layers": False, "cells": False})
            entry["passes"] = True
        layers, cells = assumes_more_layers(f), assumes_standard_cell(f)
        if not (layers or cells):
            continue
        lines = set(range(f.span.line, max(f.span.end_line, f.span.line) + 1))
        lines |= {r.span.line for r in f.related if r.path == f.path}
        for line in sorted(lines):
            entry = out.setdefault(line, {"line": line, "layers": False, "cells": False})
            entry["layers"] = bool(entry["layers"]) or layers
            entry["cells"] = bool(entry["cells"]) or cells
    return [out[line] for line in sorted(out)]


def assumed_in(trace: Mapping[str, Any]) -> List[str]:
    """What a trace gave its forced lines, as the child words it (`assumed: 2 layers at line 9 (...)`), once each."""
    said = [str(event.get("what")) for event in trace.get("synth_events") or []]
    return list(dict.fromkeys(what for what in said if what.startswith("assumed: ")))
