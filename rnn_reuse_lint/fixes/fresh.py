"""A new copy of the code that built an object: follow the names it is built from, and prove the code pure."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

import libcst as cst

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.evaluation import Evaluation
from rnn_reuse_lint.fixes.bindings import Definition, bound_names
from rnn_reuse_lint.fixes.nodes import CannotFollow, children, dotted_path, short_text
from rnn_reuse_lint.fixes.syntax import SyntaxIndex
from rnn_reuse_lint.tf_api import Kind
from rnn_reuse_lint.values import FuncVal, Obj, Partial, QName, Value

_CONSTRUCTORS = frozenset({Kind.CELL, Kind.WRAPPER, Kind.STACK, Kind.KERAS_RNN, Kind.KERAS_LAYER, Kind.COPY})
# Building these has no effect beyond returning a new object, so doing it once per layer is harmless.
_PURE_TF = re.compile(
    r"(?i).*(initializer|regularizer|constraint)|get_variable_scope|zeros|ones|constant|orthogonal|identity|glorot_?(uniform|normal)"
    r"|he_?(uniform|normal)|lecun_?(uniform|normal)|random_?(uniform|normal)|truncated_?normal"
    r"|variance_?scaling|l1|l2|l1_?l2"
)
_PURE_BUILTINS = frozenset({"int", "float", "bool", "str", "len", "min", "max", "abs", "round", "range", "list",
                            "tuple", "dict", "sum"})
_MAX_FACTORY_DEPTH = 3


@dataclass
class Construction:
    """A new expression that builds a new object, with everything the fixer must check before using it."""

    expr: cst.BaseExpression
    definitions: List[Definition] = field(default_factory=list)  # followed definitions, in source order
    free_names: Set[str] = field(default_factory=set)  # what it reads: must mean the same at its new place
    read_paths: Set[str] = field(default_factory=set)  # `config.hidden_size`, `self.keep_prob`, `size`
    impure: List[str] = field(default_factory=list)  # calls not proven free of side effects
    needs_factory: bool = False  # an if-statement decides what is built: only a function can repeat it


class Rebuilder:
    """Copies constructions out of a module, using what the evaluation learnt about its names and calls."""

    def __init__(self, index: SyntaxIndex, evaluation: Evaluation) -> None:
        self.index = index
        self.kinds = evaluation.name_kinds
        self.callees = evaluation.callees
        self._module_names = evaluation.module_names
        self._pure_functions: Dict[int, Optional[str]] = {}

    def callee(self, call: cst.Call) -> Optional[Value]:
        """What `call` calls: as evaluated, or for code the evaluation skipped (a branch decided by a
        literal default) the imported name its dotted callee spells."""
        found = self.callees.get(id(call))
        if found is not None:
            return found
        parts: List[str] = []
        node: cst.BaseExpression = call.func
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name):
            return None
        root = self._module_names.get(node.value)
        if not isinstance(root, QName):
            return None
        return QName(".".join([root.name, *reversed(parts)]))

    def construction(self, expr: cst.BaseExpression) -> Construction:
        """A copy of `expr` in which every reference to an object is replaced by the code that built it.

        Raises CannotFollow when a referenced object's construction cannot be found or moved.
        """
        result = Construction(expr)
        result.expr = self._copy(expr, result)
        if not self._builds(expr):
            raise CannotFollow(f"`{short_text(expr)}` is not built by a constructor call the fixer can repeat")
        unique = {id(d.line): d for d in result.definitions}
        result.definitions = sorted(unique.values(), key=lambda d: self.index.order(d.line))  # source order
        return result

    def _copy(self, expr: cst.BaseExpression, result: Construction) -> cst.BaseExpression:
        copier = _Copier(self, result, expr)
        copied = expr.visit(copier)
        assert isinstance(copied, cst.BaseExpression)
        return copied

    def follow(self, ref: cst.CSTNode, result: Construction) -> cst.BaseExpression:
        """The copy that replaces reference `ref`: its definition's value, or `ref` itself when a local
        factory will re-run the definitions (an if-statement)."""
        if isinstance(ref, cst.Attribute):
            definition = self.index.attribute_definition(ref)
            if self.index.scope(definition.line) is not self.index.scope(ref) or \
                    not self.index.before(definition.line, ref):
                raise CannotFollow(f"`{definition.name}` is set in another method (line {{0}})", definition.line)
            result.definitions.append(definition)
            return self._copy(definition.value, result)
        if not isinstance(ref, cst.Name):
            raise CannotFollow(f"`{short_text(ref)}` is stored in a container that other code may read")
        definition = self.index.reaching_definition(ref)
        if definition.simple:
            result.definitions.append(definition)
            return self._copy(definition.value, result)
        self._follow_conditional(definition, result)
        return ref

    def _follow_conditional(self, definition: Definition, result: Construction) -> None:
        result.needs_factory = True
        result.definitions.append(definition)
        for expr in (*definition.tests, *definition.values):
            self._copy(expr, result)  # for the names it reads and the calls it makes
        if definition.falls_through:
            before = self.index.definition_before(definition.name, definition.line)
            if before.simple:
                result.definitions.append(before)
                self._copy(before.value, result)
            else:
                self._follow_conditional(before, result)

    def _builds(self, expr: cst.BaseExpression) -> bool:
        """`expr` (original code) makes a new object each time it runs."""
        if isinstance(expr, cst.Name) and self.kinds.get(id(expr)) == "cell":
            return self._definition_builds(self.index.reaching_definition(expr))
        if isinstance(expr, cst.Attribute) and self.kinds.get(id(expr)) == "cell":
            return self._definition_builds(self.index.attribute_definition(expr))
        if isinstance(expr, cst.Call):
            return self.call_problem(expr) is None and self._constructs(expr)
        if isinstance(expr, (cst.List, cst.Tuple)):
            return bool(expr.elements) and all(self._builds(e.value) for e in expr.elements)
        if isinstance(expr, cst.ListComp):
            return self._builds(expr.elt)
        if isinstance(expr, cst.IfExp):
            return self._builds(expr.body) and self._builds(expr.orelse)
        return False

    def _definition_builds(self, definition: Definition) -> bool:
        if not all(self._builds(v) for v in definition.values):
            return False
        if definition.falls_through:
            return self._definition_builds(self.index.definition_before(definition.name, definition.line))
        return True

    def _constructs(self, call: cst.Call) -> bool:
        callee = self.callee(call)
        if isinstance(callee, QName):
            entry = tf_api.lookup(callee.name)
            return entry is not None and entry.kind in _CONSTRUCTORS
        return isinstance(callee, (FuncVal, Partial, Obj))

    # ----- purity ------------------------------------------------------------------------------
    def call_problem(self, call: cst.Call, depth: int = 0) -> Optional[str]:
        """None when calling `call` once per layer instead of once is harmless, else what it calls."""
        callee = self.callee(call)
        if _pure_callee(callee):
            return None
        if isinstance(callee, Partial):
            callee = callee.func
        if isinstance(callee, FuncVal) and depth < _MAX_FACTORY_DEPTH:
            if self.function_problem(callee, depth + 1) is None:
                return None
        if isinstance(callee, Obj) and callee.kind == "join" and all(
            _pure_callee(alt) or (isinstance(alt, FuncVal) and depth < _MAX_FACTORY_DEPTH
                                  and self.function_problem(alt, depth + 1) is None)
            for alt in callee.alternatives
        ):
            return None
        if callee is None and isinstance(call.func, cst.Name) and call.func.value in _PURE_BUILTINS:
            return None
        return f"`{short_text(call.func)}()`"

    def function_problem(self, func: FuncVal, depth: int) -> Optional[str]:
        """None when a local function only builds and returns new objects, else what it does besides."""
        key = id(func.node)
        if key not in self._pure_functions:
            self._pure_functions[key] = "recursion"  # a function calling itself is not proven pure
            self._pure_functions[key] = self._function_problem(func.node, depth)
        return self._pure_functions[key]

    def _function_problem(self, node: cst.CSTNode, depth: int) -> Optional[str]:
        if isinstance(node, cst.Lambda):
            local = {p.name.value for p in node.params.params}
            return self._expression_problem(node.body, local, depth)
        assert isinstance(node, cst.FunctionDef)
        local = bound_names(node.body) | {p.name.value for p in (*node.params.params, *node.params.kwonly_params,
                                                                   *node.params.posonly_params)}
        return self._block_problem(node.body.body, local, depth)

    def _block_problem(self, body: object, local: Set[str], depth: int) -> Optional[str]:
        for statement in body:  # type: ignore[attr-defined]
            if isinstance(statement, cst.If):
                problem = self._expression_problem(statement.test, local, depth) or \
                          self._block_problem(statement.body.body, local, depth)
                orelse = statement.orelse
                if problem is None and orelse is not None:
                    problem = self._block_problem([orelse] if isinstance(orelse, cst.If) else orelse.body.body,
                                                  local, depth)
                if problem is not None:
                    return problem
                continue
            if not isinstance(statement, cst.SimpleStatementLine):
                return "a loop or a block"
            for small in statement.body:
                if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
                    problem = self._expression_problem(small.value, local, depth)
                elif isinstance(small, cst.Return):
                    problem = self._expression_problem(small.value, local, depth) if small.value else None
                elif isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString,
                                                                              cst.ConcatenatedString)):
                    problem = None
                elif isinstance(small, cst.Pass):
                    problem = None
                else:
                    problem = f"`{short_text(small)}`"
                if problem is not None:
                    return problem
        return None

    def _expression_problem(self, expr: cst.CSTNode, local: Set[str], depth: int) -> Optional[str]:
        stack: List[cst.CSTNode] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.NamedExpr, cst.Yield, cst.Await)):
                return f"`{short_text(node)}`"
            if isinstance(node, cst.Call):
                problem = self.call_problem(node, depth)
                if problem is not None:
                    return problem
            if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)) and self.kinds.get(id(node)) == "cell":
                if not (isinstance(node, cst.Name) and node.value in local):
                    return f"uses `{short_text(node)}`, built outside it"
            stack.extend(children(node))
        return None


class _Copier(cst.CSTTransformer):
    """Copies an expression, replacing each object reference by a copy of its construction."""

    def __init__(self, rebuilder: Rebuilder, result: Construction, root: cst.CSTNode) -> None:
        super().__init__()
        self.rebuilder = rebuilder
        self.result = result
        self.root = root
        self.not_reads: Set[int] = set()  # keyword and attribute names
        self.keep: Set[int] = set()  # object references copied as they are

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.NamedExpr, cst.Yield, cst.Await)):
            self.result.impure.append(f"`{short_text(node)}`")
        if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)) and id(node) not in self.keep and \
                self.rebuilder.kinds.get(id(node)) == "cell":
            return False  # replaced whole in on_leave
        if isinstance(node, cst.Call):
            problem = self.rebuilder.call_problem(node)
            if problem is not None:
                self.result.impure.append(problem)
            if _is_copy(self.rebuilder.callee(node)):
                # copy.deepcopy(template) already makes a new object: `template` itself stays
                self.keep |= {id(a.value) for a in node.args if isinstance(a.value, cst.Name)}
        elif isinstance(node, cst.Attribute):
            self.not_reads.add(id(node.attr))
        elif isinstance(node, cst.Arg) and node.keyword is not None:
            self.not_reads.add(id(node.keyword))
        elif isinstance(node, cst.Lambda):
            self.not_reads |= {id(p.name) for p in node.params.params}
        return True

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        if isinstance(original, (cst.Name, cst.Attribute, cst.Subscript)) and id(original) not in self.keep and \
                self.rebuilder.kinds.get(id(original)) == "cell":
            return self.rebuilder.follow(original, self.result)
        if isinstance(original, cst.Name) and id(original) not in self.not_reads \
                and not self._bound_inside(original):
            self.result.free_names.add(original.value)
            holder = self.rebuilder.index.parent(original)
            if not (isinstance(holder, cst.Attribute) and holder.value is original):
                self.result.read_paths.add(original.value)  # `self` of `self.hidden` reads `self.hidden` only
        if isinstance(original, cst.Attribute):
            path = dotted_path(original)
            if path is not None:
                self.result.read_paths.add(path)
        return updated

    def _bound_inside(self, name: cst.Name) -> bool:
        """Comprehension and lambda variables of the copied expression are not free names."""
        index = self.rebuilder.index
        for ancestor in index.ancestors(name):
            if isinstance(ancestor, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
                clause: Optional[cst.CompFor] = ancestor.for_in
                while clause is not None:
                    if isinstance(clause.target, cst.Name) and clause.target.value == name.value:
                        return True
                    clause = clause.inner_for_in
            if isinstance(ancestor, cst.Lambda) and name.value in {p.name.value for p in ancestor.params.params}:
                return True
            if ancestor is self.root:
                break
        return False


def _is_copy(callee: Optional[Value]) -> bool:
    if not isinstance(callee, QName):
        return False
    entry = tf_api.lookup(callee.name)
    return entry is not None and entry.kind == Kind.COPY


def _pure_callee(callee: Optional[Value]) -> bool:
    if not isinstance(callee, QName):
        return False
    entry = tf_api.lookup(callee.name)
    if entry is not None and entry.kind in _CONSTRUCTORS:
        return True
    root, _, rest = callee.name.partition(".")
    if root == "builtins":
        return rest in _PURE_BUILTINS
    return root in tf_api.TF_ROOTS and bool(_PURE_TF.fullmatch(callee.name.rpartition(".")[2]))
