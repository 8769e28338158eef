"""`explain --dynamic`: each predicted layer marked with what the real TensorFlow trace of the same file shows."""
from __future__ import annotations

import copy
import re
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from rnn_reuse_lint.dynamic.assumptions import assumed_in

_CELL_N = re.compile(r"/cell_(\d+|\{i\})/")  # layer i (symbolic) stands for every traced cell_N


def _normalised(variables: Any) -> Tuple[str, ...]:
    return tuple(_CELL_N.sub("/cell_N/", v) for v in variables or [])


def _traced_layers(trace: Mapping[str, Any]) -> Dict[Tuple[int, Optional[str]], List[Mapping[str, Any]]]:
    """Traced layers that ran to the end, per (run line, direction), in trace order."""
    out: Dict[Tuple[int, Optional[str]], List[Mapping[str, Any]]] = {}
    for run in trace.get("runs") or []:
        for layer in run.get("layers") or []:
            if layer.get("completed", True):
                out.setdefault((run["line"], layer.get("direction")), []).append(layer)
    return out


def overlay(doc: Mapping[str, Any], trace: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy of the explain document where every layer has `dynamic`: {"status", "variables"}.

    status is "agrees" (the trace shows exactly the predicted names), "differs" (it shows others, or the
    prediction had none), or "untraced" (the trace never completed that layer: a function nobody calls with
    values the tracer can make, an error before it, a `Session.run` stop). A symbolic layer i agrees when every
    traced layer of its run names the same variables with `cell_N` in place of `cell_{i}`.
    """
    out: Dict[str, Any] = copy.deepcopy(dict(doc))
    traced = _traced_layers(trace)
    error = trace.get("error")
    if error:
        out["dynamic_error"] = error if isinstance(error, str) else str(error.get("message", error))
    # what the trace was given to reach the findings (check --dynamic's assumptions), and a switch to TF 1.x
    assumed = assumed_in(trace)
    if assumed:
        out["dynamic_assumed"] = assumed
    if trace.get("switch"):
        out["dynamic_tf_version"] = trace.get("tf_version")
    for run in out.get("runs") or []:
        for layer in run.get("layers") or []:
            candidates = traced.get((run["line"], layer.get("direction")), [])
            predicted = list(layer.get("variables") or [])
            if layer.get("index") == "i" or layer.get("index") is None:
                seen: Set[Tuple[str, ...]] = {_normalised(t.get("variables")) for t in candidates}
                first = [name for t in candidates for name in t.get("variables") or []]
                if not candidates:
                    layer["dynamic"] = {"status": "untraced", "variables": []}
                else:
                    same = bool(predicted) and seen <= {_normalised(predicted)}
                    layer["dynamic"] = {"status": "agrees" if same else "differs", "variables": first}
                continue
            # A loop runs one call site several times (one traced run per pass, all on this line): the layer
            # agrees when one pass used exactly the predicted names.
            matches = [t for t in candidates if t.get("index") == layer.get("index")]
            if not matches:
                layer["dynamic"] = {"status": "untraced", "variables": []}
                continue
            exact = next((t for t in matches if list(t.get("variables") or []) == predicted), None)
            if exact is not None and predicted:
                layer["dynamic"] = {"status": "agrees", "variables": predicted}
            else:
                layer["dynamic"] = {"status": "differs", "variables": list(matches[0].get("variables") or [])}
    return out
