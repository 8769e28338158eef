"""What TensorFlow and Keras calls do: cells, wrappers, stacks, drivers, scopes, graphs, seq2seq, optimizers."""
from __future__ import annotations

from typing import Callable, Dict, FrozenSet, List, Optional, Tuple

import libcst as cst

from rnn_reuse_lint import tf_api
from rnn_reuse_lint.evaluate.context import Ctx, State
from rnn_reuse_lint.evaluate.copies import deep_copy, mark_rebuilt, rebuilt_copy
from rnn_reuse_lint.evaluate.facts import argument, names
from rnn_reuse_lint.scopes import combine_reuse, reuse_mode
from rnn_reuse_lint.tf_api import ApiEntry, Family, Kind
from rnn_reuse_lint.values import (
    UNKNOWN,
    BoundMethod,
    Const,
    DriverRecord,
    GraphVal,
    ListVal,
    Obj,
    OptimizerVal,
    ScopeFrame,
    ScopeVal,
    SlotFailure,
    StackRecord,
    TemplateVal,
    TupleVal,
    Value,
)

# (call, its API entry, positional values, keyword values, the loops around the call, ctx) -> what it returns
Handler = Callable[[cst.Call, ApiEntry, List[Value], Dict[str, Value], FrozenSet[int], Ctx], Value]


def graph_call(qualname: str) -> Optional[str]:
    """The name of `tf.Graph`, `tf.reset_default_graph` or `tf.make_template` (also under compat.v1), else None."""
    root, _, rest = qualname.partition(".")
    if root != "tensorflow":
        return None
    if rest.startswith("compat.v1."):
        rest = rest[len("compat.v1."):]
    return rest if rest in ("Graph", "reset_default_graph", "make_template") else None


def varies_with(expression: Optional[cst.BaseExpression], ctx: Ctx) -> FrozenSet[int]:
    """The loops whose loop variable appears in a scope name: `"layer_%d" % i`, `f"enc{i}"`, `name`."""
    if expression is None or not ctx.loop_targets:
        return frozenset()
    used = {n.value for n in names(expression) if isinstance(n, cst.Name)}
    return frozenset(loop for name, loop in ctx.loop_targets if name in used)


class TfCalls:
    """Turns calls of TensorFlow/Keras APIs into values and records (stacks, driver runs, slot failures)."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.records = state.records
        # One handler per kind of API (tf_api.Kind); kinds without one (name_scope, AUTO_REUSE...) give unknown.
        self.handlers: Dict[Kind, Handler] = {
            Kind.CELL: self.cell,
            Kind.WRAPPER: self.wrapper,
            Kind.STACK: self.stack_call,
            Kind.KERAS_RNN: self.keras_rnn,
            Kind.KERAS_BIDIRECTIONAL: self.keras_bidirectional,
            Kind.KERAS_LAYER: self.keras_layer,
            Kind.DRIVER: self.driver,
            Kind.SEQ2SEQ: self.seq2seq,
            Kind.DECODER: self.decoder,
            Kind.OPTIMIZER: self.optimizer,
            Kind.GET_VARIABLE_SCOPE: self.get_variable_scope,
            Kind.VARIABLE_SCOPE: self.variable_scope,
        }

    # ----- calls of TF names ----------------------------------------------------------------------
    def call(self, node: cst.Call, qualname: str, args: List[Value], kwargs: Dict[str, Value], has_star: bool,
             ctx: Ctx) -> Optional[Value]:
        """What calling `qualname` returns; None when it is no TensorFlow name (a function of another module)."""
        loops = ctx.loop_set
        graph = graph_call(qualname)
        if graph is not None:
            return self.graph(graph, args, kwargs, loops, ctx)
        entry = tf_api.lookup(qualname)
        if entry is None:
            if qualname.split(".")[0] in tf_api.TF_ROOTS:
                return UNKNOWN  # TensorFlow's other functions (placeholders, ops) never hand out a cell
            return None
        if entry.kind == Kind.COPY:
            source = args[0] if args else UNKNOWN
            if isinstance(source, Obj) and source.kind in ("cell", "wrapper", "join", "stack"):
                return deep_copy(source, node, loops)
            return UNKNOWN
        if has_star and entry.kind in (Kind.WRAPPER, Kind.STACK):
            return UNKNOWN  # `LSTMCell(**params)` is still a new cell, but a wrapper/stack fed by *args is not known
        handler = self.handlers.get(entry.kind)
        return handler(node, entry, args, kwargs, loops, ctx) if handler is not None else UNKNOWN

    def graph(self, name: str, args: List[Value], kwargs: Dict[str, Value], loops: FrozenSet[int], ctx: Ctx) -> Value:
        if name == "make_template":
            label_value = args[0] if args else kwargs.pop("name_", UNKNOWN)
            func = args[1] if len(args) > 1 else kwargs.pop("func_", UNKNOWN)
            for flag in ("create_scope_now_", "unique_name_", "custom_getter_"):
                kwargs.pop(flag, None)
            label = label_value.value if isinstance(label_value, Const) and isinstance(label_value.value, str) \
                else None
            return TemplateVal(func, label, dict(kwargs))
        if name == "Graph":
            return GraphVal(ScopeFrame((), "none", loops=loops))
        # reset_default_graph: a new default graph, a new variable store, and the root scope's reuse starts over.
        root = ctx.scopes[0]
        self.state.graph_resets[id(root)] = self.state.graph_resets.get(id(root), 0) + 1
        root.reuse = "none"
        self.state.resetting.update(ctx.loops)
        return UNKNOWN

    def cell(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
             loops: FrozenSet[int], ctx: Ctx) -> Value:
        return Obj("cell", entry.name, entry.family, node, loops, entry=entry, kwargs=kwargs)

    def wrapper(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                loops: FrozenSet[int], ctx: Ctx) -> Value:
        assert entry.wrapper is not None
        inner = kwargs.get(entry.wrapper.cell_arg, args[0] if args else UNKNOWN)
        return Obj("wrapper", entry.name, entry.family, node, loops,
                   owns_variables=entry.wrapper.owns_variables, inner=inner, entry=entry, kwargs=kwargs)

    def stack_call(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                   loops: FrozenSet[int], ctx: Ctx) -> Value:
        cells = kwargs.get("cells", args[0] if args else UNKNOWN)
        return self.stack(node, entry.name, entry.family, cells, None, ctx, kwargs)

    def keras_rnn(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                  loops: FrozenSet[int], ctx: Ctx) -> Value:
        cell = kwargs.get("cell", args[0] if args else UNKNOWN)
        if isinstance(cell, ListVal):
            stack = self.stack(node, "RNN", entry.family, cell, None, ctx, kwargs)
            return Obj("keras_rnn", "RNN", entry.family, node, loops, inner=stack, entry=entry, kwargs=kwargs)
        return Obj("keras_rnn", "RNN", entry.family, node, loops, inner=cell, entry=entry, kwargs=kwargs)

    def keras_bidirectional(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                            loops: FrozenSet[int], ctx: Ctx) -> Value:
        layer = kwargs.get("layer", args[0] if args else UNKNOWN)
        mark_rebuilt(layer)
        backward = kwargs.get("backward_layer")
        if backward is not None:
            mark_rebuilt(backward)
        obj = Obj("keras_bidirectional", "Bidirectional", entry.family, node, loops, inner=layer, entry=entry,
                  kwargs=kwargs)
        return obj

    def keras_layer(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                    loops: FrozenSet[int], ctx: Ctx) -> Value:
        # LSTM/GRU/SimpleRNN layers build their own cell (LSTMCell...): a fresh cell per layer object.
        cell_entry = tf_api.lookup(f"keras.layers.{entry.name.replace('CuDNN', '')}Cell")
        own_cell: Value = UNKNOWN
        if cell_entry is not None:
            own_cell = Obj("cell", cell_entry.name, entry.family, node, loops, entry=cell_entry, kwargs=kwargs)
        return Obj("keras_rnn", entry.name, entry.family, node, loops, inner=own_cell, entry=entry, kwargs=kwargs)

    def decoder(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                loops: FrozenSet[int], ctx: Ctx) -> Value:
        cell = kwargs.get("cell", args[0] if args else UNKNOWN)
        return Obj("decoder", entry.name, entry.family, node, loops, inner=cell, entry=entry)

    def optimizer(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                  loops: FrozenSet[int], ctx: Ctx) -> Value:
        return OptimizerVal(node, entry.name, entry.name in tf_api.SLOT_OPTIMIZERS)

    def get_variable_scope(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                           loops: FrozenSet[int], ctx: Ctx) -> Value:
        return ScopeVal(ctx.scope)

    # ----- scopes ----------------------------------------------------------------------------------
    def variable_scope(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                       loops: FrozenSet[int], ctx: Ctx) -> Value:
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
            count = self.state.default_names.get((id(parent), default.value), 0)
            self.state.default_names[(id(parent), default.value)] = count + 1
            level = default.value if count == 0 else f"{default.value}_{count}"
            path = parent.path + (level,) if parent.path is not None else None
            inherited, unique = parent.reuse, True
        else:
            path, inherited = None, parent.reuse
        frame = ScopeFrame(path, combine_reuse(inherited, requested, parent.reuse), node, loops=loops)
        if frame.reuse == "true":
            frame.reuse_node = node if requested == "true" else parent.reuse_node
        if path is None and not isinstance(name, ScopeVal):
            frame.varies = varies_with(argument(node, "name_or_scope", 0), ctx)
        frame.unique = unique or parent.unique
        return ScopeVal(frame, opens=True)

    def driver_scope(self, scope_arg: Optional[Value], default: Optional[str], ctx: Ctx) -> Optional[Tuple[str, ...]]:
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

    @staticmethod
    def reuse_at(scope_arg: Optional[Value], ctx: Ctx) -> str:
        if isinstance(scope_arg, ScopeVal):
            return combine_reuse(scope_arg.frame.reuse, "none", ctx.scope.reuse)
        return ctx.scope.reuse

    # ----- what runs cells: drivers, stacks, seq2seq, calling a cell ----------------------------------
    def record_driver(
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
        loops = ctx.loop_set
        frames = ctx.scopes + ((scope_arg.frame,) if isinstance(scope_arg, ScopeVal) else ())
        graph_resets = self.state.graph_resets
        self.records.drivers.append(DriverRecord(
            node, name, cells, bidirectional, stacked, scope=path,
            reuse=reuse if reuse is not None else ctx.scope.reuse, root=ctx.root, sites=ctx.sites + (node,),
            loops=loops, uniquified=uniquified or any(f.unique for f in ctx.scopes), frames=frames,
            explicit_scope=scope_arg is not None and not (isinstance(scope_arg, Const) and scope_arg.value is None),
            graph=(id(ctx.scopes[0]), graph_resets.get(id(ctx.scopes[0]), 0)), layer=layer,
            unrolled=ctx.unrolling,
            varies=frozenset().union(*(f.varies for f in frames), varies_with(argument(node, "scope", None), ctx)),
            guarded=ctx.guarded | (loops & self.state.skipping), branches=ctx.branches, foreign=ctx.foreign,
            handed=ctx.handed, handed_at=ctx.handed_at))

    def stack(
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
        self.state.charge_parts(len(snapshot.parts))
        record = StackRecord(node, kind, role, snapshot, sites=ctx.sites + (node,), foreign=ctx.foreign,
                             handed=ctx.handed, handed_at=ctx.handed_at)
        obj = Obj("stack", kind, family, node, ctx.loop_set, owns_variables=False, layers=snapshot,
                  kwargs=kwargs, stack_record=record)
        record.obj = obj
        self.records.stacks.append(record)
        return obj

    def driver(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
               loops: FrozenSet[int], ctx: Ctx) -> Value:
        info = entry.driver
        assert info is not None
        cells: List[Tuple[str, Value]] = []
        for keyword, position in info.cell_params:
            value = kwargs.get(keyword, args[position] if position < len(args) else None)
            if value is None:
                continue
            if info.stacked and isinstance(value, ListVal):
                self.stack(node, info.canonical, Family.TF1, value, keyword, ctx, {})
            cells.append((keyword, value))
        scope_arg = kwargs.get("scope")
        path = self.driver_scope(scope_arg, info.default_scope, ctx)
        # dynamic_decode opens variable_scope(scope, "decoder"): a default_name, uniquified (decoder_1...).
        uniquified = info.canonical == "dynamic_decode" and scope_arg is None
        self.record_driver(node, info.canonical, tuple(cells), info.bidirectional, info.stacked, ctx, path,
                           uniquified, reuse=self.reuse_at(scope_arg, ctx), scope_arg=scope_arg)
        if len(cells) == 1 and info.canonical != "dynamic_decode":
            return TupleVal((UNKNOWN, UNKNOWN))
        return UNKNOWN

    def seq2seq(self, node: cst.Call, entry: ApiEntry, args: List[Value], kwargs: Dict[str, Value],
                loops: FrozenSet[int], ctx: Ctx) -> Value:
        """legacy_seq2seq models: an encoder run (on a deep copy for most of them) and a decoder run."""
        info = entry.seq2seq
        assert info is not None
        cell = kwargs.get("cell", args[info.cell_position] if info.cell_position < len(args) else None)
        if cell is None:
            return UNKNOWN
        base = self.driver_scope(kwargs.get("scope"), info.default_scope, ctx)

        def under(level: Optional[str]) -> Optional[Tuple[str, ...]]:
            if base is None or level is None:
                return None
            return base + ((level,) if level else ())

        if info.encoder_scope is not None or info.copies_encoder:
            encoder = deep_copy(cell, node, loops) if info.copies_encoder and isinstance(cell, Obj) else cell
            self.record_driver(node, entry.name, (("cell", encoder),), False, False, ctx,
                               under(info.encoder_scope), False)
        # A tied model re-enters its scope with reuse for the decoder (W1.1 seq2seq.py:220-224).
        self.record_driver(node, entry.name, (("cell", cell),), False, False, ctx, under(info.decoder_scope), False,
                           reuse="true" if info.tied else None)
        return TupleVal((UNKNOWN, UNKNOWN))

    def cell_call(self, node: cst.Call, func: Obj, kwargs: Dict[str, Value], ctx: Ctx) -> Value:
        """`cell(inputs, state)` runs the cell in the current scope; a keras `RNN(cell)(x)` runs its cell."""
        if func.kind == "keras_rnn":
            inner = func.inner
            if inner is None:
                return UNKNOWN
            self.record_driver(node, "keras_rnn", (("cell", inner),), False, False, ctx, ctx.scope.path, False,
                               layer=func)
            return UNKNOWN
        if func.kind == "keras_bidirectional":
            # Bidirectional rebuilds the wrapped layer from its config for each direction: two new cells.
            layer = func.inner
            if not (isinstance(layer, Obj) and layer.kind == "keras_rnn" and isinstance(layer.inner, Obj)):
                return UNKNOWN
            loops = ctx.loop_set
            cells = tuple((role, rebuilt_copy(layer.inner, func.node, loops, self.state.ids))
                          for role in ("cell_fw", "cell_bw"))
            self.record_driver(node, "keras_bidirectional", cells, True, False, ctx, ctx.scope.path, False,
                               layer=func)
            return UNKNOWN
        path = self.driver_scope(kwargs.get("scope"), None, ctx)
        self.record_driver(node, "cell_call", (("cell", func),), False, False, ctx, path, False,
                           reuse=self.reuse_at(kwargs.get("scope"), ctx), scope_arg=kwargs.get("scope"))
        return TupleVal((UNKNOWN, UNKNOWN))

    # ----- methods of TF objects: graphs, scopes, optimizers ---------------------------------------
    def call_method(self, node: cst.Call, method: BoundMethod, ctx: Ctx) -> Optional[Value]:
        """`graph.as_default()`, `scope.reuse_variables()`, `optimizer.minimize(...)`; None for other methods."""
        target = method.target
        if isinstance(target, GraphVal) and method.name == "as_default":
            return GraphVal(target.root, entering=True)
        if isinstance(target, ScopeVal) and method.name == "reuse_variables":
            # Reuse for the rest of that scope's block; on the root scope it leaks into the whole graph.
            target.frame.reuse = "true"
            target.frame.reuse_node = node
            return UNKNOWN
        if isinstance(target, OptimizerVal) and target.slots:
            scope = ctx.scope
            graph = (id(ctx.scopes[0]), self.state.graph_resets.get(id(ctx.scopes[0]), 0), target.name)
            if scope.reuse == "none":
                self.state.slots_made.add(graph)
            # Reuse on the root scope cannot be turned off again: whoever called this, the slots fail, unless an
            # earlier optimizer of the same kind made them (a test model built under reuse=True reuses those).
            elif scope.reuse == "true" and scope.reuse_node is not None and graph not in self.state.slots_made:
                self.records.slot_failures.append(SlotFailure(node, target.name, scope.reuse_node))
            return UNKNOWN
        return None
