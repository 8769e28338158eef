"""The frozen Evaluation: what the evaluator learnt about one module that fixes are planned from, at the edge."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping, Tuple, Union

import libcst as cst

from rnn_reuse_lint.finding import Span
from rnn_reuse_lint.identity import Placement
from rnn_reuse_lint.values import ListVal, Obj, Value

if TYPE_CHECKING:
    from rnn_reuse_lint.evaluate import Evaluator


@dataclass(frozen=True)
class StackSite:
    """One object that serves several layers of one stack, as evaluated: what an RNN101 fix is planned from."""

    layers: ListVal
    owner: Obj
    places: Tuple[Placement, ...]


@dataclass(frozen=True)
class DirectionSite:
    """A bidirectional driver's backward argument and the objects both directions use: what an RNN102 fix is
    planned from."""

    backward: cst.BaseExpression
    fw: Value
    bw: Value
    owners: Tuple[Obj, ...]


Site = Union[StackSite, DirectionSite]
SiteKey = Tuple[int, int]  # (id of the stack or driver call node, owner key; 0 for a driver)


@dataclass(frozen=True)
class Evaluation:
    """What names and calls stood for, and where the model's sharings can be fixed; the model's Sharing and
    DirectionSharing name their site by `SiteKey`. Read-only views: nothing downstream changes them."""

    module: cst.Module
    name_kinds: Mapping[int, str]  # id(Name/Attribute/Subscript) -> "cell" | "function": what it ever held
    callees: Mapping[int, Value]  # id(Call) -> what the call called, as evaluated
    module_names: Mapping[str, Value]  # the module's names after its evaluation
    sites: Mapping[SiteKey, Site]  # in the order the builder met them (fix planning keeps that order)
    spans: Mapping[int, Span]  # id(node) -> span, for the nodes the builder positioned already


def evaluation_of(evaluator: "Evaluator", module: cst.Module, sites: Mapping[SiteKey, Site],
                  spans: Mapping[int, Span]) -> Evaluation:
    """The one place an Evaluation is made from an evaluator's public attributes (after its run)."""
    return Evaluation(module, MappingProxyType(evaluator.name_kinds), MappingProxyType(evaluator.callees),
                      MappingProxyType(evaluator.module_frame.vars), MappingProxyType(dict(sites)),
                      MappingProxyType(dict(spans)))
