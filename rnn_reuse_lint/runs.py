"""Replays the recorded driver calls the way TensorFlow ≥1.2 builds variables: scope capture, reuse, collisions.

A Layer-based cell captures the scope of its first call and always returns to it (TF_RNN_SEMANTICS.md §5.2);
a fresh cell creates variables under the current scope, which must not exist unless reuse is on (§5.1).
Replaying the driver records in execution order, per evaluation root, gives every layer's variables, the
sharing relations between runs and the scope facts (model.ScopeFact): a cell borrowed across scopes, variables
created twice (or on every pass of a loop), reuse of variables nothing created. Which rule reports which fact,
and with what code, is for the rules to say.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

import libcst as cst

from rnn_reuse_lint import naming
from rnn_reuse_lint.keras_names import KerasNames
from rnn_reuse_lint.model import Direction, RelationKind
from rnn_reuse_lint.identity import layer_indices, loops_of, one_object, settle_join
from rnn_reuse_lint.model import ScopeFact
from rnn_reuse_lint.scopes import combine_reuse, reuse_mode
from rnn_reuse_lint.tf_api import Family
from rnn_reuse_lint.values import Const, DriverRecord, ListVal, Obj, Value


NAMES_UNIQUIFIED = ("1.15", "2")  # LayerRNNCell: direct calls in one open scope get `_1`, `_2` (§1.2)


@dataclass
class LayerRun:
    index: Optional[int]
    direction: Optional[Direction]
    cell: Obj  # the layer's outermost object (wrapper or cell)
    loops: FrozenSet[int] = frozenset()  # the loops that made one element per layer (see identity.Part)
    variables: List[str] = field(default_factory=list)
    borrows_from: Optional[Tuple[int, Optional[int], Optional[str]]] = None
    symbolic: bool = False  # index None stands for layer i of a stack of unknown depth (named `cell_{i}`)


@dataclass
class Run:
    index: int
    record: DriverRecord
    layers: List[LayerRun]
    context: str


@dataclass
class Relation:
    kind: RelationKind  # "intended" | "suspicious" (fact says how) | "unknown" (a scope or reuse is not known)
    fact: Optional[ScopeFact]
    variables: Tuple[str, ...]
    first: Tuple[int, Optional[int], Optional[str]]
    second: Tuple[int, Optional[int], Optional[str]]


@dataclass
class Issue:
    fact: ScopeFact
    node: cst.CSTNode
    run: Run
    scope: str
    variable: Optional[str]
    other: Optional[Run] = None
    other_scope: Optional[str] = None
    cell: Optional[Obj] = None
    reuse_node: Optional[cst.CSTNode] = None
    other_node: Optional[cst.CSTNode] = None  # where the first run is reached from the same root
    loop_node: Optional[cst.CSTNode] = None  # within one call site: the loop whose next pass borrows or clashes


@dataclass
class _Capture:
    """Where an object's variables live once it has run (keyed by object identity)."""

    run: Run
    layer: Optional[int]
    direction: Optional[Direction]
    prefix: Tuple[str, ...]  # the object's own scope path
    variables: List[str]
    # (graph, scope) of each later run of the object: a reuse scope it already ran in holds its variables' users
    reruns: List[Tuple[Tuple[int, int], Optional[Tuple[str, ...]]]] = field(default_factory=list)


@dataclass
class Replay:
    runs: List[Run] = field(default_factory=list)
    relations: List[Relation] = field(default_factory=list)
    issues: List[Issue] = field(default_factory=list)


def replay(drivers: Sequence[DriverRecord], tf_version: str, function_names: Dict[int, str]) -> Replay:
    out = Replay()
    by_root: Dict[int, List[DriverRecord]] = {}
    for record in drivers:
        by_root.setdefault(record.root, []).append(record)
    created: Dict[int, set[Tuple[str, ...]]] = {}
    deferred: List[Tuple[int, Issue]] = []
    for root, records in by_root.items():
        simulation = _Simulation(out, tf_version,
                                 "module" if root == 0 else f"function {function_names.get(root, '?')}", root == 0)
        simulation.run(records)
        created[root] = {tuple(key.split("/")) for _, key in simulation.store}
        deferred.extend((root, issue) for issue in simulation.deferred)
    for root, issue in deferred:
        elsewhere = (path for other, paths in created.items() if other != root for path in paths)
        if not any(_nested_in_one_another(issue.scope.split("/"), path) for path in elsewhere):
            out.issues.append(issue)
    return out


def _nested_in_one_another(asked: Sequence[str], made: Sequence[str]) -> bool:
    """Whether a caller could make these two scope paths meet: one ends with the other (each may sit under an
    outer scope its caller opens)."""
    shorter, longer = sorted((tuple(asked), tuple(made)), key=len)
    return longer[len(longer) - len(shorter):] == shorter


class _Simulation:
    def __init__(self, out: Replay, tf_version: str, context: str, top_level: bool) -> None:
        self.out = out
        self.tf_version = tf_version
        self.context = context
        self.top_level = top_level
        # Variables created so far, per graph (see DriverRecord.graph) and full name.
        self.store: Dict[Tuple[Tuple[int, int], str], Tuple[Run, Optional[int], Optional[str]]] = {}
        self.captures: Dict[Tuple[int, Optional[int]], _Capture] = {}
        self.reported: set[Tuple[str, int, int]] = set()
        # Cell scope names opened by direct calls per open `with` block: TF ≥1.5 uniquifies them (§1.2).
        self.openings: Dict[Tuple[int, str], int] = {}
        self.run_scopes: List[Tuple[Tuple[int, int], Optional[Tuple[str, ...]]]] = []  # (graph, scope) of runs so far
        self.keras = KerasNames(numbered=top_level)  # Keras layer names, uniquified per graph as tf_keras does
        # RNN105 in a function nobody here calls: kept until every root ran (another may create what it asks for).
        self.deferred: List[Issue] = []

    def run(self, records: List[DriverRecord]) -> None:
        for record in records:
            run = Run(len(self.out.runs), record, [], self.context)
            self.out.runs.append(run)
            self.run_scopes.append((record.graph, record.scope))
            for role, value, prefix, direction in self._directions(record):
                placed = False
                for index, layer_value, layer_prefix, loops in self._layers(value, prefix, record, direction):
                    if not isinstance(layer_value, Obj):
                        continue
                    layer = LayerRun(index, direction, layer_value, loops,
                                     symbolic=index is None and layer_prefix is not None)
                    run.layers.append(layer)
                    self._place(run, layer, layer_value, layer_prefix)
                    placed = True
                if not placed and isinstance(value, Obj) and value.kind == "stack" and value.family == Family.TF1 \
                        and not record.stacked:
                    # A MultiRNNCell of cells the pass cannot see (a project's template cells) is still one Layer:
                    # it keeps the scope of its first run, so running it again elsewhere reuses what it made there.
                    level = prefix + (direction,) if prefix is not None and direction and record.bidirectional \
                        else prefix
                    self._opaque_owner(run, LayerRun(None, direction, value), value, level)

    # ----- structure: directions, layers, wrapper levels ---------------------------------------------
    def _directions(
        self, record: DriverRecord
    ) -> List[Tuple[str, Value, Optional[Tuple[str, ...]], Optional[Direction]]]:
        base = record.scope
        if record.name == "keras_rnn":
            return [(role, value, None, None) for role, value in record.cells]
        if record.name == "keras_bidirectional":
            return [(role, value, None, "fw" if role.endswith("fw") else "bw") for role, value in record.cells]
        if not record.bidirectional:
            return [(role, value, base, None) for role, value in record.cells]
        out: List[Tuple[str, Value, Optional[Tuple[str, ...]], Optional[Direction]]] = []
        for role, value in record.cells:
            direction: Direction = "fw" if role.endswith("fw") else "bw"
            out.append((role, value, base, direction))
        return out

    def _layers(
        self, value: Value, prefix: Optional[Tuple[str, ...]], record: DriverRecord, direction: Optional[str]
    ) -> List[Tuple[Optional[int], Value, Optional[Tuple[str, ...]], FrozenSet[int]]]:
        """(layer index, layer object, scope prefix under which that object runs)."""
        direction_level: Tuple[str, ...] = ()
        if record.bidirectional and not record.stacked and direction:
            direction_level = (direction,)
        if record.stacked:
            return self._stacked_bidi_layers(value, prefix, record, direction or "fw")
        if record.name == "dynamic_decode" and isinstance(value, Obj) and value.kind == "decoder":
            value = value.inner if value.inner is not None else value
        if record.name.startswith("keras"):
            if isinstance(value, Obj) and value.kind == "stack" and value.layers is not None:
                return [(i, v, None, loops) for i, v, loops in _expand(value.layers)]
            return [(0, value, None, frozenset())]
        full = prefix + direction_level if prefix is not None else None
        if isinstance(value, Obj) and value.kind == "stack" and value.layers is not None:
            # `.../multi_rnn_cell/cell_<i>/<cell>` (§2.1); the stack object itself captures `multi_rnn_cell`.
            stack_prefix = full + (self._stack_scope(value),) if full is not None else None
            out = []
            for index, layer, loops in _expand(value.layers):
                level = naming.SYMBOLIC_LAYER if index is None else f"cell_{index}"
                layer_prefix = stack_prefix + (level,) if stack_prefix is not None else None
                out.append((index, layer, layer_prefix, loops))
            return out
        return [(0, value, full, frozenset())]

    def _stack_scope(self, stack: Obj) -> str:
        name = stack.kwargs.get("name")
        if isinstance(name, Const) and isinstance(name.value, str):
            return name.value
        return "multi_rnn_cell"

    def _stacked_bidi_layers(
        self, value: Value, prefix: Optional[Tuple[str, ...]], record: DriverRecord, role: str
    ) -> List[Tuple[Optional[int], Value, Optional[Tuple[str, ...]], FrozenSet[int]]]:
        if not isinstance(value, ListVal):
            return []
        out: List[Tuple[Optional[int], Value, Optional[Tuple[str, ...]], FrozenSet[int]]] = []
        for index, layer, loops in _expand(value):
            if prefix is None or index is None:
                out.append((index, layer, None, loops))
                continue
            # stack_bidirectional_dynamic_rnn: .../cell_<i>/bidirectional_rnn/{fw,bw}; the static one has no
            # bidirectional_rnn level (§4).
            middle = ("bidirectional_rnn",) if record.name == "stack_bidirectional_dynamic_rnn" else ()
            out.append((index, layer, prefix + (f"cell_{index}",) + middle + (role,), loops))
        return out

    # ----- variables: capture, reuse, collision --------------------------------------------------------
    def _place(self, run: Run, layer: LayerRun, obj: Obj, prefix: Optional[Tuple[str, ...]]) -> None:
        """Walk wrapper levels down to the cell, collecting variables and checking each owner."""
        current: Optional[Value] = obj
        path = prefix
        known = True  # False under a join of distinct objects: names can be predicted, identity cannot
        while isinstance(current, Obj):
            if current.kind == "join":
                settled = settle_join(current)
                if settled is None:
                    if known and _cells_only(current):
                        # `cell = GRUCell(h)`, `if use_lstm: cell = LSTMCell(h)`: the names depend on the branch, but
                        # whichever it was, this is one object, and run again elsewhere it returns to its first scope.
                        self._opaque_owner(run, layer, current, path)
                    return
                known = known and one_object(current)
                current = settled
                continue
            if current.kind == "wrapper":
                if current.owns_variables:
                    scope = naming.cell_scope(current, self.tf_version)
                    own_path = path + (scope,) if path is not None and scope else path
                    self._owner(run, layer, current, own_path, known)
                    if self.tf_version not in naming.LEGACY_VERSIONS and path is not None and scope:
                        path = own_path  # 1.2+: the inner cell nests under the wrapper (§3)
                current = current.inner
                continue
            if current.kind == "stack":
                return  # nested stacks inside a layer: not predicted
            if current.kind == "opaque":
                if known:
                    self._opaque_owner(run, layer, current, path)
                return
            if current.kind == "cell":
                scope = naming.cell_scope(current, self.tf_version)
                cell_path = path + (scope,) if path is not None and scope is not None else None
                if current.family == Family.KERAS:
                    cell_path = ("<keras>", str(current.key))
                self._owner(run, layer, current, cell_path, known)
            return

    def _owner(self, run: Run, layer: LayerRun, obj: Obj, path: Optional[Tuple[str, ...]], known: bool = True) -> None:
        record = run.record
        leaves = naming.cell_leaves(obj, self.tf_version)
        if not known:
            # `bw = fw if FLAGS.tie else LSTMCell(h)`: the names the class would create, no capture, no borrowing.
            if path is not None:
                layer.variables.extend("/".join(path + (leaf,)) for leaf in leaves)
            return
        # One abstract object made inside the loop that built the layer list is a new object per layer.
        per_layer = bool(layer.loops) and layer.loops <= loops_of(obj)
        instance = (obj.key, layer.index if per_layer else None)
        captured = self.captures.get(instance)
        if captured is not None and _exclusive(captured.run.record, record):
            captured = None  # the first run was in another branch: in a run that takes this one, this is first
        if captured is not None and path is not None and self._uniquifies(record, obj, path) \
                and captured.prefix[:-1] == path[:-1]:
            path = captured.prefix  # called again in the same parent scope: back in its (uniquified) level
        if captured is not None:
            layer.variables.extend(captured.variables)
            if captured.run is not run or captured.layer != layer.index or captured.direction != layer.direction:
                layer.borrows_from = layer.borrows_from or (captured.run.index, captured.layer, captured.direction)
                self._shared_object(run, layer, obj, path, captured)
            return
        if path is not None and self._uniquifies(record, obj, path):
            path = self._unique_level(record, path)
        variables = ["/".join(path + (leaf,)) for leaf in leaves] if path is not None else []
        if obj.family == Family.KERAS:
            keras_path = self.keras.cell_path(record, obj, layer.index, per_layer, layer.direction)
            variables = ["/".join(keras_path + (leaf,)) for leaf in leaves] if keras_path is not None else []
        layer.variables.extend(variables)
        self.captures[instance] = _Capture(run, layer.index, layer.direction, path or (), variables)
        if path is None and record.renamed and obj.family != Family.KERAS:
            self._renamed_next_pass(run, obj)
        if path is None or obj.family == Family.KERAS:
            return
        key = "/".join(path)
        mode = combine_reuse(record.reuse, _ctor_reuse(obj))
        existing = self.store.get((record.graph, key))
        if existing is not None and mode == "none" and _exclusive(existing[0].record, record):
            existing = None  # created in another branch of the same if: the two never both create
        # Layer i of an unknown depth: its relations are shown, but no finding rests on it, since a run of known
        # depth in the same scope names the same variables `cell_0`, `cell_1`... and cannot be matched to it.
        symbolic = naming.SYMBOLIC_LAYER in path
        if existing is not None:
            first_run, first_layer, first_direction = existing
            first = (first_run.index, first_layer, first_direction)
            if mode in ("true", "auto"):
                self._relate("intended", None, variables, first, run, layer)
                layer.borrows_from = (first_run.index, first_layer, first_direction)
            elif mode == "none" and not record.uniquified and first_run is not run and not symbolic:
                # Not sharing but a collision (TF raises on the second run); explain lists it with the sharing.
                loop = record.unrolled if first_run.record.node is record.node else None
                fact: ScopeFact = "created_each_pass" if loop is not None else "created_twice"
                self._relate("suspicious", fact, variables, first, run, layer)
                if not self._first_report("created", first_run, run):
                    return  # one finding per pair of runs (or call site), at its first colliding variable
                self._issue(Issue(fact, _report_node(first_run.record, record), run, key,
                                  variables[0] if variables else key, other=first_run,
                                  other_scope=_scope_text(first_run.record.scope), cell=obj if loop else None,
                                  other_node=_report_node(record, first_run.record), loop_node=loop))
            return
        if mode == "true":
            if not record.uniquified and not symbolic and (self.top_level or self._forced_reuse(record, obj)) \
                    and self._first_report("missing", run, run):  # one finding per run: its first missing variable
                issue = Issue("reuse_missing", record.node, run, key, variables[0] if variables else key, cell=obj,
                              reuse_node=_reuse_node(obj))
                (self.out.issues if self.top_level else self.deferred).append(issue)
            return
        if mode in ("none", "auto"):
            self.store[(record.graph, key)] = (run, layer.index, layer.direction)
        if mode == "none" and not record.uniquified and not symbolic:
            self._next_iteration(run, layer, obj, key, variables)

    @staticmethod
    def _forced_reuse(record: DriverRecord, obj: Obj) -> bool:
        """In a function nobody calls: `GRUCell(h, reuse=True)` turns reuse on whatever scope its caller opened
        (TF_RNN_SEMANTICS.md §5.1), so it fails unless something created the variables before. A function that
        asks for reuse on its own scope (or takes the flag from a parameter) leaves that to its caller: silent."""
        return _ctor_reuse(obj) == "true" and record.reuse in ("none", "auto")

    def _opaque_owner(self, run: Run, layer: LayerRun, obj: Obj, path: Optional[Tuple[str, ...]]) -> None:
        """An object of unknown class: no names to predict and no collision to claim (two different classes
        create different names), but one object run again elsewhere still returns to its first scope."""
        per_layer = bool(layer.loops) and layer.loops <= loops_of(obj)
        instance = (obj.key, layer.index if per_layer else None)
        # Where the object would sit: its name level is unknown, so compare the levels above it.
        where = path + ("?",) if path is not None else None
        captured = self.captures.get(instance)
        if captured is not None and not _exclusive(captured.run.record, run.record):
            if captured.run is not run or captured.layer != layer.index or captured.direction != layer.direction:
                layer.borrows_from = layer.borrows_from or (captured.run.index, captured.layer, captured.direction)
                self._shared_object(run, layer, obj, where, captured)
            return
        self.captures[instance] = _Capture(run, layer.index, layer.direction, where or (), [])
        if where is None and run.record.renamed:
            self._renamed_next_pass(run, obj)

    def _renamed_next_pass(self, run: Run, obj: Obj) -> None:
        """Borrowed across scopes within one call: a loop runs one cell object under a scope named after the loop
        variable."""
        record = run.record
        if record.name == "cell_call":
            return  # a hand-unrolled time loop shares its cell across steps on purpose
        for loop, loop_node in record.renamed:
            if loop in loops_of(obj):
                continue  # a new cell every pass: each gets the pass's scope
            if ("borrowed-loop", run.index, loop) not in self.reported:
                self.reported.add(("borrowed-loop", run.index, loop))
                self._issue(Issue("borrowed_across_scopes", record.node, run, "?", None, other=run, other_scope="?", cell=obj,
                                  other_node=record.node, loop_node=loop_node))
            return

    def _uniquifies(self, record: DriverRecord, obj: Obj, path: Tuple[str, ...]) -> bool:
        """A cell called directly with no `scope=` opens its own level with a default_name from TF 1.5 on:
        a second cell of the same name in the same open `with` block gets `_1` (TF_RNN_SEMANTICS.md §1.2)."""
        return (record.name == "cell_call" and not record.explicit_scope and self.tf_version in NAMES_UNIQUIFIED
                and record.scope is not None and len(path) == len(record.scope) + 1
                and _ctor_reuse(obj) == "none" and bool(record.frames))

    def _unique_level(self, record: DriverRecord, path: Tuple[str, ...]) -> Tuple[str, ...]:
        key = (id(record.frames[-1]), "/".join(path))
        count = self.openings.get(key, 0)
        self.openings[key] = count + 1
        return path if count == 0 else path[:-1] + (f"{path[-1]}_{count}",)

    def _next_iteration(self, run: Run, layer: LayerRun, obj: Obj, key: str, variables: List[str]) -> None:
        """Created on each pass: a loop builds a new cell each iteration and runs it in the same scope."""
        record = run.record
        for loop, loop_node in record.repeats:
            if loop not in loops_of(obj):
                continue  # the same object every iteration: it returns to its captured scope
            if record.name == "cell_call" and not record.explicit_scope and self.tf_version in NAMES_UNIQUIFIED \
                    and loop not in record.frames[-1].loops:
                continue  # the enclosing `with` stays open across iterations: TF names the next one `_1`
            point = (run.index, layer.index, layer.direction)
            self._relate("suspicious", "created_each_pass", variables, point, run, layer)
            if ("created-loop", run.index, loop) not in self.reported:
                self.reported.add(("created-loop", run.index, loop))
                self._issue(Issue("created_each_pass", record.node, run, key, variables[0] if variables else key, other=run,
                                  other_scope=_scope_text(record.scope), cell=obj, other_node=record.node,
                                  loop_node=loop_node))
            return

    def _shared_object(
        self, run: Run, layer: LayerRun, obj: Obj, path: Optional[Tuple[str, ...]], captured: _Capture
    ) -> None:
        first = captured.run
        if first is run:
            return  # layers/directions of one call: shared_across_layers/directions (model.stacks, .bidirectional)
        kind = _sharing_kind(first, run, obj, path, captured.prefix)
        if kind == "intended" and self._reuse_misses_cell(run, path, captured):
            kind = "suspicious"
        elif kind == "unknown" and self._reuse_cannot_matter(first, run):
            kind = "suspicious"
        captured.reruns.append((run.record.graph, run.record.scope))
        fact: Optional[ScopeFact] = "borrowed_across_scopes" if kind == "suspicious" else None
        self._relate(kind, fact, captured.variables, (first.index, captured.layer, captured.direction), run, layer)
        if fact is None or not self._first_report("borrowed", first, run):
            return
        loop = run.record.unrolled if first.record.node is run.record.node else None
        self._issue(Issue(fact, _report_node(first.record, run.record), run,
                          _run_place(run.record) if obj.family != Family.KERAS else "keras",
                          captured.variables[0] if captured.variables else None, other=first,
                          other_scope=_scope_text(first.record.scope), cell=obj,
                          other_node=_report_node(run.record, first.record), loop_node=loop))

    def _first_report(self, what: str, first: Run, run: Run) -> bool:
        """Once per pair of runs; for the passes of one spelled-out loop, once per call site (and per earlier run
        they all borrow from: `for t in range(3): with variable_scope("layer%d" % t): cell(...)` after `encoder`)."""
        same_site = first.record.node is run.record.node and run.record.unrolled is not None
        if same_site:
            key = (what, id(run.record.node), -1)
        elif run.record.unrolled is not None:
            key = (what, first.index, id(run.record.node))
        else:
            key = (what, first.index, run.index)
        if key in self.reported:
            return False
        self.reported.add(key)
        return True

    def _reuse_misses_cell(self, run: Run, path: Optional[Tuple[str, ...]], captured: _Capture) -> bool:
        """`with tf.variable_scope("decoder", reuse=True)` around the encoder's cell: reuse was asked for under a
        scope that does not hold the cell's own variables, so the run works only because the cell returns to its
        first scope (TF_RNN_SEMANTICS.md §5: a built cell never looks its variables up again). Other variables
        under that scope (the decoder's own cell, an attention layer) are what the reuse is for, not this cell's."""
        record = run.record
        prefix = captured.prefix
        if record.reuse != "true" or path is None or path == prefix:
            return False
        # The outermost scope in reuse mode is where reuse was asked for (inner scopes inherit it).
        asking = next((f for f in record.frames if f.reuse == "true"), None)
        if asking is None or asking.path is None:
            return False
        where = asking.path

        def under(scope: Optional[Tuple[str, ...]]) -> bool:
            return scope is not None and scope[:len(where)] == where

        if any(graph == record.graph and under(scope) for graph, scope in captured.reruns):
            return False  # it ran there before (a training decoder, reported there): the reuse has a target
        if prefix:
            return not under(prefix)
        # Where the cell's variables are is unknown: only a scope where nothing ran or was created proves it.
        if any(graph == record.graph and under(scope) for graph, scope in self.run_scopes[:-1]):
            return False
        text = "/".join(where) + "/" if where else ""
        return not any(graph == record.graph and key.startswith(text) for graph, key in self.store)

    def _reuse_cannot_matter(self, first: Run, run: Run) -> bool:
        """`if t > 0: scope.reuse_variables()` before a step of a decoder loop leaves the reuse flag unknown, but the
        cell already has variables from its first run under another scope, and nothing was ever created under this
        run's scope: off, the cell silently returns to its first scope; on, there is nothing here to reuse either."""
        record = run.record
        if record.reuse != "unknown" or record.scope is None or first.record.scope is None \
                or record.scope == first.record.scope:
            return False
        if any(graph == record.graph and scope is not None and scope[:len(record.scope)] == record.scope
               for graph, scope in self.run_scopes[:-1]):
            return False
        under = "/".join(record.scope) + "/"
        return not any(graph == record.graph and key.startswith(under) for graph, key in self.store)

    def _relate(
        self, kind: RelationKind, fact: Optional[ScopeFact], variables: Sequence[str],
        first: Tuple[int, Optional[int], Optional[str]], run: Run, layer: LayerRun,
    ) -> None:
        self.out.relations.append(Relation(kind, fact, tuple(variables), first,
                                           (run.index, layer.index, layer.direction)))

    def _issue(self, issue: Issue) -> None:
        self.out.issues.append(issue)


def _sharing_kind(first: Run, run: Run, obj: Obj, path: Optional[Tuple[str, ...]], prefix: Tuple[str, ...]) -> RelationKind:
    """How a second run of an object that already has variables uses them: "intended" (same place, or reuse
    asked for), "suspicious" (borrowed across scopes), or "unknown" when a scope or the reuse mode is not known
    (then there is no borrowed_across_scopes issue either, and the relation must not claim one)."""
    if obj.family == Family.KERAS:
        # One Keras layer called twice shares by design; a second `RNN` layer around the same cell object does not.
        if first.record.layer is not None and run.record.layer is not None:
            same = first.record.layer is run.record.layer
        else:  # a layer object called directly (`enc(x1)`, `enc(x2)`): the functional API's intended sharing
            same = first.record.cells == run.record.cells
        return "intended" if same or run.record.reuse in ("true", "auto") else "suspicious"
    if path is not None and path == prefix or run.record.reuse in ("true", "auto"):
        return "intended"
    if run.record.scope is not None and run.record.scope == first.record.scope:
        return "intended"  # run again under the scope of its first run: back in the same place
    if run.record.name == "cell_call" and first.record.node is run.record.node and run.record.unrolled is not None:
        return "intended"  # a hand-unrolled time loop (`with variable_scope("step_%d" % t): cell(x, s)`) shares on purpose
    if run.record.scope is None and first.record.scope is not None and run.record.reuse == "none":
        known = loop_named_parent(run.record)
        if known is not None and first.record.scope[:len(known)] != known:
            return "suspicious"  # under `Episodic/Layer%d`: wherever the loop goes, never the first run's scope
    if run.record.scope is None or first.record.scope is None or run.record.reuse == "unknown":
        return "unknown"
    return "suspicious"


def loop_named_parent(record: DriverRecord) -> Optional[Tuple[str, ...]]:
    """The known scope above a run whose innermost scope is named after a loop variable (`"layer_%d" % t` with an
    unknown count): a string name nests under its parent, so the run is somewhere below that parent. None when an
    unknown scope could jump elsewhere (a scope object, a `scope=` argument, an unknown level above the loop's)."""
    if record.explicit_scope or not record.frames:
        return None
    *outer, inner = record.frames
    if inner.path is not None or not inner.varies or any(frame.path is None for frame in outer):
        return None
    return outer[-1].path if outer else ()


def _run_place(record: DriverRecord) -> str:
    """The scope of a run as a message shows it; a loop-named level is spelled as what it is."""
    if record.scope is None:
        known = loop_named_parent(record)
        if known is not None:
            return "/".join(known + ("<a name per pass>",))
    return _scope_text(record.scope)


def _exclusive(first: DriverRecord, second: DriverRecord) -> bool:
    """Two calls in different branches of one if/match statement: one program run makes only one of them."""
    taken = dict(first.branches)
    return any(node in taken and taken[node] != branch for node, branch in second.branches)


def _expand(layers: ListVal) -> List[Tuple[Optional[int], Value, FrozenSet[int]]]:
    """Layers with their indices; a part of unknown length stands for one representative layer."""
    out: List[Tuple[Optional[int], Value, FrozenSet[int]]] = []
    for part_index, part in enumerate(layers.parts):
        loops = part.loops if part.mode == "each" else frozenset()
        indices = layer_indices(layers, part_index)
        if indices is None:
            before = [p.count for p in layers.parts[:part_index]]
            if part.mode == "same" and None not in before:
                # `[cell] * n`, n unknown: the first of them is a known layer that creates, the rest borrow it
                out.append((sum(c or 0 for c in before), part.value, loops))
            out.append((None, part.value, loops))
            break  # later indices are unknown too
        out.extend((i, part.value, loops) for i in indices)
    return out


def _cells_only(join: Obj) -> bool:
    """Every branch of a join is a TensorFlow cell or wrapper (a project class that overrides `__call__` is not an
    Obj: it may make new variables on every call, so the join says nothing about sharing)."""
    for alt in join.alternatives:
        if not isinstance(alt, Obj) or alt.kind not in ("cell", "wrapper", "join"):
            return False
        if alt.kind == "join" and not _cells_only(alt):
            return False
    return True


def _ctor_reuse(obj: Obj) -> str:
    value = obj.kwargs.get("reuse")
    return "none" if value is None else reuse_mode(value)


def _reuse_node(obj: Obj) -> Optional[cst.CSTNode]:
    return obj.node if "reuse" in obj.kwargs else None


def _report_node(first: DriverRecord, second: DriverRecord) -> cst.CSTNode:
    """Where to report a clash between two runs: the first call site where their paths from the root part.

    A helper that builds an RNN, called twice, is reported at its second call, not inside the helper.
    """
    for a, b in zip(first.sites, second.sites):
        if a is not b:
            return b
    return second.node


def _scope_text(path: Optional[Tuple[str, ...]]) -> str:
    return "/".join(path) if path else "(root)" if path is not None else "?"
