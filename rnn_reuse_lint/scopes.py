"""Variable-scope reuse modes: what a `reuse=` argument asks for and how nested requests combine."""
from __future__ import annotations

from typing import Tuple

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.model import Reuse
from rnn_reuse_lint.tf_api import Kind
from rnn_reuse_lint.values import AutoReuse, Const, QName, Value


def reuse_mode(value: Value) -> Reuse:
    """What a `reuse=` argument asks for: "none" (inherit), "true", "auto", or "unknown"."""
    if isinstance(value, Const):
        if value.value is True:
            return "true"
        if value.value is None or value.value is False:
            return "none"
        return "unknown"
    if isinstance(value, AutoReuse):
        return "auto"
    if isinstance(value, QName):
        entry = tf_api.lookup(value.name)
        if entry is not None and entry.kind == Kind.AUTO_REUSE:
            return "auto"
    return "unknown"


_STRONGEST_FIRST: Tuple[Reuse, ...] = ("true", "unknown", "auto")


def combine_reuse(*modes: str) -> Reuse:
    """TF's rule: reuse is inherited and cannot be switched off inside (`reuse=False` means inherit)."""
    for mode in _STRONGEST_FIRST:
        if mode in modes:
            return mode
    return "none"
