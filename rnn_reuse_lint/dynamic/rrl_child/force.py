"""Run a finding's line under the finding's own assumptions: two or more layers, a standard cell for a caller's."""
# Child code: Python 3.6 syntax; it never runs in the parent (type-checked with check_untyped_defs).
import ast
import numbers
import sys

from .stubs import Stub

# drivers whose leading arguments are cells: how many of them
_CELL_ARGS = {"dynamic_rnn": 1, "static_rnn": 1, "raw_rnn": 1, "static_state_saving_rnn": 1,
              "bidirectional_dynamic_rnn": 2, "static_bidirectional_rnn": 2, "stack_bidirectional_dynamic_rnn": 2,
              "stack_bidirectional_rnn": 2, "MultiRNNCell": 1, "StackedRNNCells": 1, "DropoutWrapper": 1,
              "ResidualWrapper": 1, "RNN": 1, "BasicDecoder": 1, "rnn_decoder": 3, "basic_rnn_seq2seq": 3,
              "tied_rnn_seq2seq": 3, "EmbeddingWrapper": 1, "InputProjectionWrapper": 1,
              "OutputProjectionWrapper": 1}


def _callee(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _call(name, args, like):
    node = ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[])
    return ast.copy_location(node, like)


def _line(node):
    number = ast.Constant(value=node.lineno) if sys.version_info >= (3, 8) else ast.Num(n=node.lineno)
    return ast.copy_location(number, node)


class Marker(ast.NodeTransformer):
    """Wrap, on the forced lines only, the layer count of `[x] * n` / `[x for _ in range(n)]` in
    `__rrl_layers__(n, line)`, the cells there (list elements, a driver's cell arguments) in `__rrl_cell__`, and a
    loop's iterable in `__rrl_passes__`."""

    def __init__(self, forced):
        ast.NodeTransformer.__init__(self)
        self.forced = dict((f["line"], f) for f in forced or [])

    def _wants(self, node, what):
        entry = self.forced.get(getattr(node, "lineno", None))
        return bool(entry and entry.get(what))

    def _cell(self, node):
        return _call("__rrl_cell__", [node, _line(node)], node) if self._wants(node, "cells") else node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if not isinstance(node.op, ast.Mult):
            return node
        for side, other in (("left", node.right), ("right", node.left)):
            listed = getattr(node, side)
            if isinstance(listed, ast.List):
                listed.elts = [self._cell(e) for e in listed.elts]
                if self._wants(node, "layers"):
                    setattr(node, "right" if side == "left" else "left",
                            _call("__rrl_layers__", [other, _line(node)], other))
                break
        return node

    def visit_ListComp(self, node):
        self.generic_visit(node)
        node.elt = self._cell(node.elt)
        if self._wants(node, "layers") and len(node.generators) == 1:
            it = node.generators[0].iter
            if isinstance(it, ast.Call) and _callee(it) in ("range", "xrange") and len(it.args) == 1:
                it.args = [_call("__rrl_layers__", [it.args[0], _line(node)], it.args[0])]
        return node

    def visit_For(self, node):
        self.generic_visit(node)
        if self._wants(node, "passes"):
            node.iter = _call("__rrl_passes__", [node.iter, _line(node)], node.iter)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        count = _CELL_ARGS.get(_callee(node), 0)
        if count and self._wants(node, "cells"):
            node.args = [self._cell(a) if i < count and not isinstance(a, ast.Starred) else a
                         for i, a in enumerate(node.args)]
        return node


class Forcing(object):
    """The runtime side: raise a layer count under 2 to 2, and give None or a stand-in where a cell is expected
    one cell of the file's class per object (so one object twice stays one cell twice); each change is noted."""

    def __init__(self, make_cell, cell_class, note):
        self.make_cell = make_cell
        self.cell_class = cell_class
        self.note = note
        self.cells = {}

    def reset(self):
        self.cells = {}

    def layers(self, n, line):
        if isinstance(n, bool) or not (n is None or isinstance(n, (numbers.Integral, Stub))):
            return n
        if isinstance(n, numbers.Integral) and int(n) >= 2:
            return n
        self.note("assumed: 2 layers at line %d (the finding assumes more than one layer; the code had %r)"
                  % (line, n))
        return 2

    def passes(self, seq, line):
        """A `range` loop the finding is about a later pass of: at least two passes, from its own start."""
        if not isinstance(seq, range) or len(seq) >= 2:
            return seq
        self.note("assumed: 2 passes of the loop at line %d (the finding is about a pass after the first; the code "
                  "had %d)" % (line, len(seq)))
        return range(seq.start, seq.start + 2 * seq.step, seq.step)

    def cell(self, obj, line):
        if obj is not None and not isinstance(obj, Stub):
            return obj
        key = id(obj)
        if key not in self.cells:
            self.cells[key] = (obj, self.make_cell(self.cell_class))
            self.note("assumed: a standard cell at line %d, a new %s(4) for %r (the finding assumes a caller's "
                      "cell that keeps its variables)" % (line, self.cell_class.rsplit(".", 1)[-1], obj))
        return self.cells[key][1]


def install(builtins_dict, forcing):
    builtins_dict["__rrl_layers__"] = forcing.layers
    builtins_dict["__rrl_cell__"] = forcing.cell
    builtins_dict["__rrl_passes__"] = forcing.passes
