"""What a stepped-over statement's size-like names get instead of a stub: the numbers synthesized names get."""
from __future__ import annotations

import ast
from typing import Any, Dict

from rnn_reuse_lint.dynamic.name_values import looks_like_size, size_value


def stub_values(tree: ast.Module) -> Dict[str, Any]:
    """For every name and attribute name of the file that reads as a size, count or knob (`n_hidden_units`,
    `num_layers`, `keep_prob`): the value a stand-in takes when a statement binding it (`n_hidden_units =
    parser.getint(...)`, `self.num_layers = cfg['layers']`) fails and is stepped over; the child looks a bound
    name up by its last part. A stub there becomes a cell's unit count, and TensorFlow builds scalar shapes from
    it; a number keeps the graph the shape the program meant."""
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    out: Dict[str, Any] = {}
    for name in sorted(names):
        if looks_like_size(name):
            value = size_value(name)
            if isinstance(value, (int, float)):
                out[name] = value
    return out
