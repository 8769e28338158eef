"""The frozen ModuleModel: every RNN fact of one file, computed once by the builder, queried by the rules."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional, Tuple

from rnn_reuse_lint.finding import Fix, Span

FamilyName = Literal["tf1", "keras"]  # tf_api.Family's values
# A scope's reuse mode: "none" (create; TF's reuse=None/False inherit the parent), "true", "auto" (tf.AUTO_REUSE),
# "unknown" (computed from a parameter)
Reuse = Literal["none", "true", "auto", "unknown"]
# Two runs sharing variables: reuse asked for, a rule's concern (its code says which), or not known
RelationKind = Literal["intended", "suspicious", "unknown"]
Direction = Literal["fw", "bw"]
# What the model found, named without a rule's code: each rule module in rules/ says which facts it reports.
# The tracing child (dynamic/rrl_child/summarize.py) names what real TensorFlow did with the same words.
Fact = Literal[
    "shared_across_layers",  # one object is several layers of one stack (model.stacks)
    "shared_across_directions",  # one object is the forward and the backward cell (model.bidirectional)
    "borrowed_across_scopes",  # a second run under another scope silently uses the first run's variables
    "created_twice",  # a second run creates variables an earlier run created, without reuse
    "created_each_pass",  # a loop runs a new cell in the same scope on every pass, creating the same names again
    "reuse_missing",  # reuse is asked for variables nothing created before
    "slot_creation_fails",  # an optimizer creates its slot variables while the scope reuses
]
# The facts a ScopeIssue can carry (the rest are model.stacks and model.bidirectional).
ScopeFact = Literal["borrowed_across_scopes", "created_twice", "created_each_pass", "reuse_missing",
                    "slot_creation_fails"]
# Relations in which both runs create the variables (a collision), rather than one using the other's.
COLLIDING: Tuple[Fact, ...] = ("created_twice", "created_each_pass")


@dataclass(frozen=True)
class CellRef:
    """A cell (or variable-owning wrapper) object as the model knows it."""

    key: int
    cls: str  # "LSTMCell"; alternatives joined by " or "
    family: FamilyName
    label: str  # how the code names it: `cell`, `self.cell`, `LSTMCell(num_units)`
    span: Span  # where it is created
    assumes: Optional[str] = None  # a class the pass cannot see: what a finding about it takes for granted
    path: Optional[str] = None  # the project module it is created in, when not the linted file


@dataclass(frozen=True)
class Sharing:
    """One object that serves several layers of one stack."""

    cell: CellRef
    layers: Optional[Tuple[int, ...]]  # the layer indices, None when the count is not known
    every_layer: bool  # the whole list is this one object
    via: Tuple[Span, ...]  # the expressions that placed it (`[cell] * n`, `cells.append(cell)`)
    via_text: Tuple[str, ...]
    fix: Optional[Fix] = None  # filled in at the edge, when the output needs fixes (fixes/attach.py)
    no_fix: Optional[str] = None  # why no fix is offered
    site: Optional[Tuple[int, int]] = field(default=None, compare=False)  # its Evaluation.sites key, if fixable


@dataclass(frozen=True)
class StackModel:
    """A stack constructor call: MultiRNNCell, StackedRNNCells, keras RNN([...]), or a stacked bidi list."""

    kind: str  # "MultiRNNCell" | "StackedRNNCells" | "RNN" | "stack_bidirectional_dynamic_rnn" ...
    role: Optional[str]  # "cells_fw" | "cells_bw" for stacked bidirectional drivers
    span: Span
    shared: Tuple[Sharing, ...]


@dataclass(frozen=True)
class DirectionSharing:
    """A bidirectional driver whose forward and backward cells use the same objects."""

    driver: str
    span: Span
    cells: Tuple[CellRef, ...]  # the shared weight owners
    same_value: bool  # forward and backward are literally one object (or one list)
    fw_text: str
    bw_text: str
    fix: Optional[Fix] = None  # filled in at the edge, when the output needs fixes (fixes/attach.py)
    no_fix: Optional[str] = None  # why no fix is offered
    site: Optional[Tuple[int, int]] = field(default=None, compare=False)  # its Evaluation.sites key, if fixable


@dataclass(frozen=True)
class LayerModel:
    """One layer of one run: which cell object it is and which variables it uses."""

    index: Optional[int]  # None when the layer count is not known
    direction: Optional[Direction]  # for bidirectional runs
    cell: str
    cell_span: Span
    variables: Tuple[str, ...]  # what the layer uses: borrowed names when it borrows
    # (run index, layer index, direction) whose variables it reuses
    borrows_from: Optional[Tuple[int, Optional[int], Optional[str]]] = None
    symbolic: bool = False  # index None stands for layer i of a stack of unknown depth


@dataclass(frozen=True)
class RunModel:
    """One driver call (dynamic_rnn, a cell call, a keras RNN layer call...) as it runs in one context."""

    index: int
    driver: str
    span: Span
    scope: Optional[str]  # the variable scope the driver opens, None when not known
    reuse: str  # a Reuse
    context: str  # "module" or "function NAME" (evaluated with unknown arguments)
    layers: Tuple[LayerModel, ...]


@dataclass(frozen=True)
class Endpoint:
    run: int
    line: int
    layer: Optional[int]
    direction: Optional[str] = None


@dataclass(frozen=True)
class SharingRelation:
    """Two runs' layers using the same variables: intended (reuse asked for), suspicious (`fact` says how:
    one borrows across scopes, or both create), or unknown (a scope or reuse mode the pass cannot tell)."""

    kind: RelationKind
    fact: Optional[ScopeFact]
    variables: Tuple[str, ...]
    between: Tuple[Endpoint, Endpoint]


@dataclass(frozen=True)
class ScopeIssue:
    """A fact about scopes and reuse: where to report, the other place involved, and the names at stake."""

    fact: ScopeFact
    span: Span  # where to report (the second driver call, or the call site that leads to it)
    driver: str
    scope: str  # the scope the reported run asks for
    variable: Optional[str]  # one variable name at stake
    other_span: Optional[Span] = None  # the first run (borrowed_across_scopes, created_twice, created_each_pass)
    other_scope: Optional[str] = None
    cell: Optional[CellRef] = None
    reuse_span: Optional[Span] = None  # reuse_missing, slot_creation_fails: where reuse was requested
    loop_span: Optional[Span] = None  # within one call: the loop whose next pass borrows or collides
    other_path: Optional[str] = None  # the project module of other_span, when not the linted file
    reuse_path: Optional[str] = None  # the project module of reuse_span, when not the linted file


@dataclass(frozen=True)
class ScopeModel:
    """Runs, sharing relations and scope issues of a module, for one assumed TensorFlow version."""

    runs: Tuple[RunModel, ...] = ()
    sharing: Tuple[SharingRelation, ...] = ()
    issues: Tuple[ScopeIssue, ...] = ()


@dataclass(frozen=True)
class ModuleModel:
    """Everything the rules may ask about one module."""

    path: str
    stacks: Tuple[StackModel, ...] = ()
    bidirectional: Tuple[DirectionSharing, ...] = ()
    notes: Tuple[str, ...] = ()
    scopes: ScopeModel = ScopeModel()
    repairs: Tuple[Tuple[int, str, int], ...] = ()  # (line, why, column shift): lines skipped or re-indented
