"""TF 0.x calling conventions TF 1.0 changed without renaming: the cross-entropy argument order and LSTM state."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
from .graph_walk import any_op

# TF 0.x's `softmax_cross_entropy_with_logits(logits, labels)` (and its sparse and sigmoid siblings) became
# `(labels, logits)` in TF 1.0, which refused positional calls from then on (`_sentinel`); TF 2 allows them again,
# labels first. A positional call is read by what its arguments are: labels carry no gradient, logits are computed
# from the model's variables.
_CROSS_ENTROPY = ("softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
                  "sigmoid_cross_entropy_with_logits")
_VARIABLE_OPS = frozenset(("VariableV2", "Variable", "VarHandleOp", "ReadVariableOp"))
_WALK_LIMIT = 20000   # ops looked at per argument: a deep unrolled graph is still a few thousand


def reads_variables(value):
    """Whether a graph tensor is computed from a variable (walking its op's inputs back)."""
    return any_op(value, lambda op: op.type in _VARIABLE_OPS, _WALK_LIMIT)


def _either_order(fn):
    def cross_entropy(*args, **kwargs):
        if len(args) >= 2 and "labels" not in kwargs and "logits" not in kwargs and \
                reads_variables(args[0]) and not reads_variables(args[1]):
            # TF 0.x order: (logits, labels[, dim], name)
            kwargs["logits"], kwargs["labels"] = args[0], args[1]
            rest = args[2:]
            if rest and fn.__name__ == "softmax_cross_entropy_with_logits":
                kwargs.setdefault("dim", rest[0])
                rest = rest[1:]
            if rest:
                kwargs.setdefault("name", rest[0])
            return fn(**kwargs)
        return fn(*args, **kwargs)
    cross_entropy.__name__ = fn.__name__
    cross_entropy.__doc__ = fn.__doc__
    setattr(cross_entropy, "_rrl_orders", True)   # installed once per API object
    return cross_entropy


# TF 0.x's names in the module behind tf.nn's drivers, which TF 1.0 renamed (its seq2seq code imported them from
# there: `from tensorflow.python.ops import rnn` ... `rnn.bidirectional_rnn(cell_fw, cell_bw, inputs)`)
_OPS_RNN_RENAMED = {"rnn": "static_rnn", "bidirectional_rnn": "static_bidirectional_rnn",
                    "state_saving_rnn": "static_state_saving_rnn"}


def install(api):
    """TF 0.x's spellings on the API object and in `tensorflow.python.ops.rnn` (see the tables above)."""
    install_orders(api)
    try:
        from tensorflow.python.ops import rnn as ops_rnn
    except Exception:
        return
    for old, new in _OPS_RNN_RENAMED.items():
        if not hasattr(ops_rnn, old) and hasattr(ops_rnn, new):
            setattr(ops_rnn, old, getattr(ops_rnn, new))


def install_orders(api):
    """Let the API object's `nn` take TF 0.x's (logits, labels) positional order as well as the current one."""
    nn = getattr(api, "nn", None)
    for name in _CROSS_ENTROPY:
        fn = getattr(nn, name, None)
        if fn is None or getattr(fn, "_rrl_orders", False):
            continue
        try:
            setattr(nn, name, _either_order(fn))
        except Exception:
            pass


# TF 0.x cells kept their state as one concatenated tensor: `state_is_tuple` came in 0.8 defaulting to False and
# turned True only in TF 1.0, so code importing the cells from TF 0.x's `tensorflow.models.rnn.rnn_cell` sizes its
# state with the int `cell.state_size` (`tf.zeros([batch, cell.state_size])`).
_TF0_STATE_DEFAULTS = ("BasicLSTMCell", "LSTMCell", "MultiRNNCell")


def tf0_cells(cells):
    """The cells as TF 0.x's module served them: subclasses of the same name (scopes and the tracer's class checks
    are unchanged) whose `state_is_tuple` defaults to False."""
    out = dict(cells)
    for name in _TF0_STATE_DEFAULTS:
        base = cells.get(name)
        if base is None:
            continue

        def __init__(self, *args, _base=base, **kwargs):
            kwargs.setdefault("state_is_tuple", False)
            _base.__init__(self, *args, **kwargs)
        out[name] = type(name, (base,), {"__init__": __init__, "__module__": base.__module__,
                                         "__doc__": base.__doc__})
    return out


def tf0_linear(v1):
    """TF 0.x's `rnn_cell._linear(args, output_size, bias, bias_start=0.0, scope=None)`: a `Matrix` and a `Bias`
    under `Linear`, the bias starting at `bias_start` (TF 1.2 moved it to contrib with other names and parameters)."""
    def _linear(args, output_size, bias, bias_start=0.0, scope=None):
        if not isinstance(args, (list, tuple)):
            args = [args]
        total = sum(int(a.get_shape()[1]) for a in args)
        dtype = args[0].dtype
        with v1.variable_scope(scope or "Linear"):
            matrix = v1.get_variable("Matrix", [total, output_size], dtype=dtype)
            res = v1.matmul(args[0] if len(args) == 1 else v1.concat(list(args), 1), matrix)
            if not bias:
                return res
            bias_term = v1.get_variable("Bias", [output_size], dtype=dtype,
                                        initializer=v1.constant_initializer(bias_start, dtype=dtype))
        return res + bias_term
    return _linear
