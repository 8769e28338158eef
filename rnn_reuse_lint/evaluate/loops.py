"""Loops and comprehensions: one pass with per-iteration identity, short loops spelled out pass by pass, counters."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

from rnn_reuse_lint.evaluate.context import MAX_PASSES, Ctx, State
from rnn_reuse_lint.evaluate.facts import known_items, length, names, opaque
from rnn_reuse_lint.evaluate.joins import merge, set_attrs
from rnn_reuse_lint.evaluate.lists import spell_out
from rnn_reuse_lint.identity import loops_of
from rnn_reuse_lint.values import UNKNOWN, Const, Frame, ListVal, Obj, Part, RangeVal, TupleVal, Value, ZipVal

if TYPE_CHECKING:
    from rnn_reuse_lint.evaluate.expressions import Expressions
    from rnn_reuse_lint.evaluate.statements import Statements

Comprehension = Union[cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp]


def passes(iterable: Value) -> Optional[List[Value]]:
    """The values a `for` loop binds, one per pass, when the iterable is a short known range, list or tuple."""
    if isinstance(iterable, RangeVal) and iterable.length is not None and iterable.length <= MAX_PASSES:
        return [Const(iterable.start + k * iterable.step) for k in range(iterable.length)]
    if isinstance(iterable, ZipVal):
        # `enumerate(zip(fws, bws))`: pass k binds (k, (fws[k], bws[k])), when every list's length is known.
        columns: List[Optional[List[Value]]] = [None if isinstance(i, RangeVal) and i.length is None else passes(i)
                                                for i in iterable.items]
        lengths = {len(c) for c in columns if c is not None}
        if len(lengths) != 1:
            return None
        count = lengths.pop()
        filled = [c if c is not None else [Const(k) for k in range(count)] for c in columns]
        return [TupleVal(tuple(column[k] for column in filled)) for k in range(count)]
    if isinstance(iterable, ListVal):
        spell_out(iterable)  # `[GRUCell(h) for _ in range(2)]`: two cells, one per pass
    items = known_items(iterable) if isinstance(iterable, (ListVal, TupleVal)) else None
    if items is not None and len(items) <= MAX_PASSES:
        return list(items)
    return None


def unrollable(node: cst.For, count: int) -> bool:
    """A short loop whose body reads its plain loop variable or advances a counter (`layer_id += 1`), and no
    statement that leaves a pass early."""
    if not 0 < count <= MAX_PASSES:
        return False
    targets = {n.value for n in names(node.target) if isinstance(n, cst.Name)}
    if any(isinstance(n, (cst.Attribute, cst.Subscript, cst.StarredElement)) for n in names(node.target)):
        return False  # `for self.x in ...`, starred targets: not spelled out
    uses = bool(counters(node.body))
    stack: List[cst.CSTNode] = [node.body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.Break, cst.Continue, cst.Return, cst.Raise, cst.Yield)):
            return False
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(current, cst.Name) and current.value in targets:
            uses = True
        stack.extend(current.children)
    return uses


def counters(body: cst.CSTNode) -> Tuple[str, ...]:
    """Names a loop body advances (`i += 1`, `i = i + 1`), outside nested functions and classes."""
    found: Dict[str, None] = {}
    stack: List[cst.CSTNode] = [body]
    while stack:
        current = stack.pop()
        if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(current, cst.AugAssign) and isinstance(current.target, cst.Name):
            found[current.target.value] = None
        elif isinstance(current, cst.Assign) and len(current.targets) == 1 \
                and isinstance(current.targets[0].target, cst.Name) and isinstance(current.value, cst.BinaryOperation):
            name = current.targets[0].target.value
            if isinstance(current.value.left, cst.Name) and current.value.left.value == name:
                found[name] = None
        if isinstance(current, (cst.BaseExpression,)) and not isinstance(current, cst.Lambda):
            continue  # statements hold the assignments; expressions cannot (but for `:=`, left alone)
        stack.extend(current.children)
    return tuple(found)


class Loops:
    """Runs `for`/`while` loops and evaluates comprehensions, marking what a second pass would do again."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.records = state.records

    def connect(self, statements: "Statements", expressions: "Expressions") -> None:
        self.exec_block = statements.exec_block
        self.bind = statements.bind
        self.eval = expressions.eval

    def exec_loop(self, node: Union[cst.For, cst.While], frame: Frame, ctx: Ctx) -> None:
        state = self.state
        loop = state.ids.loop()
        inner = ctx.in_loop(loop)
        count: Optional[int] = None
        if isinstance(node, cst.For):
            iterable = self.eval(node.iter, frame, ctx)
            if length(iterable) == 0:
                # `for _ in range(1, n - 1)` with `n = 1`: Python never enters the body, so nothing in it
                # (a second `append(cell)` to a stack's list) happens; only the `else:` runs.
                if node.orelse is not None:
                    self.exec_block(node.orelse.body.body, frame, ctx)
                return
            values = passes(iterable)
            if values is not None and unrollable(node, len(values)) and ctx.passes * len(values) <= MAX_PASSES:
                self.exec_unrolled(node, values, frame, ctx)
                return
            count = length(iterable)
            # The loop variable is a different element each iteration, unless every element is one object
            # (`for cell in [cell] * 3`, `for fw, bw in zip(cells, cells)`).
            self.bind(node.target, self.element(node.iter, iterable, inner, {}), frame, inner)
            targets = tuple((n.value, loop) for n in names(node.target) if isinstance(n, cst.Name))
            inner = replace(inner, loop_targets=inner.loop_targets + targets)
        else:
            self.eval(node.test, frame, ctx)
        advanced = counters(node.body)
        if advanced:
            # `layer_id += 1` in the body: like a loop variable, a different value on every pass.
            for name in advanced:
                frame.vars[name] = UNKNOWN
            inner = replace(inner, loop_targets=inner.loop_targets + tuple((name, loop) for name in advanced))
        before = dict(frame.vars)
        before_attrs = dict(frame.self_attrs)
        state.loop_counts[loop] = count
        first_driver = len(self.records.drivers)
        first_part = len(state.loop_parts)
        self.exec_block(node.body.body, frame, inner)
        self.carried_elements(loop, before, frame.vars, first_part)
        if not frame.dead:  # every path ends in break/return (or continue): do not claim a second pass
            self.mark_repeats(loop, node, count, first_driver)
        after, after_attrs = frame.vars, dict(frame.self_attrs)
        frame.dead = False
        # The loop may run zero times, or stop early: names hold either value afterwards.
        frame.vars = merge([before, after], node)
        set_attrs(frame, merge([before_attrs, after_attrs], node, "self."))
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body, frame, ctx)

    def element(self, node: cst.CSTNode, iterable: Value, inner: Ctx, seen: Dict[int, Value]) -> Value:
        """What the loop variable holds on one pass: the one object every element is, a tuple of such for
        `zip`/`enumerate`, or an object of this pass (new every pass) when the elements differ."""
        if isinstance(iterable, ZipVal):
            return TupleVal(tuple(self.element(node, item, inner, seen) for item in iterable.items))
        if not isinstance(iterable, ListVal) or not iterable.parts:
            return UNKNOWN
        if id(iterable) in seen:
            return seen[id(iterable)]  # `zip(cells, cells)`: the same element of the same list
        values = [p.value for p in iterable.parts]
        first = values[0]
        if iterable.complete and isinstance(first, Obj) and all(v is first for v in values) \
                and all(p.mode != "each" or not p.loops <= loops_of(first) for p in iterable.parts):
            element: Value = first
        elif iterable.complete and isinstance(first, Obj) and first.entry is not None and all(
                isinstance(v, Obj) and v.kind == "cell" and v.entry == first.entry for v in values):
            # Distinct cells of one class (`[GRUCell(h) for _ in range(n)]`): a new one of that class every pass.
            element = replace(first, key=self.state.ids.key(), loops=frozenset(inner.loops), label=None)
        else:
            element = opaque(node, frozenset(inner.loops), None,
                             "the elements of that list are cells that create new variables on every call")
        seen[id(iterable)] = element
        return element

    def exec_unrolled(self, node: cst.For, values: Sequence[Value], frame: Frame, ctx: Ctx) -> None:
        """`for i in range(3):` whose body uses `i` (`variable_scope("layer_%d" % i)`) or advances a counter
        (`layer_id += 1`): run the body once per value, so each pass gets its own names and objects, exactly as
        Python runs it."""
        ctx = replace(ctx, unrolling=node, passes=ctx.passes * len(values))
        for value in values:
            self.bind(node.target, value, frame, ctx)
            self.exec_block(node.body.body, frame, ctx)
        if node.orelse is not None:
            self.exec_block(node.orelse.body.body, frame, ctx)

    def carried_elements(self, loop: int, before: Dict[str, Value], after: Dict[str, Value], first_part: int) -> None:
        """`cells.append(cell); cell = LSTMCell(h)`: the first pass appends the object bound before the loop,
        later passes the one bound at the end of the previous pass. One evaluated pass cannot tell the layers
        apart, so such an element becomes unknown rather than "the same object every pass"."""
        carried = [value for name, value in before.items() if after.get(name) is not value]
        if not carried:
            return
        for part in self.state.loop_parts[first_part:]:
            if loop in part.loops and any(part.value is value for value in carried):
                part.value = UNKNOWN

    def mark_repeats(self, loop: int, node: cst.CSTNode, count: Optional[int], first_driver: int) -> None:
        """Calls of this loop's body that the next iteration makes again with reuse still off.

        Evaluated at the end of the body, so `tf.get_variable_scope().reuse_variables()` after the call (the
        intended "share across iterations" idiom) switches it off; a call behind a condition is left out.
        """
        if count is not None and count < 2 or loop in self.state.resetting:
            return  # runs once, or every pass builds in a new graph
        for record in self.records.drivers[first_driver:]:
            if record.frames and loop in record.frames[0].loops:
                continue  # `with tf.Graph().as_default():` inside the loop: a new graph every pass
            if loop in record.guarded:
                continue
            if record.uniquified or record.reuse != "none" or any(f.reuse != "none" or f.unique for f in record.frames):
                continue
            if record.scope is not None:
                record.repeats += ((loop, node),)
            elif loop in record.varies:
                record.renamed += ((loop, node),)

    # ----- comprehensions ------------------------------------------------------------------------
    def comprehension(self, node: Comprehension, frame: Frame, ctx: Ctx) -> Value:
        unrolled = self.unrolled(node, frame, ctx)
        if unrolled is not None:
            return unrolled
        loop = self.state.ids.loop()
        inner_ctx = ctx.in_loop(loop)
        comp_frame = Frame(frame, "function")
        comp_frame.star_modules = []
        count: Optional[int] = 1
        clause: Optional[cst.CompFor] = node.for_in
        first = True
        first_driver = len(self.records.drivers)
        while clause is not None:
            iterable = self.eval(clause.iter, frame if first else comp_frame, ctx if first else inner_ctx)
            first = False
            n = length(iterable)
            count = None if count is None or n is None else count * n
            self.bind(clause.target, UNKNOWN, comp_frame, inner_ctx)  # a different element each time
            for cond in clause.ifs:
                self.eval(cond.test, comp_frame, inner_ctx)
                count = None
                inner_ctx = replace(inner_ctx, guarded=inner_ctx.guarded | {loop})
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            self.eval(node.key, comp_frame, inner_ctx)
            self.eval(node.value, comp_frame, inner_ctx)
            return UNKNOWN
        self.state.step()
        element = self.eval(node.elt, comp_frame, inner_ctx)
        self.mark_repeats(loop, node, count, first_driver)
        if isinstance(node, cst.SetComp):
            return UNKNOWN
        return ListVal([Part(element, node, "each", count, frozenset({loop}))], ctx.loop_set)

    def unrolled(self, node: Comprehension, frame: Frame, ctx: Ctx) -> Optional[ListVal]:
        """`[LSTMCell(h, name="l%d" % i) for i in range(3)]`: spelled out when the element uses a small known
        loop index, so each layer gets its own name (the identity answer is the same either way)."""
        clause = node.for_in
        if not isinstance(node, cst.ListComp) or clause.inner_for_in is not None or clause.ifs \
                or not isinstance(clause.target, cst.Name) or not isinstance(clause.iter, cst.Call):
            return None
        target = clause.target.value
        if not any(isinstance(n, cst.Name) and n.value == target for n in names(node.elt)):
            return None
        iterable = self.eval(clause.iter, frame, ctx)
        if not isinstance(iterable, RangeVal) or iterable.length is None or not 0 < iterable.length <= MAX_PASSES:
            return None
        parts: List[Part] = []
        for k in range(iterable.length):
            comp_frame = Frame(frame, "function")
            comp_frame.vars[target] = Const(iterable.start + k * iterable.step)
            self.state.step()
            parts.append(Part(self.eval(node.elt, comp_frame, ctx), node, "single"))
        return ListVal(parts, ctx.loop_set)
