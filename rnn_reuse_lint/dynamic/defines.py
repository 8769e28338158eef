"""`--define NAME=VALUE`: the values a user gives the tracer for free names, as the plan's specs."""
from __future__ import annotations

import ast
import re
from typing import Any, Dict, Tuple

Spec = Dict[str, Any]

# The sizes of synthesized tensors (batch, time steps, features); a defined `placeholders` list defaults to TIME.
BATCH, TIME, DEPTH = 2, 3, 4


class DefineError(ValueError):
    """A --define value that cannot be understood."""


_PLACEHOLDER = re.compile(r"^\s*(?:(\d+)\s+)?placeholders?\s+(\w+)\s*\[([^\]]*)\]\s*$")


def parse_define(text: str) -> Tuple[str, Spec]:
    """NAME=VALUE where VALUE is a Python literal, `placeholder DTYPE [d, ...]`, `N placeholders DTYPE [d, ...]`
    or a bare word (taken as a string)."""
    if "=" not in text:
        raise DefineError("--define wants NAME=VALUE, got %r" % text)
    name, value = text.split("=", 1)
    name = name.strip()
    if not name.isidentifier():
        raise DefineError("--define: %r is not a Python name" % name)
    m = _PLACEHOLDER.match(value)
    if m is not None:
        try:
            dims = [None if d.strip() in ("None", "?") else int(d) for d in m.group(3).split(",") if d.strip()]
        except ValueError:
            raise DefineError("--define %s: bad shape [%s]" % (name, m.group(3))) from None
        if m.group(1) is not None or "placeholders" in value:
            return name, {"kind": "placeholders", "count": int(m.group(1) or TIME), "dtype": m.group(2),
                          "shape": dims}
        return name, {"kind": "placeholder", "dtype": m.group(2), "shape": dims}
    try:
        literal = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        if re.fullmatch(r"[\w./:-]*", value.strip()):
            return name, {"kind": "literal", "value": value.strip()}
        raise DefineError("--define %s: cannot read %r (a Python literal or `placeholder float32 [2, 3, 4]`)"
                          % (name, value)) from None
    if isinstance(literal, tuple):
        literal = list(literal)
    if isinstance(literal, (set, frozenset, bytes, complex)):
        raise DefineError("--define %s: %r cannot be sent to the tracer" % (name, value))
    return name, {"kind": "literal", "value": literal}
