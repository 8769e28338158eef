"""Plan the rewrites that give each layer (RNN101) or each direction (RNN102) an object of its own."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

from rnn_reuse_lint import identity
from rnn_reuse_lint.evaluation import Evaluation
from rnn_reuse_lint.fixes.fresh import Construction, Rebuilder
from rnn_reuse_lint.finding import Because
from rnn_reuse_lint.fixes.bindings import Definition
from rnn_reuse_lint.fixes.nodes import CannotFollow, children, short_text
from rnn_reuse_lint.fixes.syntax import SyntaxIndex
from rnn_reuse_lint.values import ListVal, Obj, Part, Value

Shared = Callable[[Value], bool]


@dataclass(frozen=True)
class NodeEdit:
    """One change, still in terms of nodes: replace an expression, delete a statement line, or insert
    text before a statement (at its indentation)."""

    action: str  # "replace" | "delete" | "insert"
    node: cst.CSTNode
    text: str = ""


@dataclass(frozen=True)
class PlannedFix:
    description: str
    edits: Tuple[NodeEdit, ...]
    safe: bool
    reason: Optional[Because] = None  # why the fix is unsafe


class FixPlanner:
    """Plans fixes for one evaluated module; the syntax index is built only when the first fix is asked for."""

    def __init__(self, evaluation: Evaluation) -> None:
        self.module = evaluation.module
        self.evaluation = evaluation
        self._index: Optional[SyntaxIndex] = None
        self._rebuilder: Optional[Rebuilder] = None

    @property
    def index(self) -> SyntaxIndex:
        if self._index is None:
            self._index = SyntaxIndex(self.module)
        return self._index

    @property
    def rebuilder(self) -> Rebuilder:
        if self._rebuilder is None:
            self._rebuilder = Rebuilder(self.index, self.evaluation)
        return self._rebuilder

    # ----- RNN101 ------------------------------------------------------------------------------
    def for_stack(self, layers: ListVal, owner: Obj, places: Sequence[identity.Placement]
                  ) -> Union[PlannedFix, Because]:
        """A fix that gives every layer of `layers` its own copy of `owner`, or why there is none."""
        try:
            return self._stack(layers, owner, places)
        except CannotFollow as exc:
            return exc.because

    def _stack(self, layers: ListVal, owner: Obj, places: Sequence[identity.Placement]) -> PlannedFix:
        by_node: Dict[int, List[identity.Placement]] = {}
        for place in places:
            by_node.setdefault(id(layers.parts[place.part_index].node), []).append(place)
        groups = list(by_node.values())
        what = _describe(owner)
        if len(groups) == 1:
            # One expression puts the object into several layers: rebuild it there, for every layer.
            group = groups[0]
            parts = [layers.parts[p.part_index] for p in group]
            node = parts[0].node
            if isinstance(node, cst.BinaryOperation):
                return self._repeat_to_comprehension(node, what)
            shared = _per_layer_sharing(parts)
            if isinstance(node, cst.ListComp):
                _not_in_class_body(self.index, node)
                refs = self._locate(node.elt, parts[0].value, shared, node)
            elif isinstance(node, cst.Call) and _method(node) == "append" and len(node.args) == 1:
                loops = self.index.enclosing_loops(node, self.index.scope(node))
                refs = self._locate(node.args[0].value, parts[0].value, shared, loops[0] if loops else None)
            else:
                raise CannotFollow(f"`{short_text(node)}` is not a construct the fixer rewrites")
            return self._replace_refs(refs, f"Build a new {what} for every layer", abandon=True)
        if any(p.repeated for group in groups for p in group):
            raise CannotFollow("several expressions put the object into the stack")
        # `[cell, other, cell]`: keep the first layer's object, build new ones for the others.
        first = layers.parts[groups[0][0].part_index]
        shared = _same_as(first.value)
        later: List[cst.CSTNode] = []
        for group in groups[1:]:
            part = layers.parts[group[0].part_index]
            if part.mode != "single" or not isinstance(part.node, cst.BaseExpression):
                raise CannotFollow(f"`{short_text(part.node)}` is not a construct the fixer rewrites")
            later.extend(self._locate(part.node, part.value, shared))
        return self._replace_refs(later, f"Build a new {what} for each repeated layer", abandon=False)

    def _repeat_to_comprehension(self, node: cst.BinaryOperation, what: str) -> PlannedFix:
        """`[X] * n` evaluates X once; `[X for _ in range(n)]` evaluates it per layer."""
        if not isinstance(node.operator, cst.Multiply):
            raise CannotFollow(f"`{short_text(node)}` is not a list repetition")
        if isinstance(node.left, (cst.List, cst.Tuple)):
            display, count = node.left, node.right
        elif isinstance(node.right, (cst.List, cst.Tuple)):
            display, count = node.right, node.left
        else:
            raise CannotFollow(f"`{short_text(node)}` is not a list repetition")
        if len(display.elements) != 1 or isinstance(display.elements[0], cst.StarredElement):
            raise CannotFollow(f"`{short_text(node)}` repeats more than one element")
        element = display.elements[0].value
        _not_in_class_body(self.index, node)
        construction = self.rebuilder.construction(element)
        self._check_stable(construction, element, node)
        variable = "_layer" if "_" in construction.free_names else "_"
        factory = self._factory(construction, element, node)
        built = factory[1] if factory is not None else self._code(construction.expr)
        comprehension = f"{built} for {variable} in range({self._code(count)})"
        text = f"tuple({comprehension})" if isinstance(display, cst.Tuple) else f"[{comprehension}]"
        edits = [NodeEdit("replace", node, text)]
        if factory is not None:
            edits.insert(0, NodeEdit("insert", self.index.statement(node), factory[0]))
        how = f" (with a local factory `{factory[2]}()`)" if factory is not None else ""
        return self._finish(f"Build a new {what} for every layer{how}", edits, [(construction, node)],
                            abandon=True)

    # ----- RNN102 ------------------------------------------------------------------------------
    def for_directions(self, backward: cst.BaseExpression, fw: Value, bw: Value, owners: Sequence[Obj]
                       ) -> Union[PlannedFix, Because]:
        """A fix that builds the backward direction its own objects, or why there is none."""
        try:
            refs = self._locate(backward, bw, _same_as(fw))
            what = _describe(owners[0]) if len(owners) == 1 else "cells"
            return self._replace_refs(refs, f"Build a separate backward {what}", abandon=False)
        except CannotFollow as exc:
            return exc.because

    # ----- shared machinery --------------------------------------------------------------------
    def _locate(self, expr: cst.BaseExpression, value: Value, shared: Shared,
                region: Optional[cst.CSTNode] = None) -> List[cst.CSTNode]:
        """The references inside `expr` (which evaluates to `value`, fresh or not) that hand out a shared
        object: each must be replaced by a new construction. `region` is the loop or comprehension that
        runs once per layer, when there is one."""
        kinds = self.evaluation.name_kinds
        if shared(value):
            if isinstance(expr, (cst.Name, cst.Attribute, cst.Subscript)):
                return [expr]
            if isinstance(expr, cst.Call):
                raise CannotFollow(f"`{short_text(expr)}` returns the same object every time it is called")
            raise CannotFollow(f"`{short_text(expr)}` is the shared object itself")
        if isinstance(value, ListVal) and isinstance(expr, cst.Name) and value.parts and all(
                any(shared(x) for x in _chain(p.value)) for p in value.parts):
            return [expr]  # a list of shared objects (two stacks built from one list): rebuild the list
        if isinstance(expr, cst.Name) and kinds.get(id(expr)) == "cell":
            definition = self.index.reaching_definition(expr)
            if definition.simple:
                return self._locate(definition.value, value, shared, region)
            if region is None:
                raise CannotFollow(f"`{expr.value}` is set by an if-statement (line {{0}})", definition.line)
            return self._locate_in_region(definition, region)
        if isinstance(value, Obj) and value.node is expr and isinstance(expr, cst.Call):
            if value.kind in ("wrapper", "keras_rnn", "decoder") and value.inner is not None:
                argument = _argument(expr, _inner_keyword(value), 0)
                if argument is not None:
                    return self._locate(argument, value.inner, shared, region)
            if value.kind == "stack" and value.layers is not None:
                argument = _argument(expr, "cells", 0)
                if argument is not None:
                    return self._locate(argument, value.layers, shared, region)
        if isinstance(value, ListVal) and isinstance(expr, (cst.List, cst.Tuple)):
            refs: List[cst.CSTNode] = []
            for part in value.parts:
                if not any(shared(x) for x in _chain(part.value)):
                    continue
                if part.mode != "single" or not self.index.inside(part.node, expr):
                    raise CannotFollow(f"`{short_text(part.node)}` is not a construct the fixer rewrites")
                refs.extend(self._locate(part.node, part.value, shared, region))  # type: ignore[arg-type]
            if refs:
                return refs
        if isinstance(expr, cst.Call) and kinds.get(id(expr.func)) == "function":
            raise CannotFollow(f"`{short_text(expr)}` hands out an object built outside it; make the function "
                               f"build a new one")
        raise CannotFollow(f"the fixer cannot tell which part of `{short_text(expr)}` is shared")

    def _locate_in_region(self, definition: Definition, region: cst.CSTNode) -> List[cst.CSTNode]:
        """Inside a per-layer loop: the object references whose definition lies outside it (made once)."""
        refs: List[cst.CSTNode] = []
        pending = [definition]
        while pending:
            current = pending.pop()
            for expr in current.values:
                stack: List[cst.CSTNode] = [expr]
                while stack:
                    node = stack.pop()
                    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)) and \
                            self.evaluation.name_kinds.get(id(node)) == "cell":
                        if not isinstance(node, cst.Name):
                            raise CannotFollow(f"`{short_text(node)}` is stored in an attribute or a container")
                        found = self.index.reaching_definition(node)
                        if self.index.inside(found.line, region):
                            pending.append(found)
                        else:
                            refs.append(node)
                        continue
                    stack.extend(children(node))
            if current.falls_through:
                before = self.index.definition_before(current.name, current.line)
                if self.index.inside(before.line, region):
                    pending.append(before)
                else:
                    raise CannotFollow(f"`{current.name}` may keep the object made before the loop")
        if not refs:
            raise CannotFollow("the fixer cannot tell which object the loop shares")
        return refs

    def _replace_refs(self, refs: List[cst.CSTNode], description: str, abandon: bool) -> PlannedFix:
        refs = list({id(r): r for r in refs}.values())  # one reference can be reached along two paths
        if not refs:
            raise CannotFollow("nothing to rewrite")
        edits: List[NodeEdit] = []
        built: List[Tuple[Construction, cst.CSTNode]] = []
        factories: List[str] = []
        for ref in refs:
            if not abandon:
                ref = self._retarget(ref)
            construction = self.rebuilder.construction(ref)  # type: ignore[arg-type]
            self._check_stable(construction, ref, ref)
            factory = self._factory(construction, ref, ref)
            if factory is not None:
                edits.append(NodeEdit("insert", self.index.statement(ref), factory[0]))
                edits.append(NodeEdit("replace", ref, factory[1]))
                factories.append(factory[2])
            else:
                edits.append(NodeEdit("replace", ref, self._code(construction.expr)))
            built.append((construction, ref))
        if factories:
            description += f" (with a local factory `{factories[0]}()`)"
        return self._finish(description, edits, built, abandon)

    def _retarget(self, ref: cst.CSTNode) -> cst.CSTNode:
        """`self.cell_bw` read in another method than the one that sets it as an alias
        (`self.cell_bw = self.cell_fw`): rewrite that alias instead, where the construction's names exist.
        Only for one use (a direction, a later layer): every reader of `self.cell_bw` then gets the new cell."""
        if not isinstance(ref, cst.Attribute):
            return ref
        definition = self.index.attribute_definition(ref)
        if self.index.scope(definition.line) is self.index.scope(ref):
            return ref
        value = definition.value
        if isinstance(value, (cst.Name, cst.Attribute)) and self.evaluation.name_kinds.get(id(value)) == "cell":
            return value
        raise CannotFollow(f"`{definition.name}` is set in another method (line {{0}})", definition.line)

    def _check_stable(self, construction: Construction, origin: cst.CSTNode, place: cst.CSTNode) -> None:
        """The names the construction reads must mean the same where the fix evaluates it."""
        start = construction.definitions[0].line if construction.definitions else origin
        shadowed = construction.free_names & self.index.names_bound_around(place)
        if shadowed:
            raise CannotFollow(f"`{sorted(shadowed)[0]}` means something else inside the comprehension or "
                               f"lambda where the fix would build the object")
        changed = self.index.rebound_between(construction.free_names, construction.read_paths, start, place)
        if changed is not None:
            raise CannotFollow(f"`{changed}` changes between where the object is built and where the fix "
                               f"would build it")

    def _factory(self, construction: Construction, origin: cst.CSTNode, place: cst.CSTNode
                 ) -> Optional[Tuple[str, str, str]]:
        """(definition to insert, call, name) when the construction spans several statements."""
        building = [d for d in construction.definitions if not (d.simple and isinstance(d.value, cst.Name))]
        if len(building) < 2 and not construction.needs_factory:
            return None
        last = construction.definitions[-1]
        name = self._fresh_name(f"make_{last.name}")
        indent = self._indent_of(self.index.statement(place))
        step = self.module.default_indent
        lines = [f"def {name}():"]
        for definition in construction.definitions:
            code = self._code(definition.line.with_changes(leading_lines=())).rstrip("\r\n")
            if '"""' in code or "'''" in code:
                raise CannotFollow("the statements that build it hold a multi-line string")
            # every line one level deeper; lines continued inside brackets stay valid with any indentation
            lines.extend(f"{indent}{step}{line}" if line.strip() else "" for line in code.split("\n"))
        lines.append(f"{indent}{step}return {last.name}")
        newline = self.module.default_newline
        return newline.join(lines) + newline + indent, f"{name}()", name

    def _finish(self, description: str, edits: List[NodeEdit], built: List[Tuple[Construction, cst.CSTNode]],
                abandon: bool) -> PlannedFix:
        impure = sorted({call for construction, _ in built for call in construction.impure})
        reasons: List[str] = []
        nodes: List[cst.CSTNode] = []
        if impure:
            reasons.append(f"building it calls {', '.join(impure)}, which would then run once per "
                           f"{'layer' if abandon else 'direction'}")
        if abandon:
            lines = list({id(d.line): d for construction, _ in built for d in construction.definitions}.values())
            used = self._used_elsewhere(lines, [node for _, node in built])
            attributes = [d.name for d in lines if d.attribute]
            if attributes:
                reasons.append(f"`{attributes[0]}` is an attribute other code may read, and it would no longer "
                               f"be a layer")
            elif used is not None:
                reasons.append(f"`{used[0]}` is also used at line {{0}}, which would keep the old object")
                nodes.append(used[1])
            if not reasons:
                edits = edits + [NodeEdit("delete", a.line) for a in _deletable(lines, self.index,
                                                                                 [n for _, n in built])]
        reason = Because("; ".join(reasons), *nodes) if reasons else None
        return PlannedFix(description, tuple(edits), safe=not reasons, reason=reason)

    def _used_elsewhere(self, lines: List[Definition], replaced: List[cst.CSTNode]
                        ) -> Optional[Tuple[str, cst.CSTNode]]:
        ignore = [a.line for a in lines] + replaced
        for definition in lines:
            if definition.attribute:
                continue  # attributes are never deleted, and always make the fix unsafe (see _finish)
            scope = self.index.scope(definition.line)
            for name in (definition.name, *definition.aliases):  # `fw = bw = cell`: both hold the object
                reads = self.index.other_reads(name, scope, ignore, self._rebinding(definition.line, name, lines))
                if reads:
                    return name, reads[0]
        return None

    def _rebinding(self, line: cst.CSTNode, name: str, lines: List[Definition]) -> Optional[cst.CSTNode]:
        """The next plain `name = ...` in the same block that is not part of the construction."""
        return self.index.next_plain_assignment(line, name, {id(a.line) for a in lines})

    def _indent_of(self, statement: cst.CSTNode) -> str:
        parts = []
        for ancestor in self.index.ancestors(statement):
            if isinstance(ancestor, cst.IndentedBlock):
                parts.append(ancestor.indent if ancestor.indent is not None else self.module.default_indent)
        return "".join(reversed(parts))

    def _fresh_name(self, base: str) -> str:
        taken = self.index.names
        name, n = base, 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        return name

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def _not_in_class_body(index: SyntaxIndex, node: cst.CSTNode) -> None:
    if isinstance(index.scope(node), cst.ClassDef):
        raise CannotFollow("a comprehension in a class body cannot read the class's names")


def _deletable(lines: List[Definition], index: SyntaxIndex, keep: List[cst.CSTNode]) -> List[Definition]:
    """Definition lines that can go once nothing reads them (never a block's last statement)."""
    out = []
    removed: Dict[int, int] = {}
    for assignment in lines:
        if any(index.inside(node, assignment.line) for node in keep) or assignment.aliases or assignment.attribute:
            continue  # a line that still binds another name stays
        block = index.block(assignment.line)
        if removed.get(id(block), 0) + 1 >= len(block):
            continue
        removed[id(block)] = removed.get(id(block), 0) + 1
        out.append(assignment)
    return out


def _per_layer_sharing(parts: Sequence[Part]) -> Shared:
    """For a comprehension or an append loop: what the loop does not build anew is shared."""
    if len(parts) > 1:  # spelled-out comprehension: shared is what two of its layers have in common
        seen: Dict[int, int] = {}
        for part in parts:
            for x in {id(o): o for o in _chain(part.value)}:
                seen[x] = seen.get(x, 0) + 1
        return lambda value: seen.get(id(value), 0) > 1
    loops = parts[0].loops
    # an object made inside every one of those loops is new per layer (a join made there counts as made there)
    return lambda value: isinstance(value, Obj) and not loops <= value.loops


def _same_as(other: Value) -> Shared:
    ids = {id(x) for x in _chain(other)}
    return lambda value: id(value) in ids


def _chain(value: Value) -> List[Value]:
    """The objects (and lists) a value is made of: itself, what it wraps, its layers."""
    out: List[Value] = []
    stack = [value]
    while stack and len(out) < 1000:
        current = stack.pop()
        if isinstance(current, Obj):
            out.append(current)
            if current.inner is not None:
                stack.append(current.inner)
            if current.layers is not None:
                stack.append(current.layers)
            stack.extend(current.alternatives)
        elif isinstance(current, ListVal):
            out.append(current)
            stack.extend(p.value for p in current.parts)
    return out


def _inner_keyword(value: Obj) -> str:
    entry = value.entry
    if entry is not None and entry.wrapper is not None:
        return entry.wrapper.cell_arg
    return "cell"


def _argument(call: cst.Call, keyword: str, position: int) -> Optional[cst.BaseExpression]:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return positional[position].value if position < len(positional) else None


def _method(call: cst.Call) -> Optional[str]:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else None


def _describe(owner: Obj) -> str:
    return f"`{owner.cls}`" if owner.kind != "join" else "cell"
