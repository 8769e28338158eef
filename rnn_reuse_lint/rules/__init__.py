"""The rule registry: every `rnnNNN_*.py` module in this package is a rule; adding one touches nothing else."""
from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Callable, Dict, List, Optional, Tuple, Type

from rnn_reuse_lint.rules.base import Rule

_RULE_MODULE = re.compile(r"rnn\d+_\w+$")


def _discover() -> Tuple[Type[Rule], ...]:
    """The Rule classes the rule modules define, in code order; two rules with one code are a bug in the package."""
    found: List[Type[Rule]] = []
    for module_info in pkgutil.iter_modules(__path__):
        if not _RULE_MODULE.match(module_info.name):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(value for value in vars(module).values()
                     if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__
                     and "code" in vars(value))  # not a shared base class without a code of its own
    codes = [rule.code for rule in found]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        raise ImportError(f"two rule modules define {', '.join(twice)}")
    return tuple(sorted(found, key=lambda rule: rule.code))


ALL_RULES: Tuple[Type[Rule], ...] = _discover()

RULES_BY_CODE: Dict[str, Type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# Codes the engine itself emits (not rules over the model).
ENGINE_CODES = {"RNN000": "file-not-analysed"}


def rule_for(code: str) -> Optional[Type[Rule]]:
    return RULES_BY_CODE.get(code)


def code_for(fact: Optional[str], enabled: Optional[Callable[[str], bool]] = None) -> Optional[str]:
    """The code of the first (enabled) rule that reports a model fact, for labelling it; None when none does."""
    for rule in ALL_RULES:
        if fact in rule.facts and (enabled is None or enabled(rule.code)):
            return rule.code
    return None


def reports(code: Optional[str], *facts: str) -> bool:
    """Whether the rule with this code reports any of these facts (what a label stands for, in views of a
    document that carries codes)."""
    rule = RULES_BY_CODE.get(code) if code is not None else None
    return rule is not None and any(fact in rule.facts for fact in facts)
