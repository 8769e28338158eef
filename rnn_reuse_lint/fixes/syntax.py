"""Where names are bound and read in one module: parents, blocks, reaching assignments, other uses."""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple, Type, Union

import libcst as cst

_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Module)
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_LOOPS = (cst.For, cst.While)


# Fields that hold only whitespace, punctuation or operators: skipping them makes a walk ~10x cheaper
# than libcst's `children` (measured on the benchmark corpus), which builds every child list afresh.
_PUNCTUATION_FIELDS = ("whitespace", "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators",
                       "header", "footer", "trailing_whitespace", "newline", "equal", "colon", "operator",
                       "lbracket", "rbracket", "lbrace", "rbrace", "dot", "asynchronous", "star", "default_indent",
                       "default_newline", "encoding", "indent", "first_line", "empty_lines", "prefix")
_FIELDS: Dict[Type[cst.CSTNode], Tuple[str, ...]] = {}


def children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The child nodes that can hold names and statements, in source order."""
    names = _FIELDS.get(type(node))
    if names is None:
        names = _FIELDS[type(node)] = tuple(
            f.name for f in dataclasses.fields(node) if not f.name.startswith(_PUNCTUATION_FIELDS))
    out: List[cst.CSTNode] = []
    for name in names:
        value = getattr(node, name)
        kind = value.__class__
        if kind is tuple or kind is list:
            out.extend(value)  # node sequences hold only nodes
        elif isinstance(value, cst.CSTNode):
            out.append(value)
    return out


def short_text(node: cst.CSTNode, limit: int = 40) -> str:
    """A node's code on one line, cut to `limit` characters, for messages."""
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Because:
    """A reason for a finding, with line numbers filled in once positions are known: `text` holds
    `{0}`, `{1}`... for the lines of `nodes`."""

    def __init__(self, text: str, *nodes: cst.CSTNode) -> None:
        self.text = text
        self.nodes = nodes

    def format(self, lines: Sequence[int]) -> str:
        return self.text.format(*lines)

    def __str__(self) -> str:
        return self.text.format(*("?" for _ in self.nodes))


class CannotFollow(Exception):
    """The fixer cannot prove where a name's value comes from; `because` says why (for the finding)."""

    def __init__(self, text: str, *nodes: cst.CSTNode) -> None:
        super().__init__(text)
        self.because = Because(text, *nodes)


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


class SyntaxIndex:
    """Parent links and source order of every node of a module, built in one walk when a fix is planned."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._parent: Dict[int, cst.CSTNode] = {}
        self._first: Dict[int, int] = {}  # pre-order number
        self._last: Dict[int, int] = {}  # highest pre-order number inside the node
        self.names: Set[str] = set()  # every identifier in the module (for new, unused names)
        # Facts per block and per scope, built the first time a fix asks (see _ScopeFacts): a file with
        # N findings in one scope asks N times, and walking the scope each time was O(N**2).
        self._positions: Dict[int, Dict[int, int]] = {}  # id(block holder) -> id(statement) -> index
        self._assignments: Dict[int, Dict[str, List[int]]] = {}  # id(block holder) -> name -> indexes
        self._scope_facts: Dict[int, _ScopeFacts] = {}
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
            if isinstance(ancestor, _SCOPES):
                return ancestor
        return self.module

    def enclosing_loops(self, node: cst.CSTNode, stop: cst.CSTNode) -> List[cst.CSTNode]:
        """for/while statements around `node` inside `stop` (its scope), innermost first."""
        loops: List[cst.CSTNode] = []
        for ancestor in self.ancestors(node):
            if ancestor is stop:
                break
            if isinstance(ancestor, _LOOPS):
                loops.append(ancestor)
        return loops

    # ----- bindings ----------------------------------------------------------------------------
    def reaching_definition(self, ref: cst.Name) -> Definition:
        """The one definition whose value `ref` reads, when that is certain."""
        name = ref.value
        for ancestor in self.ancestors(ref):
            if isinstance(ancestor, _COMPREHENSIONS) and name in _comprehension_targets(ancestor):
                raise CannotFollow(f"`{name}` is the variable of a comprehension")
            if isinstance(ancestor, cst.Lambda):
                # a lambda runs later: the names it reads may mean something else by then
                raise CannotFollow(f"`{name}` is read inside a lambda, which runs later")
            if isinstance(ancestor, _SCOPES):
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
                    found = _simple_assignment(previous, name) or _conditional_assignment(previous, name)
                    if found is None:
                        raise CannotFollow(f"`{name}` is set by a statement the fixer does not rewrite "
                                           "(line {0})", previous)
                    return found
            if holder is None or isinstance(holder, cst.Module):
                raise CannotFollow(f"`{name}` is not set in this module before it is used")
            owner = self._owning_statement(holder)
            if isinstance(owner, cst.FunctionDef):
                if name in _parameter_names(owner.params):
                    raise CannotFollow(f"`{name}` comes from outside the function (a parameter of "
                                       f"`{owner.name.value}`)")
                raise CannotFollow(f"`{name}` comes from outside the function `{owner.name.value}`")
            if isinstance(owner, cst.ClassDef):
                raise CannotFollow(f"`{name}` is read in a class body")
            if isinstance(owner, _LOOPS) and (name in bound_names(owner, loop_body_only=True)):
                raise CannotFollow(f"`{name}` changes from one iteration of the loop to the next")
            if not isinstance(owner, (cst.If, cst.With, *_LOOPS)):
                raise CannotFollow(f"`{name}` is read inside a `{type(owner).__name__.lower()}` block")
            current = owner

    def attribute_definition(self, ref: cst.Attribute) -> Definition:
        """The one `self.attr = value` line of the class whose method reads `self.attr` in `ref`."""
        method = self.scope(ref)
        owner = self.scope(method) if isinstance(method, cst.FunctionDef) else None
        if not (isinstance(ref.value, cst.Name) and isinstance(owner, cst.ClassDef)
                and isinstance(method, cst.FunctionDef) and _self_name(method) == ref.value.value):
            raise CannotFollow(f"`{short_text(ref)}` is stored in an attribute or a container that other code "
                               f"may write")
        attr = ref.attr.value
        found: List[Definition] = []
        for statement in owner.body.body:
            if not isinstance(statement, cst.FunctionDef) or _self_name(statement) is None:
                continue
            this = _self_name(statement)
            for line in self._statements_in(statement):
                for target in _attribute_targets(line):
                    if isinstance(target.value, cst.Name) and target.value.value == this and \
                            target.attr.value == attr:
                        value = _attribute_value(line)
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
        for table, wanted, rank, keys_of in ((facts.binds, names, 0, _itself), (facts.writes, paths, 1, _path_keys),
                                             (facts.writes_under, paths, 1, _itself)):
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

    def _facts(self, scope: cst.CSTNode) -> "_ScopeFacts":
        facts = self._scope_facts.get(id(scope))
        if facts is None:
            facts = self._scope_facts[id(scope)] = _ScopeFacts(self, scope)
        return facts

    def _statements_in(self, scope: cst.CSTNode) -> Iterator[cst.CSTNode]:
        stack: List[cst.CSTNode] = [scope]
        while stack:
            node = stack.pop()
            for child in children(node):
                if isinstance(child, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
                    yield child
                if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                    continue
                stack.append(child)

    def names_bound_around(self, node: cst.CSTNode) -> Set[str]:
        """Names that comprehensions and lambdas around `node` (inside its statement) bind for it."""
        names: Set[str] = set()
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, _COMPREHENSIONS):
                names |= _comprehension_targets(ancestor)
            elif isinstance(ancestor, cst.Lambda):
                names |= _parameter_names(ancestor.params)
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


class _ScopeFacts:
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
        for statement in sorted(index._statements_in(scope), key=lambda s: index._first[id(s)]):
            first = index._first[id(statement)]
            for name in bound_names(statement, shallow=True):
                self.binds.setdefault(name, []).append(first)
            for written in _assigned_into(statement):
                self.writes.setdefault(written, []).append(first)
                for key in _path_keys(written)[1:]:
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
            yield ref, any(not isinstance(node, _COMPREHENSIONS) for node in around)

    def _binds_own(self, node: cst.CSTNode, name: str) -> bool:
        """Whether a function, lambda or comprehension around a read makes `name` a local of its own."""
        key = (id(node), name)
        own = self._own.get(key)
        if own is None:
            if isinstance(node, _COMPREHENSIONS):
                own = name in _comprehension_targets(node)
            else:
                assert isinstance(node, (cst.FunctionDef, cst.Lambda))
                own = name in _parameter_names(node.params) or (
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
            if node is not scope and isinstance(node, _COMPREHENSIONS):
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


def _itself(key: str) -> List[str]:
    return [key]


def _path_keys(path: str) -> List[str]:
    """`a.b.c` and its prefixes `a.b`, `a`: a write into one of them and a read of another touch each other."""
    parts = path.split(".")
    return [".".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _comprehension_targets(node: cst.CSTNode) -> Set[str]:
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


def _assigned_into(statement: cst.CSTNode) -> Set[str]:
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


def dotted_path(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of plain names, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    return ".".join([node.value, *reversed(parts)])


def _self_name(method: cst.FunctionDef) -> Optional[str]:
    """The name of a method's first parameter (`self`), None for static methods and no parameters."""
    if any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in method.decorators):
        return None
    params = [*method.params.posonly_params, *method.params.params]
    return params[0].name.value if params else None


def _attribute_targets(statement: cst.CSTNode) -> List[cst.Attribute]:
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


def _attribute_value(statement: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """The value of `self.attr = value` when that is the whole line and its only target."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                isinstance(small.targets[0].target, cst.Attribute):
            return small.value
    return None


def _parameter_names(params: cst.Parameters) -> Set[str]:
    names = {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names


def bound_names(node: cst.CSTNode, loop_body_only: bool = False, shallow: bool = False) -> Set[str]:
    """Names a statement binds in its own scope (nested defs/classes count by their name only).

    `shallow`: only what the statement itself binds, not statements nested in its blocks.
    `loop_body_only`: for a loop, its target and its body (the else part runs once, after the loop).
    """
    names: Set[str] = set()
    stack: List[cst.CSTNode] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            names.add(current.name.value)
            if current is not node:
                continue
            stack.extend(current.decorators)
            continue
        if isinstance(current, cst.Lambda) or isinstance(current, _COMPREHENSIONS):
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
        if loop_body_only and current is node and isinstance(current, _LOOPS):
            inner = [c for c in inner if c is not current.orelse]
        stack.extend(inner)
    return names


def _dotted_root(name: Union[cst.Name, cst.Attribute]) -> str:
    while isinstance(name, cst.Attribute):
        name = name.value  # type: ignore[assignment]
    return name.value if isinstance(name, cst.Name) else ""


def _simple_assignment(statement: cst.CSTNode, name: str) -> Optional[Definition]:
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


def _conditional_assignment(statement: cst.CSTNode, name: str) -> Optional[Definition]:
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
            if name in _parameter_names(node.params) or (
                isinstance(node, cst.FunctionDef) and name in bound_names(node.body)
            ):
                continue  # a local of its own
            stack.append((node.body, True))
            continue
        if node is not scope and isinstance(node, _COMPREHENSIONS) and name in _comprehension_targets(node):
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
