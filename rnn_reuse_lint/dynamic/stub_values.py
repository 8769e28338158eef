"""What a stepped-over statement's size-like names get instead of a stub: the numbers synthesized names get."""
from __future__ import annotations

import ast
from typing import Any, Dict, List

from rnn_reuse_lint.dynamic.name_values import looks_like_size, size_value


def _targets(node: ast.AST, out: List[str]) -> None:
    """Assignable source texts of a target, as tolerate.bound_names words them (`n`, `self.n_hidden`)."""
    if isinstance(node, ast.Name):
        out.append(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            _targets(elt, out)
    elif isinstance(node, ast.Starred):
        _targets(node.value, out)
    elif isinstance(node, ast.Attribute):
        parts = [node.attr]
        inner = node.value
        while isinstance(inner, ast.Attribute):
            parts.append(inner.attr)
            inner = inner.value
        if isinstance(inner, ast.Name):
            out.append(".".join([inner.id] + parts[::-1]))


def stub_values(tree: ast.Module) -> Dict[str, Any]:
    """For every name the file assigns whose last part reads as a size, count or knob (`n_hidden_units =
    parser.getint(...)`, `self.num_layers = cfg['layers']`): the value a stand-in for it takes when its statement
    fails and is stepped over. A stub there becomes a cell's unit count, and TensorFlow builds scalar shapes from
    it; a number keeps the graph the shape the program meant."""
    out: Dict[str, Any] = {}
    for node in ast.walk(tree):
        targets: List[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        texts: List[str] = []
        for target in targets:
            _targets(target, texts)
        for text in texts:
            last = text.rsplit(".", 1)[-1]
            if looks_like_size(last):
                value = size_value(last)
                if isinstance(value, (int, float)):
                    out[text] = value
    return out
