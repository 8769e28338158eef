"""Abstract evaluation of one module: which objects names hold, which stacks and drivers see which cells."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

import libcst as cst

from rnn_reuse_lint import project, tf_api
from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.budget import Spent as _Budget  # raised inside inlining when the work budget is spent
from rnn_reuse_lint.modules import Loaded, Loader
from rnn_reuse_lint.identity import known_owners, loops_of, strip_free_wrappers
from rnn_reuse_lint.scopes import combine_reuse, reuse_mode
from rnn_reuse_lint.tf_api import Family, Kind
from rnn_reuse_lint.values import _ids as _obj_ids  # new identities for spelled-out list elements
from rnn_reuse_lint.values import (
    UNKNOWN,
    Lazy,
    ModuleVal,
    OptimizerVal,
    SlotFailure,
    ZipVal,
    BoundMethod,
    ClassInfo,
    Const,
    DictVal,
    GraphVal,
    SuperVal,
    TemplateVal,
    DriverRecord,
    Frame,
    FuncVal,
    Instance,
    ListVal,
    Obj,
    Part,
    Partial,
    AutoReuse,
    QName,
    RangeVal,
    ScopeFrame,
    ScopeVal,
    StackRecord,
    TupleVal,
    Value,
)

# Inlining a function at each call site makes identity context-sensitive (a factory called in a
# comprehension makes a new cell per element). Depth alone does not bound that: four levels of F calls
# each are F**4 calls. What keeps every file linear is the work budget (budget.py), which counts each
# statement, call, comprehension element and merged branch; the caps below keep lists and unrolled
# loops small, so that a unit of work stays a small constant.
MAX_CALL_DEPTH = 6  # project code calls through a few modules (main -> train -> model -> __init__ -> body)
MAX_UNROLL = 16  # `[a, b] * n` is spelled out when n is a small literal
MAX_PARTS = 256  # a list built past this (`l += l` in a loop) is no longer followed: stays linear in memory

_loop_ids = itertools.count(1)
_CALLED = re.compile(r"(?<!\bdef )\b([A-Za-z_]\w*)\s*\(")
# Only plain `%s`/`%d` names are formatted: widths or `%c` on arbitrary constants can allocate or raise.
_SIMPLE_FORMAT = re.compile(r"(?:[^%]|%%|%[sdi]){0,200}")


@dataclass(frozen=True)
class Ctx:
    """Where evaluation currently is: enclosing loops (for per-iteration identity), the call chain, and
    the stack of open variable scopes (TF's scope stack is dynamic, so inlined callees inherit it)."""

    scopes: Tuple[ScopeFrame, ...]
    loops: Tuple[int, ...] = ()
    calls: Tuple[int, ...] = ()  # id() of function nodes being inlined (no recursion)
    sites: Tuple[cst.CSTNode, ...] = ()  # the call expressions that led here from the root
    root: int = 0  # 0: the module's top level; else id() of a function evaluated with unknown arguments
    guarded: FrozenSet[int] = frozenset()  # loops in whose current iteration this point sits behind a condition
    loop_targets: Tuple[Tuple[str, int], ...] = ()  # names bound by the enclosing `for` targets of this function
    unrolling: Optional[cst.CSTNode] = None  # the innermost `for` being run pass by pass (see _exec_unrolled)
    passes: int = 1  # product of the pass counts of the enclosing spelled-out loops
    branches: Tuple[Tuple[int, int], ...] = ()  # (id of an if/match, branch index) this point sits in
    foreign: bool = False  # inside a function of another project module, inlined from this file
    handed: FrozenSet[int] = frozenset()  # keys of the objects this file passed into that function
    handed_at: Tuple[Tuple[int, cst.CSTNode], ...] = ()  # (key, the argument that passed it the second time)

    @property
    def scope(self) -> ScopeFrame:
        return self.scopes[-1]

    def in_loop(self, loop: int) -> "Ctx":
        return replace(self, loops=self.loops + (loop,))

    def in_scope(self, frame: ScopeFrame) -> "Ctx":
        return replace(self, scopes=self.scopes + (frame,))

    def calling(self, func: int, site: cst.CSTNode) -> "Ctx":
        return replace(self, calls=self.calls + (func,), sites=self.sites + (site,), loop_targets=())


def root_ctx(root: int = 0) -> Ctx:
    return Ctx(scopes=(ScopeFrame((), "none"),), root=root)


@dataclass
class Records:
    stacks: List[StackRecord] = field(default_factory=list)
    drivers: List[DriverRecord] = field(default_factory=list)
    slot_failures: List[SlotFailure] = field(default_factory=list)
    keras_bidirectional: List[Obj] = field(default_factory=list)


_STAR_SUBMODULES = frozenset({"nn", "contrib", "keras", "compat", "layers", "rnn_cell", "rnn", "seq2seq"})


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _graph_call(qualname: str) -> Optional[str]:
    """The name of `tf.Graph`, `tf.reset_default_graph` or `tf.make_template` (also under compat.v1), else None."""
    root, _, rest = qualname.partition(".")
    if root != "tensorflow":
        return None
    if rest.startswith("compat.v1."):
        rest = rest[len("compat.v1."):]
    return rest if rest in ("Graph", "reset_default_graph", "make_template") else None


def _join(a: Optional[Value], b: Optional[Value], node: cst.CSTNode) -> Optional[Value]:
    """The value of a name after two paths merge."""
    if a is None:
        return b
    if b is None or a is b or a == b:
        return a
    return _join_all((a, b), node)


def _join_all(values: Sequence[Optional[Value]], node: cst.CSTNode) -> Optional[Value]:
    """The value of a name after many paths merge (an if/elif chain's branches, a function's returns),
    in one pass: alternatives are kept once each, keyed by identity, so a chain of n branches costs
    O(n), where joining them two at a time re-flattened the alternatives each time (O(n**2) to O(n**3))."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    first = present[0]
    if all(v is first or v == first for v in present):
        return first
    # `fw = self.cell; if training: fw = DropoutWrapper(fw)`: when another path wraps this very join, the
    # join stays whole so both paths still strip down to one object.
    wrapped = {id(strip_free_wrappers(v)) for v in present if isinstance(v, Obj) and strip_free_wrappers(v) is not v}
    seen: Dict[int, Value] = {}
    for v in present:
        whole = id(v) in wrapped
        for x in (v.alternatives if isinstance(v, Obj) and v.kind == "join" and not whole else (v,)):
            seen.setdefault(id(x), x)
    alts = list(seen.values())
    if all(isinstance(x, QName) for x in alts) or any(isinstance(x, (Obj, QName, FuncVal, Partial)) for x in alts):
        loops = frozenset.intersection(*[x.loops if isinstance(x, Obj) else frozenset() for x in alts])
        return Obj("join", "", Family.TF1, node, loops, alternatives=tuple(alts))
    return UNKNOWN


class Evaluator:
    """Walks statements in execution order, binding names to abstract values and recording RNN facts."""

    def __init__(self, module: cst.Module, defines: Optional[Dict[str, str]] = None,
                 source: Optional[str] = None, loader: Optional[Loader] = None,
                 budget: Optional[Budget] = None) -> None:
        self.module = module
        self.loader = loader  # follows imports of the project's own modules (None: this file alone)
        self.budget = budget if budget is not None else Budget()
        # where work is being done, for the budget's note: a label and the def/lambda node (for its line)
        self._here: Tuple[str, Optional[cst.CSTNode]] = ("the module's top level", None)
        # Names written as calls somewhere (`build(`, `self.build(`): such functions are evaluated with their
        # callers' arguments first; only what no caller reached gets a pass with unknown arguments.
        self._called = frozenset(_CALLED.findall(source)) if source is not None else frozenset()
        # `--define NAME=VALUE`: values for names a snippet uses but never binds (`n_layers`, `nstates`).
        self.defines = {name: _literal(text) for name, text in (defines or {}).items()}
        self.records = Records()
        self.module_frame = Frame(None, "module")
        self._generic_done: set[int] = set()
        self._pending: List[Tuple[FuncVal, Optional[Instance]]] = []
        self._loop_counts: Dict[int, Optional[int]] = {}
        self._skipping: set[int] = set()  # loops whose body has a path that leaves the iteration early
        self._graph_resets: Dict[int, int] = {}  # id(root scope) -> tf.reset_default_graph() calls so far
        self._resetting: set[int] = set()  # loops whose body resets the default graph
        self._default_names: Dict[Tuple[int, str], int] = {}  # (id(parent scope), default_name) -> times opened
        self._loop_parts: List[Part] = []  # list elements added once per pass of a loop, in order
        self.function_names: Dict[int, str] = {}
        # One opaque object per free name and per attribute of an opaque object: reading `cell` or
        # `self.cell` twice gives the same object, whatever its class is.
        self._free: Dict[str, Obj] = {}
        self._opaque_attrs: Dict[Tuple[int, str], Obj] = {}
        self._cached_results: Dict[Tuple[object, ...], Value] = {}  # lru_cache'd factories: one result per args
        self._slots_made: set[Tuple[int, int, str]] = set()  # (graph, resets, optimizer class) that made slots
        # For the fixer (fixes/): what names and calls stood for. A name that was ever a cell-like value
        # is "cell", one bound to a local function is "function"; a call remembers what it called.
        self.name_kinds: Dict[int, str] = {}
        self.callees: Dict[int, Value] = {}

    # ----- entry point -------------------------------------------------------------------------
    def run_top_level(self) -> Frame:
        """Only the module's own statements (an imported module: its names, classes and module-level objects)."""
        try:
            self._exec_block(self.module.body, self.module_frame, root_ctx())
        except _Budget:
            pass
        return self.module_frame

    def run(self) -> Records:
        try:
            self._exec_block(self.module.body, self.module_frame, root_ctx())
        except _Budget:
            return self.records  # what was recorded before the step budget ran out (huge generated modules)
        # Functions and methods nobody in this module calls still build RNNs: evaluate each once
        # with unknown parameters, methods of a class with `__init__` first so `self.x` is known.
        index = 0
        postponed: set[int] = set()
        while index < len(self._pending):
            func, instance = self._pending[index]
            index += 1
            if id(func.node) in self._generic_done:
                continue
            if func.owner is None and func.name in self._called and id(func.node) not in postponed:
                postponed.add(id(func.node))
                self._pending.append((func, instance))  # after its callers: maybe reached with real arguments
                continue
            self._generic_done.add(id(func.node))
            owner = f"{func.owner.name}." if func.owner is not None else ""
            self.function_names[id(func.node)] = owner + func.name
            try:
                self._call_function(func, [], {}, root_ctx(id(func.node)), instance=instance, generic=True,
                                    site=func.node)
            except _Budget:
                break
        return self.records

    # ----- statements --------------------------------------------------------------------------
    def _step(self, units: int = 1) -> None:
        self.budget.spend(self._here, units)

    def _exec_block(self, body: Sequence[cst.CSTNode], frame: Frame, ctx: Ctx) -> None:
        for stmt in body:
            if frame.dead:
                return
            self._exec_stmt(stmt, frame, ctx)

    def _exec_stmt(self, stmt: cst.CSTNode, frame: Frame, ctx: Ctx) -> None:
        self._step()
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if frame.dead:
                    return
                self._exec_small(small, frame, ctx)
        elif isinstance(stmt, cst.FunctionDef):
            self._exec_def(stmt, frame, ctx)
        elif isinstance(stmt, cst.ClassDef):
            self._exec_class(stmt, frame, ctx)
        elif isinstance(stmt, cst.If):
            self._exec_if(stmt, frame, ctx)
        elif isinstance(stmt, (cst.For, cst.While)):
            self._exec_loop(stmt, frame, ctx)
        elif isinstance(stmt, cst.With):
            self._exec_with(stmt, frame, ctx)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self._exec_try(stmt, frame, ctx)
        elif isinstance(stmt, cst.Match):
            self._exec_branches(frame, ctx, [c.body.body for c in stmt.cases], stmt, subject=stmt.subject,
                                exclusive=True)
        elif isinstance(stmt, cst.IndentedBlock):
            self._exec_block(stmt.body, frame, ctx)

    def _exec_small(self, small: cst.BaseSmallStatement, frame: Frame, ctx: Ctx) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, frame, ctx)
        elif isinstance(small, cst.Assign):
            value = self.eval(small.value, frame, ctx)
            for target in small.targets:
                self._bind(target.target, value, frame, ctx)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self._bind(small.target, self.eval(small.value, frame, ctx), frame, ctx)
        elif isinstance(small, cst.AugAssign):
            self._exec_augassign(small, frame, ctx)
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
            for alias in small.names:
                full = _dotted(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    frame.vars[alias.asname.name.value] = self._project_module(full) or QName(full)
                else:
                    head = full.split(".")[0]
                    frame.vars[head] = self._project_module(head) or QName(head)
        elif isinstance(small, cst.ImportFrom):
            self._exec_import_from(small, frame)
        elif isinstance(small, cst.Del):
            self._unbind(small.target, frame)

    def _project_module(self, dotted: Optional[str], level: int = 0) -> Optional[Lazy]:
        """The project's own module a dotted name (with leading dots) names, read on first use; None outside it."""
        if self.loader is None:
            return None
        found = project.resolve(self.loader.path, dotted, level)
        return Lazy(found[0], found[1], None) if found is not None else None

    def _exec_import_from(self, node: cst.ImportFrom, frame: Frame) -> None:
        level = len(node.relative)
        dotted = _dotted(node.module) if node.module is not None else None
        source = self._project_module(dotted, level) if node.module is None or dotted is not None else None
        if source is not None:
            if isinstance(node.names, cst.ImportStar):
                loaded = self._load(source)
                if loaded is not None:  # `from layers import *`: its public names, and what it star-imported
                    public = _public_names(loaded.frame)
                    frame.vars.update((name, loaded.frame.vars[name]) for name in public)
                    frame.star_modules.extend(m for m in loaded.frame.star_modules if m not in frame.star_modules)
                return
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name) and isinstance(alias.name, cst.Name):
                    frame.vars[bound.value] = Lazy(source.path, source.is_package, alias.name.value)
            return
        if node.relative or node.module is None:
            names = node.names
            if not isinstance(names, cst.ImportStar):
                for alias in names:
                    bound = alias.asname.name if alias.asname else alias.name
                    if isinstance(bound, cst.Name):
                        frame.vars[bound.value] = UNKNOWN
            return
        module = _dotted(node.module)
        if module is None:
            return
        if isinstance(node.names, cst.ImportStar):
            frame.star_modules.append(module)
            return
        for alias in node.names:
            name = _dotted(alias.name)
            bound = alias.asname.name if alias.asname else alias.name
            if name is not None and isinstance(bound, cst.Name):
                frame.vars[bound.value] = QName(f"{module}.{name}")

    def _exec_augassign(self, node: cst.AugAssign, frame: Frame, ctx: Ctx) -> None:
        value = self.eval(node.value, frame, ctx)
        current = self.eval(node.target, frame, ctx)
        if isinstance(node.operator, cst.AddAssign) and isinstance(current, ListVal):
            # `cells += [cell]` mutates the list in place.
            self._extend(current, value, node, ctx)
            return
        if isinstance(node.operator, cst.MultiplyAssign) and isinstance(current, ListVal):
            self._bind(node.target, self._multiply(current, value, node), frame, ctx)
            return
        if isinstance(current, Const) and isinstance(value, Const):
            result = _arith(node.operator, current.value, value.value)
            self._bind(node.target, result, frame, ctx)
            return
        self._bind(node.target, UNKNOWN, frame, ctx)

    def _exec_def(self, node: cst.FunctionDef, frame: Frame, ctx: Ctx) -> None:
        func = FuncVal(node, frame, node.name.value, defaults=self._defaults(node.params, frame, ctx))
        for deco in node.decorators:
            self.eval(deco.decorator, frame, ctx)
        frame.vars[node.name.value] = func
        if frame.kind != "class":
            self._pending.append((func, None))

    def _defaults(self, params: cst.Parameters, frame: Frame, ctx: Ctx) -> Dict[str, Value]:
        """Default values are evaluated once, when the `def` runs: `def make(unit=GRUCell(32))` shares one cell."""
        out: Dict[str, Value] = {}
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            if param.default is not None:
                out[param.name.value] = self.eval(param.default, frame, ctx)
        return out

    def _exec_class(self, node: cst.ClassDef, frame: Frame, ctx: Ctx) -> None:
        info = ClassInfo(node, node.name.value, frame)
        bases: List[ClassInfo] = []
        for arg in node.bases:
            base = self.eval(arg.value, frame, ctx)
            if isinstance(base, QName):
                entry = tf_api.lookup(base.name)
                if entry is not None and entry.kind in (Kind.CELL, Kind.CELL_BASE):
                    info.base_entry = entry
            elif isinstance(base, ClassInfo):
                bases.append(base)
                info.bases.append(base)
                if info.base_entry is None:
                    info.base_entry = base.base_entry
                info.methods.update(base.methods)
                for name, values in base.attrs.items():
                    info.attrs[name] = list(values)
                info.overrides_call = info.overrides_call or base.overrides_call
        body_frame = Frame(frame, "class")
        try:
            self._exec_block(node.body.body, body_frame, ctx)
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
                self._pending.append((method, instance))

    def _exec_if(self, node: cst.If, frame: Frame, ctx: Ctx) -> None:
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
        self._exec_branches(frame, ctx, live, node, exclusive=True)

    def _exec_branches(
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
            ctx = replace(ctx, guarded=ctx.guarded | frozenset(ctx.loops))
        outcomes: List[Tuple[Dict[str, Value], Dict[str, Value]]] = []
        reuse_outcomes: List[List[str]] = []
        for index, body in enumerate(branches):
            frame.vars = dict(before)
            _set_attrs(frame, before_attrs)
            frame.dead = False
            for scope, reuse in zip(ctx.scopes, before_reuse):
                scope.reuse = reuse
            path = replace(ctx, branches=ctx.branches + ((id(node), index),)) if exclusive and len(branches) > 1 \
                else ctx
            self._exec_block(body, frame, path)
            if not frame.dead:
                outcomes.append((frame.vars, dict(frame.self_attrs)))
                reuse_outcomes.append([scope.reuse for scope in ctx.scopes])
        if len(outcomes) < len(branches):
            # A path left early (break/continue/return): later calls in these loops' bodies may be skipped.
            self._skipping.update(ctx.loops)
        # `if t > 0: scope.reuse_variables()`: after the branches, reuse is whatever every path agrees on.
        for index, scope in enumerate(ctx.scopes):
            seen = {states[index] for states in reuse_outcomes} or {before_reuse[index]}
            scope.reuse = seen.pop() if len(seen) == 1 else "unknown"
        if not outcomes:
            frame.vars, frame.dead = before, True
            _set_attrs(frame, before_attrs)
            return
        frame.dead = False
        self._step(len(outcomes))
        frame.vars = _merge([o[0] for o in outcomes], node)
        _set_attrs(frame, _merge([o[1] for o in outcomes], node, "self."))

    def _exec_loop(self, node: Union[cst.For, cst.While], frame: Frame, ctx: Ctx) -> None:
        loop = next(_loop_ids)
        inner = ctx.in_loop(loop)
        count: Optional[int] = None
        if isinstance(node, cst.For):
            iterable = self.eval(node.iter, frame, ctx)
            passes = _passes(iterable)
            if passes is not None and _unrollable(node, len(passes)) and ctx.passes * len(passes) <= MAX_UNROLLED:
                self._exec_unrolled(node, passes, frame, ctx)
                return
            count = _length(iterable)
            # The loop variable is a different element each iteration, unless every element is one object
            # (`for cell in [cell] * 3`, `for fw, bw in zip(cells, cells)`).
            self._bind(node.target, self._element(node.iter, iterable, inner, {}), frame, inner)
            targets = tuple((n.value, loop) for n in _names(node.target) if isinstance(n, cst.Name))
            inner = replace(inner, loop_targets=inner.loop_targets + targets)
        else:
            self.eval(node.test, frame, ctx)
        counters = _counters(node.body)
        if counters:
            # `layer_id += 1` in the body: like a loop variable, a different value on every pass.
            for name in counters:
                frame.vars[name] = UNKNOWN
            inner = replace(inner, loop_targets=inner.loop_targets + tuple((name, loop) for name in counters))
        before = dict(frame.vars)
        before_attrs = dict(frame.self_attrs)
        self._loop_counts[loop] = count
        first_driver = len(self.records.drivers)
        first_part = len(self._loop_parts)
        self._exec_block(node.body.body, frame, inner)
        self._carried_elements(loop, before, frame.vars, first_part)
        if not frame.dead:  # every path ends in break/return (or continue): do not claim a second pass
            self._mark_repeats(loop, node, count, first_driver)
        after, after_attrs = frame.vars, dict(frame.self_attrs)
        frame.dead = False
        # The loop may run zero times, or stop early: names hold either value afterwards.
        frame.vars = _merge([before, after], node)
        _set_attrs(frame, _merge([before_attrs, after_attrs], node, "self."))
        if node.orelse is not None:
            self._exec_block(node.orelse.body.body, frame, ctx)

    def _element(self, node: cst.CSTNode, iterable: Value, inner: Ctx, seen: Dict[int, Value]) -> Value:
        """What the loop variable holds on one pass: the one object every element is, a tuple of such for
        `zip`/`enumerate`, or an object of this pass (new every pass) when the elements differ."""
        if isinstance(iterable, ZipVal):
            return TupleVal(tuple(self._element(node, item, inner, seen) for item in iterable.items))
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
            element = replace(first, key=next(_obj_ids), loops=frozenset(inner.loops), label=None)
        else:
            element = _opaque(node, frozenset(inner.loops), None,
                              "the elements of that list are cells that create new variables on every call")
        seen[id(iterable)] = element
        return element

    def _exec_unrolled(self, node: cst.For, passes: Sequence[Value], frame: Frame, ctx: Ctx) -> None:
        """`for i in range(3):` whose body uses `i` (`variable_scope("layer_%d" % i)`) or advances a counter
        (`layer_id += 1`): run the body once per value, so each pass gets its own names and objects, exactly as
        Python runs it."""
        ctx = replace(ctx, unrolling=node, passes=ctx.passes * len(passes))
        for value in passes:
            self._bind(node.target, value, frame, ctx)
            self._exec_block(node.body.body, frame, ctx)
        if node.orelse is not None:
            self._exec_block(node.orelse.body.body, frame, ctx)

    def _carried_elements(self, loop: int, before: Dict[str, Value], after: Dict[str, Value], first_part: int) -> None:
        """`cells.append(cell); cell = LSTMCell(h)`: the first pass appends the object bound before the loop,
        later passes the one bound at the end of the previous pass. One evaluated pass cannot tell the layers
        apart, so such an element becomes unknown rather than "the same object every pass"."""
        carried = [value for name, value in before.items() if after.get(name) is not value]
        if not carried:
            return
        for part in self._loop_parts[first_part:]:
            if loop in part.loops and any(part.value is value for value in carried):
                part.value = UNKNOWN

    def _mark_repeats(self, loop: int, node: cst.CSTNode, count: Optional[int], first_driver: int) -> None:
        """Calls of this loop's body that the next iteration makes again with reuse still off.

        Evaluated at the end of the body, so `tf.get_variable_scope().reuse_variables()` after the call (the
        intended "share across iterations" idiom) switches it off; a call behind a condition is left out.
        """
        if count is not None and count < 2 or loop in self._resetting:
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

    def _exec_with(self, node: cst.With, frame: Frame, ctx: Ctx) -> None:
        inner = ctx
        for item in node.items:
            value = self.eval(item.item, frame, inner)
            if isinstance(value, ScopeVal) and value.opens:
                inner = inner.in_scope(value.frame)
                value = ScopeVal(value.frame)
            elif isinstance(value, GraphVal) and value.entering:
                inner = replace(inner, scopes=(value.root,))  # a graph starts with its own, empty scope stack
                value = GraphVal(value.root)
            if item.asname is not None:
                self._bind(item.asname.name, value, frame, inner)
        self._exec_block(node.body.body, frame, inner)

    def _exec_try(self, node: Union[cst.Try, cst.TryStar], frame: Frame, ctx: Ctx) -> None:
        bodies: List[Sequence[cst.CSTNode]] = [node.body.body]
        for handler in node.handlers:
            bodies.append(handler.body.body)
        self._exec_branches(frame, ctx, bodies, node)
        if node.orelse is not None and not frame.dead:
            self._exec_block(node.orelse.body.body, frame, ctx)
        if node.finalbody is not None:
            dead = frame.dead
            frame.dead = False
            self._exec_block(node.finalbody.body.body, frame, ctx)
            frame.dead = frame.dead or dead

    # ----- binding -----------------------------------------------------------------------------
    def _bind(self, target: cst.BaseExpression, value: Value, frame: Frame, ctx: Ctx) -> None:
        if isinstance(target, cst.Name):
            if isinstance(value, Obj) and value.label is None:
                value.label = target.value
            frame.vars[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = [e for e in target.elements]
            items: Optional[Sequence[Value]] = None
            if isinstance(value, ListVal):
                _spell_out(value)  # `fw, bw = [GRUCell(h) for _ in range(2)]`: two cells
            if isinstance(value, TupleVal) and len(value.items) == len(elements):
                items = value.items
            elif isinstance(value, ListVal) and all(p.mode == "single" for p in value.parts) \
                    and len(value.parts) == len(elements):
                items = [p.value for p in value.parts]
            for i, element in enumerate(elements):
                if isinstance(element, cst.StarredElement):
                    self._bind(element.value, UNKNOWN, frame, ctx)
                else:
                    self._bind(element.value, items[i] if items is not None else UNKNOWN, frame, ctx)
        elif isinstance(target, cst.Attribute):
            base = self.eval(target.value, frame, ctx)
            if isinstance(base, Instance):
                label = f"{_dotted(target.value) or 'self'}.{target.attr.value}"
                if isinstance(value, Obj) and value.label is None:
                    value.label = label
                base.state[target.attr.value] = value
                self._set_instance_attr(base, target.attr.value, value, frame)
            elif (base is UNKNOWN or _is_opaque(base)) and isinstance(target.value, cst.Name):
                # `self.cell = ...` in a pasted snippet, `args.cell = ...`: the attribute of one unknown object
                # holds this value until it is set again (kept like a variable under its dotted name).
                dotted = f"{target.value.value}.{target.attr.value}"
                if isinstance(value, Obj) and value.label is None:
                    value.label = dotted
                frame.vars[dotted] = value
        elif isinstance(target, cst.Subscript):
            base = self.eval(target.value, frame, ctx)
            index = self._index(target, frame, ctx)
            if isinstance(base, ListVal) and index is not None and _spell_out(base) \
                    and -len(base.parts) <= index < len(base.parts):
                # `cells[1] = cells[0]`: that layer is now this object.
                old = base.parts[index]
                base.parts[index] = Part(value, old.node, "single")
            elif isinstance(base, (ListVal, DictVal)):
                base.complete = False  # `cells[i] = ...`: no longer know what each layer (or entry) is
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, UNKNOWN, frame, ctx)

    def _set_instance_attr(self, instance: Instance, name: str, value: Value, frame: Frame) -> None:
        values = instance.cls.attrs.setdefault(name, [])
        if not any(v is value for v in values):
            values.append(value)

    def _unbind(self, target: cst.BaseExpression, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            frame.vars.pop(target.value, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._unbind(element.value, frame)

    # ----- expressions -------------------------------------------------------------------------
    def eval(self, node: Optional[cst.BaseExpression], frame: Frame, ctx: Ctx) -> Value:
        if node is None:
            return UNKNOWN
        if isinstance(node, cst.Name):
            return self._note_kind(node, self._lookup(node.value, frame, node))
        if isinstance(node, cst.Attribute):
            return self._note_kind(node, self._attribute(node, frame, ctx))
        if isinstance(node, cst.Call):
            return self._call(node, frame, ctx)
        if isinstance(node, cst.Integer):
            try:
                return Const(int(node.value.replace("_", ""), 0))
            except ValueError:
                return UNKNOWN
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
            return Const(value) if isinstance(value, str) else UNKNOWN
        if isinstance(node, (cst.List, cst.Tuple)):
            return self._sequence(node, frame, ctx)
        if isinstance(node, cst.Dict):
            return self._dict(node, frame, ctx)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, frame, ctx)
        if isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp)):
            return self._comprehension(node, frame, ctx)
        if isinstance(node, cst.IfExp):
            test = self.eval(node.test, frame, ctx)
            if isinstance(test, Const) and not isinstance(test.value, str):
                # A known condition picks its branch (`flag = False` ... `bw = LSTMCell(h) if flag else fw`).
                return self.eval(node.body if test.value else node.orelse, frame, ctx)
            return _join(self.eval(node.body, frame, ctx), self.eval(node.orelse, frame, ctx), node) or UNKNOWN
        if isinstance(node, cst.Lambda):
            return FuncVal(node, frame, "<lambda>", defaults=self._defaults(node.params, frame, ctx))
        if isinstance(node, cst.UnaryOperation):
            operand = self.eval(node.expression, frame, ctx)
            if isinstance(node.operator, cst.Minus) and isinstance(operand, Const) and isinstance(operand.value, int):
                return Const(-operand.value)
            if isinstance(node.operator, cst.Not):
                return Const(not operand.value) if isinstance(operand, Const) else UNKNOWN
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            left = self.eval(node.left, frame, ctx)
            truth = _truth(left)
            if truth is not None:
                # `scope or "encoder"` with scope=None, `flag and cell`: Python's short circuit on a known left.
                if truth == isinstance(node.operator, cst.Or):
                    return left
                return self.eval(node.right, frame, ctx)
            right = self.eval(node.right, frame, ctx)
            return _join(left, right, node) or UNKNOWN
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, frame, ctx)
        if isinstance(node, cst.Subscript):
            return self._note_kind(node, self._subscript(node, frame, ctx))
        if isinstance(node, cst.Comparison):
            return self._comparison(node, frame, ctx)
        if isinstance(node, cst.NamedExpr):
            named = self.eval(node.value, frame, ctx)
            self._bind(node.target, named, frame, ctx)
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

    def _fstring(self, node: cst.FormattedString, frame: Frame, ctx: Ctx) -> Value:
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

    def _comparison(self, node: cst.Comparison, frame: Frame, ctx: Ctx) -> Value:
        """`num_layers > 1` on known numbers decides a branch; anything else is unknown."""
        left = self.eval(node.left, frame, ctx)
        result: Optional[bool] = True
        for target in node.comparisons:
            right = self.eval(target.comparator, frame, ctx)
            outcome = _compare(target.operator, left, right)
            result = None if outcome is None or result is None else result and outcome
            left = right
        return Const(result) if result is not None else UNKNOWN

    def _call_property(self, method: FuncVal, instance: Value, node: cst.CSTNode, ctx: Ctx) -> Value:
        """`self.cell` where `cell` is a `@property`: what the getter returns."""
        getter = replace(method, bound_self=instance)
        try:
            return self._call_function(getter, [], {}, ctx, instance=instance, site=node)
        except _Budget:
            return UNKNOWN

    def _note_kind(self, node: cst.BaseExpression, value: Value) -> Value:
        kind = _reference_kind(value)
        if kind is not None and self.name_kinds.get(id(node)) != "cell":
            self.name_kinds[id(node)] = kind
        return value

    def _load(self, lazy: Lazy) -> Optional[Loaded]:
        return self.loader.load(lazy.path, lazy.is_package) if self.loader is not None else None

    def _resolve(self, lazy: Lazy, seen: Optional[set[Tuple[str, Optional[str]]]] = None) -> Value:
        """What an imported name of the project is: the module's value for it, or a submodule of a package."""
        seen = set() if seen is None else seen
        if (lazy.path, lazy.name) in seen or len(seen) > 32:
            return UNKNOWN  # `from pkg import sub` inside pkg/__init__.py names itself until `sub` is loaded
        seen.add((lazy.path, lazy.name))
        loaded = self._load(lazy)
        if loaded is None:
            return UNKNOWN  # a cycle, a module that does not parse, or past the budget: not followed
        if lazy.name is None:
            return ModuleVal(loaded)
        value = loaded.frame.vars.get(lazy.name)
        if isinstance(value, Lazy):
            value = self._resolve(value, seen)
            if value is not UNKNOWN:
                return value
        elif value is not None:
            return value
        if loaded.is_package:  # `from nets import cells`: the submodule
            found = project.resolve(loaded.path, lazy.name, 1)
            if found is not None:
                return self._resolve(Lazy(found[0], found[1], None), seen)
        return UNKNOWN

    def _free_name(self, node: cst.Name) -> Obj:
        """A name the file never binds (a pasted snippet's `cell`, a star import's export): one object."""
        obj = self._free.get(node.value)
        if obj is None:
            obj = _opaque(node, frozenset(), node.value, f"`{node.value}` is a cell that creates new variables on "
                                                         "every call")
            self._free[node.value] = obj
        return obj

    def _opaque_attribute(self, base: Obj, node: cst.Attribute) -> Obj:
        """`cfg.cell`, `self.cell` of an object whose class is not known: the same object every time it is read."""
        key = (base.key, node.attr.value)
        obj = self._opaque_attrs.get(key)
        if obj is None:
            text = _dotted(node) or node.attr.value
            obj = _opaque(node, base.loops, text, f"`{text}` is a cell that creates new variables on every call")
            self._opaque_attrs[key] = obj
        return obj

    def _lookup(self, name: str, frame: Frame, node: Optional[cst.Name] = None) -> Value:
        value = frame.lookup(name)
        if isinstance(value, Lazy):
            value = self._resolve(value)
            frame.rebind(name, value)  # evaluated once: later reads see the value itself
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
            return self._free_name(node)
        return UNKNOWN

    def _attribute(self, node: cst.Attribute, frame: Frame, ctx: Ctx) -> Value:
        base = self.eval(node.value, frame, ctx)
        attr = node.attr.value
        if isinstance(base, QName):
            return base.attr(attr)
        if isinstance(base, ModuleVal):
            return self._resolve(Lazy(base.loaded.path, base.loaded.is_package, attr))
        if isinstance(base, Const) and isinstance(base.value, str) and attr == "format":
            return BoundMethod(base, attr)
        if isinstance(base, OptimizerVal) and attr in ("minimize", "apply_gradients"):
            return BoundMethod(base, attr)
        if isinstance(base, GraphVal) and attr == "as_default":
            return BoundMethod(base, attr)
        if isinstance(base, DictVal) and attr not in ("get", "keys", "values", "items", "copy"):
            base.complete = False  # `update`, `setdefault`, `pop`...: the entries change
        vague = base is UNKNOWN or _is_opaque(base)
        if vague and isinstance(node.value, cst.Name):
            held = frame.lookup(f"{node.value.value}.{attr}")
            if held is not None:
                return held
        if vague and self.defines:
            # `--define config.num_layers=2`: a value for an attribute of an unknown argument.
            dotted = _dotted(node)
            if dotted is not None and dotted in self.defines:
                return self.defines[dotted]
        if isinstance(base, Instance):
            method = _find_method(base.cls, attr)
            if method is not None and _decorated(method, "property", "cached_property"):
                return self._call_property(method, base, node, ctx)
            if attr in base.state:
                return base.state[attr]  # set earlier on this object, in this method or one it called
            if method is not None:
                return _bound(method, base, base.cls)
            values = base.cls.attrs.get(attr, [])
            if len(values) == 1:
                return values[0]
            return UNKNOWN
        if isinstance(base, ClassInfo):
            method = _find_method(base, attr)
            if method is not None:
                return _bound(method, None, base)  # `Model.make_cell(h)`, `Base.__init__(self, h)`
            class_values = base.attrs.get(attr, [])
            return class_values[0] if len(class_values) == 1 else UNKNOWN
        if isinstance(base, SuperVal):
            for parent in base.cls.bases:
                method = _find_method(parent, attr)
                if method is not None:
                    if _decorated(method, "property", "cached_property"):
                        return self._call_property(method, base.instance, node, ctx)
                    return _bound(method, base.instance, parent)
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
        if isinstance(base, ClassInfo):
            method = _find_method(base, attr)
            return method if method is not None else UNKNOWN
        if isinstance(base, Obj) and _is_opaque(base):
            return self._opaque_attribute(base, node)
        return UNKNOWN

    def _subscript(self, node: cst.Subscript, frame: Frame, ctx: Ctx) -> Value:
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
            return self._dict_item(base, index, node)
        if isinstance(index, Const) and isinstance(index.value, int) and not isinstance(index.value, bool):
            if isinstance(base, ListVal):
                _spell_out(base)
            if isinstance(base, TupleVal) and -len(base.items) <= index.value < len(base.items):
                return base.items[index.value]
            if isinstance(base, ListVal) and base.complete and all(p.mode == "single" for p in base.parts) \
                    and -len(base.parts) <= index.value < len(base.parts):
                return base.parts[index.value].value
        return UNKNOWN

    def _index(self, target: cst.Subscript, frame: Frame, ctx: Ctx) -> Optional[int]:
        """`cells[1]`, `cells[-1]`, `cells[n - 1]` with `n` known: the index, when it is one known integer."""
        if len(target.slice) != 1 or not isinstance(target.slice[0].slice, cst.Index):
            return None
        value = self.eval(target.slice[0].slice.value, frame, ctx)
        if isinstance(value, Const) and isinstance(value.value, int) and not isinstance(value.value, bool):
            return value.value
        return None

    def _dict(self, node: cst.Dict, frame: Frame, ctx: Ctx) -> Value:
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
    def _dict_item(table: DictVal, key: Value, node: cst.CSTNode) -> Value:
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
            result = _join(result, value, node)
        return result if result is not None else UNKNOWN

    def _sequence(self, node: Union[cst.List, cst.Tuple], frame: Frame, ctx: Ctx) -> Value:
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
        return ListVal(parts, frozenset(ctx.loops), complete)

    def _binary(self, node: cst.BinaryOperation, frame: Frame, ctx: Ctx) -> Value:
        left = self.eval(node.left, frame, ctx)
        right = self.eval(node.right, frame, ctx)
        op = node.operator
        if isinstance(op, cst.Multiply):
            if isinstance(left, ListVal):
                return self._multiply(left, right, node)
            if isinstance(right, ListVal):
                return self._multiply(right, left, node)
        if isinstance(op, cst.Add) and isinstance(left, ListVal) and isinstance(right, ListVal):
            if len(left.parts) + len(right.parts) > MAX_PARTS:
                return ListVal([], frozenset(ctx.loops), complete=False)
            return ListVal(left.parts + right.parts, frozenset(ctx.loops), left.complete and right.complete)
        if isinstance(op, cst.Modulo) and isinstance(left, Const) and isinstance(left.value, str) \
                and _SIMPLE_FORMAT.fullmatch(left.value):
            operands = _known_items(right) if isinstance(right, (TupleVal, ListVal)) else (right,)
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
            return _arith(op, left.value, right.value)
        return UNKNOWN

    def _multiply(self, items: ListVal, times: Value, node: cst.CSTNode) -> ListVal:
        count = times.value if isinstance(times, Const) and isinstance(times.value, int) else None
        if count is not None and count <= 0:
            return ListVal([], items.loops, items.complete)
        if count is not None and count * len(items.parts) <= MAX_UNROLL:
            parts = [Part(p.value, node if p.mode == "single" else p.node, p.mode, p.count, p.loops)
                     for _ in range(count) for p in items.parts]
            return ListVal(parts, items.loops, items.complete)
        # `[e] * n` evaluates e once: the same object in every one of the n layers.
        parts = [
            Part(p.value, node, "same", None if count is None or p.count is None else count * p.count, p.loops)
            for p in items.parts
        ]
        return ListVal(parts, items.loops, items.complete)

    def _comprehension(
        self, node: Union[cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp], frame: Frame, ctx: Ctx
    ) -> Value:
        unrolled = self._unrolled(node, frame, ctx)
        if unrolled is not None:
            return unrolled
        loop = next(_loop_ids)
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
            n = _length(iterable)
            count = None if count is None or n is None else count * n
            self._bind(clause.target, UNKNOWN, comp_frame, inner_ctx)  # a different element each time
            for cond in clause.ifs:
                self.eval(cond.test, comp_frame, inner_ctx)
                count = None
                inner_ctx = replace(inner_ctx, guarded=inner_ctx.guarded | {loop})
            clause = clause.inner_for_in
        if isinstance(node, cst.DictComp):
            self.eval(node.key, comp_frame, inner_ctx)
            self.eval(node.value, comp_frame, inner_ctx)
            return UNKNOWN
        self._step()
        element = self.eval(node.elt, comp_frame, inner_ctx)
        self._mark_repeats(loop, node, count, first_driver)
        if isinstance(node, cst.SetComp):
            return UNKNOWN
        return ListVal([Part(element, node, "each", count, frozenset({loop}))], frozenset(ctx.loops))

    def _unrolled(
        self, node: Union[cst.ListComp, cst.GeneratorExp, cst.SetComp, cst.DictComp], frame: Frame, ctx: Ctx
    ) -> Optional[ListVal]:
        """`[LSTMCell(h, name="l%d" % i) for i in range(3)]`: spelled out when the element uses a small known
        loop index, so each layer gets its own name (the identity answer is the same either way)."""
        clause = node.for_in
        if not isinstance(node, cst.ListComp) or clause.inner_for_in is not None or clause.ifs \
                or not isinstance(clause.target, cst.Name) or not isinstance(clause.iter, cst.Call):
            return None
        target = clause.target.value
        if not any(isinstance(n, cst.Name) and n.value == target for n in _names(node.elt)):
            return None
        iterable = self.eval(clause.iter, frame, ctx)
        if not isinstance(iterable, RangeVal) or iterable.length is None or not 0 < iterable.length <= 8:
            return None
        parts: List[Part] = []
        for k in range(iterable.length):
            comp_frame = Frame(frame, "function")
            comp_frame.vars[target] = Const(iterable.start + k * iterable.step)
            self._step()
            parts.append(Part(self.eval(node.elt, comp_frame, ctx), node, "single"))
        return ListVal(parts, frozenset(ctx.loops))

    # ----- calls -------------------------------------------------------------------------------
    def _call(self, node: cst.Call, frame: Frame, ctx: Ctx) -> Value:
        self._step()
        func = self.eval(node.func, frame, ctx)
        args: List[Value] = []
        kwargs: Dict[str, Value] = {}
        has_star = False
        for arg in node.args:
            value = self.eval(arg.value, frame, ctx)
            if arg.star == "**" and _known_keywords(value):
                assert isinstance(value, DictVal)
                kwargs.update((k.value, v) for k, v in zip(value.keys, value.values) if isinstance(k, Const)
                              and isinstance(k.value, str))
            elif arg.star == "*" and _known_items(value) is not None:
                args.extend(_known_items(value) or ())
            elif arg.star:
                has_star = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        self.callees.setdefault(id(node), func)
        return self._apply(node, func, args, kwargs, has_star, frame, ctx)

    def _apply(
        self,
        node: cst.Call,
        func: Value,
        args: List[Value],
        kwargs: Dict[str, Value],
        has_star: bool,
        frame: Frame,
        ctx: Ctx,
    ) -> Value:
        if isinstance(func, QName) and func.name == "builtins.super":
            return self._super(args, frame)
        if isinstance(func, QName):
            return self._call_api(node, func.name, args, kwargs, has_star, ctx)
        if isinstance(func, BoundMethod):
            return self._call_method(node, func, args, ctx)
        if isinstance(func, FuncVal):
            if has_star:
                # `**kwargs` the pass cannot read hides what the factory receives: its result is one object.
                return self._unknown_result(node, ctx)
            if _decorated(func, "lru_cache", "cache"):
                return self._cached_call(node, func, args, kwargs, ctx)
            try:
                return self._call_function(func, args, kwargs, ctx, instance=func.bound_self, site=node)
            except _Budget:
                return UNKNOWN
        if isinstance(func, Partial):
            return self._apply(node, func.func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, TemplateVal):
            return self._call_template(node, func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, ClassInfo):
            return self._instantiate(node, func, args, kwargs, has_star, ctx)
        if isinstance(func, Obj) and func.kind == "join" and not _is_cell_like(func):
            return self._call_join(node, func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, Obj) and (_is_cell_like(func) or func.kind in ("keras_rnn", "keras_bidirectional")):
            return self._cell_call(node, func, kwargs, ctx)
        if func is UNKNOWN or _is_opaque(func):
            return self._unknown_result(node, ctx)
        return UNKNOWN

    def _unknown_result(self, node: cst.Call, ctx: Ctx) -> Obj:
        """What a call the pass cannot follow returns: one object per evaluation (a new one per loop pass)."""
        callee = _dotted(node.func)
        return _opaque(node, frozenset(ctx.loops), None,
                       f"`{callee}` returns a cell that creates new variables on every call" if callee else
                       "that call returns a cell that creates new variables on every call")

    def _cached_call(
        self, node: cst.Call, func: FuncVal, args: List[Value], kwargs: Dict[str, Value], ctx: Ctx
    ) -> Value:
        """`@functools.lru_cache` factories return the object of the first call for the same arguments."""
        key: Optional[Tuple[object, ...]] = (id(func.node),)
        for value in list(args) + [kwargs[k] for k in sorted(kwargs)]:
            if isinstance(value, Const) and isinstance(value.value, (int, str, bool, type(None))):
                key = key + (value.value,) if key is not None else None
            elif isinstance(value, Obj):
                key = key + (value.key,) if key is not None else None
            else:
                key = None  # an argument that may differ between calls: nothing is known to be cached
        if key is not None and key in self._cached_results:
            return self._cached_results[key]
        # Built once, outside whatever loop asked first: the same object for every later call.
        once = replace(ctx, loops=()) if key is not None else ctx
        try:
            result = self._call_function(func, args, kwargs, once, instance=func.bound_self, site=node)
        except _Budget:
            return UNKNOWN
        if key is not None:
            self._cached_results[key] = result
        return result

    def _cell_call(self, node: cst.Call, func: Obj, kwargs: Dict[str, Value], ctx: Ctx) -> Value:
        """`cell(inputs, state)` runs the cell in the current scope; a keras `RNN(cell)(x)` runs its cell."""
        if func.kind == "keras_rnn":
            inner = func.inner
            if inner is None:
                return UNKNOWN
            self._record_driver(node, "keras_rnn", (("cell", inner),), False, False, ctx, ctx.scope.path, False,
                                layer=func)
            return UNKNOWN
        if func.kind == "keras_bidirectional":
            # Bidirectional rebuilds the wrapped layer from its config for each direction: two new cells.
            layer = func.inner
            if not (isinstance(layer, Obj) and layer.kind == "keras_rnn" and isinstance(layer.inner, Obj)):
                return UNKNOWN
            loops = frozenset(ctx.loops)
            cells = tuple((role, _rebuilt_copy(layer.inner, func.node, loops)) for role in ("cell_fw", "cell_bw"))
            self._record_driver(node, "keras_bidirectional", cells, True, False, ctx, ctx.scope.path, False,
                                layer=func)
            return UNKNOWN
        path = self._driver_scope(kwargs.get("scope"), None, ctx)
        self._record_driver(node, "cell_call", (("cell", func),), False, False, ctx, path, False,
                            reuse=self._reuse_at(kwargs.get("scope"), ctx), scope_arg=kwargs.get("scope"))
        return TupleVal((UNKNOWN, UNKNOWN))

    def _call_join(
        self,
        node: cst.Call,
        func: Obj,
        args: List[Value],
        kwargs: Dict[str, Value],
        has_star: bool,
        frame: Frame,
        ctx: Ctx,
    ) -> Value:
        # `cell_fn = rnn.GRUCell if gru else rnn.BasicLSTMCell; cell_fn(h)`: a cell either way.
        entries = [tf_api.lookup(a.name) if isinstance(a, QName) else None for a in func.alternatives]
        first_entry = entries[0] if entries else None
        if first_entry is not None and all(e is not None and (e.kind, e.name) == (first_entry.kind, first_entry.name)
                                           for e in entries):
            # `try: from tensorflow.contrib.rnn import MultiRNNCell except ImportError: MultiRNNCell = tf.nn...`:
            # one TensorFlow API under two import paths.
            return self._apply(node, func.alternatives[0], args, kwargs, has_star, frame, ctx)
        if entries and all(e is not None and e.kind == Kind.CELL for e in entries):
            names = sorted({e.name for e in entries if e is not None})
            first = entries[0]
            assert first is not None
            obj = Obj("cell", " or ".join(names), first.family, node, frozenset(ctx.loops), entry=first,
                      kwargs=kwargs)
            return obj
        results = [self._apply(node, alt, list(args), dict(kwargs), has_star, frame, ctx) for alt in func.alternatives]
        if all(isinstance(r, Obj) and r.kind in ("cell", "wrapper", "opaque") for r in results):
            joined = None
            for r in results:
                joined = _join(joined, r, node)
            return joined or UNKNOWN
        return UNKNOWN

    @staticmethod
    def _super(args: List[Value], frame: Frame) -> Value:
        """`super(Tagger, self)` names both; a bare `super()` uses the method's `self` and its class."""
        if len(args) == 2 and isinstance(args[0], ClassInfo):
            return SuperVal(args[0], args[1])
        if not args:
            instance = frame.vars.get("self")
            if isinstance(instance, Instance):
                return SuperVal(instance.cls, instance)
        return UNKNOWN

    def _call_template(
        self, node: cst.Call, template: TemplateVal, args: List[Value], kwargs: Dict[str, Value], has_star: bool,
        frame: Frame, ctx: Ctx,
    ) -> Value:
        """First call: `variable_scope(None, default_name=name)` (uniquified); later calls: that scope, reuse."""
        if template.frame is None:
            parent = ctx.scope
            path = parent.path + (template.name,) if parent.path is not None and template.name else None
            template.frame = ScopeFrame(path, parent.reuse, node, unique=True, loops=frozenset(ctx.loops))
            inner = ctx.in_scope(template.frame)
        else:
            again = ScopeFrame(template.frame.path, "true", node, unique=True, loops=frozenset(ctx.loops))
            inner = ctx.in_scope(again)
        return self._apply(node, template.func, args, {**template.kwargs, **kwargs}, has_star, frame, inner)

    def _call_method(self, node: cst.Call, method: BoundMethod, args: List[Value], ctx: Ctx) -> Value:
        target = method.target
        if isinstance(target, Const) and isinstance(target.value, str) and method.name == "format":
            return _format(target.value, args)
        if isinstance(target, GraphVal) and method.name == "as_default":
            return GraphVal(target.root, entering=True)
        if isinstance(target, ScopeVal) and method.name == "reuse_variables":
            # Reuse for the rest of that scope's block; on the root scope it leaks into the whole graph.
            target.frame.reuse = "true"
            target.frame.reuse_node = node
            return UNKNOWN
        if isinstance(target, OptimizerVal) and target.slots:
            scope = ctx.scope
            graph = (id(ctx.scopes[0]), self._graph_resets.get(id(ctx.scopes[0]), 0), target.name)
            if scope.reuse == "none":
                self._slots_made.add(graph)
            # Reuse on the root scope cannot be turned off again: whoever called this, the slots fail, unless an
            # earlier optimizer of the same kind made them (a test model built under reuse=True reuses those).
            elif scope.reuse == "true" and scope.reuse_node is not None and graph not in self._slots_made:
                self.records.slot_failures.append(SlotFailure(node, target.name, scope.reuse_node))
            return UNKNOWN
        if isinstance(target, ListVal):
            if method.name == "append" and len(args) == 1:
                self._add_part(target, args[0], node, ctx)
            elif method.name == "extend" and len(args) == 1:
                self._extend(target, args[0], node, ctx)
            elif method.name == "insert":
                target.complete = False if len(args) != 2 else target.complete
                if len(args) == 2:
                    # Position matters only for layer indices; identity is what the rules need.
                    self._add_part(target, args[1], node, ctx)
        return UNKNOWN

    def _add_part(self, target: ListVal, value: Value, node: cst.CSTNode, ctx: Ctx) -> None:
        if len(target.parts) >= MAX_PARTS:
            target.complete = False
            return
        repeat = frozenset(ctx.loops) - target.loops
        if not repeat:
            target.parts.append(Part(value, node, "single"))
            return
        count: Optional[int] = 1
        for loop in repeat:
            n = self._loop_counts.get(loop)
            count = None if count is None or n is None else count * n
        part = Part(value, node, "each", count, repeat)
        target.parts.append(part)
        self._loop_parts.append(part)

    def _extend(self, target: ListVal, value: Value, node: cst.CSTNode, ctx: Ctx) -> None:
        if not isinstance(value, ListVal):
            target.complete = False
            return
        repeat = frozenset(ctx.loops) - target.loops
        if len(target.parts) + len(value.parts) > MAX_PARTS:
            target.complete = False
            return
        for part in list(value.parts):  # `cells += cells` extends by a snapshot
            if repeat:
                count = None
                target.parts.append(Part(part.value, node, "each" if part.mode != "same" else "same", count,
                                         repeat | part.loops))
            else:
                target.parts.append(part)
        target.complete = target.complete and value.complete

    def _call_api(
        self,
        node: cst.Call,
        qualname: str,
        args: List[Value],
        kwargs: Dict[str, Value],
        has_star: bool,
        ctx: Ctx,
    ) -> Value:
        loops = frozenset(ctx.loops)
        graph_call = _graph_call(qualname)
        if graph_call == "make_template":
            name = args[0] if args else kwargs.pop("name_", UNKNOWN)
            func = args[1] if len(args) > 1 else kwargs.pop("func_", UNKNOWN)
            for flag in ("create_scope_now_", "unique_name_", "custom_getter_"):
                kwargs.pop(flag, None)
            label = name.value if isinstance(name, Const) and isinstance(name.value, str) else None
            return TemplateVal(func, label, dict(kwargs))
        if graph_call == "Graph":
            return GraphVal(ScopeFrame((), "none", loops=loops))
        if graph_call == "reset_default_graph":
            # A new default graph: a new variable store, and the root scope's reuse flag starts over.
            root = ctx.scopes[0]
            self._graph_resets[id(root)] = self._graph_resets.get(id(root), 0) + 1
            root.reuse = "none"
            self._resetting.update(ctx.loops)
            return UNKNOWN
        if qualname == "builtins.range":
            consts = [a.value if isinstance(a, Const) and isinstance(a.value, int) else None for a in args]
            if None in consts or not consts:
                return RangeVal(None)
            nums = [c for c in consts if c is not None]
            start, stop = (0, nums[0]) if len(nums) == 1 else (nums[0], nums[1])
            step = nums[2] if len(nums) > 2 and nums[2] else 1
            return RangeVal(max(0, len(range(start, stop, step))), start, step)
        if qualname in ("builtins.zip", "builtins.enumerate") and not has_star:
            return ZipVal(((RangeVal(None),) if qualname == "builtins.enumerate" else ()) + tuple(args[:1] if
                          qualname == "builtins.enumerate" else args))
        if qualname == "builtins.map" and len(args) == 2 and not has_star:
            # `list(map(lambda _: cell, range(n)))`: the function runs once per element, like a comprehension.
            loop = next(_loop_ids)
            element = self._apply(node, args[0], [UNKNOWN], {}, False, self.module_frame, ctx.in_loop(loop))
            return ListVal([Part(element, node, "each", _length(args[1]), frozenset({loop}))], loops)
        if qualname in ("builtins.list", "builtins.tuple"):
            if len(args) == 1:
                return args[0].copy() if isinstance(args[0], ListVal) else UNKNOWN
            return ListVal([], loops) if not args else UNKNOWN
        if qualname in ("functools.partial", "builtins.partial") and args:
            return Partial(args[0])
        entry = tf_api.lookup(qualname)
        if entry is None:
            if qualname.split(".")[0] in tf_api.TF_ROOTS or qualname.startswith("builtins."):
                return UNKNOWN  # TensorFlow's other functions (placeholders, ops) never hand out a cell
            return self._unknown_result(node, ctx)  # `utils.make_cell(h)`: a function of another module
        if entry.kind == Kind.COPY:
            source = args[0] if args else UNKNOWN
            if isinstance(source, Obj) and source.kind in ("cell", "wrapper", "join", "stack"):
                return _deep_copy(source, node, loops)
            return UNKNOWN
        if has_star and entry.kind in (Kind.CELL, Kind.WRAPPER, Kind.STACK):
            # `LSTMCell(**params)` is still a new cell, but a wrapper/stack fed by *args is not known.
            if entry.kind != Kind.CELL:
                return UNKNOWN
        if entry.kind == Kind.CELL:
            return Obj("cell", entry.name, entry.family, node, loops, entry=entry, kwargs=kwargs)
        if entry.kind == Kind.WRAPPER:
            assert entry.wrapper is not None
            inner = kwargs.get(entry.wrapper.cell_arg, args[0] if args else UNKNOWN)
            return Obj("wrapper", entry.name, entry.family, node, loops,
                       owns_variables=entry.wrapper.owns_variables, inner=inner, entry=entry, kwargs=kwargs)
        if entry.kind == Kind.STACK:
            cells = kwargs.get("cells", args[0] if args else UNKNOWN)
            return self._stack(node, entry.name, entry.family, cells, None, ctx, kwargs)
        if entry.kind == Kind.KERAS_RNN:
            cell = kwargs.get("cell", args[0] if args else UNKNOWN)
            if isinstance(cell, ListVal):
                stack = self._stack(node, "RNN", entry.family, cell, None, ctx, kwargs)
                return Obj("keras_rnn", "RNN", entry.family, node, loops, inner=stack, entry=entry, kwargs=kwargs)
            return Obj("keras_rnn", "RNN", entry.family, node, loops, inner=cell, entry=entry, kwargs=kwargs)
        if entry.kind == Kind.KERAS_BIDIRECTIONAL:
            layer = kwargs.get("layer", args[0] if args else UNKNOWN)
            _mark_rebuilt(layer)
            backward = kwargs.get("backward_layer")
            if backward is not None:
                _mark_rebuilt(backward)
            obj = Obj("keras_bidirectional", "Bidirectional", entry.family, node, loops, inner=layer, entry=entry,
                      kwargs=kwargs)
            self.records.keras_bidirectional.append(obj)
            return obj
        if entry.kind == Kind.KERAS_LAYER:
            # LSTM/GRU/SimpleRNN layers build their own cell (LSTMCell...): a fresh cell per layer object.
            cell_entry = tf_api.lookup(f"keras.layers.{entry.name.replace('CuDNN', '')}Cell")
            own_cell: Value = UNKNOWN
            if cell_entry is not None:
                own_cell = Obj("cell", cell_entry.name, entry.family, node, loops, entry=cell_entry, kwargs=kwargs)
            return Obj("keras_rnn", entry.name, entry.family, node, loops, inner=own_cell, entry=entry, kwargs=kwargs)
        if entry.kind == Kind.DRIVER:
            return self._driver(node, entry, args, kwargs, ctx)
        if entry.kind == Kind.SEQ2SEQ:
            return self._seq2seq(node, entry, args, kwargs, ctx)
        if entry.kind == Kind.DECODER:
            cell = kwargs.get("cell", args[0] if args else UNKNOWN)
            return Obj("decoder", entry.name, entry.family, node, loops, inner=cell, entry=entry)
        if entry.kind == Kind.OPTIMIZER:
            return OptimizerVal(node, entry.name, entry.name in tf_api.SLOT_OPTIMIZERS)
        if entry.kind == Kind.GET_VARIABLE_SCOPE:
            return ScopeVal(ctx.scope)
        if entry.kind == Kind.VARIABLE_SCOPE:
            return self._variable_scope(node, args, kwargs, ctx)
        return UNKNOWN

    def _variable_scope(self, node: cst.Call, args: List[Value], kwargs: Dict[str, Value], ctx: Ctx) -> Value:
        parent = ctx.scope
        name = kwargs.get("name_or_scope", args[0] if args else Const(None))
        default = kwargs.get("default_name", args[1] if len(args) > 1 else Const(None))
        requested = reuse_mode(kwargs.get("reuse", Const(None)))
        unique = False
        if isinstance(name, ScopeVal):
            # Re-entering a captured scope object jumps to its absolute path and its reuse flag.
            path = name.frame.path
            inherited = name.frame.reuse
        elif isinstance(name, Const) and isinstance(name.value, str):
            path = parent.path + tuple(name.value.split("/")) if parent.path is not None else None
            inherited = parent.reuse
        elif isinstance(name, Const) and name.value is None and isinstance(default, Const) \
                and isinstance(default.value, str):
            # default_name scopes are uniquified (encoder, encoder_1, ...) under the open parent: never collide.
            count = self._default_names.get((id(parent), default.value), 0)
            self._default_names[(id(parent), default.value)] = count + 1
            level = default.value if count == 0 else f"{default.value}_{count}"
            path = parent.path + (level,) if parent.path is not None else None
            inherited, unique = parent.reuse, True
        else:
            path, inherited = None, parent.reuse
        frame = ScopeFrame(path, combine_reuse(inherited, requested, parent.reuse), node, loops=frozenset(ctx.loops))
        if frame.reuse == "true":
            frame.reuse_node = node if requested == "true" else parent.reuse_node
        if path is None and not isinstance(name, ScopeVal):
            frame.varies = _varies_with(_argument(node, "name_or_scope", 0), ctx)
        frame.unique = unique or parent.unique
        return ScopeVal(frame, opens=True)

    def _driver_scope(self, scope_arg: Optional[Value], default: Optional[str], ctx: Ctx) -> Optional[Tuple[str, ...]]:
        """The absolute scope a driver opens: `scope=` (a string nests, a scope object jumps) or its default."""
        current = ctx.scope.path
        if scope_arg is None or (isinstance(scope_arg, Const) and scope_arg.value is None):
            if current is None:
                return None
            return current + ((default,) if default else ())
        if isinstance(scope_arg, ScopeVal):
            return scope_arg.frame.path
        if isinstance(scope_arg, Const) and isinstance(scope_arg.value, str):
            return current + tuple(scope_arg.value.split("/")) if current is not None else None
        return None

    def _reuse_at(self, scope_arg: Optional[Value], ctx: Ctx) -> str:
        if isinstance(scope_arg, ScopeVal):
            return combine_reuse(scope_arg.frame.reuse, "none", ctx.scope.reuse)
        return ctx.scope.reuse

    def _record_driver(
        self,
        node: cst.Call,
        name: str,
        cells: Tuple[Tuple[str, Value], ...],
        bidirectional: bool,
        stacked: bool,
        ctx: Ctx,
        path: Optional[Tuple[str, ...]],
        uniquified: bool,
        reuse: Optional[str] = None,
        scope_arg: Optional[Value] = None,
        layer: Optional[Obj] = None,
    ) -> None:
        loops = frozenset(ctx.loops)
        frames = ctx.scopes + ((scope_arg.frame,) if isinstance(scope_arg, ScopeVal) else ())
        self.records.drivers.append(DriverRecord(
            node, name, cells, bidirectional, stacked, scope=path,
            reuse=reuse if reuse is not None else ctx.scope.reuse, root=ctx.root, sites=ctx.sites + (node,),
            loops=loops, uniquified=uniquified or any(f.unique for f in ctx.scopes), frames=frames,
            explicit_scope=scope_arg is not None and not (isinstance(scope_arg, Const) and scope_arg.value is None),
            graph=(id(ctx.scopes[0]), self._graph_resets.get(id(ctx.scopes[0]), 0)), layer=layer,
            unrolled=ctx.unrolling,
            varies=frozenset().union(*(f.varies for f in frames), _varies_with(_argument(node, "scope", None), ctx)),
            guarded=ctx.guarded | (loops & self._skipping), branches=ctx.branches, foreign=ctx.foreign,
            handed=ctx.handed, handed_at=ctx.handed_at))

    def _stack(
        self,
        node: cst.Call,
        kind: str,
        family: Family,
        cells: Value,
        role: Optional[str],
        ctx: Ctx,
        kwargs: Dict[str, Value],
    ) -> Obj:
        snapshot = cells.copy() if isinstance(cells, ListVal) else ListVal([], frozenset(), complete=False)
        record = StackRecord(node, kind, role, snapshot, sites=ctx.sites + (node,), foreign=ctx.foreign,
                             handed=ctx.handed, handed_at=ctx.handed_at)
        obj = Obj("stack", kind, family, node, frozenset(ctx.loops), owns_variables=False, layers=snapshot,
                  kwargs=kwargs, stack_record=record)
        record.obj = obj
        self.records.stacks.append(record)
        return obj

    def _driver(
        self, node: cst.Call, entry: tf_api.ApiEntry, args: List[Value], kwargs: Dict[str, Value], ctx: Ctx
    ) -> Value:
        info = entry.driver
        assert info is not None
        cells: List[Tuple[str, Value]] = []
        for keyword, position in info.cell_params:
            value = kwargs.get(keyword, args[position] if position < len(args) else None)
            if value is None:
                continue
            if info.stacked and isinstance(value, ListVal):
                self._stack(node, info.canonical, Family.TF1, value, keyword, ctx, {})
            cells.append((keyword, value))
        scope_arg = kwargs.get("scope")
        path = self._driver_scope(scope_arg, info.default_scope, ctx)
        # dynamic_decode opens variable_scope(scope, "decoder"): a default_name, uniquified (decoder_1...).
        uniquified = info.canonical == "dynamic_decode" and scope_arg is None
        self._record_driver(node, info.canonical, tuple(cells), info.bidirectional, info.stacked, ctx, path,
                            uniquified, reuse=self._reuse_at(scope_arg, ctx), scope_arg=scope_arg)
        if len(cells) == 1 and info.canonical != "dynamic_decode":
            return TupleVal((UNKNOWN, UNKNOWN))
        return UNKNOWN

    def _seq2seq(
        self, node: cst.Call, entry: tf_api.ApiEntry, args: List[Value], kwargs: Dict[str, Value], ctx: Ctx
    ) -> Value:
        """legacy_seq2seq models: an encoder run (on a deep copy for most of them) and a decoder run."""
        info = entry.seq2seq
        assert info is not None
        cell = kwargs.get("cell", args[info.cell_position] if info.cell_position < len(args) else None)
        if cell is None:
            return UNKNOWN
        base = self._driver_scope(kwargs.get("scope"), info.default_scope, ctx)

        def under(level: Optional[str]) -> Optional[Tuple[str, ...]]:
            if base is None or level is None:
                return None
            return base + ((level,) if level else ())

        if info.encoder_scope is not None or info.copies_encoder:
            encoder = _deep_copy(cell, node, frozenset(ctx.loops)) if info.copies_encoder and isinstance(cell, Obj) \
                else cell
            self._record_driver(node, entry.name, (("cell", encoder),), False, False, ctx,
                                under(info.encoder_scope), False)
        # A tied model re-enters its scope with reuse for the decoder (W1.1 seq2seq.py:220-224).
        self._record_driver(node, entry.name, (("cell", cell),), False, False, ctx, under(info.decoder_scope), False,
                            reuse="true" if info.tied else None)
        return TupleVal((UNKNOWN, UNKNOWN))

    def _instantiate(
        self, node: cst.Call, cls: ClassInfo, args: List[Value], kwargs: Dict[str, Value], has_star: bool, ctx: Ctx
    ) -> Value:
        if cls.base_entry is not None and cls.name.endswith(("MultiRNNCell", "StackedRNNCells")) \
                and (args or "cells" in kwargs):
            # A project's own MultiRNNCell (a TF cell subclass that runs a list of cells, one scope per layer):
            # one cell object in two places of that list is one set of weights there too.
            cells = kwargs.get("cells", args[0] if args else UNKNOWN)
            return self._stack(node, cls.name, cls.base_entry.family, cells, None, ctx, kwargs)
        if cls.is_cell:
            entry = cls.base_entry
            assert entry is not None
            return Obj("cell", cls.name, entry.family, node, frozenset(ctx.loops), entry=entry, kwargs=kwargs)
        instance = Instance(cls)
        init = _find_method(cls, "__init__")
        if init is not None and not has_star:
            try:
                self._call_function(init, args, kwargs, ctx, instance=instance, site=node)
            except _Budget:
                pass
        return instance

    def _call_function(
        self,
        func: FuncVal,
        args: List[Value],
        kwargs: Dict[str, Value],
        ctx: Ctx,
        instance: Optional[Value] = None,
        generic: bool = False,
        site: Optional[cst.CSTNode] = None,
    ) -> Value:
        key = id(func.node)
        if key in ctx.calls or len(ctx.calls) >= MAX_CALL_DEPTH:
            return UNKNOWN
        if not generic:
            self._generic_done.add(key)  # evaluated in a real context: no need for the generic pass
        frame = Frame(func.closure, "function")
        params = func.node.params
        positional = list(params.posonly_params) + list(params.params)
        supplied = list(args)
        if instance is not None and func.owner is not None and positional:
            frame.vars[positional[0].name.value] = instance
            if isinstance(instance, Instance):
                # `self.x = ...` in this method is state of the object: seen by its caller and by later calls.
                frame.self_attrs = instance.state
            positional = positional[1:]
        for param in positional:
            frame.vars[param.name.value] = supplied.pop(0) if supplied else \
                self._param_value(param, kwargs, func, generic)
        for param in params.kwonly_params:
            frame.vars[param.name.value] = self._param_value(param, kwargs, func, generic)
        if isinstance(params.star_arg, cst.Param):
            frame.vars[params.star_arg.name.value] = UNKNOWN
        if params.star_kwarg is not None:
            frame.vars[params.star_kwarg.name.value] = UNKNOWN
        inner = ctx.calling(key, site if site is not None else func.node)
        foreign = func.closure.module() is not self.module_frame
        if foreign and not inner.foreign:
            # Entering another module's function: an object this file hands it more than once (`wrapper(cell,
            # cell)`, `build([cell, cell])`) makes a sharing there this file's finding; one the other module
            # duplicates by itself is found when that module is linted.
            handed_at = _handed_twice(_with_nodes(site, args, kwargs))
            inner = replace(inner, foreign=True, handed=frozenset(handed_at), handed_at=tuple(handed_at.items()))
        elif not foreign and inner.foreign:
            inner = replace(inner, foreign=False, handed=frozenset(), handed_at=())
        outer, self._here = self._here, self._function_label(func)
        try:
            self._step()
            if isinstance(func.node, cst.Lambda):
                return self.eval(func.node.body, frame, inner)
            self._exec_block(func.node.body.body, frame, inner)
        finally:
            self._here = outer
        self._step(len(frame.returns))
        result = _join_all(frame.returns, func.node)
        if result is None:
            return Const(None)
        return result

    @staticmethod
    def _function_label(func: FuncVal) -> Tuple[str, Optional[cst.CSTNode]]:
        """`Owner.name` and its node, for the budget's note (the builder adds the line)."""
        owner = f"{func.owner.name}." if func.owner is not None else ""
        return f"`{owner}{func.name}`", func.node

    def _param_value(self, param: cst.Param, kwargs: Dict[str, Value], func: FuncVal, generic: bool) -> Value:
        """A parameter not filled positionally: its keyword argument, else its default, else what a generic pass
        (nobody's arguments) knows of it: a `--define` value, or one object of unknown class."""
        name = param.name.value
        if name in kwargs:
            return kwargs[name]
        if name in func.defaults:
            value = func.defaults[name]
            if generic and isinstance(value, Const) and (type(value.value) is bool or
                                                         type(value.value) is int and value.value <= 1):
                # `def tower(seq, depth=1)`, `bidirectional=False`: a default is what callers override, not a
                # fact; a count of 2 or more, a name or None stays (`scope or "encoder"`).
                return UNKNOWN
            return value
        if not generic:
            return UNKNOWN
        if name in self.defines:
            return self.defines[name]
        return _opaque(param, frozenset(), name, f"`{name}` is a cell that creates new variables on every call")


# Names that never stand for a cell object: reading them gives nothing to track.
_NOT_OBJECTS = frozenset({
    "print", "len", "int", "float", "str", "bool", "isinstance", "hasattr", "open", "dict", "set", "min", "max",
    "sum", "abs", "round", "sorted", "type", "object", "Exception", "ValueError", "NotImplementedError",
    "TypeError", "KeyError", "format", "repr", "iter", "next", "__name__", "__file__", "Ellipsis",
})


def _opaque(node: cst.CSTNode, loops: FrozenSet[int], label: Optional[str], assumes: str) -> Obj:
    """An object of unknown class: identity is all that is known of it."""
    return Obj("opaque", "", Family.TF1, node, loops, label=label, assumes=assumes)


def _is_opaque(value: Value) -> bool:
    return isinstance(value, Obj) and value.kind == "opaque"


def _known_keywords(value: Value) -> bool:
    """`**params` with a dict display of string keys the pass can read."""
    return isinstance(value, DictVal) and value.complete and all(
        isinstance(k, Const) and isinstance(k.value, str) for k in value.keys)


def _known_items(value: Value) -> Optional[Tuple[Value, ...]]:
    """`*args` with a tuple or list of known length."""
    if isinstance(value, TupleVal):
        return value.items
    if isinstance(value, ListVal) and value.complete and all(p.mode == "single" for p in value.parts):
        return tuple(p.value for p in value.parts)
    return None


def _with_nodes(site: Optional[cst.CSTNode], args: Sequence[Value], kwargs: Dict[str, Value]
                ) -> List[Tuple[Value, cst.CSTNode]]:
    """Call arguments with the expressions that passed them (the call itself where none is known)."""
    if not isinstance(site, cst.Call):
        return []
    positional = [a.value for a in site.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a.value for a in site.args if a.keyword is not None}
    pairs: List[Tuple[Value, cst.CSTNode]] = [(value, positional[i] if i < len(positional) else site)
                                               for i, value in enumerate(args)]
    pairs += [(value, keywords.get(name, site)) for name, value in kwargs.items()]
    return pairs


def _handed_twice(pairs: Sequence[Tuple[Value, cst.CSTNode]]) -> Dict[int, cst.CSTNode]:
    """Objects that appear more than once among call arguments (list elements counted), each with the argument
    that passed it the second time."""
    seen: Dict[int, int] = {}
    second: Dict[int, cst.CSTNode] = {}

    def count(value: Value, times: int, node: cst.CSTNode) -> None:
        if isinstance(value, ListVal):
            for part in value.parts:
                count(part.value, 1 if part.mode == "single" or part.count == 1 else 2, node)
        elif isinstance(value, TupleVal):
            for item in value.items:
                count(item, 1, node)
        else:
            keys = {owner.key for owner in known_owners(value)}
            if isinstance(value, Obj):
                keys.add(value.key)  # a stack of cells the pass cannot see is still one object
            for key in keys:
                seen[key] = seen.get(key, 0) + times
                if seen[key] > 1:
                    second.setdefault(key, node)

    for value, node in pairs:
        count(value, 1, node)
    return second


def _public_names(frame: Frame) -> List[str]:
    """What `from module import *` binds: `__all__` when it is a known list, else names without a leading `_`."""
    listed = frame.vars.get("__all__")
    items = _known_items(listed) if isinstance(listed, (ListVal, TupleVal)) else None
    if items is not None and all(isinstance(i, Const) and isinstance(i.value, str) for i in items):
        return [str(i.value) for i in items if isinstance(i, Const) and str(i.value) in frame.vars]
    return [name for name in frame.vars if not name.startswith("_") and "." not in name]


def _reference_kind(value: Value) -> Optional[str]:
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


def _merge(envs: Sequence[Dict[str, Value]], node: cst.CSTNode, prefix: str = "") -> Dict[str, Value]:
    if len(envs) == 1:
        return envs[0]
    names: Dict[str, None] = {}
    for env in envs:
        for name in env:
            names[name] = None
    merged: Dict[str, Value] = {}
    for name in names:
        result = _join_all([env.get(name) for env in envs], node)
        if result is not None:
            if isinstance(result, Obj) and result.label is None:
                result.label = prefix + name  # the join is what this name holds after the branches
            merged[name] = result
    return merged


def _set_attrs(frame: Frame, values: Dict[str, Value]) -> None:
    """Replace the attributes a method has set in place: the dict is the object's state (Instance.state)."""
    if values is not frame.self_attrs:
        frame.self_attrs.clear()
        frame.self_attrs.update(values)


def _find_method(cls: ClassInfo, name: str) -> Optional[FuncVal]:
    return cls.methods.get(name)


def _decorated(func: FuncVal, *names: str) -> bool:
    """Whether a `def` carries one of these decorators (`@property`, `@functools.cached_property`...)."""
    if not isinstance(func.node, cst.FunctionDef):
        return False
    for decorator in func.node.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func  # `@functools.lru_cache(maxsize=None)`
        name = expression.attr.value if isinstance(expression, cst.Attribute) else \
            expression.value if isinstance(expression, cst.Name) else None
        if name in names:
            return True
    return False


def _bound(method: FuncVal, instance: Optional[Value], cls: ClassInfo) -> FuncVal:
    """A method looked up on an instance or a class: static methods take no `self`, class methods get the class."""
    if _decorated(method, "staticmethod"):
        return replace(method, owner=None, bound_self=None)
    if _decorated(method, "classmethod"):
        return replace(method, bound_self=cls)
    return replace(method, bound_self=instance)


def _length(value: Value) -> Optional[int]:
    if isinstance(value, RangeVal):
        return value.length
    if isinstance(value, ListVal) and value.complete and all(p.count is not None for p in value.parts):
        return sum(p.count or 0 for p in value.parts)
    if isinstance(value, TupleVal):
        return len(value.items)
    if isinstance(value, ZipVal):
        lengths = [_length(item) for item in value.items]
        known = [n for n in lengths if n is not None]
        return min(known) if known else None
    return None


def _mark_rebuilt(layer: Value) -> None:
    if isinstance(layer, Obj) and layer.kind == "keras_rnn":
        layer.rebuilt = True
        inner = layer.inner
        if isinstance(inner, Obj) and inner.stack_record is not None:
            inner.rebuilt = True


def _deep_copy(source: Obj, node: cst.CSTNode, loops: frozenset[int], memo: Optional[Dict[int, Obj]] = None) -> Obj:
    """copy.deepcopy: new objects all the way down, aliasing inside the copied structure preserved.

    Only stacks carry `layers`, so the other kinds are copied without them.
    """
    memo = {} if memo is None else memo
    if source.key in memo:
        return memo[source.key]
    if source.kind == "stack" and source.layers is not None:
        parts = [Part(_deep_copy(p.value, node, loops, memo) if isinstance(p.value, Obj) else p.value,
                      p.node, p.mode, p.count, p.loops) for p in source.layers.parts]
        copy = Obj("stack", source.cls, source.family, node, loops, owns_variables=False,
                   layers=ListVal(parts, source.layers.loops, source.layers.complete), kwargs=source.kwargs,
                   copied_from=source)
    else:
        inner = source.inner
        if isinstance(inner, Obj) and source.kind == "wrapper":
            inner = _deep_copy(inner, node, loops, memo)
        copy = Obj("cell" if source.kind == "join" else source.kind, source.cls, source.family, node, loops,
                   owns_variables=source.owns_variables, inner=inner, alternatives=source.alternatives,
                   entry=source.entry, kwargs=source.kwargs, copied_from=source)
    memo[source.key] = copy
    return copy


def _rebuilt_copy(source: Obj, node: cst.CSTNode, loops: frozenset[int]) -> Obj:
    """What Keras gets when it rebuilds a layer from its config: new objects all the way down, one per
    layer even where the original list repeated one cell (TF_RNN_SEMANTICS.md §10)."""
    if source.kind == "stack" and source.layers is not None:
        loop = next(_loop_ids)
        parts = [
            Part(_rebuilt_copy(p.value, node, loops | {loop}) if isinstance(p.value, Obj) else p.value,
                 p.node, "each" if p.mode != "single" else "single", p.count, frozenset({loop}))
            for p in source.layers.parts
        ]
        layers = ListVal(parts, source.layers.loops, source.layers.complete)
        return Obj("stack", source.cls, source.family, node, loops, owns_variables=False, layers=layers,
                   kwargs=source.kwargs, copied_from=source)
    return _deep_copy(source, node, loops)


def _arith(op: cst.CSTNode, a: object, b: object) -> Value:
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


def _is_cell_like(value: Obj) -> bool:
    if value.kind in ("cell", "wrapper", "stack"):
        return True
    if value.kind == "join":
        return all(isinstance(a, Obj) and _is_cell_like(a) for a in value.alternatives)
    return False


def _literal(text: str) -> Value:
    try:
        return Const(int(text, 0))
    except ValueError:
        pass
    if text in ("True", "False", "None"):
        return Const({"True": True, "False": False, "None": None}[text])
    return Const(text.strip("'\""))


_COMPARE: Dict[type, Callable[[Any, Any], Any]] = {
    cst.Equal: lambda a, b: a == b, cst.NotEqual: lambda a, b: a != b, cst.LessThan: lambda a, b: a < b,
    cst.LessThanEqual: lambda a, b: a <= b, cst.GreaterThan: lambda a, b: a > b,
    cst.GreaterThanEqual: lambda a, b: a >= b, cst.Is: lambda a, b: a is b, cst.IsNot: lambda a, b: a is not b,
}


def _compare(operator: cst.BaseCompOp, left: Value, right: Value) -> Optional[bool]:
    if isinstance(operator, (cst.Is, cst.IsNot)) and (_never_none(left) and _is_none(right)
                                                      or _is_none(left) and _never_none(right)):
        return isinstance(operator, cst.IsNot)  # `if unit is None:` when a caller passed a cell
    if not (isinstance(left, Const) and isinstance(right, Const)):
        return None
    a, b = left.value, right.value
    if isinstance(operator, (cst.Is, cst.IsNot)) and not (a is None or b is None or isinstance(a, bool)):
        return None  # identity of numbers and strings is an implementation detail
    numbers = isinstance(a, (int, float)) and isinstance(b, (int, float))
    if not (numbers or type(a) is type(b) or a is None or b is None):
        return None
    compare = _COMPARE.get(type(operator))
    try:
        return bool(compare(a, b)) if compare is not None else None
    except TypeError:
        return None


def _truth(value: Value) -> Optional[bool]:
    """Python truthiness of a value the pass knows, None when it does not."""
    if isinstance(value, Const) and isinstance(value.value, (str, int, float, type(None))):
        return bool(value.value)
    if _never_none(value) and not isinstance(value, (ListVal, TupleVal, DictVal, RangeVal)):
        return True  # a cell, a scope, a function: objects without a length are truthy
    return None


_FIELD = re.compile(r"\{(\d*)\}")


def _format(template: str, args: List[Value]) -> Value:
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


def _is_none(value: Value) -> bool:
    return isinstance(value, Const) and value.value is None


def _never_none(value: Value) -> bool:
    """A value the pass built itself (a cell, a list, a function...): certainly not None. An opaque one may be."""
    if isinstance(value, Obj):
        return value.kind != "opaque" and not (value.kind == "join" and any(
            _is_none(a) or not _never_none(a) for a in value.alternatives))
    return isinstance(value, (ListVal, TupleVal, FuncVal, ClassInfo, Instance, DictVal, RangeVal, ScopeVal, GraphVal,
                              OptimizerVal, ModuleVal))


MAX_UNROLLED = 8  # passes spelled out for loops over small known ranges, nested loops multiplied


def _passes(iterable: Value) -> Optional[List[Value]]:
    """The values a `for` loop binds, one per pass, when the iterable is a short known range, list or tuple."""
    if isinstance(iterable, RangeVal) and iterable.length is not None and iterable.length <= MAX_UNROLLED:
        return [Const(iterable.start + k * iterable.step) for k in range(iterable.length)]
    if isinstance(iterable, ZipVal):
        # `enumerate(zip(fws, bws))`: pass k binds (k, (fws[k], bws[k])), when every list's length is known.
        columns: List[Optional[List[Value]]] = [None if isinstance(i, RangeVal) and i.length is None else _passes(i)
                                                for i in iterable.items]
        lengths = {len(c) for c in columns if c is not None}
        if len(lengths) != 1:
            return None
        length = lengths.pop()
        filled = [c if c is not None else [Const(k) for k in range(length)] for c in columns]
        return [TupleVal(tuple(column[k] for column in filled)) for k in range(length)]
    if isinstance(iterable, ListVal):
        _spell_out(iterable)  # `[GRUCell(h) for _ in range(2)]`: two cells, one per pass
    items = _known_items(iterable) if isinstance(iterable, (ListVal, TupleVal)) else None
    if items is not None and len(items) <= MAX_UNROLLED:
        return list(items)
    return None


def _unrollable(node: cst.For, length: int) -> bool:
    """A short loop whose body reads its plain loop variable or advances a counter (`layer_id += 1`), and no
    statement that leaves a pass early."""
    if not 0 < length <= MAX_UNROLLED:
        return False
    targets = {n.value for n in _names(node.target) if isinstance(n, cst.Name)}
    if any(isinstance(n, (cst.Attribute, cst.Subscript, cst.StarredElement)) for n in _names(node.target)):
        return False  # `for self.x in ...`, starred targets: not spelled out
    uses = bool(_counters(node.body))
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


def _spell_out(items: ListVal) -> bool:
    """Rewrite a list of known length as one element per layer (`[GRUCell(h) for _ in range(2)]` becomes two
    distinct cells) so that `cells[1]` can name a layer. False, and nothing changed, when it cannot."""
    if not items.complete:
        return False
    if all(p.mode == "single" for p in items.parts):
        return True
    parts: List[Part] = []
    for part in items.parts:
        if part.mode == "single":
            parts.append(part)
            continue
        if part.count is None or len(parts) + part.count > 16:
            return False
        for k in range(part.count):
            value = part.value if part.mode == "same" or k == 0 else _per_pass_copy(part.value, part.loops)
            if value is None:
                return False
            parts.append(Part(value, part.node, "single"))
    items.parts[:] = parts
    return True


def _per_pass_copy(value: Value, loops: FrozenSet[int]) -> Optional[Value]:
    """Another pass's element: what that pass built is a new object, what it reused stays the same object."""
    if not isinstance(value, Obj) or not loops <= value.loops:
        return value
    if value.kind == "cell":
        return replace(value, key=next(_obj_ids))
    if value.kind == "wrapper":
        inner = _per_pass_copy(value.inner, loops) if value.inner is not None else None
        if value.inner is not None and inner is None:
            return None
        return replace(value, key=next(_obj_ids), inner=inner)
    return None  # stacks, joins, Keras layers: not spelled out


def _argument(call: cst.CSTNode, keyword: str, position: Optional[int]) -> Optional[cst.BaseExpression]:
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


def _varies_with(expression: Optional[cst.BaseExpression], ctx: Ctx) -> FrozenSet[int]:
    """The loops whose loop variable appears in a scope name: `"layer_%d" % i`, `f"enc{i}"`, `name`."""
    if expression is None or not ctx.loop_targets:
        return frozenset()
    used = {n.value for n in _names(expression) if isinstance(n, cst.Name)}
    return frozenset(loop for name, loop in ctx.loop_targets if name in used)


def _counters(body: cst.CSTNode) -> Tuple[str, ...]:
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


def _names(node: cst.CSTNode) -> List[cst.CSTNode]:
    """Every node below `node` (iteratively: elements can be deep)."""
    out: List[cst.CSTNode] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out
