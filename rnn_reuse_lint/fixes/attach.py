"""Plan the fixes an output needs from the Evaluation, and put them on the model's sharings (at the edge)."""
from __future__ import annotations

from dataclasses import replace
from typing import Dict, Iterable, List, Optional, Tuple, Union

import libcst as cst

from rnn_reuse_lint.evaluation import Evaluation, SiteKey, StackSite
from rnn_reuse_lint.finding import Because, Edit, Fix, Span
from rnn_reuse_lint.fixes.plan import FixPlanner, PlannedFix
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.settings import FixMode

_NOWHERE = Span(1, 1, 1, 1)  # a node the module does not contain (never expected; never a crash)
Plan = Union[PlannedFix, Because]


def with_fixes(model: ModuleModel, evaluation: Evaluation, mode: FixMode) -> ModuleModel:
    """`model` with a fix (or why there is none) on each sharing that has a site. "plan": whole fixes,
    positioned. "mark": only whether a fix exists and is safe (`Fix.edits` empty, no reasons): what the text
    report's `[*]` and its summary count read; nothing is positioned or written out. "off": `model` itself."""
    if mode == "off" or not evaluation.sites:
        return model
    plans = plan_all(evaluation)
    if mode == "mark":
        fixes = {key: _verdict(plan) for key, plan in plans.items()}
    else:
        spans = _positions(evaluation, plans.values())
        fixes = {key: _positioned(plan, spans) for key, plan in plans.items()}
    return _attach(model, fixes)


def plan_all(evaluation: Evaluation) -> Dict[SiteKey, Plan]:
    """Every site's plan, in the order the builder met the sites: a local factory's name (`make_cell_2`)
    depends on the factories planned before it."""
    planner = FixPlanner(evaluation)
    plans: Dict[SiteKey, Plan] = {}
    for key, site in evaluation.sites.items():
        if isinstance(site, StackSite):
            plans[key] = planner.for_stack(site.layers, site.owner, site.places)
        else:
            plans[key] = planner.for_directions(site.backward, site.fw, site.bw, site.owners)
    return plans


def _verdict(plan: Plan) -> Tuple[Optional[Fix], Optional[str]]:
    if isinstance(plan, Because):
        return None, None
    return Fix(plan.description, (), plan.safe), None


def _positions(evaluation: Evaluation, plans: Iterable[Plan]) -> Dict[int, Span]:
    """Spans of every node the fixes and their reasons name: the builder's, then one pass for the rest."""
    wanted: List[cst.CSTNode] = []
    for plan in plans:
        because = plan if isinstance(plan, Because) else plan.reason
        if because is not None:
            wanted.extend(n for n in because.nodes if isinstance(n, cst.CSTNode))
        if isinstance(plan, PlannedFix):
            wanted.extend(edit.node for edit in plan.edits)
    known = evaluation.spans
    missing = [n for n in wanted if id(n) not in known]
    spans = dict(known)
    if missing:
        from rnn_reuse_lint.positions import spans_for

        spans.update(spans_for(evaluation.module, missing))
    return spans


def _positioned(plan: Plan, spans: Dict[int, Span]) -> Tuple[Optional[Fix], Optional[str]]:
    """The Fix of a plan in line/column terms, or (None, why not)."""
    if isinstance(plan, Because):
        return None, _reason(plan, spans)
    edits = []
    for edit in plan.edits:
        span = spans.get(id(edit.node), _NOWHERE)
        if edit.action == "delete":
            span = Span(span.line, 1, span.end_line + 1, 1)
        elif edit.action == "insert":
            span = Span(span.line, span.column, span.line, span.column)
        edits.append(Edit(span, edit.text))
    reason = _reason(plan.reason, spans) if plan.reason is not None else ""
    return Fix(plan.description, tuple(sorted(edits, key=lambda e: e.span)), plan.safe, reason), None


def _reason(because: Because, spans: Dict[int, Span]) -> str:
    return because.format([spans.get(id(n), _NOWHERE).line for n in because.nodes])


def _attach(model: ModuleModel, fixes: Dict[SiteKey, Tuple[Optional[Fix], Optional[str]]]) -> ModuleModel:
    stacks = tuple(
        replace(stack, shared=tuple(
            replace(s, fix=fixes[s.site][0], no_fix=fixes[s.site][1]) if s.site in fixes else s
            for s in stack.shared))
        for stack in model.stacks)
    bidirectional = tuple(
        replace(d, fix=fixes[d.site][0], no_fix=fixes[d.site][1]) if d.site in fixes else d
        for d in model.bidirectional)
    return replace(model, stacks=stacks, bidirectional=bidirectional)
