"""Builds the frozen ModuleModel from one parsed module: evaluate once, then turn records into facts."""
from __future__ import annotations

from dataclasses import replace
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from rnn_reuse_lint import identity
from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.evaluator import Evaluator
from rnn_reuse_lint.finding import Edit, Fix, Span
from rnn_reuse_lint.fixes.plan import FixPlanner, PlannedFix
from rnn_reuse_lint.fixes.syntax import Because
from rnn_reuse_lint.model import (
    CellRef,
    DirectionSharing,
    Endpoint,
    LayerModel,
    ModuleModel,
    RunModel,
    ScopeIssue,
    ScopeModel,
    Sharing,
    SharingRelation,
    StackModel,
)
from rnn_reuse_lint.runs import Replay, replay
from rnn_reuse_lint.settings import DEFAULT_TF_VERSION
from rnn_reuse_lint.positions import spans_for
from rnn_reuse_lint.values import DriverRecord, ListVal, Obj, StackRecord, Value

_LABEL_LIMIT = 40


def build_model(
    module: cst.Module,
    path: str,
    tf_version: str = DEFAULT_TF_VERSION,
    defines: Optional[Dict[str, str]] = None,
    plan_fixes: bool = True,
    describe_runs: bool = True,
    budget: Optional[Budget] = None,
) -> ModuleModel:
    """The one pass over a parsed module that every rule reads from.

    `describe_runs`: also freeze every run and sharing relation (for `explain`); the rules read only the
    issues, and positioning every run costs code generation up to the last driver of the file.
    """
    evaluator = Evaluator(module, defines, budget)
    records = evaluator.run()
    scope_replay = replay(records.drivers, tf_version, evaluator.function_names)
    planner = FixPlanner(module, evaluator) if plan_fixes else None
    model = _Freezer(module, path, planner, describe_runs).freeze(records.stacks, records.drivers, scope_replay)
    note = _budget_note(module, evaluator.budget)
    return replace(model, notes=model.notes + (note,)) if note else model


def _budget_note(module: cst.Module, budget: Budget) -> Optional[str]:
    """Which function was being evaluated when the work budget ran out, with its line."""
    if not budget.spent:
        return None
    label, node = budget.where if isinstance(budget.where, tuple) else (str(budget.where), None)
    if isinstance(node, cst.CSTNode):
        span = spans_for(module, [node]).get(id(node))
        if span is not None:
            label = f"{label} (line {span.line})"
    return budget.note(label)


class _Freezer:
    """Turns evaluation records (live values, CST nodes) into frozen, positioned facts."""

    def __init__(self, module: cst.Module, path: str, planner: Optional[FixPlanner] = None,
                 describe_runs: bool = True) -> None:
        self.module = module
        self.path = path
        self.planner = planner
        self.describe_runs = describe_runs
        self._nodes: Dict[int, cst.CSTNode] = {}
        self._spans: Dict[int, Span] = {}
        self._fixes: Dict[Tuple[int, int], Union[PlannedFix, Because]] = {}  # (id(stack/driver node), owner key)

    def _plan(self, key: Tuple[int, int], plan: Union[PlannedFix, Because]) -> None:
        self._fixes[key] = plan
        because = plan if isinstance(plan, Because) else plan.reason
        if because is not None:
            for node in because.nodes:
                self._want(node)
        if isinstance(plan, PlannedFix):
            for edit in plan.edits:
                self._want(edit.node)

    def _reason(self, because: Optional[Because]) -> str:
        return because.format([self._span(n).line for n in because.nodes]) if because is not None else ""

    def _fix(self, key: Tuple[int, int]) -> Tuple[Optional[Fix], Optional[str]]:
        plan = self._fixes.get(key)
        if plan is None:
            return None, None
        if isinstance(plan, Because):
            return None, self._reason(plan)
        edits = []
        for edit in plan.edits:
            span = self._span(edit.node)
            if edit.action == "delete":
                span = Span(span.line, 1, span.end_line + 1, 1)
            elif edit.action == "insert":
                span = Span(span.line, span.column, span.line, span.column)
            edits.append(Edit(span, edit.text))
        return Fix(plan.description, tuple(sorted(edits, key=lambda e: e.span)), plan.safe,
                   self._reason(plan.reason)), None

    def _want(self, node: cst.CSTNode) -> None:
        self._nodes[id(node)] = node

    def _span(self, node: cst.CSTNode) -> Span:
        return self._spans[id(node)]

    def freeze(self, stacks: List[StackRecord], drivers: List[DriverRecord], scope_replay: Replay) -> ModuleModel:
        stack_facts: List[Tuple[StackRecord, Dict[Obj, List[identity.Placement]]]] = []
        for record in stacks:
            if record.obj is not None and record.obj.rebuilt:
                continue
            shared = identity.shared_owners(record.layers)
            shared = {o: p for o, p in shared.items() if _reportable(o)}
            if shared:
                stack_facts.append((record, shared))
                self._want(record.node)
                for owner, places in shared.items():
                    self._want(_origin(owner))
                    for place in places:
                        self._want(record.layers.parts[place.part_index].node)
                    if self.planner is not None and (id(record.node), owner.key) not in self._fixes:
                        self._plan((id(record.node), owner.key), self.planner.for_stack(record.layers, owner, places))
        bidi_facts: List[Tuple[DriverRecord, Tuple[Obj, ...], bool, Value, Value]] = []
        for driver in drivers:
            if not driver.bidirectional:
                continue
            roles = dict(driver.cells)
            fw = roles.get("cell_fw", roles.get("cells_fw"))
            bw = roles.get("cell_bw", roles.get("cells_bw"))
            if fw is None or bw is None:
                continue
            common = identity.known_owners(fw) & identity.known_owners(bw)
            common_sorted = tuple(sorted((o for o in common if _reportable(o)), key=lambda o: o.key))
            if common_sorted:
                bidi_facts.append((driver, common_sorted, fw is bw, fw, bw))
                self._want(driver.node)
                backward = _arg_node(driver.node, ("cell_bw", "cells_bw"), 1)
                if self.planner is not None and backward is not None and (id(driver.node), 0) not in self._fixes:
                    self._plan((id(driver.node), 0), self.planner.for_directions(backward, fw, bw, common_sorted))
                for owner in common_sorted:
                    self._want(_origin(owner))
        for run in scope_replay.runs if self.describe_runs else ():
            self._want(run.record.node)
            for layer in run.layers:
                self._want(_origin(_base(layer.cell)))
        for issue in scope_replay.issues:
            self._want(issue.node)
            if issue.other_node is not None:
                self._want(issue.other_node)
            if issue.cell is not None:
                self._want(_origin(issue.cell))
            if issue.reuse_node is not None:
                self._want(issue.reuse_node)
            if issue.loop_node is not None:
                self._want(issue.loop_node)
        self._spans = spans_for(self.module, self._nodes.values())
        return ModuleModel(
            path=self.path,
            stacks=self._stack_models(stack_facts),
            bidirectional=self._bidi_models(bidi_facts),
            scopes=self._scope_model(scope_replay),
        )

    def _scope_model(self, scope_replay: Replay) -> ScopeModel:
        runs = () if not self.describe_runs else tuple(
            RunModel(
                index=run.index,
                driver=run.record.name,
                span=self._span(run.record.node),
                scope="/".join(run.record.scope) if run.record.scope is not None else None,
                reuse=run.record.reuse,
                context=run.context,
                layers=tuple(
                    LayerModel(layer.index, layer.direction, _class_name(_base(layer.cell)),
                               self._span(_origin(_base(layer.cell))), tuple(layer.variables), layer.borrows_from)
                    for layer in run.layers
                ),
            )
            for run in scope_replay.runs
        )

        def endpoint(point: Tuple[int, Optional[int], Optional[str]]) -> Endpoint:
            return Endpoint(point[0], runs[point[0]].span.line, point[1], point[2])

        relations = () if not self.describe_runs else tuple(
            SharingRelation(r.kind, r.code, r.variables, (endpoint(r.first), endpoint(r.second)))
            for r in scope_replay.relations
        )
        issues = tuple(
            ScopeIssue(
                code=i.code,
                span=self._span(i.node),
                driver=i.run.record.name,
                scope=i.scope,
                variable=i.variable,
                other_span=self._span(i.other_node) if i.other_node is not None else None,
                other_scope=i.other_scope,
                cell=self._cell_ref(i.cell) if i.cell is not None else None,
                reuse_span=self._span(i.reuse_node) if i.reuse_node is not None else None,
                loop_span=self._span(i.loop_node) if i.loop_node is not None else None,
            )
            for i in scope_replay.issues
        )
        unique_issues = tuple(sorted(set(issues), key=lambda i: (i.span, i.code)))
        return ScopeModel(runs, relations, unique_issues)

    def _stack_models(
        self, facts: List[Tuple[StackRecord, Dict[Obj, List[identity.Placement]]]]
    ) -> Tuple[StackModel, ...]:
        merged: Dict[Tuple[int, Optional[str]], Tuple[StackRecord, Dict[int, Sharing]]] = {}
        for record, shared in facts:
            key = (id(record.node), record.role)
            _, sharings = merged.setdefault(key, (record, {}))
            for owner, places in shared.items():
                sharing = self._sharing(record.layers, owner, places)
                fix, no_fix = self._fix((id(record.node), owner.key))
                sharing = replace(sharing, fix=fix, no_fix=no_fix)
                sharings.setdefault(hash((sharing.cell.span, sharing.via)), sharing)
        models = []
        for record, sharings in merged.values():
            models.append(StackModel(
                kind=record.kind,
                role=record.role,
                span=self._span(record.node),
                shared=tuple(sorted(sharings.values(), key=lambda s: (s.cell.span, s.via))),
            ))
        return tuple(sorted(models, key=lambda m: (m.span, m.role or "")))

    def _sharing(self, layers: ListVal, owner: Obj, places: List[identity.Placement]) -> Sharing:
        indices: Optional[List[int]] = []
        for place in places:
            found = identity.layer_indices(layers, place.part_index)
            if found is None or indices is None:
                indices = None
            else:
                indices.extend(found)
        every = len(layers.parts) == 1 and places[0].repeated and layers.complete
        via_nodes = []
        seen: Set[int] = set()
        for place in places:
            node = layers.parts[place.part_index].node
            if id(node) not in seen:
                seen.add(id(node))
                via_nodes.append(node)
        return Sharing(
            cell=self._cell_ref(owner),
            layers=tuple(sorted(set(indices))) if indices else None,
            every_layer=every,
            via=tuple(self._span(n) for n in via_nodes),
            via_text=tuple(self._text(n) for n in via_nodes),
        )

    def _bidi_models(
        self, facts: List[Tuple[DriverRecord, Tuple[Obj, ...], bool, Value, Value]]
    ) -> Tuple[DirectionSharing, ...]:
        models: Dict[int, DirectionSharing] = {}
        for driver, owners, same, _fw, _bw in facts:
            fw_node = _arg_node(driver.node, ("cell_fw", "cells_fw"), 0)
            bw_node = _arg_node(driver.node, ("cell_bw", "cells_bw"), 1)
            model = DirectionSharing(
                driver=driver.name,
                span=self._span(driver.node),
                cells=tuple(self._cell_ref(o) for o in owners),
                same_value=same,
                fw_text=self._text(fw_node) if fw_node is not None else "cell_fw",
                bw_text=self._text(bw_node) if bw_node is not None else "cell_bw",
            )
            fix, no_fix = self._fix((id(driver.node), 0))
            model = replace(model, fix=fix, no_fix=no_fix)
            models.setdefault(id(driver.node), model)
        return tuple(sorted(models.values(), key=lambda m: m.span))

    def _cell_ref(self, owner: Obj) -> CellRef:
        origin = _origin(owner)
        return CellRef(
            key=owner.key,
            cls=_class_name(owner),
            family=owner.family.value,
            label=owner.label or self._text(origin),
            span=self._span(origin),
        )

    def _text(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 3] + "..."


def _reportable(owner: Obj) -> bool:
    return owner.kind in ("cell", "wrapper", "join")


def _origin(owner: Obj) -> cst.CSTNode:
    """The expression that made `owner`; a join made by an if-statement points at its first branch."""
    if owner.kind == "join" and not isinstance(owner.node, cst.BaseExpression):
        for alt in owner.alternatives:
            if isinstance(alt, Obj):
                return _origin(alt)
    return owner.node


def _base(obj: Obj) -> Obj:
    """The cell inside variable-free wrappers (what a layer *is*, for explain)."""
    if obj.kind == "join":
        settled = identity.settle_join(obj)
        obj = settled if settled is not None else obj
    return identity.strip_free_wrappers(obj)


def _class_name(owner: Obj) -> str:
    if owner.kind == "join":
        names = sorted({_class_name(a) for a in owner.alternatives if isinstance(a, Obj)})
        return " or ".join(names) if names else "cell"
    return owner.cls


def _arg_node(call: cst.Call, keywords: Tuple[str, ...], position: int) -> Optional[cst.BaseExpression]:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in keywords:
            return arg.value
    return positional[position].value if position < len(positional) else None
