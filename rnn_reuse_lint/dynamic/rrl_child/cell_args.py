"""TF 0.x-1.1 cell constructor arguments later TensorFlow refuses: `input_size` (deprecated and unused), read in the old order."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# Up to TF 1.1 (rnn_cell.py of 0.x, contrib/rnn/python/ops/core_rnn_cell_impl.py of 1.0-1.1) these constructors took
# an `input_size` the docstrings call "Deprecated and unused" (it only logged a warning). TF 1.2 removed it: the cells
# became Keras layers whose **kwargs refuse it ("Keyword argument not understood: input_size"), and every argument
# after it moved one place up, so `LSTMCell(128, 64)` reads 64 as `use_peepholes` and `GRUCell(128, 64)` as the
# activation. Their TF 1.1 positional orders:
import inspect
import numbers
import sys
from typing import Callable, Dict, Optional

from .stubs import Stub

OLD_ORDERS = {
    "BasicRNNCell": ("num_units", "input_size", "activation"),
    "GRUCell": ("num_units", "input_size", "activation"),
    "BasicLSTMCell": ("num_units", "forget_bias", "input_size", "state_is_tuple", "activation"),
    "LSTMCell": ("num_units", "input_size", "use_peepholes", "cell_clip", "initializer", "num_proj", "proj_clip",
                 "num_unit_shards", "num_proj_shards", "forget_bias", "state_is_tuple", "activation"),
    "InputProjectionWrapper": ("cell", "num_proj", "input_size"),
}

# The runner's per-file callback, told (what was adjusted, why) for each call read the old way; None outside a file.
ON_ADJUST: Dict[str, Optional[Callable[[str, str], None]]] = {"on": None}


def _a_size(value):
    """A Python integer: what `input_size` was, and what the later parameter at its place (a bool, a callable, a
    probability) never is. A stand-in is not taken for one (it would be a guess about the program)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, Stub))


def old_call(name, params, args, kwargs):
    """(args, kwargs, (what, how) or None) for a call to the class `name` whose running __init__ takes `params`."""
    order = OLD_ORDERS[name]
    at = order.index("input_size")
    kwargs = dict(kwargs)
    how = []
    if at < len(args) <= len(order) and _a_size(args[at]) and list(params[:len(order)]) != list(order):
        # the old positional order: name every argument by it
        for param, value in zip(order, args):
            kwargs[param] = value
        args = ()
        how.append("positional arguments read in TF 1.1's order")
    if "input_size" in kwargs and "input_size" not in params:
        del kwargs["input_size"]
        how.append("input_size dropped (deprecated and unused until TF 1.1)")
    return args, kwargs, ("%s(input_size=...)" % name, "; ".join(how)) if how else None


def _accepting(cls, name):
    if cls.__dict__.get("_rrl_old_args"):
        return   # already (the tracer may have wrapped our __init__ since, so the class keeps the mark)
    init = cls.__dict__.get("__init__") or cls.__init__
    try:
        params = [p for p in inspect.signature(init).parameters][1:]
    except (TypeError, ValueError):
        return
    if list(params[:len(OLD_ORDERS[name])]) == list(OLD_ORDERS[name]):
        return   # TF 1.1 itself: nothing to read differently

    def __init__(self, *args, **kwargs):
        args, kwargs, changed = old_call(name, params, args, kwargs)
        on = ON_ADJUST["on"]
        if changed is not None and on is not None:
            on(*changed)
        init(self, *args, **kwargs)
    __init__.__doc__ = init.__doc__
    cls.__init__ = __init__
    setattr(cls, "_rrl_old_args", True)


def install(api):
    """Let the API object's cell classes (tf.nn.rnn_cell, and tf.contrib.rnn once it is loaded: TF 1.x loads it
    lazily, for the files that mention it) take the TF 0.x-1.1 arguments; idempotent."""
    for owner in (getattr(getattr(api, "nn", None), "rnn_cell", None), sys.modules.get("tensorflow.contrib.rnn")):
        for name in OLD_ORDERS:
            cls = getattr(owner, name, None) if owner is not None else None
            if isinstance(cls, type):
                _accepting(cls, name)
