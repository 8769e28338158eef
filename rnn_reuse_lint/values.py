"""The abstract values the builder computes with: TF names, cell objects, layer lists, functions, scopes."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Literal, Optional, Tuple, Union

import libcst as cst

from rnn_reuse_lint.tf_api import ApiEntry, Family

if TYPE_CHECKING:
    from rnn_reuse_lint.modules import Loaded

_ids = itertools.count(1)

# "opaque": an object whose class is not known (see Obj); "join": alternatives from branches
ObjKind = Literal["cell", "wrapper", "stack", "keras_rnn", "keras_bidirectional", "decoder", "join", "opaque"]
# How a list holds its layers: one element, the same object n times, or a new object per iteration
PartMode = Literal["single", "same", "each"]
FrameKind = Literal["module", "function", "class"]


def new_key() -> int:
    """A key no other object of the process has (objects from cached imported modules meet every later file's)."""
    return next(_ids)


class Unknown:
    """A value the pass cannot prove anything about; it never produces a finding."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class QName:
    """A dotted name that came from an import (`tensorflow.nn.rnn_cell`), resolved lazily."""

    name: str

    def attr(self, attr: str) -> "QName":
        return QName(f"{self.name}.{attr}")


@dataclass(frozen=True)
class Const:
    """A literal the pass knows (ints for layer counts, strings for scope names, True/None for reuse)."""

    value: object


@dataclass(frozen=True)
class RangeVal:
    """`range(...)`, with its length when the arguments are known."""

    length: Optional[int]
    start: int = 0
    step: int = 1


@dataclass(eq=False)
class Obj:
    """One runtime object: a cell, a wrapper, a stack, a Keras RNN layer, a decoder, or the result of a join.

    Identity is Python identity: every evaluation of a constructor call makes a new Obj. `loops` are the
    loops/comprehensions whose body made it, so a list built by one of them holds a new object per element.
    """

    # "opaque": an object whose class is not known (a parameter, a free name, what an unknown callable
    # returned): its identity is still certain, so `[x] * n` is one object whatever `x` is.
    kind: ObjKind
    cls: str
    family: Family
    node: cst.CSTNode
    loops: FrozenSet[int]
    owns_variables: bool = True
    inner: Optional["Value"] = None  # wrappers, keras RNN layers, decoders
    layers: Optional["ListVal"] = None  # stacks and keras RNN([...])
    alternatives: Tuple["Value", ...] = ()  # joins
    entry: Optional[ApiEntry] = None
    label: Optional[str] = None  # the first name it was bound to, for messages
    kwargs: Dict[str, "Value"] = field(default_factory=dict)
    key: int = field(default_factory=new_key)
    copied_from: Optional["Value"] = None
    stack_record: Optional["StackRecord"] = None
    rebuilt: bool = False  # keras Bidirectional rebuilds what it wraps from config: no object sharing
    assumes: Optional[str] = None  # opaque objects: what a finding about them takes for granted, for messages


@dataclass
class Part:
    """A run of layers inside a list: one element, the same object n times, or a new object per iteration."""

    value: "Value"
    node: cst.CSTNode  # the expression that placed these layers (`[cell] * n`, `cells.append(cell)`)
    mode: PartMode
    count: Optional[int] = 1  # number of layers, None when unknown
    loops: FrozenSet[int] = frozenset()  # for "each": the loops that repeat the element


@dataclass(eq=False)
class ListVal:
    """A list or tuple of cells, possibly built by appends in a loop; mutable like the real list."""

    parts: List[Part]
    loops: FrozenSet[int]  # loops active where the list itself was made
    complete: bool = True  # False after an operation the pass cannot follow (item assignment, unknown splice)

    def copy(self) -> "ListVal":
        return ListVal(list(self.parts), self.loops, self.complete)


@dataclass(eq=False)
class FuncVal:
    """A `def` or `lambda` with the frame it closes over; calling it evaluates its body at the call site."""

    node: Union[cst.FunctionDef, cst.Lambda]
    closure: "Frame"
    name: str
    owner: Optional["ClassInfo"] = None  # set for methods
    bound_self: Optional["Value"] = None
    defaults: Dict[str, "Value"] = field(default_factory=dict)  # evaluated once, when the `def` ran (Python)


@dataclass(eq=False)
class Partial:
    """functools.partial(f, ...): calling it calls f."""

    func: "Value"


@dataclass(eq=False)
class ClassInfo:
    """A class defined in the module: its methods, the `self.x` attributes its methods assign, its TF base."""

    node: cst.ClassDef
    name: str
    frame: "Frame"
    methods: Dict[str, FuncVal] = field(default_factory=dict)
    attrs: Dict[str, List["Value"]] = field(default_factory=dict)
    base_entry: Optional[ApiEntry] = None  # TF cell class or cell base it derives from
    overrides_call: bool = False
    wrapper_entry: Optional[ApiEntry] = None  # TF cell wrapper it derives from (DropoutWrapper...)
    bases: List["ClassInfo"] = field(default_factory=list)  # module classes it derives from, in order

    @property
    def is_cell(self) -> bool:
        return self.base_entry is not None and not self.overrides_call


@dataclass(eq=False)
class Instance:
    """An instance of a class of this module (`self` inside its methods)."""

    cls: ClassInfo
    state: Dict[str, "Value"] = field(default_factory=dict)  # `self.x = ...` as evaluated so far, latest value


@dataclass(eq=False)
class BoundMethod:
    """`obj.method` where obj is a list (append/extend/insert) or another known object."""

    target: "Value"
    name: str


@dataclass(eq=False)
class TupleVal:
    """A tuple whose items matter (tuple unpacking of `fw, bw = cell, cell`)."""

    items: Tuple["Value", ...]


@dataclass(eq=False)
class ScopeFrame:
    """One open variable scope: its absolute path (None when not known) and its reuse mode.

    reuse is "none" (create; TF's reuse=None/False inherit the parent), "true", "auto" (tf.AUTO_REUSE)
    or "unknown" (computed from a parameter). `reuse_variables()` flips it to "true" for the rest of the block.
    """

    path: Optional[Tuple[str, ...]]
    reuse: str
    node: Optional[cst.CSTNode] = None
    unique: bool = False  # opened with default_name: TF uniquifies it, so nothing under it collides
    loops: FrozenSet[int] = frozenset()  # the loops around the `with` that opened it: re-opened per iteration
    varies: FrozenSet[int] = frozenset()  # loops whose loop variable names it (`"layer_%d" % i`): path unknown
    reuse_node: Optional[cst.CSTNode] = None  # the `reuse_variables()` call that turned reuse on for the block


@dataclass(eq=False)
class ScopeVal:
    """A variable scope as a value: `with tf.variable_scope("enc") as scope`, `tf.get_variable_scope()`."""

    frame: ScopeFrame
    opens: bool = False  # the result of a variable_scope(...) call: entering it pushes `frame`


@dataclass(eq=False)
class SuperVal:
    """`super().` / `super(C, self).`: the methods of C's bases, bound to the instance."""

    cls: "ClassInfo"
    instance: "Value"


@dataclass(eq=False)
class TemplateVal:
    """`tf.make_template(name, func)`: the first call runs `func` in a new `name` scope, later calls reuse it."""

    func: "Value"
    name: Optional[str]  # None: not a literal, so the scope is not known
    kwargs: Dict[str, "Value"] = field(default_factory=dict)
    frame: Optional["ScopeFrame"] = None  # the scope captured by the first call


@dataclass(eq=False)
class GraphVal:
    """A `tf.Graph()`: its own variable store, entered with `with graph.as_default():`."""

    root: "ScopeFrame"  # the graph's root variable scope
    entering: bool = False  # the result of `graph.as_default()`: a `with` enters the graph


@dataclass(eq=False)
class DictVal:
    """A dict display (`{"lstm": LSTMCell, "gru": GRUCell}`): its values, for dispatch tables of cell classes."""

    keys: Tuple["Value", ...]
    values: Tuple["Value", ...]
    complete: bool = True  # False once an item is assigned or the dict is changed in place: values unknown


@dataclass(eq=False)
class ZipVal:
    """`zip(a, b)` / `enumerate(a)` (a RangeVal first): iterated, each pass gives one element of every item."""

    items: Tuple["Value", ...]


@dataclass(eq=False)
class OptimizerVal:
    """A TF1 optimizer object; `slots`: its minimize/apply_gradients create slot variables."""

    node: cst.CSTNode
    name: str
    slots: bool


@dataclass(frozen=True)
class SlotFailure:
    """An optimizer that creates slot variables while the scope reuses: "Variable .../Adam/ does not exist"."""

    node: cst.CSTNode  # the minimize / apply_gradients call
    optimizer: str
    reuse_node: cst.CSTNode  # where reuse was turned on for that scope


@dataclass(eq=False)
class ModuleVal:
    """One of the project's own modules (`import nets.cells`, `from . import decoding`)."""

    loaded: "Loaded"


@dataclass(eq=False)
class Lazy:
    """A name imported from one of the project's modules, read (and the module evaluated) on first use."""

    path: str
    is_package: bool
    name: Optional[str]  # None: the module itself


@dataclass(frozen=True)
class AutoReuse:
    """tf.AUTO_REUSE."""


Value = Union[Unknown, QName, Const, RangeVal, Obj, ListVal, FuncVal, Partial, ClassInfo, Instance, BoundMethod,
              TupleVal, ScopeVal, AutoReuse, DictVal, GraphVal, TemplateVal, SuperVal, ZipVal, OptimizerVal,
              ModuleVal, Lazy]


@dataclass(eq=False)
class StackRecord:
    """A stack constructor call seen during evaluation, with its layers as evaluated there."""

    node: cst.Call
    kind: str  # "MultiRNNCell", "StackedRNNCells", "RNN", "stack_bidirectional_dynamic_rnn"
    role: Optional[str]  # "cells_fw" / "cells_bw" for stacked bidirectional drivers
    layers: ListVal
    obj: Optional[Obj] = None
    sites: Tuple[cst.CSTNode, ...] = ()  # call sites from the evaluation root down to this call
    foreign: bool = False  # made inside a function of another project module
    handed: FrozenSet[int] = frozenset()  # keys of the objects this file passed into that function
    handed_at: Tuple[Tuple[int, cst.CSTNode], ...] = ()  # (key, the argument that passed it the second time)


@dataclass(eq=False)
class DriverRecord:
    """A driver call (dynamic_rnn & co, a direct cell call, a keras RNN layer call): which cells it runs, where."""

    node: cst.Call
    name: str
    cells: Tuple[Tuple[str, "Value"], ...]  # (role, value): ("cell", v) or ("cell_fw", v), ("cell_bw", v)
    bidirectional: bool
    stacked: bool
    scope: Optional[Tuple[str, ...]] = None  # absolute path of the scope the driver opens (None: unknown)
    reuse: str = "unknown"
    root: int = 0  # evaluation root: 0 = module top level, else a function evaluated with unknown arguments
    sites: Tuple[cst.CSTNode, ...] = ()  # call sites from the root down to this call
    loops: FrozenSet[int] = frozenset()
    uniquified: bool = False  # the driver scope is a default_name (decoder, decoder_1...): never collides
    frames: Tuple["ScopeFrame", ...] = ()  # the open scopes at the call (and a `scope=` object's), outermost first
    explicit_scope: bool = False  # a `scope=` argument was given
    graph: Tuple[int, int] = (0, 0)  # which variable store: (id of the graph's root scope, resets of it so far)
    layer: Optional["Obj"] = None  # a Keras `RNN` layer call: the layer object (calling one layer twice shares)
    varies: FrozenSet[int] = frozenset()  # loops whose loop variable names one of its scopes
    unrolled: Optional[cst.CSTNode] = None  # the innermost loop spelled out pass by pass around this call
    # Loops (id, statement) whose next pass runs this call under another scope name, reuse off (set after the body).
    renamed: Tuple[Tuple[int, cst.CSTNode], ...] = ()
    guarded: FrozenSet[int] = frozenset()  # loops in whose body this call sits behind a condition or a skip
    # Loops (id, statement) whose next iteration runs this call again with reuse still off (set after the body).
    repeats: Tuple[Tuple[int, cst.CSTNode], ...] = ()
    # (id of an if/match statement, branch taken) around the call: calls in other branches of it never both run.
    branches: Tuple[Tuple[int, int], ...] = ()
    foreign: bool = False  # made inside a function of another project module
    handed: FrozenSet[int] = frozenset()  # keys of the objects this file passed into that function
    handed_at: Tuple[Tuple[int, cst.CSTNode], ...] = ()  # (key, the argument that passed it the second time)


class Frame:
    """Name bindings of one Python scope (module, function call, class body), flow-sensitive."""

    __slots__ = ("vars", "parent", "kind", "returns", "dead", "star_modules", "self_attrs")

    def __init__(self, parent: Optional["Frame"], kind: FrameKind) -> None:
        self.vars: Dict[str, Value] = {}
        self.parent = parent
        self.kind = kind
        self.returns: List[Value] = []
        self.dead = False  # after return/raise/continue/break on this path
        self.star_modules: List[str] = []
        self.self_attrs: Dict[str, Value] = {}  # `self.x = ...` assigned earlier in this method

    def lookup(self, name: str) -> Optional[Value]:
        frame: Optional[Frame] = self
        while frame is not None:
            if name in frame.vars:
                return frame.vars[name]
            # Class bodies are not visible from methods (Python scoping).
            frame = frame.parent
            while frame is not None and frame.kind == "class":
                frame = frame.parent
        return None

    def module(self) -> "Frame":
        frame = self
        while frame.parent is not None:
            frame = frame.parent
        return frame
