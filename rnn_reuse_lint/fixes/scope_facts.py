"""What one scope binds, writes and reads, indexed by name from one walk (rebinding and other-use questions)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Iterator, List, Set, Tuple

import libcst as cst

from rnn_reuse_lint.fixes.bindings import assigned_into, bound_names, comprehension_targets, parameter_names
from rnn_reuse_lint.fixes.nodes import COMPREHENSIONS, children, is_kind

if TYPE_CHECKING:
    from rnn_reuse_lint.fixes.syntax import SyntaxIndex


# The nodes ScopeFacts._walk treats on their own; any other node only leads to its children (see nodes.is_kind).
_READ_NODES = (cst.Name, cst.FunctionDef, cst.Lambda, *COMPREHENSIONS, cst.Attribute, cst.Arg, cst.Param, cst.Assign,
               cst.ClassDef, cst.ImportAlias, cst.ImportFrom, cst.Import)
_READS: Dict[type, bool] = {}


class ScopeFacts:
    """What one scope binds, writes and reads, indexed by name, from one walk of it.

    `binds` / `writes` / `writes_under`: a name / a written path / a proper prefix of a written path ->
    pre-order numbers of the statements that bind it (shallowly) or assign into it, ascending (as
    rebound_between reads them). `_names`: every Name the scope
    reads (as `_reads` walks it, nested functions included) with the functions, lambdas and
    comprehensions it sits in, which decide per name whether the read is the scope's own.
    """

    def __init__(self, index: SyntaxIndex, scope: cst.CSTNode) -> None:
        self.binds: Dict[str, List[int]] = {}
        self.writes: Dict[str, List[int]] = {}
        self.writes_under: Dict[str, List[int]] = {}
        for statement in sorted(index.statements_in(scope), key=index.order):
            first = index.order(statement)
            for name in bound_names(statement, shallow=True):
                self.binds.setdefault(name, []).append(first)
            for written in assigned_into(statement):
                self.writes.setdefault(written, []).append(first)
                for key in path_keys(written)[1:]:
                    self.writes_under.setdefault(key, []).append(first)
        for table in (self.binds, self.writes, self.writes_under):
            for firsts in table.values():
                firsts[:] = sorted(set(firsts))
        self._names: Dict[str, List[Tuple[cst.Name, Tuple[cst.CSTNode, ...]]]] = {}
        self._own: Dict[Tuple[int, str], bool] = {}
        self._locals: Dict[int, Set[str]] = {}  # id(function) -> names its body binds
        self._walk(scope)

    def reads_of(self, name: str) -> Iterator[Tuple[cst.Name, bool]]:
        """What `_reads(scope, name)` yields: each read of `name`, and whether it is in a nested function."""
        for ref, around in self._names.get(name, ()):
            if any(self._binds_own(node, name) for node in around):
                continue
            yield ref, any(not isinstance(node, COMPREHENSIONS) for node in around)

    def _binds_own(self, node: cst.CSTNode, name: str) -> bool:
        """Whether a function, lambda or comprehension around a read makes `name` a local of its own."""
        key = (id(node), name)
        own = self._own.get(key)
        if own is None:
            if isinstance(node, COMPREHENSIONS):
                own = name in comprehension_targets(node)
            else:
                assert isinstance(node, (cst.FunctionDef, cst.Lambda))
                own = name in parameter_names(node.params) or (
                    isinstance(node, cst.FunctionDef) and name in self._bound_in(node))
            self._own[key] = own
        return own

    def _bound_in(self, function: cst.FunctionDef) -> Set[str]:
        found = self._locals.get(id(function))
        if found is None:
            found = self._locals[id(function)] = bound_names(function.body)
        return found

    def _walk(self, scope: cst.CSTNode) -> None:
        """The walk of `_reads`, once for all names: where `_reads` skips a subtree for one name (a function
        or comprehension binding it), the subtree is recorded with that node around it instead."""
        names = self._names
        stack: List[Tuple[cst.CSTNode, Tuple[cst.CSTNode, ...]]] = [(scope, ())]
        while stack:
            node, around = stack.pop()
            if not is_kind(node.__class__, _READ_NODES, _READS):  # most nodes: only their children matter
                stack.extend((child, around) for child in children(node))
                continue
            if isinstance(node, cst.Name):
                names.setdefault(node.value, []).append((node, around))
                continue
            if node is not scope and isinstance(node, (cst.FunctionDef, cst.Lambda)):
                for default in _defaults(node.params):
                    stack.append((default, around))
                if isinstance(node, cst.FunctionDef):
                    stack.extend((d, around) for d in node.decorators)
                stack.append((node.body, around + (node,)))
                continue
            if node is not scope and isinstance(node, COMPREHENSIONS):
                stack.append((node.for_in.iter, around))  # the first iterable is read outside
                inner = around + (node,)
                for child in children(node):
                    if child is node.for_in:
                        stack.extend((c, inner) for c in children(child) if c is not node.for_in.iter)
                    else:
                        stack.append((child, inner))
                continue
            if isinstance(node, (cst.Attribute, cst.Arg)):
                stack.append((node.value, around))
                continue
            if isinstance(node, cst.Param):
                if node.default is not None:
                    stack.append((node.default, around))
                continue
            if isinstance(node, cst.Assign):
                stack.append((node.value, around))
                for target in node.targets:
                    stack.extend((t, around) for t in _target_reads(target.target))
                continue
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                stack.append((node.body, around))
                continue
            if isinstance(node, (cst.ImportAlias, cst.ImportFrom, cst.Import)):
                continue
            stack.extend((child, around) for child in children(node))


def itself(key: str) -> List[str]:
    return [key]


def path_keys(path: str) -> List[str]:
    """`a.b.c` and its prefixes `a.b`, `a`: a write into one of them and a read of another touch each other."""
    parts = path.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _reads(scope: cst.CSTNode, name: str) -> Iterator[Tuple[cst.Name, bool]]:
    """Every Name node reading `name` under `scope`, with whether it sits in a nested function."""
    stack: List[Tuple[cst.CSTNode, bool]] = [(scope, False)]
    while stack:
        node, nested = stack.pop()
        if isinstance(node, cst.Name):
            if node.value == name:
                yield node, nested
            continue
        if node is not scope and isinstance(node, (cst.FunctionDef, cst.Lambda)):
            for default in _defaults(node.params):
                stack.append((default, nested))
            if isinstance(node, cst.FunctionDef):
                stack.extend((d, nested) for d in node.decorators)
            if name in parameter_names(node.params) or (
                isinstance(node, cst.FunctionDef) and name in bound_names(node.body)
            ):
                continue  # a local of its own
            stack.append((node.body, True))
            continue
        if node is not scope and isinstance(node, COMPREHENSIONS) and name in comprehension_targets(node):
            stack.append((node.for_in.iter, nested))  # the first iterable is read outside
            continue
        if isinstance(node, cst.Attribute):
            stack.append((node.value, nested))
            continue
        if isinstance(node, cst.Arg):
            stack.append((node.value, nested))
            continue
        if isinstance(node, cst.Param):
            if node.default is not None:
                stack.append((node.default, nested))
            continue
        if isinstance(node, (cst.Assign,)):
            stack.append((node.value, nested))
            for target in node.targets:
                stack.extend((t, nested) for t in _target_reads(target.target))
            continue
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            stack.append((node.body, nested))
            continue
        if isinstance(node, (cst.ImportAlias, cst.ImportFrom, cst.Import)):
            continue
        stack.extend((child, nested) for child in children(node))


def _defaults(params: cst.Parameters) -> List[cst.BaseExpression]:
    return [p.default for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            if p.default is not None]


def _target_reads(target: cst.CSTNode) -> List[cst.CSTNode]:
    """Parts of an assignment target that are read (`a.b = ...` reads `a`, `x[i] = ...` reads x and i)."""
    if isinstance(target, cst.Name):
        return []
    if isinstance(target, (cst.Tuple, cst.List)):
        out: List[cst.CSTNode] = []
        for element in target.elements:
            out.extend(_target_reads(element.value))
        return out
    if isinstance(target, cst.StarredElement):
        return _target_reads(target.value)
    if isinstance(target, cst.Attribute):
        return [target.value]
    return [target]
