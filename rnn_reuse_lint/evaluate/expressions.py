"""Expressions: names, attributes, subscripts, literals, arithmetic, comparisons and format strings."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, List, Optional, Union

import libcst as cst

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.evaluate.calls import bound, decorated, find_method
from rnn_reuse_lint.evaluate.context import MAX_PARTS, Ctx, State
from rnn_reuse_lint.evaluate.facts import arith, compare, dotted, is_opaque, known_items, opaque, reference_kind, truth
from rnn_reuse_lint.evaluate.imports import Imports
from rnn_reuse_lint.evaluate.joins import join, join_all
from rnn_reuse_lint.evaluate.lists import multiply, spell_out
from rnn_reuse_lint.values import (
    UNKNOWN,
    AutoReuse,
    BoundMethod,
    ClassInfo,
    Const,
    DictVal,
    Frame,
    FuncVal,
    GraphVal,
    Instance,
    Lazy,
    ListVal,
    ModuleVal,
    Obj,
    OptimizerVal,
    Part,
    QName,
    ScopeVal,
    SuperVal,
    TupleVal,
    Value,
)

if TYPE_CHECKING:
    from rnn_reuse_lint.evaluate.calls import Calls
    from rnn_reuse_lint.evaluate.loops import Loops
    from rnn_reuse_lint.evaluate.statements import Statements

# Only plain `%s`/`%d` names are formatted: widths or `%c` on arbitrary constants can allocate or raise.
_SIMPLE_FORMAT = re.compile(r"(?:[^%]|%%|%[sdi]){0,200}")
_STAR_SUBMODULES = frozenset({"nn", "contrib", "keras", "compat", "layers", "rnn_cell", "rnn", "seq2seq"})
# Names that never stand for a cell object: reading them gives nothing to track.
_NOT_OBJECTS = frozenset({
    "print", "len", "int", "float", "str", "bool", "isinstance", "hasattr", "open", "dict", "set", "min", "max",
    "sum", "abs", "round", "sorted", "type", "object", "Exception", "ValueError", "NotImplementedError",
    "TypeError", "KeyError", "format", "repr", "iter", "next", "__name__", "__file__", "Ellipsis",
})


class Expressions:
    """Evaluates an expression to an abstract value; calls go to the Calls part, comprehensions to Loops."""

    def __init__(self, state: State, imports: Imports) -> None:
        self.state = state
        self.imports = imports
        self.name_kinds = state.name_kinds
        self.defines = state.defines

    def connect(self, statements: "Statements", loops: "Loops", calls: "Calls") -> None:
        self.bind = statements.bind
        self.defaults = statements.defaults
        self.comprehension = loops.comprehension
        self.call = calls.call
        self.call_property = calls.call_property

    def eval(self, node: Optional[cst.BaseExpression], frame: Frame, ctx: Ctx) -> Value:
        if node is None:
            return UNKNOWN
        if isinstance(node, cst.Name):
            return self.note_kind(node, self.lookup(node.value, frame, node))
        if isinstance(node, cst.Attribute):
            return self.note_kind(node, self.attribute(node, frame, ctx))
        if isinstance(node, cst.Call):
            return self.call(node, frame, ctx)
        if isinstance(node, cst.Integer):
            try:
                return Const(int(node.value.replace("_", ""), 0))
            except ValueError:
                return UNKNOWN
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
            return Const(value) if isinstance(value, str) else UNKNOWN
        if isinstance(node, (cst.List, cst.Tuple)):
            return self.sequence(node, frame, ctx)
        if isinstance(node, cst.Dict):
            return self.dict_display(node, frame, ctx)
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node, frame, ctx)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            return self.comprehension(node, frame, ctx)
        if isinstance(node, cst.IfExp):
            test = self.eval(node.test, frame, ctx)
            if isinstance(test, Const) and not isinstance(test.value, str):
                # A known condition picks its branch (`flag = False` ... `bw = LSTMCell(h) if flag else fw`).
                return self.eval(node.body if test.value else node.orelse, frame, ctx)
            return join(self.eval(node.body, frame, ctx), self.eval(node.orelse, frame, ctx), node) or UNKNOWN
        if isinstance(node, cst.Lambda):
            return FuncVal(node, frame, "<lambda>", defaults=self.defaults(node.params, frame, ctx))
        if isinstance(node, cst.UnaryOperation):
            operand = self.eval(node.expression, frame, ctx)
            if isinstance(node.operator, cst.Minus) and isinstance(operand, Const) and isinstance(operand.value, int):
                return Const(-operand.value)
            if isinstance(node.operator, cst.Not):
                return Const(not operand.value) if isinstance(operand, Const) else UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame, ctx)
            known = truth(left)
            if known is not None:
                # `scope or "encoder"` with scope=None, `flag and cell`: Python's short circuit on a known left.
                if known == isinstance(node.operator, cst.Or):
                    return left
                return self.eval(node.right, frame, ctx)
            right = self.eval(node.right, frame, ctx)
            return join(left, right, node) or UNKNOWN
        if isinstance(node, cst.FormattedString):
            return self.fstring(node, frame, ctx)
        if isinstance(node, cst.Subscript):
            return self.note_kind(node, self.subscript(node, frame, ctx))
        if isinstance(node, cst.Comparison):
            return self.comparison(node, frame, ctx)
        if isinstance(node, cst.NamedExpr):
            named = self.eval(node.value, frame, ctx)
            self.bind(node.target, named, frame, ctx)
            return named
        # Evaluate children for their side effects (calls nested in dicts, f-strings, comparisons...).
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, frame, ctx)
            elif isinstance(child, (cst.Arg, cst.Element, cst.DictElement, cst.StarredDictElement,
                                    cst.ComparisonTarget, cst.FormattedStringExpression)):
                for grandchild in child.children:
                    if isinstance(grandchild, cst.BaseExpression):
                        self.eval(grandchild, frame, ctx)
        return UNKNOWN

    def fstring(self, node: cst.FormattedString, frame: Frame, ctx: Ctx) -> Value:
        """f"layer_{i}" with every piece known (no conversions or format specs): the string."""
        pieces: List[str] = []
        known = True
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            value = self.eval(part.expression, frame, ctx)
            if part.conversion is not None or part.format_spec is not None or not isinstance(value, Const) \
                    or not isinstance(value.value, (str, int)) or isinstance(value.value, bool):
                known = False
            else:
                pieces.append(str(value.value))
        return Const("".join(pieces)) if known else UNKNOWN

    def comparison(self, node: cst.Comparison, frame: Frame, ctx: Ctx) -> Value:
        """`num_layers > 1` on known numbers decides a branch; anything else is unknown."""
        left = self.eval(node.left, frame, ctx)
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame, ctx)
            outcome = compare(target.operator, left, right)
            result = None if outcome is None or result is None else result and outcome
            left = right
        return Const(result) if result is not None else UNKNOWN

    def note_kind(self, node: cst.BaseExpression, value: Value) -> Value:
        kind = reference_kind(value)
        if kind is not None and self.name_kinds.get(id(node)) != "cell":
            self.name_kinds[id(node)] = kind
        return value

    # ----- names -----------------------------------------------------------------------------------
    def free_name(self, node: cst.Name) -> Obj:
        """A name the file never binds (a pasted snippet's `cell`, a star import's export): one object."""
        obj = self.state.free.get(node.value)
        if obj is None:
            obj = opaque(node, frozenset(), node.value, f"`{node.value}` is a cell that creates new variables on "
                                                        "every call")
            self.state.free[node.value] = obj
        return obj

    def opaque_attribute(self, base: Obj, node: cst.Attribute) -> Obj:
        """`cfg.cell`, `self.cell` of an object whose class is not known: the same object every time it is read."""
        key = (base.key, node.attr.value)
        obj = self.state.opaque_attrs.get(key)
        if obj is None:
            text = dotted(node) or node.attr.value
            obj = opaque(node, base.loops, text, f"`{text}` is a cell that creates new variables on every call")
            self.state.opaque_attrs[key] = obj
        return obj

    def lookup(self, name: str, frame: Frame, node: Optional[cst.Name] = None) -> Value:
        value = frame.lookup(name)
        if isinstance(value, Lazy):
            # Resolved on every read (from the module cache), never written back: a read is not an assignment, and
            # written back inside an `if` it would join with the other path (benchmarks/bench_project.py).
            value = self.imports.resolve(value)
        if value is not None:
            return value
        if name in ("True", "False", "None"):
            return Const({"True": True, "False": False, "None": None}[name])
        module = frame.module()
        for star in module.star_modules:
            candidate = f"{star}.{name}"
            if tf_api.lookup(candidate) is not None or (
                star.split(".")[0] in tf_api.TF_ROOTS and name in _STAR_SUBMODULES
            ):
                return QName(candidate)
        if name in self.defines:
            return self.defines[name]
        if name in tf_api.IMPLICIT_MODULES:
            return QName(tf_api.IMPLICIT_MODULES[name])
        if name in ("range", "list", "tuple", "len", "partial", "deepcopy", "super", "map", "zip", "enumerate"):
            return QName(f"builtins.{name}")
        if node is not None and name not in _NOT_OBJECTS:
            return self.free_name(node)
        return UNKNOWN

    def attribute(self, node: cst.Attribute, frame: Frame, ctx: Ctx) -> Value:
        base = self.eval(node.value, frame, ctx)
        attr = node.attr.value
        if isinstance(base, QName):
            return base.attr(attr)
        if isinstance(base, Obj) and base.kind == "join" and base.alternatives \
                and all(isinstance(a, QName) for a in base.alternatives):
            # `try: from tensorflow.models.rnn import rnn_cell` / `except ImportError: from tensorflow.python.ops
            # import rnn_cell`: one module under two import paths, so its attribute is that name on either path.
            return join_all([a.attr(attr) for a in base.alternatives if isinstance(a, QName)], node) or UNKNOWN
        if isinstance(base, ModuleVal):
            return self.imports.resolve(Lazy(base.loaded.path, base.loaded.is_package, attr))
        if isinstance(base, Const) and isinstance(base.value, str) and attr == "format":
            return BoundMethod(base, attr)
        if isinstance(base, OptimizerVal) and attr in ("minimize", "apply_gradients"):
            return BoundMethod(base, attr)
        if isinstance(base, GraphVal) and attr == "as_default":
            return BoundMethod(base, attr)
        if isinstance(base, DictVal) and attr not in ("get", "keys", "values", "items", "copy"):
            base.complete = False  # `update`, `setdefault`, `pop`...: the entries change
        vague = base is UNKNOWN or is_opaque(base)
        if vague and isinstance(node.value, cst.Name):
            held = frame.lookup(f"{node.value.value}.{attr}")
            if held is not None:
                return held
        if vague and self.defines:
            # `--define config.num_layers=2`: a value for an attribute of an unknown argument.
            name = dotted(node)
            if name is not None and name in self.defines:
                return self.defines[name]
        if isinstance(base, Instance):
            method = find_method(base.cls, attr)
            if method is not None and decorated(method, "property", "cached_property"):
                return self.call_property(method, base, node, ctx)
            if attr in base.state:
                return base.state[attr]  # set earlier on this object, in this method or one it called
            if method is not None:
                return bound(method, base, base.cls)
            values = base.cls.attrs.get(attr, [])
            if len(values) == 1:
                return values[0]
            return UNKNOWN
        if isinstance(base, ClassInfo):
            method = find_method(base, attr)
            if method is not None:
                return bound(method, None, base)  # `Model.make_cell(h)`, `Base.__init__(self, h)`
            class_values = base.attrs.get(attr, [])
            return class_values[0] if len(class_values) == 1 else UNKNOWN
        if isinstance(base, SuperVal):
            for parent in base.cls.bases:
                method = find_method(parent, attr)
                if method is not None:
                    if decorated(method, "property", "cached_property"):
                        return self.call_property(method, base.instance, node, ctx)
                    return bound(method, base.instance, parent)
            return UNKNOWN
        if isinstance(base, ListVal) and attr in ("append", "extend", "insert"):
            return BoundMethod(base, attr)
        if isinstance(base, ScopeVal):
            if attr == "reuse_variables":
                return BoundMethod(base, attr)
            if attr == "reuse":
                flags: Dict[str, Value] = {"true": Const(True), "none": Const(None), "auto": AutoReuse()}
                return flags.get(base.frame.reuse, UNKNOWN)
            if attr in ("name", "original_name_scope") and base.frame.path is not None:
                return Const("/".join(base.frame.path))
            return UNKNOWN
        if isinstance(base, Obj) and is_opaque(base):
            return self.opaque_attribute(base, node)
        return UNKNOWN

    # ----- containers ------------------------------------------------------------------------------
    def subscript(self, node: cst.Subscript, frame: Frame, ctx: Ctx) -> Value:
        base = self.eval(node.value, frame, ctx)
        index: Value = UNKNOWN
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                index = self.eval(element.slice.value, frame, ctx)
            else:
                for child in element.slice.children:
                    if isinstance(child, cst.BaseExpression):
                        self.eval(child, frame, ctx)
        if isinstance(base, DictVal):
            return self.dict_item(base, index, node)
        if isinstance(index, Const) and isinstance(index.value, int) and not isinstance(index.value, bool):
            if isinstance(base, ListVal):
                spell_out(base)
            if isinstance(base, TupleVal) and -len(base.items) <= index.value < len(base.items):
                return base.items[index.value]
            if isinstance(base, ListVal) and base.complete and all(p.mode == "single" for p in base.parts) \
                    and -len(base.parts) <= index.value < len(base.parts):
                return base.parts[index.value].value
        return UNKNOWN

    def index(self, target: cst.Subscript, frame: Frame, ctx: Ctx) -> Optional[int]:
        """`cells[1]`, `cells[-1]`, `cells[n - 1]` with `n` known: the index, when it is one known integer."""
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return None
        value = self.eval(target.slice[0].slice.value, frame, ctx)
        if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
            return value.value
        return None

    def dict_display(self, node: cst.Dict, frame: Frame, ctx: Ctx) -> Value:
        keys: List[Value] = []
        values: List[Value] = []
        complete = True
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                keys.append(self.eval(element.key, frame, ctx))
                values.append(self.eval(element.value, frame, ctx))
            else:  # `**other`: entries not seen
                self.eval(element.value, frame, ctx)
                complete = False
        return DictVal(tuple(keys), tuple(values), complete)

    @staticmethod
    def dict_item(table: DictVal, key: Value, node: cst.CSTNode) -> Value:
        """`CELLS[name]`: the entry a literal key picks; for an unknown key, any of the values."""
        if not table.complete or not table.values:
            return UNKNOWN
        if isinstance(key, Const):
            for candidate, value in zip(table.keys, table.values):
                if isinstance(candidate, Const) and candidate.value == key.value:
                    return value
            if all(isinstance(candidate, Const) for candidate in table.keys):
                return UNKNOWN  # a KeyError at run time
        result: Optional[Value] = None
        for value in table.values:
            result = join(result, value, node)
        return result if result is not None else UNKNOWN

    def sequence(self, node: Union[cst.List, cst.Tuple], frame: Frame, ctx: Ctx) -> Value:
        parts: List[Part] = []
        complete = True
        for element in node.elements:
            if isinstance(element, cst.StarredElement):
                inner = self.eval(element.value, frame, ctx)
                if isinstance(inner, ListVal):
                    parts.extend(inner.parts)
                    complete = complete and inner.complete
                else:
                    complete = False
                continue
            parts.append(Part(self.eval(element.value, frame, ctx), element.value, "single"))
        self.state.charge_parts(len(parts))
        return ListVal(parts, ctx.loop_set, complete)

    # ----- operators -------------------------------------------------------------------------------
    def binary(self, node: cst.BinaryOperation, frame: Frame, ctx: Ctx) -> Value:
        left = self.eval(node.left, frame, ctx)
        right = self.eval(node.right, frame, ctx)
        op = node.operator
        if isinstance(op, cst.Multiply):
            product = multiply(left, right, node) if isinstance(left, ListVal) \
                else multiply(right, left, node) if isinstance(right, ListVal) else None
            if product is not None:
                self.state.charge_parts(len(product.parts))
                return product
        if isinstance(op, cst.Add) and isinstance(left, ListVal) and isinstance(right, ListVal):
            if len(left.parts) + len(right.parts) > MAX_PARTS:
                return ListVal([], ctx.loop_set, complete=False)
            self.state.charge_parts(len(left.parts) + len(right.parts))
            return ListVal(left.parts + right.parts, ctx.loop_set, left.complete and right.complete)
        if isinstance(op, cst.Modulo) and isinstance(left, Const) and isinstance(left.value, str) \
                and _SIMPLE_FORMAT.fullmatch(left.value):
            operands = known_items(right) if isinstance(right, (TupleVal, ListVal)) else (right,)
            operands = operands if operands is not None else (UNKNOWN,)
            if all(isinstance(o, Const) and isinstance(o.value, (int, str)) for o in operands):
                try:
                    # "lstm_%d" % i, "%s/%d" % (prefix, i)
                    return Const(left.value % tuple(o.value for o in operands if isinstance(o, Const)))
                except (TypeError, ValueError, OverflowError):
                    return UNKNOWN
            return UNKNOWN
        if isinstance(op, cst.Add) and isinstance(left, Const) and isinstance(right, Const) \
                and isinstance(left.value, str) and isinstance(right.value, str) \
                and len(left.value) + len(right.value) <= 1000:
            return Const(left.value + right.value)  # prefix + "_fw"
        if isinstance(left, Const) and isinstance(right, Const):
            return arith(op, left.value, right.value)
        return UNKNOWN
