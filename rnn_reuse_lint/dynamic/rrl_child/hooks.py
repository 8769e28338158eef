"""Install the tracer's hooks into whichever TensorFlow (1.0 ... 2.x + tf_keras) the child imported."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import importlib
import sys

from .trace_records import DRIVERS


def mark_wrapper(wrapper, flag, wrapped=None):
    """Flag a function the tracer installs, so that installing twice finds it; `wrapped` becomes its __wrapped__
    (inspect.unwrap follows it to the original). Attributes a function does not declare: set with setattr."""
    setattr(wrapper, flag, True)
    if wrapped is not None:
        setattr(wrapper, "__wrapped__", wrapped)
    return wrapper

# Modules holding cell / layer classes whose __call__ and __init__ we wrap (each tried; missing ones skipped).
# TF 2.x: tf_keras legacy cells and Keras RNN layers; TF 1.2-1.15: tensorflow.python.layers / ops.rnn_cell_impl;
# TF 1.0-1.1: contrib core_rnn_cell_impl, where every cell class defines its own __call__ (§5.2).
_CLASS_MODULES = (
    "tf_keras.src.engine.base_layer",
    "tf_keras.src.engine.base_layer_v1",
    "tf_keras.src.legacy_tf_layers.base",
    "tf_keras.src.layers.rnn.legacy_cells",
    "tf_keras.src.layers.rnn.legacy_cell_wrappers",
    "tf_keras.src.layers.rnn.cell_wrappers",
    "tf_keras.src.layers.rnn.base_rnn",
    "tf_keras.src.layers.rnn.stacked_rnn_cells",
    "tf_keras.src.layers.rnn.bidirectional",
    "tensorflow.python.layers.base",
    "tensorflow.python.keras.engine.base_layer",
    "tensorflow.python.keras.layers.recurrent",
    "tensorflow.python.keras.layers.wrappers",
    "tensorflow.python.ops.rnn_cell_impl",
    "tensorflow.python.ops.rnn_cell_wrapper_impl",
    # TF 2.x: what TF 0.x's `from tensorflow.python.ops import rnn_cell` still gives there (TF's own copy of the
    # legacy cells, not tf_keras's): unhooked, a cell called by hand ran without a trace ("line never ran")
    "tensorflow.python.keras.layers.legacy_rnn.rnn_cell_impl",
    "tensorflow.python.keras.layers.legacy_rnn.rnn_cell_wrapper_impl",
)
_CONTRIB_CLASS_MODULES = (
    "tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl",
    "tensorflow.contrib.rnn.python.ops.core_rnn_cell",
    "tensorflow.contrib.rnn.python.ops.rnn_cell",
    "tensorflow.contrib.rnn.python.ops.lstm_ops",
    "tensorflow.contrib.rnn.python.ops.gru_ops",
    "tensorflow.contrib.seq2seq.python.ops.attention_wrapper",
)
_DRIVER_MODULES = (
    "tensorflow.python.ops.rnn",
    "tensorflow.contrib.rnn",
)
_CONTRIB_DRIVER_MODULES = (
    "tensorflow.contrib.rnn.python.ops.core_rnn",
    "tensorflow.contrib.rnn.python.ops.rnn",
    "tensorflow.contrib.seq2seq.python.ops.decoder",
)
_INTERESTING = ("Layer", "RNNCell", "_RNNCell", "RNN", "StackedRNNCells", "Bidirectional", "AbstractRNNCell")
_STOP_METHODS = ("fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                 "fit_generator", "evaluate_generator", "predict_generator")
# Where AutoGraph loads the module it generates from converted code (TF 2.2+; TF 1.13 - 2.1), returning the
# module and the map of its lines back to the converted source (see SourceLines.note_generated).
_AUTOGRAPH_LOADERS = (
    ("tensorflow.python.autograph.pyct.loader", "load_ast"),
    ("tensorflow.python.autograph.pyct.compiler", "ast_to_object"),
)
_MODEL_MODULES = ("tf_keras.src.engine.training", "tf_keras.src.engine.training_v1",
                  "tensorflow.python.keras.engine.training")


def _try_import(name):
    if name in sys.modules:
        return sys.modules[name]
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def _classes(mod):
    for value in list(vars(mod).values()):
        if isinstance(value, type) and getattr(value, "__module__", None) == mod.__name__:
            yield value


def _hook_classes(tracer, modules):
    for name in modules:
        mod = _try_import(name)
        if mod is None:
            continue
        for cls in _classes(mod):
            if not any(c.__name__ in _INTERESTING for c in cls.__mro__):
                continue
            if "__call__" in cls.__dict__:
                tracer.hook_call(cls)
            if "__init__" in cls.__dict__:
                tracer.hook_init(cls)
            if "add_weight" in cls.__dict__ and cls.__name__ == "Layer":
                _hook_add_weight(tracer, cls)


def _hook_add_weight(tracer, cls):
    orig = cls.__dict__["add_weight"]
    if getattr(orig, "_rrl", False):
        return

    def add_weight(self, *args, **kwargs):
        return tracer.on_add_weight(orig, self, args, kwargs)
    cls.add_weight = mark_wrapper(add_weight, "_rrl")


def _hook_get_variable(tracer):
    from tensorflow.python.ops import variable_scope as vs
    store = vs._VariableStore
    orig = store.__dict__["get_variable"]
    if getattr(orig, "_rrl", False):
        return

    def get_variable(self, *args, **kwargs):
        return tracer.on_get_variable(orig, self, args, kwargs)
    store.get_variable = mark_wrapper(get_variable, "_rrl")


def _hook_stops(tracer):
    session = _try_import("tensorflow.python.client.session")
    if session is not None:
        for meth in ("run", "partial_run"):
            _stop_method(tracer, session.BaseSession, meth, "Session." + meth)
    for name in _MODEL_MODULES:
        mod = _try_import(name)
        model = getattr(mod, "Model", None) if mod is not None else None
        if model is None:
            continue
        for meth in _STOP_METHODS:
            if meth in model.__dict__:
                _stop_method(tracer, model, meth, "Model." + meth)


def _stop_method(tracer, cls, meth, what):
    orig = cls.__dict__.get(meth)
    if orig is None or getattr(orig, "_rrl", False):
        return

    def stop(self, *args, **kwargs):
        tracer.on_stop(what)
        return orig(self, *args, **kwargs)
    setattr(cls, meth, mark_wrapper(stop, "_rrl"))


def _hook_autograph(tracer):
    """Keras runs an AutoGraph-converted copy of a subclassed layer's or model's `call` (tf.function of its
    function): record each generated module's source map so the copy's lines count as the user's."""
    for modname, fname in _AUTOGRAPH_LOADERS:
        mod = sys.modules.get(modname) or _try_import(modname)
        orig = getattr(mod, fname, None) if mod is not None else None
        if orig is None or getattr(orig, "_rrl", False):
            continue

        def make(orig):
            def load(*args, **kwargs):
                result = orig(*args, **kwargs)
                try:
                    tracer.note_generated(result)
                except Exception:
                    pass
                return result
            return load
        load = make(orig)
        load._rrl = True
        load.__wrapped__ = orig
        setattr(mod, fname, load)


def _driver_functions(modules):
    found = []
    for name in modules:
        mod = _try_import(name) if not name.startswith("tensorflow.contrib") else sys.modules.get(name)
        if mod is None:
            continue
        for fname in DRIVERS:
            fn = vars(mod).get(fname)
            if fn is not None and callable(fn):
                found.append((fname, getattr(fn, "__wrapped__", None) if getattr(fn, "_rrl_driver", False) else fn))
    return found


def install(tracer, info):
    """Hook everything that exists in this TensorFlow; idempotent."""
    _hook_get_variable(tracer)
    _hook_classes(tracer, _CLASS_MODULES)
    _hook_stops(tracer)
    _hook_autograph(tracer)
    tracer.patch_drivers(_driver_functions(_DRIVER_MODULES))


def install_contrib(tracer):
    """TF 1.x loads tf.contrib lazily (≈1-2 s): hook it only for files that mention it."""
    try:
        importlib.import_module("tensorflow.contrib.rnn")
    except Exception:
        return
    for name in ("tensorflow.contrib.seq2seq", "tensorflow.contrib.legacy_seq2seq"):
        _try_import(name)
    _hook_classes(tracer, _CONTRIB_CLASS_MODULES)
    tracer.patch_drivers(_driver_functions(_CONTRIB_DRIVER_MODULES + _DRIVER_MODULES))
