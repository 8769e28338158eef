"""What the parts of one evaluation share: its caps, where evaluation is (Ctx), what it records, its state."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Dict, FrozenSet, List, Optional, Tuple

import libcst as cst

from rnn_reuse_lint.budget import Budget
from rnn_reuse_lint.modules import Loader
from rnn_reuse_lint.values import (
    DriverRecord,
    Frame,
    FuncVal,
    Instance,
    Obj,
    Part,
    ScopeFrame,
    SlotFailure,
    StackRecord,
    Value,
    new_key,
)

# Inlining a function at each call site makes identity context-sensitive (a factory called in a
# comprehension makes a new cell per element). Depth alone does not bound that: four levels of F calls
# each are F**4 calls. What keeps every file linear is the work budget (budget.py), which counts each
# statement, call, comprehension element and merged branch; the caps below keep lists and unrolled
# loops small, so that a unit of work stays a small constant.
MAX_CALL_DEPTH = 6  # project code calls through a few modules (main -> train -> model -> __init__ -> body)
MAX_SPELLED = 16  # list elements spelled out one by one: `[a, b] * n` for a small literal n, per-pass copies
MAX_PASSES = 8  # loop passes spelled out for loops over small known ranges, nested loops multiplied
MAX_PARTS = 256  # a list built past this (`l += l` in a loop) is no longer followed: stays linear in memory
# Building, copying or extending a list by n layers is n // PARTS_PER_UNIT units of work (State.charge_parts): a
# unit then holds ~150 bytes at most (a Part is ~120). Before, a fan-out of lambdas each returning a 256-element
# list (a literal, `big + []`, `list(big)`, `MultiRNNCell(big)`) kept ~600 bytes per unit, 3.1 KB per token.
PARTS_PER_UNIT = 2

_CALLED = re.compile(r"(?<!\bdef )\b([A-Za-z_]\w*)\s*\(")


class Ids:
    """Fresh loop ids and object keys for an evaluation.

    The evaluation holds its source, but by default every evaluation of the process shares one: the top-level
    values of imported project modules are cached per process (modules.py) and meet the values of every later
    file, so a loop id or object key must never be handed out twice in a process.
    """

    def __init__(self) -> None:
        self._loops = itertools.count(1)

    def loop(self) -> int:
        return next(self._loops)

    @staticmethod
    def key() -> int:
        """A key for an object made by copying another (`dataclasses.replace` keeps the original's key)."""
        return new_key()


PROCESS_IDS = Ids()


_NO_LOOPS: FrozenSet[int] = frozenset()


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
    unrolling: Optional[cst.CSTNode] = None  # the innermost `for` being run pass by pass (see Loops.exec_unrolled)
    passes: int = 1  # product of the pass counts of the enclosing spelled-out loops
    branches: Tuple[Tuple[int, int], ...] = ()  # (id of an if/match, branch index) this point sits in
    foreign: bool = False  # inside a function of another project module, inlined from this file
    handed: FrozenSet[int] = frozenset()  # keys of the objects this file passed into that function
    handed_at: Tuple[Tuple[int, cst.CSTNode], ...] = ()  # (key, the argument that passed it the second time)

    @property
    def scope(self) -> ScopeFrame:
        return self.scopes[-1]

    @cached_property
    def loop_set(self) -> FrozenSet[int]:
        """`loops` as a set, one per context: every value made here stores it (a fresh empty frozenset is 216
        bytes, and a fan-out of calls made ~10,000 of them; benchmarks/README.md, "Growth")."""
        return frozenset(self.loops) if self.loops else _NO_LOOPS

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


class State:
    """The mutable state of one module's evaluation, read and written by all of its parts."""

    def __init__(self, module: cst.Module, defines: Dict[str, Value], source: Optional[str],
                 loader: Optional[Loader], budget: Budget, ids: Ids = PROCESS_IDS) -> None:
        self.module = module
        self.loader = loader  # follows imports of the project's own modules (None: this file alone)
        self.budget = budget
        self.ids = ids
        # where work is being done, for the budget's note: a label and the def/lambda node (for its line)
        self.here: Tuple[str, Optional[cst.CSTNode]] = ("the module's top level", None)
        # Names written as calls somewhere (`build(`, `self.build(`): such functions are evaluated with their
        # callers' arguments first; only what no caller reached gets a pass with unknown arguments.
        self.called = frozenset(_CALLED.findall(source)) if source is not None else frozenset()
        # `--define NAME=VALUE`: values for names a snippet uses but never binds (`n_layers`, `nstates`).
        self.defines = defines
        self.records = Records()
        self.module_frame = Frame(None, "module")
        self.generic_done: set[int] = set()
        self.pending: List[Tuple[FuncVal, Optional[Instance]]] = []
        self.loop_counts: Dict[int, Optional[int]] = {}
        self.skipping: set[int] = set()  # loops whose body has a path that leaves the iteration early
        self.graph_resets: Dict[int, int] = {}  # id(root scope) -> tf.reset_default_graph() calls so far
        self.resetting: set[int] = set()  # loops whose body resets the default graph
        self.default_names: Dict[Tuple[int, str], int] = {}  # (id(parent scope), default_name) -> times opened
        self.loop_parts: List[Part] = []  # list elements added once per pass of a loop, in order
        self.function_names: Dict[int, str] = {}
        # One opaque object per free name and per attribute of an opaque object: reading `cell` or
        # `self.cell` twice gives the same object, whatever its class is.
        self.free: Dict[str, Obj] = {}
        self.opaque_attrs: Dict[Tuple[int, str], Obj] = {}
        self.cached_results: Dict[Tuple[object, ...], Value] = {}  # lru_cache'd factories: one result per args
        self.slots_made: set[Tuple[int, int, str]] = set()  # (graph, resets, optimizer class) that made slots
        # For the fixer (fixes/): what names and calls stood for. A name that was ever a cell-like value
        # is "cell", one bound to a local function is "function"; a call remembers what it called.
        self.name_kinds: Dict[int, str] = {}
        self.callees: Dict[int, Value] = {}

    def step(self, units: int = 1) -> None:
        self.budget.spend(self.here, units)

    def charge_parts(self, parts: int) -> None:
        """Count a list of `parts` layers just built, copied or added (see PARTS_PER_UNIT)."""
        if parts >= PARTS_PER_UNIT:
            self.budget.spend(self.here, parts // PARTS_PER_UNIT)
