"""The rule registry: one module per rule, listed here once."""
from __future__ import annotations

from typing import Dict, Tuple, Type

from rnn_reuse_lint.rules.base import Rule
from rnn_reuse_lint.rules.rnn101_same_cell_in_several_layers import SameCellInSeveralLayers
from rnn_reuse_lint.rules.rnn102_same_cell_both_directions import SameCellBothDirections
from rnn_reuse_lint.rules.rnn103_cell_driven_in_two_scopes import CellDrivenInTwoScopes
from rnn_reuse_lint.rules.rnn104_second_rnn_same_scope import SecondRnnSameScope
from rnn_reuse_lint.rules.rnn105_reuse_before_create import ReuseBeforeCreate

ALL_RULES: Tuple[Type[Rule], ...] = (
    SameCellInSeveralLayers,
    SameCellBothDirections,
    CellDrivenInTwoScopes,
    SecondRnnSameScope,
    ReuseBeforeCreate,
)

RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# Codes the engine itself emits (not rules over the model).
ENGINE_CODES = {"RNN000": "file-not-analysed"}
