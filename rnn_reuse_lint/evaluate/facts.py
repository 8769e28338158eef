"""What the pass can tell about a value or a node without evaluating anything: truth, length, None-ness, opacity."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple

import libcst as cst

from rnn_reuse_lint.tf_api import Family
from rnn_reuse_lint.values import (
    UNKNOWN,
    ClassInfo,
    Const,
    DictVal,
    FuncVal,
    GraphVal,
    Instance,
    ListVal,
    ModuleVal,
    Obj,
    OptimizerVal,
    Partial,
    RangeVal,
    ScopeVal,
    TupleVal,
    Value,
    ZipVal,
)


def dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def names(node: cst.CSTNode) -> List[cst.CSTNode]:
    """Every node below `node` (iteratively: elements can be deep)."""
    out: List[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def argument(call: cst.CSTNode, keyword: str, position: Optional[int]) -> Optional[cst.BaseExpression]:
    """The expression passed for a parameter of a call, by keyword or position."""
    if not isinstance(call, cst.Call):
        return None
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(positional):
        return positional[position].value
    return None


def opaque(node: cst.CSTNode, loops: FrozenSet[int], label: Optional[str], assumes: str) -> Obj:
    """An object of unknown class: identity is all that is known of it."""
    return Obj("opaque", "", Family.TF1, node, loops, label=label, assumes=assumes)


def is_opaque(value: Value) -> bool:
    return isinstance(value, Obj) and value.kind == "opaque"


def is_cell_like(value: Obj) -> bool:
    if value.kind in ("cell", "wrapper", "stack"):
        return True
    if value.kind == "join":
        return all(isinstance(a, Obj) and is_cell_like(a) for a in value.alternatives)
    return False


def known_keywords(value: Value) -> bool:
    """`**params` with a dict display of string keys the pass can read."""
    return isinstance(value, DictVal) and value.complete and all(
        isinstance(k, Const) and isinstance(k.value, str) for k in value.keys)


def known_items(value: Value) -> Optional[Tuple[Value, ...]]:
    """`*args` with a tuple or list of known length."""
    if isinstance(value, TupleVal):
        return value.items
    if isinstance(value, ListVal) and value.complete and all(p.mode == "single" for p in value.parts):
        return tuple(p.value for p in value.parts)
    return None


def length(value: Value) -> Optional[int]:
    if isinstance(value, RangeVal):
        return value.length
    if isinstance(value, ListVal) and value.complete and all(p.count is not None for p in value.parts):
        return sum(p.count or 0 for p in value.parts)
    if isinstance(value, TupleVal):
        return len(value.items)
    if isinstance(value, ZipVal):
        lengths = [length(item) for item in value.items]
        known = [n for n in lengths if n is not None]
        return min(known) if known else None
    return None


def is_none(value: Value) -> bool:
    return isinstance(value, Const) and value.value is None


def never_none(value: Value) -> bool:
    """A value the pass built itself (a cell, a list, a function...): certainly not None. An opaque one may be."""
    if isinstance(value, Obj):
        return value.kind != "opaque" and not (value.kind == "join" and any(
            is_none(a) or not never_none(a) for a in value.alternatives))
    return isinstance(value, (ListVal, TupleVal, FuncVal, ClassInfo, Instance, DictVal, RangeVal, ScopeVal, GraphVal,
                              OptimizerVal, ModuleVal))


def truth(value: Value) -> Optional[bool]:
    """Python truthiness of a value the pass knows, None when it does not."""
    if isinstance(value, Const) and isinstance(value.value, (str, int, float, type(None))):
        return bool(value.value)
    if never_none(value) and not isinstance(value, (ListVal, TupleVal, DictVal, RangeVal)):
        return True  # a cell, a scope, a function: objects without a length are truthy
    return None


def literal(text: str) -> Value:
    try:
        return Const(int(text, 0))
    except ValueError:
        pass
    if text in ("True", "False", "None"):
        return Const({"True": True, "False": False, "None": None}[text])
    return Const(text.strip("'\""))


def arith(op: cst.CSTNode, a: object, b: object) -> Value:
    if not (isinstance(a, int) and isinstance(b, int)) or isinstance(a, bool) or isinstance(b, bool):
        return UNKNOWN
    if isinstance(op, (cst.Add, cst.AddAssign)):
        return Const(a + b)
    if isinstance(op, (cst.Subtract, cst.SubtractAssign)):
        return Const(a - b)
    if isinstance(op, (cst.Multiply, cst.MultiplyAssign)) and abs(a * b) < 1 << 20:
        return Const(a * b)
    if isinstance(op, (cst.FloorDivide, cst.FloorDivideAssign)) and b:
        return Const(a // b)
    return UNKNOWN


_COMPARE: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b, cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b, cst.Is: lambda a, b: a is b, cst.IsNot: lambda a, b: a is not b,
}


def compare(operator: cst.BaseCompOp, left: Value, right: Value) -> Optional[bool]:
    if isinstance(operator, (cst.Is, cst.IsNot)) and (never_none(left) and is_none(right)
                                                      or is_none(left) and never_none(right)):
        return isinstance(operator, cst.IsNot)  # `if unit is None:` when a caller passed a cell
    if not (isinstance(left, Const) and isinstance(right, Const)):
        return None
    a, b = left.value, right.value
    if isinstance(operator, (cst.Is, cst.IsNot)) and not (a is None or b is None or isinstance(a, bool)):
        return None  # identity of numbers and strings is an implementation detail
    numbers = isinstance(a, (int, float)) and isinstance(b, (int, float))
    if not (numbers or type(a) is type(b) or a is None or b is None):
        return None
    operation = _COMPARE.get(type(operator))
    try:
        return bool(operation(a, b)) if operation is not None else None
    except TypeError:
        return None


def format_string(template: str, args: Sequence[Value]) -> Value:
    """`"{}_b".format(prefix)` with plain `{}`/`{0}` fields and known arguments; anything fancier is unknown."""
    if len(template) > 1000 or re.search(r"\{(?!\d*\})", template.replace("{{", "").replace("}}", "")):
        return UNKNOWN
    values = [a.value if isinstance(a, Const) and isinstance(a.value, (str, int)) and not isinstance(a.value, bool)
              else None for a in args]
    if any(v is None for v in values):
        return UNKNOWN
    try:
        return Const(template.format(*values))
    except (IndexError, KeyError, ValueError):
        return UNKNOWN


def reference_kind(value: Value) -> Optional[str]:
    """What a name, attribute or subscript stood for, as the fixer needs it: an object ("cell"), a local
    function ("function"), or nothing worth noting (None)."""
    if isinstance(value, Obj):
        if value.kind == "opaque":
            return None  # of unknown class (a parameter like `units`): plain data to the fixer, never rebuilt
        if value.kind == "join" and not any(isinstance(a, (Obj, ListVal)) for a in value.alternatives):
            return "function" if any(isinstance(a, (FuncVal, Partial)) for a in value.alternatives) else None
        return "cell"
    if isinstance(value, ListVal):
        return "cell"
    if isinstance(value, TupleVal) and any(isinstance(i, (Obj, ListVal)) for i in value.items):
        return "cell"
    if isinstance(value, (FuncVal, Partial)):
        return "function"
    return None
