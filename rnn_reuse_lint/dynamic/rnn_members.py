"""Which methods of a class work with the RNN objects its other methods keep on `self`."""
from __future__ import annotations

import ast
import re
from typing import List, Sequence, Set


def holds(node: ast.AST, targets: Sequence[int]) -> bool:
    """Whether a finding's line lies in the function (a train() that only calls the model and builds the optimizer
    holds an RNN105 line without any RNN name in it)."""
    lo, hi = getattr(node, "lineno", 0), getattr(node, "end_lineno", None) or 0
    return any(lo <= t <= hi for t in targets)


def rnn_attributes(cls: ast.ClassDef, lines: List[str], tokens: "re.Pattern[str]") -> Set[str]:
    """`self.lstm1 = tf.contrib.rnn.BasicLSTMCell(...)` anywhere in the class: the attributes holding RNN objects."""
    out: Set[str] = set()
    for node in ast.walk(cls):
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        text = "\n".join(lines[node.value.lineno - 1:(node.value.end_lineno or node.value.lineno)])
        if not tokens.search(text):
            continue
        for target in targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
                out.add(target.attr)
    return out


def uses_attributes(method: ast.FunctionDef, attrs: Set[str]) -> bool:
    """Whether the method reads one of these `self` attributes (`self.lstm1(x, state)` in a build_model whose text
    names no RNN: its cells were made in __init__)."""
    return any(isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr in attrs
               and isinstance(node.value, ast.Name) and node.value.id == "self" for node in ast.walk(method))
