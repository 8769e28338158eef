"""Turn a tracer Unit into runs -> layers (variables, owns, borrows), sharing relations, created variables and stacks."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
from typing import Dict, List, Tuple

from .trace_records import strip_name

_REFUSED = ("Attempt to reuse RNNCell", "Attempt to have a second RNNCell")


class Numbering(object):
    """Stable small numbers for Python objects, so a reader can see which layers are the same cell object."""

    def __init__(self):
        self.ids = {}

    def __call__(self, obj_id):
        if obj_id not in self.ids:
            self.ids[obj_id] = len(self.ids)
        return self.ids[obj_id]


def _weight_names(obj):
    try:
        return [strip_name(w.name) for w in obj.weights]
    except Exception:
        return []


def _objects(unit):
    objs = {}
    for o in unit.keepalive:
        objs[id(o)] = o
    return objs


def _layer_variables(unit, run, lay, objs, refused):
    names: List[str] = []
    if refused and lay.failed and not any(unit.obj_req.get((run.index, lay.index, o)) for o in lay.called):
        return names    # TF 1.1 refused to run this cell here: it uses nothing

    def add(seq):
        for n in seq:
            if n not in names:
                names.append(n)
    called = lay.called or [id(lay.obj)]
    for objid in called:
        reqs = unit.obj_req.get((run.index, lay.index, objid))
        if reqs:
            add(reqs)
            continue
        first = unit.first_vars.get(objid)
        if first is not None and first[2]:
            add(first[2])
        elif objid in objs:
            add(_weight_names(objs[objid]))
    add(unit.obj_req.get((run.index, lay.index, None), []))
    return names


def _class_name(obj):
    return type(obj).__name__ if obj is not None else None


def summarize(unit, number, graph_numbers, error_message):
    """Return (runs, sharing, created, stacks) JSON parts for one unit."""
    objs = _objects(unit)
    refused = error_message is not None and any(t in error_message for t in _REFUSED)
    runs_json = []
    uses: Dict[Tuple[int, str], List[Tuple[int, int]]] = {}
    layer_vars = {}
    for run in unit.runs:
        gnum = graph_numbers.setdefault(run.graph, len(graph_numbers))
        layers = []
        for lay in run.layers:
            variables = _layer_variables(unit, run, lay, objs, refused)
            layer_vars[(run.index, lay.index)] = variables
            owns = [v for v in variables if unit.creator.get((run.graph, v)) == (run.index, lay.index)]
            borrows = [v for v in variables if v not in owns]
            for v in variables:
                uses.setdefault((run.graph, v), []).append((run.index, lay.index))
            ctor_line = unit.ctor.get(id(lay.obj), (None,))[0]
            if lay.stack is not None:
                stack_line = unit.ctor.get(id(lay.stack), (None,))[0]
            elif run.driver.startswith("stack_bidirectional"):
                stack_line = run.line
            else:
                stack_line = None
            entry = {"index": _direction_index(run, lay), "cell": _class_name(lay.obj), "cell_line": ctor_line}
            if lay.direction is not None:
                entry["direction"] = lay.direction
            entry.update({"variables": variables, "owns": owns, "borrows": borrows,
                          "stack_line": stack_line, "object": number(id(lay.obj)),
                          "reached": bool(lay.called), "completed": bool(lay.called) and not lay.failed})
            if lay.element is not lay.obj:
                entry["wrapper"] = _class_name(lay.element)
            layers.append(entry)
        runs_json.append({"run": run.index, "line": run.line, "driver": run.driver, "scope": run.scope, "reuse": run.reuse,
                          "layers": layers, "call_lines": run.call_lines, "entry": run.entry,
                          "graph": gnum})
    sharing = _sharing(unit, uses, error_message)
    created = []
    for c in unit.created:
        created.append({"name": c["name"], "shape": c["shape"], "line": c["line"],
                        "graph": graph_numbers.setdefault(c["graph"], len(graph_numbers))})
    stacks = []
    driven = set()
    for run in unit.runs:
        for lay in run.layers:
            if lay.stack is not None:
                driven.add(id(lay.stack))
    for line, stack, cells in unit.stacks:
        items = []
        seen: List[object] = []
        for i, element in enumerate(cells):
            obj = _unwrap(element)
            same = None
            for j, other in enumerate(seen):
                if other is obj:
                    same = j
                    break
            seen.append(obj)
            items.append({"cell": _class_name(obj), "cell_line": unit.ctor.get(id(obj), (None,))[0],
                          "object": number(id(obj)), "same_as": same})
        stacks.append({"line": line, "class": _class_name(stack), "cells": items,
                       "driven": id(stack) in driven, "entry": unit.name})
    return runs_json, sharing, created, stacks


def _unwrap(obj):
    for _ in range(10):
        if type(obj).__name__ in ("DropoutWrapper", "ResidualWrapper", "DeviceWrapper"):
            inner = getattr(obj, "_cell", None) or getattr(obj, "cell", None)
            if inner is None:
                break
            obj = inner
        else:
            break
    return obj


def _direction_index(run, lay):
    """Layer numbers count per direction (fw 0, fw 1, bw 0, bw 1), as in the static `explain` output."""
    return sum(1 for other in run.layers[:lay.index] if other.direction == lay.direction)


def _place(run, lay):
    place = {"line": run.line, "layer": _direction_index(run, lay), "run": run.index}
    if lay.direction is not None:
        place["direction"] = lay.direction
    return place


# The sharing facts below are the parent's model.Fact names: the parent's rules decide which code reports each
# (this package cannot import them: it runs under other Python versions, in the sandbox).
def _edge(unit, o_run, o_lay, b_run, b_lay, variables):
    """Classify how layer b came to use layer o's variables: (kind, fact, evidence)."""
    objs_o = set(o_lay.called or [id(o_lay.obj)])
    objs_b = set(b_lay.called or [id(b_lay.obj)])
    common = objs_o & objs_b
    if common or o_lay.obj is b_lay.obj:
        cls = type(b_lay.obj).__name__
        if o_run is b_run:
            if o_lay.direction and b_lay.direction and o_lay.direction != b_lay.direction:
                return "suspicious", "shared_across_directions", "the same `%s` object is the %s and the %s cell" % (
                    cls, o_lay.direction, b_lay.direction)
            return "suspicious", "shared_across_layers", "the same `%s` object is several layers of one stack" % cls
        if o_run.driver_obj is not None and o_run.driver_obj is b_run.driver_obj:
            return "intended", None, "the same Keras layer object is called twice"
        objid = next(iter(common)) if common else id(b_lay.obj)
        first_outer, captured = unit.obj_scope.get(objid, (None, None))
        b_outer = None
        for call in b_lay.calls:
            if call[0] == objid and call[3] == b_run.index:
                b_outer = call[1]
                break
        if b_outer is not None and first_outer is not None and b_outer != first_outer:
            own = captured or first_outer
            if b_run.reuse in (True, "auto") and (own == b_outer or own.startswith(b_outer + "/")):
                # reuse asked for in a scope that holds the cell's own variables (a sampler stepping the
                # generator's cell under `variable_scope("generator", reuse=True)`): sharing on purpose; reuse
                # asked for elsewhere (`decoder`) still borrows the encoder's weights
                return "intended", None, "the `%s` object runs again under `%s` with reuse=%s, using `%s`" % (
                    cls, b_outer, b_run.reuse, captured or first_outer)
            return "suspicious", "borrowed_across_scopes", "the `%s` object first ran under `%s` and runs again under `%s`, reusing `%s`" % (
                cls, first_outer, b_outer, captured or first_outer)
        if o_run.driver_obj is not None or b_run.driver_obj is not None:
            return "suspicious", "borrowed_across_scopes", "the same `%s` object is driven by two Keras RNN layers" % cls
        b_scope, o_scope = b_run.scope, o_run.scope
        if b_scope != o_scope and "cell_call" not in (b_run.driver, o_run.driver):
            return "suspicious", "borrowed_across_scopes", "the `%s` object first ran under `%s` and runs again under `%s`" % (
                cls, o_scope, b_scope)
        return "intended", None, "the same `%s` object runs twice in the same scope `%s`" % (cls, b_outer or b_scope)
    reuse = [r for r in unit.requests
             if r["run"] == b_run.index and r["layer"] == b_lay.index and r["name"] in variables and r["reuse"]]
    if reuse:
        return "intended", None, "layer requested the existing variables with reuse=%s" % (reuse[0]["reuse"],)
    return "suspicious", None, "layer uses variables another layer created"


def _sharing(unit, uses, error_message):
    runs = unit.runs
    refused = error_message is not None and any(t in error_message for t in _REFUSED)
    groups = {}
    order = []
    for (graph, var), users in uses.items():
        uniq = []
        for u in users:
            if u not in uniq:
                uniq.append(u)
        if len(uniq) < 2:
            continue
        owner = unit.creator.get((graph, var))
        if owner not in uniq:
            owner = uniq[0]
        o_run, o_lay = runs[owner[0]], runs[owner[0]].layers[owner[1]]
        for u in uniq:
            if u == owner:
                continue
            b_run, b_lay = runs[u[0]], runs[u[0]].layers[u[1]]
            if refused and b_lay.failed:
                continue
            kind, fact, evidence = _edge(unit, o_run, o_lay, b_run, b_lay, [var])
            key = (owner, kind, fact)
            if key not in groups:
                groups[key] = {"kind": kind, "fact": fact, "variables": [], "between": [_place(o_run, o_lay)],
                               "evidence": evidence}
                order.append(key)
            g = groups[key]
            if var not in g["variables"]:
                g["variables"].append(var)
            place = _place(b_run, b_lay)
            if place not in g["between"]:
                g["between"].append(place)
    sharing = [groups[k] for k in order]
    for c in unit.collisions:
        between = []
        if c["owner"] is not None and c["owner"][0] is not None:
            o_run = runs[c["owner"][0]]
            if c["owner"][1] is not None:
                between.append(_place(o_run, o_run.layers[c["owner"][1]]))
            else:
                between.append({"line": o_run.line, "layer": None, "run": o_run.index})
        if c["run"] is not None:
            b_run = runs[c["run"]]
            if c["layer"] is not None:
                between.append(_place(b_run, b_run.layers[c["layer"]]))
            else:
                between.append({"line": b_run.line, "layer": None, "run": b_run.index})
        else:
            between.append({"line": c["line"], "layer": None, "run": None})
        sharing.append({"kind": "suspicious", "fact": "created_twice", "variables": [c["name"]], "between": between,
                        "evidence": "variable `%s` already exists and was requested again without reuse" % c["name"]})
    return sharing
