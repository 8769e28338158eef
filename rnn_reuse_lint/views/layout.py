"""Where things go in the sharing picture: one column per run, one box per layer, arrow end points on box sides."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from rnn_reuse_lint.views.edges import Edge, LayerId, layer_label

# Monospace text metrics used to size boxes; generous so that no common font overflows a box.
CHAR_W = 7.0
LINE_H = 15.0
PAD = 16.0
COL_GAP = 110.0  # room between columns for arrows
HEADER_H = 46.0
BOX_GAP = 22.0
BOX_PAD = 8.0
BEND = 46.0  # how far an arrow between two layers of one run bulges out to the right
MAX_LINES = 8  # variable lines shown in a box; the click panel lists them all


@dataclass(frozen=True)
class Box:
    layer: LayerId
    x: float
    y: float
    width: float
    height: float
    lines: Tuple[str, ...]  # first line: the layer and its cell; then variable lines


@dataclass(frozen=True)
class Column:
    run: int
    x: float
    width: float
    height: float
    title: Tuple[str, str]


@dataclass(frozen=True)
class Arrow:
    edge: Edge
    path: str  # SVG path data, from the source box side to the target box side
    start: Tuple[float, float]
    end: Tuple[float, float]


@dataclass(frozen=True)
class Layout:
    columns: Tuple[Column, ...]
    boxes: Dict[LayerId, Box]
    arrows: Tuple[Arrow, ...]
    width: float
    height: float


def compress(variables: Sequence[str]) -> List[str]:
    """`a/b/kernel`, `a/b/bias` -> `a/b/{kernel,bias}`: one line per parent scope, in first-seen order."""
    groups: Dict[str, List[str]] = {}
    for name in variables:
        head, _, leaf = name.rpartition("/")
        groups.setdefault(head, []).append(leaf)
    out = []
    for head, leaves in groups.items():
        tail = leaves[0] if len(leaves) == 1 else "{" + ",".join(leaves) + "}"
        out.append(f"{head}/{tail}" if head else tail)
    return out


def box_lines(layer: Mapping[str, Any]) -> Tuple[str, ...]:
    title = f"{layer_label(layer)} · {layer.get('cell')} (line {layer.get('cell_line')})"
    variables = compress(layer.get("variables") or []) or ["(not predicted)"]
    if len(variables) > MAX_LINES:
        variables = variables[:MAX_LINES - 1] + [f"... {len(variables) - MAX_LINES + 1} more"]
    return (title,) + tuple(variables)


def run_title(run: Mapping[str, Any]) -> Tuple[str, str]:
    reuse = {True: "reuse", False: "create", "auto": "auto-reuse", None: "reuse unknown"}.get(run.get("reuse"), "?")
    scope = run.get("scope")
    if not scope:
        scope = "(keras)" if str(run.get("driver", "")).startswith("keras") else ("(root)" if scope == "" else "?")
    return f"run {run['run']} · line {run['line']} · {run['driver']}", f"scope={scope} ({reuse})"


def _width(lines: Sequence[str]) -> float:
    return max(len(line) for line in lines) * CHAR_W + 2 * BOX_PAD


def layout(doc: Mapping[str, Any], edges: Sequence[Edge]) -> Layout:
    columns: List[Column] = []
    boxes: Dict[LayerId, Box] = {}
    x = PAD
    bottom = PAD + HEADER_H
    for r, run in enumerate(doc.get("runs") or []):
        title = run_title(run)
        contents = [box_lines(layer) for layer in run.get("layers") or []]
        width = max([_width(lines) for lines in contents] + [_width(title)])
        y = PAD + HEADER_H
        for k, lines in enumerate(contents):
            height = len(lines) * LINE_H + 2 * BOX_PAD
            boxes[(r, k)] = Box((r, k), x + BOX_PAD, y, width - 2 * BOX_PAD, height, lines)
            y += height + BOX_GAP
        columns.append(Column(r, x, width, y - PAD, title))
        bottom = max(bottom, y)
        x += width + COL_GAP
    arrows = _arrows(boxes, edges)
    return Layout(tuple(columns), boxes, tuple(arrows), x - COL_GAP + PAD + BEND, bottom + PAD)


def _arrows(boxes: Dict[LayerId, Box], edges: Sequence[Edge]) -> List[Arrow]:
    """Each arrow leaves its source box from the side facing the target and ends on the target's facing side;
    the end points of several arrows on one side are spread along it so that arrowheads do not pile up."""
    sides: Dict[Tuple[LayerId, str], List[int]] = {}
    plans: List[Tuple[Edge, str, str]] = []
    for edge in edges:
        if edge.source not in boxes or edge.target not in boxes:
            continue
        if edge.source[0] == edge.target[0]:
            out_side, in_side = "right", "right"
        elif edge.target[0] < edge.source[0]:
            out_side, in_side = "left", "right"
        else:
            out_side, in_side = "right", "left"
        sides.setdefault((edge.source, out_side), []).append(len(plans))
        sides.setdefault((edge.target, in_side), []).append(len(plans))
        plans.append((edge, out_side, in_side))
    arrows = []
    for n, (edge, out_side, in_side) in enumerate(plans):
        start = _anchor(boxes[edge.source], out_side, sides[(edge.source, out_side)], n)
        end = _anchor(boxes[edge.target], in_side, sides[(edge.target, in_side)], n)
        if out_side == in_side:  # same column: a loop out to the right
            c1 = (start[0] + BEND, start[1])
            c2 = (end[0] + BEND, end[1])
        else:
            reach = max(abs(end[0] - start[0]) / 2, 30.0)
            sign = 1 if out_side == "right" else -1
            c1 = (start[0] + sign * reach, start[1])
            c2 = (end[0] - sign * reach, end[1])
        path = (f"M {start[0]:.1f} {start[1]:.1f} C {c1[0]:.1f} {c1[1]:.1f} "
                f"{c2[0]:.1f} {c2[1]:.1f} {end[0]:.1f} {end[1]:.1f}")
        arrows.append(Arrow(edge, path, start, end))
    return arrows


def _anchor(box: Box, side: str, users: List[int], n: int) -> Tuple[float, float]:
    # `users` holds the arrows touching this side, in order; spread them over the middle 60% of the side
    position = users.index(n)
    fraction = 0.5 if len(users) == 1 else 0.2 + 0.6 * position / (len(users) - 1)
    x = box.x + box.width if side == "right" else box.x
    return x, box.y + box.height * fraction
