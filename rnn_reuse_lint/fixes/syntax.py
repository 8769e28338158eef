"""Where names are bound and read in one module: parents, blocks, reaching assignments, other uses."""
from __future__ import annotations

import bisect
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from rnn_reuse_lint.fixes.bindings import (Definition, attribute_targets, attribute_value, bound_names,
                                           comprehension_targets, conditional_assignment, parameter_names,
                                           self_name, simple_assignment)
from rnn_reuse_lint.fixes.nodes import COMPREHENSIONS, LOOPS, SCOPES, CannotFollow, children, short_text
from rnn_reuse_lint.fixes.scope_facts import ScopeFacts, itself, path_keys


_KINDS: Dict[type, str] = {}


def _kind(cls: type) -> str:
    """For statements_in: "scope" (def, class), "lambda", "statement", or "" (any other node)."""
    found = _KINDS.get(cls)
    if found is None:
        found = _KINDS[cls] = "scope" if issubclass(cls, (cst.FunctionDef, cst.ClassDef)) else \
            "lambda" if issubclass(cls, cst.Lambda) else \
            "statement" if issubclass(cls, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) else ""
    return found


class SyntaxIndex:
    """Parent links and source order of every node of a module, built in one walk when a fix is planned."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._parent: Dict[int, cst.CSTNode] = {}
        self._first: Dict[int, int] = {}  # pre-order number
        self._last: Dict[int, int] = {}  # highest pre-order number inside the node
        self.names: Set[str] = set()  # every identifier in the module (for new, unused names)
        # Facts per block and per scope, built the first time a fix asks (see ScopeFacts): a file with
        # N findings in one scope asks N times, and walking the scope each time was O(N**2).
        self._positions: Dict[int, Dict[int, int]] = {}  # id(block holder) -> id(statement) -> index
        self._assignments: Dict[int, Dict[str, List[int]]] = {}  # id(block holder) -> name -> indexes
        self._scope_facts: Dict[int, ScopeFacts] = {}
        self._bound: Dict[int, Set[str]] = {}  # id(statement) -> bound_names(statement)
        parent, first, last, names = self._parent, self._first, self._last, self.names
        counter = 0
        stack: List[object] = [module]
        while stack:  # one iterative walk; an int on the stack marks the end of that node's subtree
            node = stack.pop()
            if node.__class__ is int:
                last[node] = counter
                continue
            counter += 1
            key = id(node)
            first[key] = counter
            stack.append(key)
            if node.__class__ is cst.Name:
                names.add(node.value)
                continue
            for child in reversed(children(node)):  # type: ignore[arg-type]
                parent[id(child)] = node  # type: ignore[assignment]
                stack.append(child)

    # ----- structure ---------------------------------------------------------------------------
    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self._parent.get(id(node))

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def order(self, node: cst.CSTNode) -> int:
        """Where `node` starts in source order (its pre-order number)."""
        return self._first[id(node)]

    def before(self, a: cst.CSTNode, b: cst.CSTNode) -> bool:
        """`a` ends before `b` starts in the source."""
        return self._last[id(a)] < self._first[id(b)]

    def inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        return self._first[id(container)] <= self._first[id(node)] <= self._last[id(container)]

    def statement(self, node: cst.CSTNode) -> cst.BaseStatement:
        """The statement line or compound statement that holds `node` directly in a block."""
        current: Optional[cst.CSTNode] = node
        while current is not None:
            if isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and \
                    isinstance(self.parent(current), (cst.IndentedBlock, cst.Module)):
                return current
            if isinstance(current, cst.SimpleStatementSuite):
                raise CannotFollow("it sits on a one-line block (`if x: ...`)")
            current = self.parent(current)
        raise CannotFollow("it is not inside a statement")

    def block(self, statement: cst.BaseStatement) -> Sequence[cst.BaseStatement]:
        holder = self.parent(statement)
        assert isinstance(holder, (cst.IndentedBlock, cst.Module))
        return holder.body

    def scope(self, node: cst.CSTNode) -> cst.CSTNode:
        """The function, lambda, class or module whose local names `node` reads."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, SCOPES):
                return ancestor
        return self.module

    def enclosing_loops(self, node: cst.CSTNode, stop: cst.CSTNode) -> List[cst.CSTNode]:
        """for/while statements around `node` inside `stop` (its scope), innermost first."""
        loops: List[cst.CSTNode] = []
        for ancestor in self.ancestors(node):
            if ancestor is stop:
                break
            if isinstance(ancestor, LOOPS):
                loops.append(ancestor)
        return loops

    # ----- bindings ----------------------------------------------------------------------------
    def reaching_definition(self, ref: cst.Name) -> Definition:
        """The one definition whose value `ref` reads, when that is certain."""
        name = ref.value
        for ancestor in self.ancestors(ref):
            if isinstance(ancestor, COMPREHENSIONS) and name in comprehension_targets(ancestor):
                raise CannotFollow(f"`{name}` is the variable of a comprehension")
            if isinstance(ancestor, cst.Lambda):
                # a lambda runs later: the names it reads may mean something else by then
                raise CannotFollow(f"`{name}` is read inside a lambda, which runs later")
            if isinstance(ancestor, SCOPES):
                break
        return self.definition_before(name, self.statement(ref))

    def definition_before(self, name: str, current: cst.CSTNode) -> Definition:
        """The definition of `name` that reaches the start of statement `current`."""
        while True:
            holder = self.parent(current)
            siblings: Sequence[cst.CSTNode] = holder.body if isinstance(holder, (cst.Module, cst.IndentedBlock)) \
                else ()
            if siblings:
                index = self.position(current)
                for previous in reversed(siblings[:index]):
                    if name not in self.bound_names(previous):
                        continue
                    found = simple_assignment(previous, name) or conditional_assignment(previous, name)
                    if found is None:
                        raise CannotFollow(f"`{name}` is set by a statement the fixer does not rewrite "
                                           "(line {0})", previous)
                    return found
            if holder is None or isinstance(holder, cst.Module):
                raise CannotFollow(f"`{name}` is not set in this module before it is used")
            owner = self._owning_statement(holder)
            if isinstance(owner, cst.FunctionDef):
                if name in parameter_names(owner.params):
                    raise CannotFollow(f"`{name}` comes from outside the function (a parameter of "
                                       f"`{owner.name.value}`)")
                raise CannotFollow(f"`{name}` comes from outside the function `{owner.name.value}`")
            if isinstance(owner, cst.ClassDef):
                raise CannotFollow(f"`{name}` is read in a class body")
            if isinstance(owner, LOOPS) and (name in bound_names(owner, loop_body_only=True)):
                raise CannotFollow(f"`{name}` changes from one iteration of the loop to the next")
            if not isinstance(owner, (cst.If, cst.With, *LOOPS)):
                raise CannotFollow(f"`{name}` is read inside a `{type(owner).__name__.lower()}` block")
            current = owner

    def attribute_definition(self, ref: cst.Attribute) -> Definition:
        """The one `self.attr = value` line of the class whose method reads `self.attr` in `ref`."""
        method = self.scope(ref)
        owner = self.scope(method) if isinstance(method, cst.FunctionDef) else None
        if not (isinstance(ref.value, cst.Name) and isinstance(owner, cst.ClassDef)
                and isinstance(method, cst.FunctionDef) and self_name(method) == ref.value.value):
            raise CannotFollow(f"`{short_text(ref)}` is stored in an attribute or a container that other code "
                               f"may write")
        attr = ref.attr.value
        found: List[Definition] = []
        for statement in owner.body.body:
            if not isinstance(statement, cst.FunctionDef) or self_name(statement) is None:
                continue
            this = self_name(statement)
            for line in self.statements_in(statement):
                for target in attribute_targets(line):
                    if isinstance(target.value, cst.Name) and target.value.value == this and \
                            target.attr.value == attr:
                        value = attribute_value(line)
                        if value is None or not isinstance(line, cst.SimpleStatementLine):
                            raise CannotFollow(f"`self.{attr}` is set by a statement the fixer does not rewrite "
                                               "(line {0})", line)
                        found.append(Definition(f"self.{attr}", line, (value,), attribute=True))
        if not found:
            raise CannotFollow(f"`self.{attr}` is not set in the class")
        if len(found) > 1:
            raise CannotFollow(f"`self.{attr}` is set {len(found)} times in the class")
        return found[0]

    def _owning_statement(self, block: cst.CSTNode) -> cst.CSTNode:
        """The compound statement (or def/class) a block belongs to, through else/elif/except parts."""
        current = self.parent(block)
        while current is not None and not (
            isinstance(current, (cst.BaseCompoundStatement,)) and isinstance(self.parent(current),
                                                                            (cst.IndentedBlock, cst.Module))
        ):
            current = self.parent(current)
        if current is None:
            raise CannotFollow("the block it sits in cannot be followed")
        return current

    def position(self, statement: cst.CSTNode) -> int:
        """The index of `statement` in the block that holds it (one dict per block, built once)."""
        holder = self.parent(statement)
        table = self._positions.get(id(holder))
        if table is None:
            body: Sequence[cst.CSTNode] = getattr(holder, "body", ())
            table = self._positions[id(holder)] = {id(s): i for i, s in enumerate(body)}
        return table[id(statement)]

    def bound_names(self, statement: cst.CSTNode) -> Set[str]:
        """bound_names(statement), computed once per statement."""
        found = self._bound.get(id(statement))
        if found is None:
            found = self._bound[id(statement)] = bound_names(statement)
        return found

    def next_plain_assignment(self, statement: cst.CSTNode, name: str, skip: Set[int]) -> Optional[cst.CSTNode]:
        """The first statement after `statement` in its block that is a one-assignment line `name = ...`
        (also `a = name = ...`), other than those whose id() is in `skip`."""
        holder = self.parent(statement)
        block: Sequence[cst.CSTNode] = getattr(holder, "body", ())
        table = self._assignments.get(id(holder))
        if table is None:
            table = self._assignments[id(holder)] = {}
            for index, line in enumerate(block):
                if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and \
                        isinstance(line.body[0], cst.Assign):
                    for target in line.body[0].targets:
                        if isinstance(target.target, cst.Name):
                            indexes = table.setdefault(target.target.value, [])
                            if not indexes or indexes[-1] != index:
                                indexes.append(index)
        indexes = table.get(name, [])
        for index in indexes[bisect.bisect_right(indexes, self.position(statement)):]:
            if id(block[index]) not in skip:
                return block[index]
        return None

    def rebound_between(self, names: Set[str], paths: Set[str], start: cst.CSTNode, end: cst.CSTNode
                        ) -> Optional[str]:
        """A name of `names` that some statement between `start` and `end` (or a loop around `end` that
        does not hold `start`) binds again, or a read path of `paths` it assigns into (`config.size = ...`
        changes `config.size`, not `config.keep_prob`), or None. The earliest such statement decides."""
        if not names and not paths:
            return None
        scope = self.scope(end)
        stop_first = self._first[id(end)]
        start_last = self._last[id(start)]
        regions: List[Tuple[int, int]] = [(start_last + 1, stop_first)]
        for loop in self.enclosing_loops(end, scope):
            if not self.inside(start, loop):
                regions.append((self._first[id(loop)], self._last[id(loop)]))
        facts = self._facts(scope)
        best: Optional[Tuple[int, int, str]] = None  # (position, names before paths, what)
        # a read path meets a write into itself, into a prefix of it, or into a longer path under it
        for table, wanted, rank, keys_of in ((facts.binds, names, 0, itself), (facts.writes, paths, 1, path_keys),
                                             (facts.writes_under, paths, 1, itself)):
            for what in wanted:
                for key in keys_of(what):
                    firsts = table.get(key)
                    if not firsts:
                        continue
                    for lo, hi in regions:
                        at = bisect.bisect_left(firsts, lo)
                        if at < len(firsts) and firsts[at] <= hi:
                            hit = (firsts[at], rank, what)
                            best = hit if best is None or hit < best else best
        return best[2] if best is not None else None

    def _facts(self, scope: cst.CSTNode) -> ScopeFacts:
        facts = self._scope_facts.get(id(scope))
        if facts is None:
            facts = self._scope_facts[id(scope)] = ScopeFacts(self, scope)
        return facts

    def statements_in(self, scope: cst.CSTNode) -> Iterator[cst.CSTNode]:
        """Every statement of `scope`, nested blocks included, not those of nested functions and classes."""
        stack: List[cst.CSTNode] = [scope]
        while stack:
            node = stack.pop()
            for child in children(node):
                kind = _kind(child.__class__)  # one isinstance per class, not per node (see nodes.is_kind)
                if kind == "statement":
                    yield child
                elif kind == "scope":
                    yield child  # a def or class is a statement too; its body is another scope
                    continue
                elif kind == "lambda":
                    continue
                stack.append(child)

    def names_bound_around(self, node: cst.CSTNode) -> Set[str]:
        """Names that comprehensions and lambdas around `node` (inside its statement) bind for it."""
        names: Set[str] = set()
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, COMPREHENSIONS):
                names |= comprehension_targets(ancestor)
            elif isinstance(ancestor, cst.Lambda):
                names |= parameter_names(ancestor.params)
            elif isinstance(ancestor, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                break
        return names

    # ----- reads -------------------------------------------------------------------------------
    def other_reads(
        self, name: str, scope: cst.CSTNode, ignore: Sequence[cst.CSTNode], rebinding: Optional[cst.CSTNode]
    ) -> List[cst.Name]:
        """Reads of `name` in `scope` (nested functions included unless they bind it) outside the `ignore`d
        subtrees and, in `scope` itself, not after the statement `rebinding` that gives it a new value."""
        reads: List[cst.Name] = []
        ignored = [(self._first[id(n)], self._last[id(n)]) for n in ignore]
        after = self._last[id(rebinding)] if rebinding is not None else None
        for ref, nested in self._facts(scope).reads_of(name):
            position = self._first[id(ref)]
            if any(lo <= position <= hi for lo, hi in ignored):
                continue
            if after is not None and position > after and not nested:
                continue
            reads.append(ref)
        return reads
