"""The arrows of a sharing picture, read off an explain document: who borrows whose weights, and why."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Set, Tuple

from rnn_reuse_lint.model import COLLIDING
from rnn_reuse_lint.rules import code_for, reports

LayerId = Tuple[int, int]  # (run position in the document, layer position in that run)

EdgeKind = Literal["intended", "suspicious", "unknown", "collision"]
KINDS: Tuple[EdgeKind, ...] = ("intended", "suspicious", "unknown", "collision")
_COLLISION_CODE = code_for(COLLIDING[0])
LEGEND = {
    "intended": "intended sharing (reuse asked for)",
    "suspicious": "suspicious sharing (a rule's finding)",
    "unknown": "sharing whose scope or reuse is not known",
    "collision": "both create the same variables" + (f" ({_COLLISION_CODE})" if _COLLISION_CODE else ""),
}


@dataclass(frozen=True)
class Edge:
    """An arrow from the layer that borrows to the layer that owns the weights (both ends for a collision)."""

    source: LayerId
    target: LayerId
    kind: EdgeKind
    code: Optional[str]
    message: str  # the finding's message, or a sentence saying what the arrow means


def _kind(text: str) -> EdgeKind:
    """A relation's kind as the document spells it; one this picture does not know is drawn as unknown."""
    for kind in KINDS:
        if text == kind:
            return kind
    return "unknown"


def layer_label(layer: Mapping[str, Any]) -> str:
    """`layer 0`, `layer 1 bw`, `layer i` (symbolic) or `layer ?` (count unknown)."""
    index = layer.get("index")
    text = "?" if index is None else str(index)
    return f"layer {text}" + (f" {layer['direction']}" if layer.get("direction") else "")


def _find(doc: Mapping[str, Any], run: int, layer: Any, direction: Optional[str]) -> Optional[LayerId]:
    runs = doc.get("runs") or []
    for r, entry in enumerate(runs):
        if entry.get("run") != run:
            continue
        for k, lay in enumerate(entry.get("layers") or []):
            if lay.get("index") == layer and (direction is None or lay.get("direction") == direction):
                return r, k
    return None


def _finding(findings: Sequence[Mapping[str, Any]], code: str, lines: Sequence[int]) -> Optional[Mapping[str, Any]]:
    """The finding a suspicious arrow stands for: same code, reported at one of the lines involved."""
    same = [f for f in findings if f.get("code") == code]
    for finding in same:
        if finding.get("line") in lines:
            return finding
    return same[0] if len(same) == 1 else None


def edges(doc: Mapping[str, Any], findings: Sequence[Mapping[str, Any]] = ()) -> List[Edge]:
    """Every arrow of the document, in run and layer order; `findings` ({code, line, message}) name them."""
    runs = doc.get("runs") or []
    reported = {str(f.get("code")) for f in findings}
    relations: Dict[Tuple[LayerId, LayerId], Mapping[str, Any]] = {}
    out: List[Edge] = []
    for rel in doc.get("sharing") or []:
        ends = [_find(doc, e.get("run"), e.get("layer"), e.get("direction")) for e in rel.get("between") or []]
        if len(ends) != 2 or ends[0] is None or ends[1] is None:
            continue
        owner, other = ends[0], ends[1]
        code = rel.get("code")
        if reports(code, *COLLIDING):
            if owner != other:
                lines = [runs[owner[0]]["line"], runs[other[0]]["line"]]
                found = _finding(findings, code, lines)
                message = str(found["message"]) if found else "both runs create these variables"
                out.append(Edge(other, owner, "collision", code, message))
            continue
        relations[(other, owner)] = rel
    covered: Set[Tuple[LayerId, LayerId]] = set()
    for r, run in enumerate(runs):
        for k, layer in enumerate(run.get("layers") or []):
            src = layer.get("borrows_from")
            if src is None:
                continue
            target = _find(doc, src.get("run"), src.get("layer"), src.get("direction"))
            if target is None or target == (r, k):
                continue
            rel = relations.get(((r, k), target))
            owner_layer = runs[target[0]]["layers"][target[1]]
            if rel is not None:
                kind, code = str(rel.get("kind")), rel.get("code")
            elif target[0] == r:
                # one object serves two layers (or both directions) of one run: named after a reported rule of
                # that fact, else the first rule that reports it
                kind = "suspicious"
                fact = "shared_across_directions" if owner_layer.get("direction") != layer.get("direction") \
                    else "shared_across_layers"
                code = code_for(fact, reported.__contains__) or code_for(fact)
            else:
                kind, code = "unknown", None
            lines = [run["line"], runs[target[0]]["line"], layer.get("cell_line"), owner_layer.get("cell_line")]
            found = _finding(findings, code, lines) if code else None
            if found is not None:
                message = str(found["message"])
            else:
                message = (f"run {run['run']} {layer_label(layer)} uses the weights of run "
                           f"{runs[target[0]]['run']} {layer_label(owner_layer)}")
            out.append(Edge((r, k), target, _kind(kind), code, message))
            covered.add(((r, k), target))
    # A trace document has no `borrows_from`: its relations alone say who uses whose weights.
    for (other, owner), rel in relations.items():
        if (other, owner) in covered or other == owner:
            continue
        code = rel.get("code")
        lines = [runs[other[0]]["line"], runs[owner[0]]["line"]]
        found = _finding(findings, code, lines) if code else None
        message = str(found["message"]) if found else str(rel.get("evidence") or (
            f"run {runs[other[0]]['run']} {layer_label(runs[other[0]]['layers'][other[1]])} uses the weights of "
            f"run {runs[owner[0]]['run']} {layer_label(runs[owner[0]]['layers'][owner[1]])}"))
        kind = str(rel.get("kind"))
        out.append(Edge(other, owner, _kind(kind), code, message))
    return out
