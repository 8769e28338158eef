"""Permissive stand-ins for modules the traced project imports but nobody installed (plotting, data helpers)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import numbers
import operator
import os
import sys
from typing import Any, Callable, Dict, List, Optional

# Never stubbed: a missing TensorFlow or Keras is a broken setup to report, not an obstacle to wave through.
NEVER_STUB = ("tensorflow", "tf_keras", "keras", "absl", "numpy", "rnn_reuse_lint", "rrl_child")


# Stand-ins answer every question the same way, so a loop that waits on one (`while True: c = f.read(1) ...
# if c == ' ': break`) never ends: after this many stub operations the next one raises StubExhausted, which the
# enclosing loop is stepped over on (tolerate.py), and the budget starts again.
BUDGET = 100000
_spent = [0]


class StubExhausted(Exception):
    """A loop kept working on stand-ins: what it computes can only be more stand-ins."""


def reset_budget():
    _spent[0] = 0


# attribute name -> the value a parameter's stand-in gives for an attribute of that name: what takes a finding's
# branch (`if params.memory_update == 'gru':` on a config only a base class's __init__ takes; the plan's
# stand_in_attrs). Set by the runner for one entry's call (aiming), empty otherwise.
AIMED: Dict[str, Any] = {}
# told when a stand-in gives an aimed value (the verdict's "reached through" list names it)
_on_aim: List[Optional[Callable[[str], None]]] = [None]


class aiming(object):
    """`with aiming(values, on_use):` the stand-ins made for parameters give these attribute values."""

    def __init__(self, values, on_use=None):
        self.values = values
        self.on_use = on_use

    def __enter__(self):
        AIMED.clear()
        AIMED.update(self.values)
        _on_aim[0] = self.on_use

    def __exit__(self, *exc):
        AIMED.clear()
        _on_aim[0] = None
        return False


def _number(stub):
    """The number a stand-in stands for: 0.5 for a probability-like name (`params.keep_prob`, a dropout rate),
    valid both as a keep probability and as a drop rate, else the size 2 that int() gives."""
    last = object.__getattribute__(stub, "_rrl_name").rsplit(".", 1)[-1].lower()
    return 0.5 if any(w in last for w in ("prob", "keep", "dropout")) or last.endswith("rate") else 2


def _numeric(op, reflected=False):
    """With a plain number on the other side a stand-in computes as its number, so sizes derived from it agree:
    a GRU kernel is [input_depth + num_units, ...] and `4 + stub` was another stand-in, read as 2
    ("Dimensions must be equal, but are 4 and 2" in a held-out model whose config was a stand-in)."""
    def arith(self, *other):
        if len(other) == 1 and type(other[0]) in (int, float):
            return op(other[0], _number(self)) if reflected else op(_number(self), other[0])
        return self._child("(op)")
    return arith


class Stub(object):
    """A value that says yes to everything: attributes, calls, items, iteration and arithmetic give further
    stubs, so code that only passes it around (plots, loggers, data loaders) keeps going.

    Iteration yields two stubs: `fig, ax = plt.subplots()` and `for batch in loader:` both get through.
    Called with one callable and nothing else, a stub gives that callable back: `@missing.decorator` keeps the
    decorated function (a stub there would hide the RNN code it defines)."""

    def __init__(self, name, aimed=False):
        object.__setattr__(self, "_rrl_name", name)
        object.__setattr__(self, "_rrl_children", {})
        object.__setattr__(self, "_rrl_aimed", aimed)   # a parameter's stand-in (and its parts): AIMED applies

    def __repr__(self):
        return "<stub %s>" % object.__getattribute__(self, "_rrl_name")

    def __str__(self):
        # formatted into scope and file names (`"conv-%s" % size`): keep to characters TF accepts there
        return "stub_" + "".join(c if c.isalnum() or c == "_" else "_"
                                 for c in object.__getattribute__(self, "_rrl_name")).strip("_")

    def __format__(self, spec):
        return str(self)

    def _child(self, what):
        _spent[0] += 1
        if _spent[0] > BUDGET:
            raise StubExhausted("%d operations on stand-ins (a loop waiting on one?)" % BUDGET)
        # one object per path: iterating twice gives the same items (`{c: i for c in text}` then `d[c]` works)
        children = object.__getattribute__(self, "_rrl_children")
        if what not in children:
            aimed = object.__getattribute__(self, "_rrl_aimed")
            if aimed and what[:1] == "." and what[1:] in AIMED:
                children[what] = AIMED[what[1:]]
                if _on_aim[0] is not None:
                    _on_aim[0]("%s%s = %r (aimed at a finding's branch)" % (
                        object.__getattribute__(self, "_rrl_name"), what, AIMED[what[1:]]))
            else:
                children[what] = Stub("%s%s" % (object.__getattribute__(self, "_rrl_name"), what), aimed)
        return children[what]

    def __getattr__(self, name):
        if name.startswith("_"):
            # dunders, and the private markers libraries probe (`_fields` says "namedtuple" to tf.nest, whose
            # flattening would then recurse through stubs forever)
            raise AttributeError(name)
        return self._child("." + name)

    def __setattr__(self, name, value):
        pass

    def __delattr__(self, name):
        pass

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], Stub):
            return args[0]
        return self._child("()")

    def __getitem__(self, key):
        return self._child("[]")

    def __setitem__(self, key, value):
        pass

    def __delitem__(self, key):
        pass

    def __iter__(self):
        return iter((self._child("[0]"), self._child("[1]")))

    def __len__(self):
        return 2

    def __contains__(self, item):
        return False

    def __bool__(self):
        return True

    __nonzero__ = __bool__

    def __int__(self):
        return 2

    __index__ = __int__

    def __float__(self):
        return 0.5

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __array__(self, dtype=None, copy=None):
        # numpy (and TF's conversion, through numpy) would otherwise read a stub as an endless nested sequence;
        # as an array it is the same 2 that int() gives (a size, a count)
        # (0.5 for a probability-like name: `tf.nn.dropout(x, params.keep_prob)` refused a keep probability of 2)
        import numpy
        return numpy.asarray(_number(self), dtype=dtype)

    def __fspath__(self):
        return os.devnull

    def _arith(self, *other):
        return self._child("(op)")

    __add__, __radd__ = _numeric(operator.add), _numeric(operator.add, True)
    __sub__, __rsub__ = _numeric(operator.sub), _numeric(operator.sub, True)
    __mul__, __rmul__ = _numeric(operator.mul), _numeric(operator.mul, True)
    __floordiv__, __rfloordiv__ = _numeric(operator.floordiv), _numeric(operator.floordiv, True)
    __truediv__, __rtruediv__ = _numeric(operator.truediv), _numeric(operator.truediv, True)
    __mod__ = __rmod__ = __pow__ = __rpow__ = __matmul__ = __rmatmul__ = _arith
    __neg__ = __pos__ = __abs__ = __invert__ = _arith
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _arith

    def __mro_entries__(self, bases):
        # `class Net(missing.Base):` (Python 3.7+) becomes a plain class
        return (object,)


# A stand-in that reaches TensorFlow as a size or an index is the 2 that int() gives: TF asks "is this a Python
# integer?" before it asks for a tensor's `.dtype` (a slice bound `x[:, :n]`), and a stub would answer that with
# another stub that numpy cannot read as a dtype.
numbers.Integral.register(Stub)


def stub_shapes_are_one_dimension():
    """A stand-in given as a shape is one dimension of that 2, not the two-element sequence its iteration yields:
    `cell.zero_state(params.batch_size)` with a stand-in config built a [2, 2, 2, 2] state from `TensorShape(stub)`
    ("Shape must be rank 2 but is rank 4" in a held-out model). Patched once per process, on TF's own class."""
    from tensorflow.python.framework import tensor_shape
    init = tensor_shape.TensorShape.__init__
    if getattr(init, "_rrl_stub_dims", False):
        return

    def shape_init(self, dims):
        init(self, [int(dims)] if isinstance(dims, Stub) else dims)
    setattr(shape_init, "_rrl_stub_dims", True)  # a function attribute: the mark that it is patched already
    tensor_shape.TensorShape.__init__ = shape_init


class StubModule(Stub):
    """What `import <missing>` binds; `from <missing> import x` gives `x` as a further stub."""

    def __init__(self, name):
        Stub.__init__(self, name)
        object.__setattr__(self, "__name__", name)
        object.__setattr__(self, "__path__", [])
        object.__setattr__(self, "__file__", None)
        object.__setattr__(self, "__spec__", None)
        object.__setattr__(self, "__all__", [])


class StubImporter(object):
    """Wrap an __import__: an absolute import of a module that is neither installed nor part of the project gets
    a StubModule (recorded in `stubbed`) instead of ModuleNotFoundError."""

    def __init__(self, real_import, project_dirs):
        self.real_import = real_import
        self.project_dirs = [os.path.realpath(d) for d in project_dirs]
        self.stubbed = {}
        self.modules = {}
        self.on_stub = None

    def __call__(self, name, globals=None, locals=None, fromlist=(), level=0):
        try:
            return self.real_import(name, globals, locals, fromlist, level)
        except ImportError as e:
            missing = getattr(e, "name", None)
            if level != 0 or not self._may_stub(name, missing):
                raise
            return self._stub(name, missing, fromlist)

    def _may_stub(self, name, missing):
        if not missing or not (name == missing or name.startswith(missing + ".") or missing.startswith(name)):
            return False
        top = missing.split(".")[0]
        if top in NEVER_STUB:
            return False
        # the project's own module: a missing one is a real error (its code is what we trace)
        return not any(os.path.exists(os.path.join(d, top + ".py")) or os.path.isdir(os.path.join(d, top))
                       for d in self.project_dirs)

    def _stub(self, name, missing, fromlist):
        top = name.split(".")[0]
        if top not in self.modules:
            self.modules[top] = StubModule(top)
        if missing not in self.stubbed:
            self.stubbed[missing] = "stub (module %s is not installed)" % missing
            if self.on_stub is not None:
                self.on_stub("import %s (stub)" % missing)
        if not fromlist:
            real_top = sys.modules.get(top)
            return real_top if real_top is not None and missing != top else self.modules[top]
        target = self.modules[top]
        for part in name.split(".")[1:]:
            target = getattr(target, part)
        return target
