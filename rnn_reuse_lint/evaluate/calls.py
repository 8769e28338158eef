"""Calls: user functions, methods, classes and lambdas inlined at the call site, builtins, lru_cache'd factories."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.budget import Spent as _Budget  # raised inside inlining when the work budget is spent
from rnn_reuse_lint.evaluate.context import MAX_CALL_DEPTH, Ctx, State
from rnn_reuse_lint.evaluate.facts import (
    dotted,
    format_string,
    is_cell_like,
    is_opaque,
    known_items,
    known_keywords,
    length,
    names,
    opaque,
)
from rnn_reuse_lint.evaluate.called import called_names
from rnn_reuse_lint.evaluate.joins import join, join_all
from rnn_reuse_lint.evaluate.lists import add_part, extend
from rnn_reuse_lint.evaluate.tf_calls import TfCalls
from rnn_reuse_lint.identity import known_owners
from rnn_reuse_lint.tf_api import Kind
from rnn_reuse_lint.values import (
    UNKNOWN,
    BoundMethod,
    ClassInfo,
    Const,
    DictVal,
    Frame,
    FuncVal,
    Instance,
    ListVal,
    Obj,
    Part,
    Partial,
    QName,
    RangeVal,
    ScopeFrame,
    SuperVal,
    TemplateVal,
    TupleVal,
    Value,
    ZipVal,
)

if TYPE_CHECKING:
    from rnn_reuse_lint.evaluate.expressions import Expressions
    from rnn_reuse_lint.evaluate.statements import Statements


def find_method(cls: ClassInfo, name: str) -> Optional[FuncVal]:
    return cls.methods.get(name)


def delegates_to_cell(cls: ClassInfo) -> bool:
    """A wrapper subclass whose `__call__` (if it has its own) still runs the wrapped cell: `super().__call__(...)`
    or `self._cell(...)`. One that never calls the wrapped cell is not followed."""
    method = cls.methods.get("__call__")
    if method is None or not isinstance(method.node, cst.FunctionDef):
        return not cls.overrides_call
    for call in names(method.node.body):
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            continue
        target, attr = call.func.value, call.func.attr.value
        if isinstance(target, cst.Call) and dotted(target.func) == "super" and attr in ("__call__", "call"):
            return True
        if isinstance(target, cst.Name) and target.value == "self" and "cell" in attr.lower():
            return True  # `self._cell(inputs, state)`
        if attr == "__call__" and isinstance(target, cst.Attribute) and dotted(target.value) == "self" \
                and "cell" in target.attr.value.lower():
            return True  # `self._cell.__call__(inputs, state)`
    return False


def wrapped_argument(cls: ClassInfo, args: List[Value], kwargs: Dict[str, Value], cell_arg: str) -> Value:
    """The constructor argument a wrapper subclass wraps: the parameter named like the TF wrapper's (`cell`),
    else its first parameter."""
    init = cls.methods.get("__init__")
    params: List[str] = [cell_arg]
    if init is not None and isinstance(init.node, cst.FunctionDef):
        params = [p.name.value for p in (*init.node.params.posonly_params, *init.node.params.params)][1:]
    if not params:
        return UNKNOWN
    name = cell_arg if cell_arg in params else params[0]
    if name in kwargs:
        return kwargs[name]
    position = params.index(name)
    return args[position] if position < len(args) else UNKNOWN


def decorated(func: FuncVal, *names: str) -> bool:
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


def bound(method: FuncVal, instance: Optional[Value], cls: ClassInfo) -> FuncVal:
    """A method looked up on an instance or a class: static methods take no `self`, class methods get the class."""
    if decorated(method, "staticmethod"):
        return replace(method, owner=None, bound_self=None)
    if decorated(method, "classmethod"):
        return replace(method, bound_self=cls)
    return replace(method, bound_self=instance)


def super_of(args: List[Value], frame: Frame) -> Value:
    """`super(Tagger, self)` names both; a bare `super()` uses the method's `self` and its class."""
    if len(args) == 2 and isinstance(args[0], ClassInfo):
        return SuperVal(args[0], args[1])
    if not args:
        instance = frame.vars.get("self")
        if isinstance(instance, Instance):
            return SuperVal(instance.cls, instance)
    return UNKNOWN


def with_nodes(site: Optional[cst.CSTNode], args: Sequence[Value], kwargs: Dict[str, Value]
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


def handed_twice(pairs: Sequence[Tuple[Value, cst.CSTNode]]) -> Dict[int, cst.CSTNode]:
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


def function_label(func: FuncVal) -> Tuple[str, Optional[cst.CSTNode]]:
    """`Owner.name` and its node, for the budget's note (the builder adds the line)."""
    owner = f"{func.owner.name}." if func.owner is not None else ""
    return f"`{owner}{func.name}`", func.node


class Calls:
    """Evaluates call expressions: inlines the project's code, asks the TfCalls part about TensorFlow names."""

    def __init__(self, state: State, tf: TfCalls) -> None:
        self.state = state
        self.tf = tf
        self.callees = state.callees

    def connect(self, statements: "Statements", expressions: "Expressions") -> None:
        self.exec_block = statements.exec_block
        self.eval = expressions.eval

    def call(self, node: cst.Call, frame: Frame, ctx: Ctx) -> Value:
        self.state.step()
        func = self.eval(node.func, frame, ctx)
        args: List[Value] = []
        kwargs: Dict[str, Value] = {}
        has_star = False
        for arg in node.args:
            value = self.eval(arg.value, frame, ctx)
            if arg.star == "**" and known_keywords(value):
                assert isinstance(value, DictVal)
                kwargs.update((k.value, v) for k, v in zip(value.keys, value.values) if isinstance(k, Const)
                              and isinstance(k.value, str))
            elif arg.star == "*" and known_items(value) is not None:
                args.extend(known_items(value) or ())
            elif arg.star:
                has_star = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = value
            else:
                args.append(value)
        self.callees.setdefault(id(node), func)
        return self.apply(node, func, args, kwargs, has_star, frame, ctx)

    def apply(
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
            return super_of(args, frame)
        if isinstance(func, QName):
            return self.call_qualname(node, func.name, args, kwargs, has_star, ctx)
        if isinstance(func, BoundMethod):
            return self.call_method(node, func, args, ctx)
        if isinstance(func, FuncVal):
            if has_star:
                # `**kwargs` the pass cannot read hides what the factory receives: its result is one object.
                return self.unknown_result(node, ctx)
            if decorated(func, "lru_cache", "cache"):
                return self.cached_call(node, func, args, kwargs, ctx)
            try:
                return self.call_function(func, args, kwargs, ctx, instance=func.bound_self, site=node)
            except _Budget:
                return UNKNOWN
        if isinstance(func, Partial):
            return self.apply(node, func.func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, TemplateVal):
            return self.call_template(node, func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, ClassInfo):
            return self.instantiate(node, func, args, kwargs, has_star, ctx)
        if isinstance(func, Obj) and func.kind == "join" and not is_cell_like(func):
            return self.call_join(node, func, args, kwargs, has_star, frame, ctx)
        if isinstance(func, Obj) and (is_cell_like(func) or func.kind in ("keras_rnn", "keras_bidirectional")):
            return self.tf.cell_call(node, func, kwargs, ctx)
        if func is UNKNOWN or is_opaque(func):
            return self.unknown_result(node, ctx)
        return UNKNOWN

    @staticmethod
    def unknown_result(node: cst.Call, ctx: Ctx) -> Obj:
        """What a call the pass cannot follow returns: one object per evaluation (a new one per loop pass)."""
        callee = dotted(node.func)
        return opaque(node, ctx.loop_set, None,
                      f"`{callee}` returns a cell that creates new variables on every call" if callee else
                      "that call returns a cell that creates new variables on every call")

    def call_qualname(self, node: cst.Call, qualname: str, args: List[Value], kwargs: Dict[str, Value],
                      has_star: bool, ctx: Ctx) -> Value:
        """A call of an imported name: the few builtins the pass follows, else what TensorFlow's API does."""
        loops = ctx.loop_set
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
            loop = self.state.ids.loop()
            element = self.apply(node, args[0], [UNKNOWN], {}, False, self.state.module_frame, ctx.in_loop(loop))
            return ListVal([Part(element, node, "each", length(args[1]), frozenset({loop}))], loops)
        if qualname in ("builtins.list", "builtins.tuple"):
            if len(args) == 1:
                if not isinstance(args[0], ListVal):
                    return UNKNOWN
                self.state.charge_parts(len(args[0].parts))
                return args[0].copy()
            return ListVal([], loops) if not args else UNKNOWN
        if qualname in ("functools.partial", "builtins.partial") and args:
            return Partial(args[0])
        result = self.tf.call(node, qualname, args, kwargs, has_star, ctx)
        if result is not None:
            return result
        if qualname.startswith("builtins."):
            return UNKNOWN  # the other builtins never hand out a cell
        return self.unknown_result(node, ctx)  # `utils.make_cell(h)`: a function of another module

    def cached_call(
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
        cached = self.state.cached_results
        if key is not None and key in cached:
            return cached[key]
        # Built once, outside whatever loop asked first: the same object for every later call.
        once = replace(ctx, loops=()) if key is not None else ctx
        try:
            result = self.call_function(func, args, kwargs, once, instance=func.bound_self, site=node)
        except _Budget:
            return UNKNOWN
        if key is not None:
            cached[key] = result
        return result

    def call_join(
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
            return self.apply(node, func.alternatives[0], args, kwargs, has_star, frame, ctx)
        if entries and all(e is not None and e.kind == Kind.CELL for e in entries):
            names = sorted({e.name for e in entries if e is not None})
            first = entries[0]
            assert first is not None
            return Obj("cell", " or ".join(names), first.family, node, ctx.loop_set, entry=first,
                       kwargs=kwargs)
        results = [self.apply(node, alt, list(args), dict(kwargs), has_star, frame, ctx) for alt in func.alternatives]
        if all(isinstance(r, Obj) and r.kind in ("cell", "wrapper", "opaque") for r in results):
            joined = None
            for r in results:
                joined = join(joined, r, node)
            return joined or UNKNOWN
        return UNKNOWN

    def call_template(
        self, node: cst.Call, template: TemplateVal, args: List[Value], kwargs: Dict[str, Value], has_star: bool,
        frame: Frame, ctx: Ctx,
    ) -> Value:
        """First call: `variable_scope(None, default_name=name)` (uniquified); later calls: that scope, reuse."""
        if template.frame is None:
            parent = ctx.scope
            path = parent.path + (template.name,) if parent.path is not None and template.name else None
            template.frame = ScopeFrame(path, parent.reuse, node, unique=True, loops=ctx.loop_set)
            inner = ctx.in_scope(template.frame)
        else:
            again = ScopeFrame(template.frame.path, "true", node, unique=True, loops=ctx.loop_set)
            inner = ctx.in_scope(again)
        return self.apply(node, template.func, args, {**template.kwargs, **kwargs}, has_star, frame, inner)

    def call_method(self, node: cst.Call, method: BoundMethod, args: List[Value], ctx: Ctx) -> Value:
        target = method.target
        if isinstance(target, Const) and isinstance(target.value, str) and method.name == "format":
            return format_string(target.value, args)
        done = self.tf.call_method(node, method, ctx)
        if done is not None:
            return done
        if isinstance(target, ListVal):
            if method.name == "append" and len(args) == 1:
                add_part(self.state, target, args[0], node, ctx)
            elif method.name == "extend" and len(args) == 1:
                extend(self.state, target, args[0], node, ctx)
            elif method.name == "insert":
                target.complete = False if len(args) != 2 else target.complete
                if len(args) == 2:
                    # Position matters only for layer indices; identity is what the rules need.
                    add_part(self.state, target, args[1], node, ctx)
        return UNKNOWN

    def call_property(self, method: FuncVal, instance: Value, node: cst.CSTNode, ctx: Ctx) -> Value:
        """`self.cell` where `cell` is a `@property`: what the getter returns."""
        getter = replace(method, bound_self=instance)
        try:
            return self.call_function(getter, [], {}, ctx, instance=instance, site=node)
        except _Budget:
            return UNKNOWN

    def instantiate(
        self, node: cst.Call, cls: ClassInfo, args: List[Value], kwargs: Dict[str, Value], has_star: bool, ctx: Ctx
    ) -> Value:
        if cls.base_entry is not None and cls.name.endswith(("MultiRNNCell", "StackedRNNCells")) \
                and (args or "cells" in kwargs):
            # A project's own MultiRNNCell (a TF cell subclass that runs a list of cells, one scope per layer):
            # one cell object in two places of that list is one set of weights there too.
            cells = kwargs.get("cells", args[0] if args else UNKNOWN)
            return self.tf.stack(node, cls.name, cls.base_entry.family, cells, None, ctx, kwargs)
        if cls.is_cell:
            entry = cls.base_entry
            assert entry is not None
            return Obj("cell", cls.name, entry.family, node, ctx.loop_set, entry=entry, kwargs=kwargs)
        wrapper = cls.wrapper_entry
        if wrapper is not None and wrapper.wrapper is not None and not has_star and delegates_to_cell(cls):
            # `class SwitchableDropoutWrapper(DropoutWrapper)`: whatever its own `__call__` adds, it runs the cell it
            # wraps, so two runs of one such object (or of two around one cell) use that cell's one set of weights.
            inner = wrapped_argument(cls, args, kwargs, wrapper.wrapper.cell_arg)
            if isinstance(inner, Obj) and (is_cell_like(inner) or is_opaque(inner)):
                owns = wrapper.wrapper.owns_variables and not cls.overrides_call
                return Obj("wrapper", cls.name, wrapper.family, node, ctx.loop_set, owns_variables=owns,
                           inner=inner, entry=wrapper, kwargs=kwargs)
        instance = Instance(cls)
        init = find_method(cls, "__init__")
        if init is not None and not has_star:
            try:
                self.call_function(init, args, kwargs, ctx, instance=instance, site=node)
            except _Budget:
                pass
        return instance

    def call_function(
        self,
        func: FuncVal,
        args: List[Value],
        kwargs: Dict[str, Value],
        ctx: Ctx,
        instance: Optional[Value] = None,
        generic: bool = False,
        site: Optional[cst.CSTNode] = None,
    ) -> Value:
        """Inline a `def` or lambda at this call: bind its parameters, run its body, join what it returns."""
        key = id(func.node)
        if key in ctx.calls or len(ctx.calls) >= MAX_CALL_DEPTH:
            return UNKNOWN
        state = self.state
        if not generic:
            state.generic_done.add(key)  # evaluated in a real context: no need for the generic pass
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
                self.param_value(param, kwargs, func, generic)
        for param in params.kwonly_params:
            frame.vars[param.name.value] = self.param_value(param, kwargs, func, generic)
        if isinstance(params.star_arg, cst.Param):
            frame.vars[params.star_arg.name.value] = UNKNOWN
        if params.star_kwarg is not None:
            frame.vars[params.star_kwarg.name.value] = UNKNOWN
        inner = ctx.calling(key, site if site is not None else func.node)
        foreign = func.closure.module() is not state.module_frame
        if foreign and not inner.foreign:
            # Entering another module's function: an object this file hands it more than once (`wrapper(cell,
            # cell)`, `build([cell, cell])`) makes a sharing there this file's finding; one the other module
            # duplicates by itself is found when that module is linted.
            handed_at = handed_twice(with_nodes(site, args, kwargs))
            inner = replace(inner, foreign=True, handed=frozenset(handed_at), handed_at=tuple(handed_at.items()))
        elif not foreign and inner.foreign:
            inner = replace(inner, foreign=False, handed=frozenset(), handed_at=())
        outer, state.here = state.here, function_label(func)
        try:
            state.step()
            if isinstance(func.node, cst.Lambda):
                return self.eval(func.node.body, frame, inner)
            self.exec_block(func.node.body.body, frame, inner)
        finally:
            state.here = outer
        state.step(len(frame.returns))
        result = join_all(frame.returns, func.node)
        if result is None:
            return Const(None)
        return result

    def param_value(self, param: cst.Param, kwargs: Dict[str, Value], func: FuncVal, generic: bool) -> Value:
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
            if generic and isinstance(value, Const) and value.value is None and name in called_names(func.node):
                # `def layer(cell_fn=None)` ... `cell_fn(num_units=n)`: calling None raises TypeError, so every
                # path past the call had a callable there, which only a caller can give: as without a default.
                return self.unfilled_param(param)
            return value
        if not generic:
            return UNKNOWN
        return self.unfilled_param(param)

    def unfilled_param(self, param: cst.Param) -> Value:
        """What a generic pass knows of a parameter nobody filled: a `--define` value, or one object of unknown
        class."""
        name = param.name.value
        if name in self.state.defines:
            return self.state.defines[name]
        return opaque(param, frozenset(), name, f"`{name}` is a cell that creates new variables on every call")
