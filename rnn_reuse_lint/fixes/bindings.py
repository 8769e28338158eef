"""What a statement binds and where a name gets its value: bound names, assignment targets, Definitions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple, Union

import libcst as cst

from rnn_reuse_lint.fixes.nodes import COMPREHENSIONS, LOOPS, children, dotted_path, is_kind


@dataclass(frozen=True)
class Definition:
    """Where a name gets the value a read sees: one `name = value` line, or an if-statement whose branches
    only assign the name (`if training: cell = DropoutWrapper(cell)`). The fixer follows nothing else."""

    name: str
    line: cst.BaseStatement  # the statement line, or the if-statement
    values: Tuple[cst.BaseExpression, ...]
    tests: Tuple[cst.BaseExpression, ...] = ()  # the if-statement's conditions
    falls_through: bool = False  # an if without else: the definition before it may reach too
    aliases: Tuple[str, ...] = ()  # other names the same statement binds to the value (`fw = bw = cell`)
    attribute: bool = False  # `self.cell = value`: other methods (and other modules) may read it

    @property
    def simple(self) -> bool:
        return isinstance(self.line, cst.SimpleStatementLine)

    @property
    def value(self) -> cst.BaseExpression:
        assert self.simple
        return self.values[0]


def comprehension_targets(node: cst.CSTNode) -> Set[str]:
    names: Set[str] = set()
    clause = getattr(node, "for_in", None)
    while clause is not None:
        names |= _target_names(clause.target)
        clause = clause.inner_for_in
    return names


def _target_names(target: cst.CSTNode) -> Set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        out: Set[str] = set()
        for element in target.elements:
            out |= _target_names(element.value)
        return out
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()  # attributes and subscripts bind no local name


def assigned_into(statement: cst.CSTNode) -> Set[str]:
    """Paths a statement line assigns through an attribute or an item: `config.size = 2` writes
    `config.size`, `sizes[0] += 1` writes `sizes`."""
    written: Set[str] = set()
    for target in _line_targets(statement):
        through_item = False
        while isinstance(target, cst.Subscript):
            target, through_item = target.value, True
        path = dotted_path(target)
        # a plain `name = ...` is a binding (bound_names); only writes into an object count here
        if path is not None and (through_item or isinstance(target, cst.Attribute)):
            written.add(path)
    return written


def self_name(method: cst.FunctionDef) -> Optional[str]:
    """The name of a method's first parameter (`self`), None for static methods and no parameters."""
    if any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in method.decorators):
        return None
    params = [*method.params.posonly_params, *method.params.params]
    return params[0].name.value if params else None


def attribute_targets(statement: cst.CSTNode) -> List[cst.Attribute]:
    """`x.attr` targets of a statement line (plain, augmented, annotated or unpacking assignments)."""
    out: List[cst.Attribute] = []
    targets = _line_targets(statement)
    while targets:
        target = targets.pop()
        if isinstance(target, cst.Attribute):
            out.append(target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            targets.extend(e.value for e in target.elements)
    return out


def _line_targets(statement: cst.CSTNode) -> List[cst.BaseExpression]:
    """The assignment targets of a statement line (plain, augmented and annotated assignments)."""
    targets: List[cst.BaseExpression] = []
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign):
                targets.extend(t.target for t in small.targets)
            elif isinstance(small, (cst.AugAssign, cst.AnnAssign)):
                targets.append(small.target)
    return targets


def attribute_value(statement: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """The value of `self.attr = value` when that is the whole line and its only target."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                isinstance(small.targets[0].target, cst.Attribute):
            return small.value
    return None


def parameter_names(params: cst.Parameters) -> Set[str]:
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


# The node classes bound_names looks at; any other node only leads to its children. libcst's base classes are
# ABCs, and an isinstance test against them costs ~1 us: asking once per class (cached) made bound_names,
# the bulk of fix planning on a large module, ~3x cheaper (measured on the growth benchmark's `findings`).
_BINDING_NODES = (cst.FunctionDef, cst.ClassDef, cst.Lambda, *COMPREHENSIONS, cst.Assign, cst.AnnAssign, cst.AugAssign,
                  cst.For, cst.WithItem, cst.ExceptHandler, cst.NamedExpr, cst.Import, cst.ImportFrom, cst.Global,
                  cst.Nonlocal, cst.Del, cst.BaseSuite, cst.If, *LOOPS)
_BINDS: Dict[type, bool] = {}


def bound_names(node: cst.CSTNode, loop_body_only: bool = False, shallow: bool = False) -> Set[str]:
    """Names a statement binds in its own scope (nested defs/classes count by their name only).

    `shallow`: only what the statement itself binds, not statements nested in its blocks.
    `loop_body_only`: for a loop, its target and its body (the else part runs once, after the loop).
    """
    names: Set[str] = set()
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if not is_kind(current.__class__, _BINDING_NODES, _BINDS):
            stack.extend(children(current))
            continue
        if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            names.add(current.name.value)
            if current is not node:
                continue
            stack.extend(current.decorators)
            continue
        if isinstance(current, cst.Lambda) or isinstance(current, COMPREHENSIONS):
            continue  # their names are their own (walrus inside them is not followed)
        if isinstance(current, cst.Assign):
            for target in current.targets:
                names |= _target_names(target.target)
        elif isinstance(current, (cst.AnnAssign, cst.AugAssign)):
            names |= _target_names(current.target)
        elif isinstance(current, cst.For):
            names |= _target_names(current.target)
        elif isinstance(current, cst.WithItem) and current.asname is not None:
            names |= _target_names(current.asname.name)
        elif isinstance(current, cst.ExceptHandler) and current.name is not None:
            names |= _target_names(current.name.name)
        elif isinstance(current, cst.NamedExpr):
            names |= _target_names(current.target)
        elif isinstance(current, (cst.Import, cst.ImportFrom)) and not isinstance(current.names, cst.ImportStar):
            for alias in current.names:
                if alias.asname is not None:
                    names |= _target_names(alias.asname.name)
                else:
                    names.add(_dotted_root(alias.name))
        elif isinstance(current, (cst.Global, cst.Nonlocal, cst.Del)):
            # not a plain binding: the fixer gives up on the name
            if isinstance(current, cst.Del):
                names |= _target_names(current.target)
            else:
                names |= {n.name.value for n in current.names}
        # An `elif` is an If nested in the one before: SyntaxIndex._statements_in yields it on its own, so a
        # shallow walk that went on into it would cost O(n) per branch and O(n**2) per chain.
        if shallow and current is not node and isinstance(current, (cst.BaseSuite, cst.If)):
            continue
        inner = children(current)
        if loop_body_only and current is node and isinstance(current, LOOPS):
            inner = [c for c in inner if c is not current.orelse]
        stack.extend(inner)
    return names


def _dotted_root(name: Union[cst.Name, cst.Attribute]) -> str:
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    return name.value if isinstance(name, cst.Name) else ""


def simple_assignment(statement: cst.CSTNode, name: str) -> Optional[Definition]:
    unpacked = _unpacked_value(statement, name)
    if unpacked is not None:
        return unpacked
    value = _assigned_value(statement, name)
    if value is None:
        return None
    assert isinstance(statement, cst.SimpleStatementLine)
    small = statement.body[0]
    assert isinstance(small, cst.Assign)
    aliases = tuple(t.target.value for t in small.targets  # type: ignore[attr-defined]
                    if t.target.value != name)  # type: ignore[attr-defined]
    return Definition(name, statement, (value,), aliases=aliases)


def _unpacked_value(statement: cst.CSTNode, name: str) -> Optional[Definition]:
    """`fw, bw = cell, cell`: the element that lands in `name`; the other names count as aliases (their
    reads are uses of the line, and the line is never deleted)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
        return None
    target, value = small.targets[0].target, small.value
    if not (isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List))
            and len(target.elements) == len(value.elements)):
        return None
    names = [e.value.value if isinstance(e, cst.Element) and isinstance(e.value, cst.Name) else None
             for e in target.elements]
    if None in names or any(isinstance(e, cst.StarredElement) for e in value.elements) or names.count(name) != 1:
        return None
    index = names.index(name)
    aliases = tuple(n for n in names if n is not None and n != name)
    return Definition(name, statement, (value.elements[index].value,), aliases=aliases)


def _assigned_value(statement: cst.CSTNode, name: str) -> Optional[cst.BaseExpression]:
    """The value of `name = value` or of a chain `a = name = value` whose targets are all plain names."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets) and \
            any(t.target.value == name for t in small.targets):  # type: ignore[attr-defined]
        return small.value
    return None


def conditional_assignment(statement: cst.CSTNode, name: str) -> Optional[Definition]:
    """`if c: name = a [elif d: name = b] [else: name = e]`, each branch only assigning `name`."""
    if not isinstance(statement, cst.If):
        return None
    values: List[cst.BaseExpression] = []
    tests: List[cst.BaseExpression] = []
    branch: Optional[cst.CSTNode] = statement
    while isinstance(branch, cst.If):
        tests.append(branch.test)
        if not _only_assigns(branch.body, name, values):
            return None
        branch = branch.orelse
    if isinstance(branch, cst.Else) and not _only_assigns(branch.body, name, values):
        return None
    return Definition(name, statement, tuple(values), tuple(tests), falls_through=branch is None)


def _only_assigns(body: cst.BaseSuite, name: str, values: List[cst.BaseExpression]) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        return False
    for line in body.body:
        value = _assigned_value(line, name)
        if value is None:
            return False
        values.append(value)
    return True
