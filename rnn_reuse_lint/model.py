"""The frozen ModuleModel: every RNN fact of one file, computed once by the builder, queried by the rules."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple

from rnn_reuse_lint.finding import Span


@dataclass(frozen=True)
class CellRef:
    """A cell (or variable-owning wrapper) object as the model knows it."""

    key: int
    cls: str  # "LSTMCell"; alternatives joined by " or "
    family: str  # "tf1" | "keras"
    label: str  # how the code names it: `cell`, `self.cell`, `LSTMCell(num_units)`
    span: Span  # where it is created


@dataclass(frozen=True)
class Sharing:
    """One object that serves several layers of one stack."""

    cell: CellRef
    layers: Optional[Tuple[int, ...]]  # the layer indices, None when the count is not known
    every_layer: bool  # the whole list is this one object
    via: Tuple[Span, ...]  # the expressions that placed it (`[cell] * n`, `cells.append(cell)`)
    via_text: Tuple[str, ...]


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


@dataclass(frozen=True)
class ModuleModel:
    """Everything the rules may ask about one module."""

    path: str
    stacks: Tuple[StackModel, ...] = ()
    bidirectional: Tuple[DirectionSharing, ...] = ()
    notes: Tuple[str, ...] = ()
