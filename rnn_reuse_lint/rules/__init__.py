"""The rule registry: one module per rule, listed here once."""
from __future__ import annotations

from typing import Dict, Tuple, Type

from rnn_reuse_lint.rules.base import Rule
from rnn_reuse_lint.rules.rnn101_same_cell_in_several_layers import SameCellInSeveralLayers
from rnn_reuse_lint.rules.rnn102_same_cell_both_directions import SameCellBothDirections

ALL_RULES: Tuple[Type[Rule], ...] = (
    SameCellInSeveralLayers,
    SameCellBothDirections,
)

RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# Codes the engine itself emits (not rules over the model).
ENGINE_CODES = {"RNN000": "file-not-analysed"}
