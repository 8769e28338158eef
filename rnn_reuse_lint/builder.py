"""Builds the frozen ModuleModel from one parsed module: evaluate once, then turn records into facts."""
from __future__ import annotations

import os
from dataclasses import replace
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from rnn_reuse_lint import identity
from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.evaluate import Evaluator
from rnn_reuse_lint.evaluation import DirectionSite, Evaluation, Site, SiteKey, StackSite, evaluation_of
from rnn_reuse_lint.finding import Span
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
from rnn_reuse_lint.runs import Issue, Replay, replay
from rnn_reuse_lint.settings import DEFAULT_TF_VERSION
from rnn_reuse_lint.positions import spans_for
from rnn_reuse_lint.modules import Loaded, Loader
from rnn_reuse_lint.values import DriverRecord, ListVal, Obj, SlotFailure, StackRecord, Value

_LABEL_LIMIT = 40
_NOWHERE = Span(1, 1, 1, 1)  # a node no module the evaluation read contains (never expected; never a crash)


def build_model(
    module: cst.Module,
    path: str,
    tf_version: str = DEFAULT_TF_VERSION,
    defines: Optional[Dict[str, str]] = None,
    describe_runs: bool = True,
    source: Optional[str] = None,
    project: bool = True,
    budget: Optional[Budget] = None,
) -> Tuple[ModuleModel, Evaluation]:
    """The one pass over a parsed module that every rule reads from, and the Evaluation that fixes for its
    findings are planned from (at the edge, only when the output needs them: see fixes/attach.py).

    `describe_runs`: also freeze every run and sharing relation (for `explain`); the rules read only the
    issues, and positioning every run costs code generation up to the last driver of the file.
    """
    loader = Loader(os.path.abspath(path)) if project and os.path.isdir(os.path.dirname(os.path.abspath(path))) \
        else None
    evaluator = Evaluator(module, defines, source, loader=loader, budget=budget)
    if loader is not None:
        loader.enter(module, evaluator.module_frame)
    records = evaluator.run()
    scope_replay = replay(records.drivers, tf_version, evaluator.function_names)
    freezer = _Freezer(module, path, describe_runs, loader.used if loader is not None else ())
    model = freezer.freeze(records.stacks, records.drivers, scope_replay, records.slot_failures)
    note = _budget_note(module, evaluator.budget)
    evaluation = evaluation_of(evaluator, module, freezer.sites, freezer.spans)
    return (replace(model, notes=model.notes + (note,)) if note else model), evaluation


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

    def __init__(self, module: cst.Module, path: str, describe_runs: bool = True, foreign: Sequence[Loaded] = ()
                 ) -> None:
        self.module = module
        self.path = path
        self.foreign = foreign  # the project modules the evaluation read: nodes of theirs live there
        self._paths: Dict[int, str] = {}  # id(node) -> module path, for nodes outside this file
        self.describe_runs = describe_runs
        self._nodes: Dict[int, cst.CSTNode] = {}
        self._spans: Dict[int, Span] = {}
        # Where a fix could be planned (this file's own stacks and drivers), in the order they are met: the
        # Evaluation carries them to the edge, which plans only when the output needs fixes.
        self.sites: Dict[SiteKey, Site] = {}

    @property
    def spans(self) -> Dict[int, Span]:
        return self._spans

    def _want(self, node: cst.CSTNode) -> None:
        self._nodes[id(node)] = node

    def _span(self, node: cst.CSTNode) -> Span:
        return self._spans.get(id(node), _NOWHERE)

    def _path(self, node: cst.CSTNode) -> Optional[str]:
        """The other module a node is in, or None for this file."""
        return self._paths.get(id(node))

    def _locate(self) -> None:
        """Spans for every wanted node: this file's first, then each project module the evaluation read."""
        # Nodes of modules whose spans are already known first, so that this file's walk can stop at its own
        # last wanted node instead of running to its end looking for nodes that live elsewhere.
        self._spans = {}
        for loaded in self.foreign:
            if loaded.known_spans():
                self._take(loaded)
        self._spans.update(spans_for(self.module, [n for key, n in self._nodes.items() if key not in self._spans]))
        for loaded in self.foreign:
            if all(key in self._spans for key in self._nodes):
                break
            self._take(loaded)

    def _take(self, loaded: Loaded) -> None:
        """The wanted nodes that live in another module of the project, with their spans there."""
        found = loaded.spans_of([n for key, n in self._nodes.items() if key not in self._spans])
        self._spans.update(found)
        self._paths.update((key, loaded.path) for key in found)

    def _here(self, node: cst.CSTNode, sites: Sequence[cst.CSTNode]) -> Optional[cst.CSTNode]:
        """Where in this file to report something that happens at `node`: the node itself, or the call in this
        file that leads into the other module (None when nothing in this file leads there)."""
        if self._path(node) is None:
            return node
        here: Optional[cst.CSTNode] = None
        for site in sites:  # the last call in this file before the chain enters the other module
            if self._path(site) is not None or id(site) not in self._spans:
                break
            here = site
        return here

    def _issue_here(self, issue: Issue) -> Optional[cst.CSTNode]:
        """Where a scope issue is reported in this file: where it happens, or (inside another project module) the
        call here that handed that module the object twice; None when it is that module's own finding."""
        other = issue.other.record if issue.other is not None else None
        back = self._called_back(issue.run.record, other) if other is not None else None
        if self._path(issue.node) is None:
            return back or issue.node
        if back is not None and issue.cell is not None and self._path(_origin(issue.cell)) is None:
            return back  # this file's cell, run by this file's closures that the other module calls back
        if issue.cell is not None and issue.cell.key in issue.run.record.handed:
            return self._handed_here(issue.node, issue.run.record, issue.cell.key)
        return None

    def _called_back(self, record: DriverRecord, other: DriverRecord) -> Optional[cst.CSTNode]:
        """When a run's chain leaves this file for another module and comes back (a closure `decoder_f` handed to
        it and called there), the last call this file makes from there that the other run's chain does not: nearer
        to the run than the call that left, and still this run's own."""
        theirs = {id(site) for site in other.sites}
        left = False
        back: Optional[cst.CSTNode] = None
        for site in record.sites:
            if self._path(site) is not None:
                left = True
            elif left and id(site) in self._spans and id(site) not in theirs:
                back = site
        return back

    def _other_here(self, issue: Issue) -> cst.CSTNode:
        """Where the related (first) run of a scope issue is shown: like `_issue_here`, through called-back closures."""
        assert issue.other_node is not None
        if issue.other is None:
            return issue.other_node
        return self._called_back(issue.other.record, issue.run.record) or issue.other_node

    def _handed_here(self, node: cst.CSTNode, record: Union[DriverRecord, StackRecord], key: int
                     ) -> Optional[cst.CSTNode]:
        """The argument in this file that handed another module the object a second time, else the call."""
        argument = dict(record.handed_at).get(key)
        if argument is not None and self._path(argument) is None and id(argument) in self._spans:
            return argument
        return self._here(node, record.sites)

    def freeze(self, stacks: List[StackRecord], drivers: List[DriverRecord], scope_replay: Replay,
               slot_failures: Sequence[SlotFailure] = ()) -> ModuleModel:
        stack_facts: List[Tuple[StackRecord, Dict[Obj, List[identity.Placement]]]] = []
        for record in stacks:
            if record.obj is not None and record.obj.rebuilt:
                continue
            shared = identity.shared_owners(record.layers)
            shared = {o: p for o, p in shared.items() if _reportable(o)}
            if shared:
                stack_facts.append((record, shared))
                self._want(record.node)
                for site in record.sites if record.foreign else ():
                    self._want(site)
                for owner, places in shared.items():
                    self._want(_origin(owner))
                    for place in places:
                        self._want(record.layers.parts[place.part_index].node)
                    if not record.foreign:
                        self.sites.setdefault((id(record.node), owner.key),
                                              StackSite(record.layers, owner, tuple(places)))
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
                for site in driver.sites if driver.foreign else ():
                    self._want(site)
                backward = _arg_node(driver.node, ("cell_bw", "cells_bw"), 1)
                if backward is not None and not driver.foreign:
                    self.sites.setdefault((id(driver.node), 0), DirectionSite(backward, fw, bw, common_sorted))
                for owner in common_sorted:
                    self._want(_origin(owner))
        for run in scope_replay.runs if self.describe_runs else ():
            self._want(run.record.node)
            for layer in run.layers:
                self._want(_origin(_base(layer.cell)))
        for issue in scope_replay.issues:
            self._want(issue.node)
            for site in (*issue.run.record.sites, *(n for _, n in issue.run.record.handed_at)) \
                    if issue.run.record.foreign or issue.other is not None else ():
                self._want(site)
            if issue.other_node is not None:
                self._want(issue.other_node)
            for site in issue.other.record.sites if issue.other is not None else ():
                self._want(site)  # a chain that left this file and came back (see _called_back)
            if issue.cell is not None:
                self._want(_origin(issue.cell))
            if issue.reuse_node is not None:
                self._want(issue.reuse_node)
            if issue.loop_node is not None:
                self._want(issue.loop_node)
        for failure in slot_failures:
            self._want(failure.node)
            self._want(failure.reuse_node)
        self._locate()
        scopes = self._scope_model(scope_replay)
        # A failure in another module (a trainer that module's own run reaches) is that module's finding: this
        # file would show it at that module's lines. A reuse switched on in another module is its related place.
        slot_failures = [f for f in slot_failures if self._path(f.node) is None]
        if slot_failures:
            slots = tuple(ScopeIssue(fact="slot_creation_fails", span=self._span(f.node), driver=f.optimizer,
                                     scope=f.optimizer[:-len("Optimizer")] if f.optimizer.endswith("Optimizer")
                                     else f.optimizer, variable=None, reuse_span=self._span(f.reuse_node),
                                     reuse_path=self._path(f.reuse_node))
                          for f in slot_failures)
            scopes = replace(scopes, issues=tuple(sorted(set(scopes.issues + slots), key=lambda i: (i.span, i.fact))))
        return ModuleModel(
            path=self.path,
            stacks=self._stack_models(stack_facts),
            bidirectional=self._bidi_models(bidi_facts),
            scopes=scopes,
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
                               self._span(_origin(_base(layer.cell))), tuple(layer.variables), layer.borrows_from,
                               layer.symbolic)
                    for layer in run.layers
                ),
            )
            for run in scope_replay.runs
        )

        def endpoint(point: Tuple[int, Optional[int], Optional[str]]) -> Endpoint:
            return Endpoint(point[0], runs[point[0]].span.line, point[1], point[2])

        relations = () if not self.describe_runs else tuple(
            SharingRelation(r.kind, r.fact, r.variables, (endpoint(r.first), endpoint(r.second)))
            for r in scope_replay.relations
        )
        issues = tuple(
            ScopeIssue(
                fact=i.fact,
                span=self._span(here),
                driver=i.run.record.name,
                scope=i.scope,
                variable=i.variable,
                other_span=self._span(self._other_here(i)) if i.other_node is not None else None,
                other_scope=i.other_scope,
                cell=self._cell_ref(i.cell) if i.cell is not None else None,
                reuse_span=self._span(i.reuse_node) if i.reuse_node is not None else None,
                loop_span=self._span(i.loop_node) if i.loop_node is not None else None,
                other_path=self._path(self._other_here(i)) if i.other_node is not None else None,
            )
            for i, here in ((i, self._issue_here(i)) for i in scope_replay.issues) if here is not None
        )
        unique_issues = tuple(sorted(set(issues), key=lambda i: (i.span, i.fact)))
        return ScopeModel(runs, relations, unique_issues)

    def _stack_models(
        self, facts: List[Tuple[StackRecord, Dict[Obj, List[identity.Placement]]]]
    ) -> Tuple[StackModel, ...]:
        merged: Dict[Tuple[int, Optional[str]], Tuple[cst.CSTNode, StackRecord, Dict[int, Sharing]]] = {}
        for record, shared in facts:
            here = self._here(record.node, record.sites)
            if here is None:
                continue
            if here is not record.node:
                # A stack built in another project module from objects this file handed it: reported at the call
                # here (a sharing made entirely inside that module is that module's finding).
                shared = {o: p for o, p in shared.items() if o.key in record.handed}
            key = (id(here), record.role)
            _, _, sharings = merged.setdefault(key, (here, record, {}))
            for owner, places in shared.items():
                sharing = self._sharing(record.layers, owner, places)
                site = (id(record.node), owner.key)
                sharing = replace(sharing, site=site if site in self.sites else None)
                sharings.setdefault(hash((sharing.cell.span, sharing.via)), sharing)
        models = []
        for here, record, sharings in merged.values():
            if not sharings:
                continue
            models.append(StackModel(
                kind=record.kind,
                role=record.role,
                span=self._span(here),
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
            here = self._here(driver.node, driver.sites)
            if here is not driver.node:
                owners = tuple(o for o in owners if o.key in driver.handed)  # see _stack_models
            if here is None or not owners:
                continue
            fw_node = _arg_node(driver.node, ("cell_fw", "cells_fw"), 0) if here is driver.node else None
            bw_node = _arg_node(driver.node, ("cell_bw", "cells_bw"), 1) if here is driver.node else None
            model = DirectionSharing(
                driver=driver.name,
                span=self._span(here),
                cells=tuple(self._cell_ref(o) for o in owners),
                same_value=same,
                fw_text=self._text(fw_node) if fw_node is not None else owners[0].label or "cell_fw",
                bw_text=self._text(bw_node) if bw_node is not None else owners[0].label or "cell_bw",
            )
            site = (id(driver.node), 0)
            model = replace(model, site=site if site in self.sites else None)
            models.setdefault(id(here), model)
        return tuple(sorted(models.values(), key=lambda m: m.span))

    def _cell_ref(self, owner: Obj) -> CellRef:
        origin = _origin(owner)
        return CellRef(
            key=owner.key,
            cls=_class_name(owner),
            family=owner.family.value,
            label=owner.label or self._text(origin),
            span=self._span(origin),
            assumes=owner.assumes,
            path=self._path(origin),
        )

    def _text(self, node: cst.CSTNode) -> str:
        text = " ".join(self.module.code_for_node(node).split())
        return text if len(text) <= _LABEL_LIMIT else text[: _LABEL_LIMIT - 3] + "..."


def _reportable(owner: Obj) -> bool:
    return owner.kind in ("cell", "wrapper", "join", "opaque")


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
    if owner.kind == "opaque":
        return "class not known"
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
