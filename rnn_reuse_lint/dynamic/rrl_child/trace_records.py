"""What the tracer records: one Run per driver call, its Layers, the cell Frames on the stack, one Unit per entry point."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import re

# Drivers: name -> (cell parameters, index of `scope` among the positional parameters, default scope, role)
# role: "leaf" runs one cell; "pair" runs fw+bw cells; "stack" runs lists of fw/bw cells; "decode" runs decoder._cell.
DRIVERS = {
    "dynamic_rnn": (("cell",), 8, "rnn", "leaf"),
    "static_rnn": (("cell",), 5, "rnn", "leaf"),
    "raw_rnn": (("cell",), 4, "rnn", "leaf"),
    "static_state_saving_rnn": (("cell",), 5, "rnn", "leaf"),
    "bidirectional_dynamic_rnn": (("cell_fw", "cell_bw"), 10, "bidirectional_rnn", "pair"),
    "static_bidirectional_rnn": (("cell_fw", "cell_bw"), 7, "bidirectional_rnn", "pair"),
    "stack_bidirectional_dynamic_rnn": (("cells_fw", "cells_bw"), 9, "stack_bidirectional_rnn", "stack"),
    "stack_bidirectional_rnn": (("cells_fw", "cells_bw"), 7, "stack_bidirectional_rnn", "stack"),
    "dynamic_decode": (("decoder",), 6, "decoder", "decode"),
}
# Wrappers that own no variables and no scope level: they carry the identity of the cell they wrap (§3).
# wrappers whose layers are the wrapped cell's (or stack's): so a stack inside legacy_seq2seq's embedding and
# projection wrappers shows its layers; the wrapper's own embedding or projection goes with the first layer
_TRANSPARENT_WRAPPERS = ("DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "EmbeddingWrapper",
                         "InputProjectionWrapper", "OutputProjectionWrapper")
_STACK_CLASSES = ("MultiRNNCell", "StackedRNNCells")
_CELL_BASES = ("RNNCell", "_RNNCell", "AbstractRNNCell")
_CELL_NAME = re.compile(r"(?:^|/)cell_(\d+)$")


class StopTrace(BaseException):
    """Raised at the first Session.run / eval / Keras fit: the graph is built by then."""

    def __init__(self, what, line):
        BaseException.__init__(self, what)
        self.what = what
        self.line = line


def _mro_names(obj):
    return [c.__name__ for c in type(obj).__mro__]


def _is_keras(cls_list):
    return any("keras" in (c.__module__ or "") for c in cls_list)


def strip_name(name):
    return name[:-2] if name.endswith(":0") else name


class Run(object):
    """One driver call (or one direct cell call) and the layers it drives."""

    def __init__(self, index, driver, line, call_lines, scope, reuse, graph, entry, driver_obj=None):
        self.index = index
        self.driver = driver
        self.line = line
        self.call_lines = call_lines
        self.scope = scope
        self.reuse = reuse
        self.graph = graph
        self.entry = entry
        self.driver_obj = driver_obj
        self.layers = []          # Layer objects
        self.by_pos = {}          # (segment, position) -> layer index
        self.segment = 0
        self.composite = False
        self.direct_obj = None

    def layer_for(self, segment, position):
        return self.by_pos.get((segment, position))


class Layer(object):
    def __init__(self, index, segment, position, direction, obj, element, stack):
        self.index = index
        self.segment = segment
        self.position = position
        self.direction = direction
        self.obj = obj              # the cell object after unwrapping transparent wrappers
        self.element = element      # what the stack actually holds (may be a wrapper)
        self.stack = stack          # the MultiRNNCell / StackedRNNCells object, or None
        self.called = []            # ids of cell objects called at this layer, in order
        self.calls = []             # (id, outer scope at call, captured scope after call)
        self.failed = False


class Frame(object):
    def __init__(self, obj, run, segment, layer, is_stack, outer_scope):
        self.obj = obj
        self.run = run
        self.segment = segment
        self.layer = layer
        self.is_stack = is_stack
        self.outer_scope = outer_scope
        self.counter = 0


class Unit(object):
    """Everything recorded while one piece of user code (top level or one entry point) runs in its own graph."""

    def __init__(self, name):
        self.name = name
        self.runs = []
        self.requests = []
        self.created = []
        self.creator = {}        # (graph id, var name) -> (run index, layer index) or None
        self.first_vars = {}     # obj id -> names it requested at its first place
        self.obj_req = {}        # (run, layer, obj id) -> names requested there
        self.ctor = {}           # obj id -> (line, obj)
        self.stacks = []         # (line, stack obj, [element objs])
        self.collisions = []
        self.keepalive = []
        self.obj_scope = {}      # obj id -> (first outer scope, captured scope)
        self.keras_owner = {}    # id(variable) -> obj id


def _reuse_text(reuse):
    if reuse is True or reuse is False or reuse is None:
        return bool(reuse)
    return "auto"
