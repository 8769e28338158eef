"""Serve TF1-era `import tensorflow` code on TF 2.x: tf.compat.v1 in graph mode plus a `tf.contrib` that maps what compat.v1 has (and ports of legacy_seq2seq's common functions)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Callable, Dict, Optional

from . import cell_args, contrib_layers, core_cell_shim, keras_import, moved_modules, moved_names, seq2seq_shim, tf0_api
from .stubs import StubModule, stub_shapes_are_one_dimension

# tf.contrib.rnn names that are the very same objects as tf.nn.rnn_cell.* / tf.nn.* in TF 1.15
# (TF_RNN_SEMANTICS.md §8.1, experiment E10), so mapping them onto compat.v1 changes nothing.
_CONTRIB_RNN_CELLS = (
    "BasicLSTMCell", "BasicRNNCell", "DeviceWrapper", "DropoutWrapper", "GRUCell", "LSTMCell",
    "LSTMStateTuple", "MultiRNNCell", "RNNCell", "ResidualWrapper",
)
_CONTRIB_RNN_FUNCS = ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")


class NotSupportedOnTF2(ImportError):
    """A tf.contrib name with no tf.compat.v1 equivalent (not an AttributeError, so `from x import y` keeps the message)."""


# The runner's per-file callback for a tf.contrib piece TF 2 lacks: when set, the piece is a stand-in (reported by
# the callback, so the verdict says it and the parent may trace the file under a TF 1.x interpreter instead);
# unset, it raises NotSupportedOnTF2.
MISSING: Dict[str, Optional[Callable[[str], None]]] = {"on": None}


# The tf.contrib packages TF 1.x shipped (1.0-1.15): only a piece of one of these stands in; any other name is a
# mistake in the traced code and stays an error, as it would be under TF 1.
_TF1_CONTRIB = frozenset((
    "all_reduce autograph batching bayesflow bigtable boosted_trees checkpoint cloud cluster_resolver compiler "
    "constrained_optimization copy_graph crf cudnn_rnn data decision_trees deprecated distribute distributions "
    "eager estimator factorization feature_column ffmpeg framework gan graph_editor grid_rnn hooks image "
    "input_pipeline integrate keras kernel_methods labeled_tensor layers learn legacy_seq2seq linalg "
    "linear_optimizer lookup losses memory_stats meta_graph_transform metrics mixed_precision model_pruning nccl "
    "ndlstm nearest_neighbor nn opt optimizer_v2 predictor quantization quantize receptive_field recurrent "
    "resampler rnn rpc saved_model seq2seq session_bundle signal slim solvers sparsemax specs staging "
    "stat_summarizer stateless summary tensor_forest tensorboard testing text tfprof timeseries tpu training "
    "util").split())


# The RNN pieces themselves never stand in: a stand-in cell or decoder would fake the very graph being verified,
# so those stay a clear NotSupportedOnTF2 error (and a reason to trace the file under --tf1-python).
_RNN_CONTRIB = frozenset(("rnn", "seq2seq", "legacy_seq2seq", "cudnn_rnn", "grid_rnn", "recurrent", "ndlstm"))


def _tf1_piece(name):
    """Whether a dotted name lies in a package TF 1.x had and is not an RNN piece: tf.contrib.<one of
    _TF1_CONTRIB>, TF 0.x's tensorflow.models, or a tensorflow.python internal."""
    parts = name.split(".")
    if len(parts) < 3:
        return False
    if parts[1] == "contrib":
        return parts[2] in _TF1_CONTRIB and parts[2] not in _RNN_CONTRIB
    return parts[1] in ("models", "python")


def _missing(name):
    on = MISSING["on"]
    if on is None or not _tf1_piece(name):
        raise _unsupported(name)
    on(name)
    return StubModule(name)


class _Filled(types.ModuleType):
    """A TF internal module whose names TF 2 dropped stand in (through _missing) when imported from it."""

    def __init__(self, real):
        types.ModuleType.__init__(self, real.__name__)
        self.__dict__["_rrl_real"] = real

    def __getattr__(self, name):
        real = self.__dict__["_rrl_real"]
        if hasattr(real, name) or name.startswith("__"):
            return getattr(real, name)
        return _missing("%s.%s" % (real.__name__, name))


def _unsupported(name):
    return NotSupportedOnTF2(
        "not supported on TF 2: %s (no tf.compat.v1 equivalent; trace with --python pointing at a "
        "TF 1.x interpreter)" % name)


class _ContribModule(types.ModuleType):
    """A tf.contrib stand-in: known names resolve, every other attribute raises NotSupportedOnTF2."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _missing("tf.%s.%s" % (self.__name__.split(".", 1)[1], name))


class _ContribFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes `import tensorflow.contrib.<anything unmapped>` fail with the not-supported message."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith(("tensorflow.contrib.", "tensorflow.models.")) and fullname not in sys.modules:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise _unsupported(module.__name__)


def _module(name, attrs):
    mod = _ContribModule(name)
    mod.__path__ = []  # a package, so `import tensorflow.contrib.x` reaches _ContribFinder
    mod.__dict__.update(attrs)
    return mod


def _stack_bidirectional_functions(v1):
    """Ports of contrib.rnn.stack_bidirectional_{dynamic_,}rnn built from compat.v1 pieces (same scopes as TF 1.15)."""
    from tensorflow.python.ops import rnn as rnn_ops

    def _check(cells_fw, cells_bw):
        if not cells_fw:
            raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
        if not cells_bw:
            raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
        if not isinstance(cells_fw, list):
            raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
        if not isinstance(cells_bw, list):
            raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
        if len(cells_fw) != len(cells_bw):
            raise ValueError("Forward and Backward cells must have the same depth.")

    def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                        initial_states_bw=None, dtype=None, sequence_length=None,
                                        parallel_iterations=None, time_major=False, scope=None,
                                        swap_memory=False):
        _check(cells_fw, cells_bw)
        states_fw, states_bw = [], []
        prev_layer = inputs
        with v1.variable_scope(scope or "stack_bidirectional_rnn"):
            for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
                init_fw = initial_states_fw[i] if initial_states_fw else None
                init_bw = initial_states_bw[i] if initial_states_bw else None
                with v1.variable_scope("cell_%d" % i):
                    # looked up at call time so the tracer's wrapper sees the nested driver
                    outputs, (state_fw, state_bw) = rnn_ops.bidirectional_dynamic_rnn(
                        cell_fw, cell_bw, prev_layer, initial_state_fw=init_fw,
                        initial_state_bw=init_bw, sequence_length=sequence_length,
                        parallel_iterations=parallel_iterations, dtype=dtype,
                        swap_memory=swap_memory, time_major=time_major)
                    prev_layer = v1.concat(outputs, 2)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return prev_layer, tuple(states_fw), tuple(states_bw)

    def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                initial_states_bw=None, dtype=None, sequence_length=None, scope=None):
        _check(cells_fw, cells_bw)
        states_fw, states_bw = [], []
        prev_layer = inputs
        with v1.variable_scope(scope or "stack_bidirectional_rnn"):
            for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
                init_fw = initial_states_fw[i] if initial_states_fw else None
                init_bw = initial_states_bw[i] if initial_states_bw else None
                with v1.variable_scope("cell_%d" % i) as cell_scope:
                    prev_layer, state_fw, state_bw = rnn_ops.static_bidirectional_rnn(
                        cell_fw, cell_bw, prev_layer, initial_state_fw=init_fw,
                        initial_state_bw=init_bw, sequence_length=sequence_length,
                        dtype=dtype, scope=cell_scope)
                states_fw.append(state_fw)
                states_bw.append(state_bw)
        return prev_layer, tuple(states_fw), tuple(states_bw)

    return {"stack_bidirectional_dynamic_rnn": stack_bidirectional_dynamic_rnn,
            "stack_bidirectional_rnn": stack_bidirectional_rnn}


# TF 0.x/1.0 spellings renamed by TF 1.0 with the same arguments (the TF 1.0 release notes): code of that era
# runs on either child. Only pure renames: functions whose argument order changed (concat, split) are left alone.
_RENAMED = {"pack": "stack", "unpack": "unstack", "select": "where", "concat_v2": "concat", "mul": "multiply",
            "sub": "subtract", "neg": "negative", "batch_matmul": "matmul", "listdiff": "setdiff1d",
            "audio_summary": "summary.audio", "scalar_summary": "summary.scalar",
            "histogram_summary": "summary.histogram", "merge_all_summaries": "summary.merge_all",
            "initialize_all_variables": "global_variables_initializer"}
_RENAMED_NN = {"rnn": "static_rnn", "bidirectional_rnn": "static_bidirectional_rnn",
               "state_saving_rnn": "static_state_saving_rnn"}


def _old_orders(api):
    """TF 0.x's `concat(dim, values)` and `split(dim, num, value)`: TF 1.0 swapped the arguments. A call in the
    old order is unambiguous (a Python int first, then a list; or a Python int first and no int third) and is reordered; any other
    call goes through unchanged."""
    concat, split = api.concat, api.split
    if getattr(concat, "_rrl_orders", False):
        return

    def concat_either(*args, **kwargs):
        if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], (list, tuple)):
            args = (args[1], args[0]) + args[2:]
        return concat(*args, **kwargs)

    def split_either(*args, **kwargs):
        if len(args) >= 3 and isinstance(args[0], int) and not isinstance(args[2], (int, list, tuple)):
            args = (args[2], args[1], args[0]) + args[3:]
        return split(*args, **kwargs)
    for wrapper in (concat_either, split_either):
        setattr(wrapper, "_rrl_orders", True)  # marks the reordering wrappers so they are installed only once
    api.concat, api.split = concat_either, split_either


def _renamed(api):
    """Give the TF1-style API object its pre-1.0 names where it lacks them (and the old argument orders)."""
    _old_orders(api)
    tf0_api.install(api)
    for table, owner in ((_RENAMED, api), (_RENAMED_NN, getattr(api, "nn", None))):
        for old, new in table.items():
            if owner is None or hasattr(owner, old):
                continue
            target = api if owner is api else owner
            try:
                for part in new.split("."):
                    target = getattr(target, part)
                setattr(owner, old, target)
            except Exception:
                pass


def install():
    """Import TensorFlow, switch TF 2 to TF1 graph semantics and serve compat.v1 as `tensorflow`; returns facts."""
    warnings.filterwarnings("ignore")
    import tensorflow as real
    version = getattr(real, "__version__", "unknown")
    info = {"tf_version": version, "tf2": not version.startswith(("0.", "1.")), "tf": real}
    stub_shapes_are_one_dimension()
    try:
        real_logging = real.compat.v1.logging if info["tf2"] else real.logging
        real_logging.set_verbosity(real_logging.ERROR)
    except Exception:
        pass
    if not info["tf2"]:
        _renamed(real)
        moved_modules.install()
        cell_args.install(real)
        return info
    v1 = real.compat.v1
    _renamed(v1)
    moved_names.install()
    v1.disable_v2_behavior()
    rnn_cell = v1.nn.rnn_cell
    rnn_attrs = dict((n, getattr(rnn_cell, n)) for n in _CONTRIB_RNN_CELLS)
    rnn_attrs.update((n, getattr(v1.nn, n)) for n in _CONTRIB_RNN_FUNCS)
    rnn_attrs.update(_stack_bidirectional_functions(v1))
    core_cells = core_cell_shim.classes(v1)
    for name in core_cell_shim.WRAPPERS:
        rnn_attrs[name] = core_cells[name]
        if not hasattr(rnn_cell, name):
            setattr(rnn_cell, name, core_cells[name])  # TF 0.12 had them in tf.nn.rnn_cell
    crnn = _module("tensorflow.contrib.rnn", rnn_attrs)
    clayers = _module("tensorflow.contrib.layers", contrib_layers.functions(v1))
    cframework = _module("tensorflow.contrib.framework", {"nest": real.nest})
    legacy = seq2seq_shim.functions(v1, core_cells)
    cseq2seq = _module("tensorflow.contrib.legacy_seq2seq", legacy)
    # TF 1.0-1.1 spelled the core cells tf.contrib.rnn.core_rnn_cell.*: the same classes as tf.nn.rnn_cell
    crnn.core_rnn_cell = _module("tensorflow.contrib.rnn.core_rnn_cell", dict(rnn_attrs))
    _contrib_rnn_paths(crnn, rnn_attrs, core_cells["Linear"], v1)
    contrib = _module("tensorflow.contrib", {"rnn": crnn, "layers": clayers, "framework": cframework,
                                             "legacy_seq2seq": cseq2seq})
    v1.contrib = contrib
    if not hasattr(v1.nn, "seq2seq"):
        v1.nn.seq2seq = _module("tensorflow.nn.seq2seq", legacy)  # TF 0.12's name for legacy_seq2seq
    v1.compat = real.compat  # `import tensorflow.compat.v1 as tf` walks attributes: keep it on this object
    for key, mod in list(sys.modules.items()):
        # `import tensorflow.python.ops.rnn as r` walks attributes of the module served as `tensorflow` too
        parts = key.split(".")
        if len(parts) == 2 and parts[0] == "tensorflow" and mod is not None and not hasattr(v1, parts[1]):
            try:
                setattr(v1, parts[1], mod)
            except Exception:
                pass
    # sys.modules["tensorflow"] stays the real TF 2 (tf_keras, Keras 3 and TF's own lazy modules import it);
    # only user code gets compat.v1, through the __import__ of its builtins (user_import below).
    sys.modules["tensorflow.contrib"] = contrib
    sys.modules["tensorflow.contrib.rnn"] = crnn
    sys.modules["tensorflow.contrib.layers"] = clayers
    sys.modules["tensorflow.contrib.framework"] = cframework
    sys.modules["tensorflow.contrib.legacy_seq2seq"] = cseq2seq
    sys.modules["tensorflow.contrib.rnn.core_rnn_cell"] = crnn.core_rnn_cell
    cell_args.install(v1)
    _install_models_rnn(v1, rnn_attrs, legacy)
    sys.meta_path.insert(0, _ContribFinder())
    info["v1"] = v1
    info["user_import"] = _user_import(v1)
    return info


def _contrib_rnn_paths(crnn, pieces, linear_class, v1):
    """tf.contrib.rnn's module files, which code imported directly: TF 1.0-1.1's core_rnn_cell_impl (the cells and
    `_linear`) and core_rnn (the static drivers), TF 1.2-1.15's core_rnn_cell (wrappers and `_linear`), all made of
    the pieces served as tf.contrib.rnn, as moved_modules serves the old paths on TF 1.x."""
    def _linear(args, output_size, bias, bias_initializer=None, kernel_initializer=None):
        return linear_class(args, output_size, bias, bias_initializer, kernel_initializer)(args)
    cells = dict(pieces, _linear=_linear)
    impl = _module("tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl", cells)
    cell = _module("tensorflow.contrib.rnn.python.ops.core_rnn_cell", cells)
    core = _module("tensorflow.contrib.rnn.python.ops.core_rnn", dict((n, pieces[n]) for n in _CONTRIB_RNN_FUNCS))
    ops = _module("tensorflow.contrib.rnn.python.ops", {"core_rnn_cell_impl": impl, "core_rnn_cell": cell,
                                                        "core_rnn": core})
    crnn.python = _module("tensorflow.contrib.rnn.python", {"ops": ops})
    for mod in (crnn.python, ops, impl, cell, core):
        sys.modules[mod.__name__] = mod
    # TF 0.x's `from tensorflow.python.ops import rnn_cell` held the wrappers and `_linear` too; TF 2 still has the
    # module (its legacy cells) without them
    try:
        from tensorflow.python.ops import rnn_cell as ops_rnn_cell
    except ImportError:
        return
    for name in core_cell_shim.WRAPPERS:
        if not hasattr(ops_rnn_cell, name) and name in cells:
            setattr(ops_rnn_cell, name, cells[name])
    if not hasattr(ops_rnn_cell, "_linear"):
        ops_rnn_cell._linear = tf0_api.tf0_linear(v1)   # TF 0.x's own signature and names there


def _install_models_rnn(v1, cells, legacy):
    """TF 0.x's `tensorflow.models.rnn` (rnn_cell, rnn.rnn, seq2seq): the same pieces under their 1.x names."""
    nn = v1.nn
    rnn = _module("tensorflow.models.rnn.rnn", {
        "rnn": nn.static_rnn, "bidirectional_rnn": nn.static_bidirectional_rnn, "dynamic_rnn": nn.dynamic_rnn,
        "state_saving_rnn": nn.static_state_saving_rnn, "bidirectional_dynamic_rnn": nn.bidirectional_dynamic_rnn})
    rnn_cell = _module("tensorflow.models.rnn.rnn_cell", tf0_api.tf0_cells(cells))
    seq2seq = _module("tensorflow.models.rnn.seq2seq", legacy)
    models_rnn = _module("tensorflow.models.rnn", {"rnn": rnn, "rnn_cell": rnn_cell, "seq2seq": seq2seq})
    models = _module("tensorflow.models", {"rnn": models_rnn})
    v1.models = models
    for mod in (models, models_rnn, rnn, rnn_cell, seq2seq):
        sys.modules[mod.__name__] = mod
    # TF 0.x's `from tensorflow.python.ops import seq2seq`: the same library (a stand-in there gave rnn_decoder
    # stand-in outputs that TensorFlow took as scalars, "Dimension must be 0 but is 3" in a held-out DMN model)
    from tensorflow.python import ops
    if not hasattr(ops, "seq2seq"):
        ops_seq2seq = _module("tensorflow.python.ops.seq2seq", legacy)
        ops.seq2seq = ops_seq2seq
        sys.modules[ops_seq2seq.__name__] = ops_seq2seq


# top-level packages of the real TF 2 that user code may import directly (internals, not API namespaces)
_INTERNAL = ("python", "core", "tools", "compiler", "lite", "tsl", "dtensor", "security", "distribute")


def _user_import(v1):
    """__import__ for user code: `tensorflow` and its API submodules resolve inside compat.v1 (so
    `from tensorflow.nn.rnn_cell import LSTMCell` and `import tensorflow.contrib.rnn` work), internals stay real."""
    import builtins
    real_import = keras_import.importer(builtins.__import__)

    def user_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0 or not (name == "tensorflow" or name.startswith("tensorflow.")):
            return real_import(name, globals, locals, fromlist, level)
        parts = name.split(".")
        if len(parts) > 1 and parts[1] in ("contrib", "models"):
            mod = sys.modules.get(name)
            if mod is None:
                mod = _missing(name)
            return mod if fromlist else v1
        if len(parts) > 1 and parts[1] in _INTERNAL:
            mod = real_import(name, globals, locals, fromlist, level)
            if fromlist and any(n != "*" and not hasattr(mod, n) for n in fromlist):
                return _Filled(mod)   # `from tensorflow.python import shape`: a TF 0.x internal gone since
            return mod if fromlist else v1
        target = v1
        try:
            for part in parts[1:]:
                target = getattr(target, part)
        except AttributeError:
            mod = real_import(name, globals, locals, fromlist, level)
            return mod if fromlist else v1
        return target if fromlist else v1
    return user_import


def v1_api(info):
    """The TF1-style API object (tf itself on 1.x, tf.compat.v1 on 2.x)."""
    return info.get("v1") or info["tf"]
