"""Statements in execution order: assignments and binding, defs and classes, if/match/try branches, `with`."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple, Union

import libcst as cst

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.evaluate.context import Ctx, State
from rnn_reuse_lint.evaluate.facts import arith, dotted, is_opaque
from rnn_reuse_lint.evaluate.imports import Imports
from rnn_reuse_lint.evaluate.joins import merge, set_attrs
from rnn_reuse_lint.evaluate.lists import extend, multiply, spell_out
from rnn_reuse_lint.tf_api import Kind
from rnn_reuse_lint.values import (
    UNKNOWN,
    ClassInfo,
    Const,
    DictVal,
    Frame,
    FuncVal,
    GraphVal,
    Instance,
    ListVal,
    Obj,
    Part,
    QName,
    ScopeVal,
    TupleVal,
    Value,
)

if TYPE_CHECKING:
    from rnn_reuse_lint.evaluate.expressions import Expressions
    from rnn_reuse_lint.evaluate.loops import Loops

# Context managers that enter the graph passed as `graph=`: TF sessions and tf.test.TestCase helpers.
_SESSIONS = frozenset({"Session", "InteractiveSession", "session", "test_session", "cached_session"})


class Statements:
    """Runs blocks of statements on a frame; loops are the Loops part's, expressions the Expressions part's."""

    def __init__(self, state: State, imports: Imports) -> None:
        self.state = state
        self.imports = imports

    def connect(self, expressions: "Expressions", loops: "Loops") -> None:
        self.eval = expressions.eval  # the hot path: one attribute lookup, as when it was a method here
        self.index = expressions.index
        self.loops = loops

    def exec_block(self, body: Sequence[cst.CSTNode], frame: Frame, ctx: Ctx) -> None:
        for stmt in body:
            if frame.dead:
                return
            self.exec_stmt(stmt, frame, ctx)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame, ctx: Ctx) -> None:
        self.state.step()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if frame.dead:
                    return
                self.exec_small(small, frame, ctx)
        elif isinstance(stmt, cst.FunctionDef):
            self.exec_def(stmt, frame, ctx)
        elif isinstance(stmt, cst.ClassDef):
            self.exec_class(stmt, frame, ctx)
        elif isinstance(stmt, cst.If):
            self.exec_if(stmt, frame, ctx)
        elif isinstance(stmt, (cst.For, cst.While)):
            self.loops.exec_loop(stmt, frame, ctx)
        elif isinstance(stmt, cst.With):
            self.exec_with(stmt, frame, ctx)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self.exec_try(stmt, frame, ctx)
        elif isinstance(stmt, cst.Match):
            self.exec_branches(frame, ctx, [c.body.body for c in stmt.cases], stmt, subject=stmt.subject,
                               exclusive=True)
        elif isinstance(stmt, cst.IndentedBlock):
            self.exec_block(stmt.body, frame, ctx)

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame, ctx: Ctx) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, frame, ctx)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, frame, ctx)
            for target in small.targets:
                self.bind(target.target, value, frame, ctx)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, frame, ctx), frame, ctx)
        elif isinstance(small, cst.AugAssign):
            self.exec_augassign(small, frame, ctx)
        elif isinstance(small, cst.Return):
            frame.returns.append(self.eval(small.value, frame, ctx) if small.value is not None else Const(None))
            frame.dead = True
        elif isinstance(small, cst.Raise):
            if small.exc is not None:
                self.eval(small.exc, frame, ctx)
            frame.dead = True
        elif isinstance(small, (cst.Break, cst.Continue)):
            frame.dead = True
        elif isinstance(small, cst.Import):
            self.imports.exec_import(small, frame)
        elif isinstance(small, cst.ImportFrom):
            self.imports.exec_import_from(small, frame)
        elif isinstance(small, cst.Del):
            self.unbind(small.target, frame)

    def exec_augassign(self, node: cst.AugAssign, frame: Frame, ctx: Ctx) -> None:
        value = self.eval(node.value, frame, ctx)
        current = self.eval(node.target, frame, ctx)
        if isinstance(node.operator, cst.AddAssign) and isinstance(current, ListVal):
            # `cells += [cell]` mutates the list in place.
            extend(self.state, current, value, node, ctx)
            return
        if isinstance(node.operator, cst.MultiplyAssign) and isinstance(current, ListVal):
            product = multiply(current, value, node)
            self.state.charge_parts(len(product.parts))
            self.bind(node.target, product, frame, ctx)
            return
        if isinstance(current, Const) and isinstance(value, Const):
            result = arith(node.operator, current.value, value.value)
            self.bind(node.target, result, frame, ctx)
            return
        self.bind(node.target, UNKNOWN, frame, ctx)

    def exec_def(self, node: cst.FunctionDef, frame: Frame, ctx: Ctx) -> None:
        func = FuncVal(node, frame, node.name.value, defaults=self.defaults(node.params, frame, ctx))
        for deco in node.decorators:
            self.eval(deco.decorator, frame, ctx)
        frame.vars[node.name.value] = func
        if frame.kind != "class":
            self.state.pending.append((func, None))

    def defaults(self, params: cst.Parameters, frame: Frame, ctx: Ctx) -> Dict[str, Value]:
        """Default values are evaluated once, when the `def` runs: `def make(unit=GRUCell(32))` shares one cell."""
        out: Dict[str, Value] = {}
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                out[param.name.value] = self.eval(param.default, frame, ctx)
        return out

    def exec_class(self, node: cst.ClassDef, frame: Frame, ctx: Ctx) -> None:
        info = ClassInfo(node, node.name.value, frame)
        bases: List[ClassInfo] = []
        for arg in node.bases:
            base = self.eval(arg.value, frame, ctx)
            if isinstance(base, QName):
                entry = tf_api.lookup(base.name)
                if entry is not None and entry.kind in (Kind.CELL, Kind.CELL_BASE):
                    info.base_entry = entry
                elif entry is not None and entry.kind == Kind.WRAPPER:
                    info.wrapper_entry = entry
            elif isinstance(base, ClassInfo):
                bases.append(base)
                info.bases.append(base)
                if info.base_entry is None:
                    info.base_entry = base.base_entry
                if info.wrapper_entry is None:
                    info.wrapper_entry = base.wrapper_entry
                info.methods.update(base.methods)
                for name, values in base.attrs.items():
                    info.attrs[name] = list(values)
                info.overrides_call = info.overrides_call or base.overrides_call
        body_frame = Frame(frame, "class")
        try:
            self.exec_block(node.body.body, body_frame, ctx)
        finally:
            for name, value in body_frame.vars.items():
                if isinstance(value, FuncVal):
                    value.owner = info
                    info.methods[name] = value
                else:
                    # `class SmallConfig: num_layers = 2`: the value until an instance assigns another one.
                    info.attrs[name] = [value]
            if "__call__" in body_frame.vars:
                info.overrides_call = True
        frame.vars[node.name.value] = info
        instance = Instance(info)
        ordered = sorted(info.methods.values(), key=lambda f: f.name != "__init__")
        for method in ordered:
            if method.owner is info:
                self.state.pending.append((method, instance))

    def exec_if(self, node: cst.If, frame: Frame, ctx: Ctx) -> None:
        branches: List[Sequence[cst.CSTNode]] = [node.body.body]
        tests: List[cst.BaseExpression] = [node.test]
        orelse = node.orelse
        while isinstance(orelse, cst.If):
            tests.append(orelse.test)
            branches.append(orelse.body.body)
            orelse = orelse.orelse
        branches.append(orelse.body.body if orelse is not None else [])
        live: List[Sequence[cst.CSTNode]] = []
        for test, body in zip(tests, branches):
            value = self.eval(test, frame, ctx)
            if isinstance(value, Const) and not isinstance(value.value, str):
                # A literal or an inlined argument (`is_training=True`) decides the branch.
                if value.value:
                    live.append(body)
                    break
                continue
            live.append(body)
        else:
            live.append(branches[-1])
        self.exec_branches(frame, ctx, live, node, exclusive=True)

    def exec_branches(
        self,
        frame: Frame,
        ctx: Ctx,
        branches: Sequence[Sequence[cst.CSTNode]],
        node: cst.CSTNode,
        subject: Optional[cst.BaseExpression] = None,
        exclusive: bool = False,
    ) -> None:
        """Run each path from the same state and merge; `exclusive`: one of them runs (if/match, not try)."""
        if subject is not None:
            self.eval(subject, frame, ctx)
        before = dict(frame.vars)
        before_attrs = dict(frame.self_attrs)
        before_reuse = [scope.reuse for scope in ctx.scopes]
        if len(branches) > 1:
            ctx = replace(ctx, guarded=ctx.guarded | ctx.loop_set)
        outcomes: List[Tuple[Dict[str, Value], Dict[str, Value]]] = []
        reuse_outcomes: List[List[str]] = []
        for index, body in enumerate(branches):
            frame.vars = dict(before)
            set_attrs(frame, before_attrs)
            frame.dead = False
            for scope, reuse in zip(ctx.scopes, before_reuse):
                scope.reuse = reuse
            path = replace(ctx, branches=ctx.branches + ((id(node), index),)) if exclusive and len(branches) > 1 \
                else ctx
            self.exec_block(body, frame, path)
            if not frame.dead:
                outcomes.append((frame.vars, dict(frame.self_attrs)))
                reuse_outcomes.append([scope.reuse for scope in ctx.scopes])
        if len(outcomes) < len(branches):
            # A path left early (break/continue/return): later calls in these loops' bodies may be skipped.
            self.state.skipping.update(ctx.loops)
        # `if t > 0: scope.reuse_variables()`: after the branches, reuse is whatever every path agrees on.
        for index, scope in enumerate(ctx.scopes):
            seen = {states[index] for states in reuse_outcomes} or {before_reuse[index]}
            scope.reuse = seen.pop() if len(seen) == 1 else "unknown"
        if not outcomes:
            frame.vars, frame.dead = before, True
            set_attrs(frame, before_attrs)
            return
        frame.dead = False
        self.state.step(len(outcomes))
        frame.vars = merge([o[0] for o in outcomes], node)
        set_attrs(frame, merge([o[1] for o in outcomes], node, "self."))

    def exec_with(self, node: cst.With, frame: Frame, ctx: Ctx) -> None:
        inner = ctx
        for item in node.items:
            value = self.eval(item.item, frame, inner)
            if not isinstance(value, (ScopeVal, GraphVal)):
                value = self._session_graph(item.item, frame, inner) or value
            if isinstance(value, ScopeVal) and value.opens:
                inner = inner.in_scope(value.frame)
                value = ScopeVal(value.frame)
            elif isinstance(value, GraphVal) and value.entering:
                inner = replace(inner, scopes=(value.root,))  # a graph starts with its own, empty scope stack
                value = GraphVal(value.root)
            if item.asname is not None:
                self.bind(item.asname.name, value, frame, inner)
        self.exec_block(node.body.body, frame, inner)

    def _session_graph(self, item: cst.BaseExpression, frame: Frame, ctx: Ctx) -> Optional[GraphVal]:
        """`with tf.Session(graph=g):` (and a test case's `self.session(graph=g)`) makes g the default graph.

        A session used as a context manager enters its graph's `as_default()` (W1.15:python/client/session.py,
        BaseSession.__enter__), so what is built inside lands in that graph's own variable store.
        """
        if not isinstance(item, cst.Call):
            return None
        name = dotted(item.func)
        if name is None or name.rsplit(".", 1)[-1] not in _SESSIONS:
            return None
        for arg in item.args:
            if arg.keyword is not None and arg.keyword.value == "graph":
                graph = self.eval(arg.value, frame, ctx)
                if isinstance(graph, GraphVal):
                    return GraphVal(graph.root, entering=True)
        return None

    def exec_try(self, node: Union[cst.Try, cst.TryStar], frame: Frame, ctx: Ctx) -> None:
        bodies: List[Sequence[cst.CSTNode]] = [node.body.body]
        for handler in node.handlers:
            bodies.append(handler.body.body)
        self.exec_branches(frame, ctx, bodies, node)
        if node.orelse is not None and not frame.dead:
            self.exec_block(node.orelse.body.body, frame, ctx)
        if node.finalbody is not None:
            dead = frame.dead
            frame.dead = False
            self.exec_block(node.finalbody.body.body, frame, ctx)
            frame.dead = frame.dead or dead

    # ----- binding -----------------------------------------------------------------------------
    def bind(self, target: cst.BaseExpression, value: Value, frame: Frame, ctx: Ctx) -> None:
        if isinstance(target, cst.Name):
            if isinstance(value, Obj) and value.label is None:
                value.label = target.value
            frame.vars[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e for e in target.elements]
            items: Optional[Sequence[Value]] = None
            if isinstance(value, ListVal):
                spell_out(value)  # `fw, bw = [GRUCell(h) for _ in range(2)]`: two cells
            if isinstance(value, TupleVal) and len(value.items) == len(elements):
                items = value.items
            elif isinstance(value, ListVal) and all(p.mode == "single" for p in value.parts) \
                    and len(value.parts) == len(elements):
                items = [p.value for p in value.parts]
            for i, element in enumerate(elements):
                if isinstance(element, cst.StarredElement):
                    self.bind(element.value, UNKNOWN, frame, ctx)
                else:
                    self.bind(element.value, items[i] if items is not None else UNKNOWN, frame, ctx)
        elif isinstance(target, cst.Attribute):
            base = self.eval(target.value, frame, ctx)
            if isinstance(base, Instance):
                label = f"{dotted(target.value) or 'self'}.{target.attr.value}"
                if isinstance(value, Obj) and value.label is None:
                    value.label = label
                base.state[target.attr.value] = value
                self.set_instance_attr(base, target.attr.value, value, frame)
            elif (base is UNKNOWN or is_opaque(base)) and isinstance(target.value, cst.Name):
                # `self.cell = ...` in a pasted snippet, `args.cell = ...`: the attribute of one unknown object
                # holds this value until it is set again (kept like a variable under its dotted name).
                name = f"{target.value.value}.{target.attr.value}"
                if isinstance(value, Obj) and value.label is None:
                    value.label = name
                frame.vars[name] = value
        elif isinstance(target, cst.Subscript):
            base = self.eval(target.value, frame, ctx)
            index = self.index(target, frame, ctx)
            if isinstance(base, ListVal) and index is not None and spell_out(base) \
                    and -len(base.parts) <= index < len(base.parts):
                # `cells[1] = cells[0]`: that layer is now this object.
                old = base.parts[index]
                base.parts[index] = Part(value, old.node, "single")
            elif isinstance(base, (ListVal, DictVal)):
                base.complete = False  # `cells[i] = ...`: no longer know what each layer (or entry) is
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, UNKNOWN, frame, ctx)

    @staticmethod
    def set_instance_attr(instance: Instance, name: str, value: Value, frame: Frame) -> None:
        values = instance.cls.attrs.setdefault(name, [])
        if not any(v is value for v in values):
            values.append(value)

    def unbind(self, target: cst.BaseExpression, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.vars.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.unbind(element.value, frame)
