"""What TensorFlow and Keras names mean: cell classes, wrappers, stacks, drivers, scopes and their default names."""
from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


class Kind(enum.Enum):
    CELL = "cell"  # owns variables (kernel/bias...)
    WRAPPER = "wrapper"  # wraps one cell; may or may not own variables
    STACK = "stack"  # MultiRNNCell / StackedRNNCells: layers, no variables of its own
    KERAS_RNN = "keras_rnn"  # keras RNN(cell or [cells]) layer
    KERAS_LAYER = "keras_layer"  # LSTM/GRU/SimpleRNN layers: own a fresh cell
    KERAS_BIDIRECTIONAL = "keras_bidirectional"
    DRIVER = "driver"  # dynamic_rnn & co: run a cell under a variable scope
    DECODER = "decoder"  # seq2seq BasicDecoder: holds a cell until dynamic_decode runs it
    SEQ2SEQ = "seq2seq"  # legacy_seq2seq model functions
    VARIABLE_SCOPE = "variable_scope"
    NAME_SCOPE = "name_scope"
    GET_VARIABLE_SCOPE = "get_variable_scope"
    AUTO_REUSE = "auto_reuse"
    COPY = "copy"  # copy.copy / copy.deepcopy: a new, separate object
    CELL_BASE = "cell_base"  # base classes user code subclasses (RNNCell, LayerRNNCell, keras Layer)
    OPTIMIZER = "optimizer"  # tf.train.*Optimizer: minimize/apply_gradients create slot variables with get_variable


class Family(enum.Enum):
    TF1 = "tf1"  # tf.nn.rnn_cell / tf.contrib.rnn: variables live under variable scopes
    KERAS = "keras"  # tf.keras / keras / tf_keras: variables live on layer objects


@dataclass(frozen=True)
class CellInfo:
    """Naming facts for one cell class (TF_RNN_SEMANTICS.md §1)."""

    scope: str  # scope the cell opens by default (1.2+; snake_case of the class)
    leaves: Tuple[str, ...]  # variable names under that scope, 1.2+ spelling (kernel/bias)
    legacy_scope: Optional[str] = None  # 1.0/1.1 scope when it differs
    legacy_leaves: Optional[Tuple[str, ...]] = None  # 1.0/1.1 spelling (weights/biases) when it differs


_KB = ("kernel", "bias")
_GRU = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")

# TF_RNN_SEMANTICS.md §1.1 and §1.3 (W1.2..W1.15 rnn_cell_impl.py, contrib rnn_cell.py).
TF1_CELLS: Dict[str, CellInfo] = {
    "BasicRNNCell": CellInfo("basic_rnn_cell", _KB),
    "GRUCell": CellInfo("gru_cell", _GRU),
    "BasicLSTMCell": CellInfo("basic_lstm_cell", _KB),
    "LSTMCell": CellInfo("lstm_cell", _KB),
    "LayerNormBasicLSTMCell": CellInfo(
        "layer_norm_basic_lstm_cell",
        ("kernel",) + tuple(f"{g}/{p}" for g in ("input", "transform", "forget", "output", "state") for p in ("gamma", "beta")),
    ),
    "NASCell": CellInfo("nas_cell", ("recurrent_kernel", "kernel", "bias"), legacy_scope="nas_rnn",
                        legacy_leaves=("recurrent_weights", "weights", "bias")),
    "UGRNNCell": CellInfo("ugrnn_cell", _KB),
    "IntersectionRNNCell": CellInfo("intersection_rnn_cell", _KB),
    "CoupledInputForgetGateLSTMCell": CellInfo("coupled_input_forget_gate_lstm_cell", ("W_0", "B"),
                                               legacy_leaves=("W_0", "B")),
    "TimeFreqLSTMCell": CellInfo("time_freq_lstm_cell", ("W_0", "B"), legacy_leaves=("W_0", "B")),
    "GridLSTMCell": CellInfo("grid_lstm_cell", ("W_f_0_0", "B_f_0", "W_t_0_0", "B_t_0"),
                             legacy_leaves=("W_f_0_0", "B_f_0", "W_t_0_0", "B_t_0")),
    "BidirectionalGridLSTMCell": CellInfo("bidirectional_grid_lstm_cell", ()),
    "LSTMBlockCell": CellInfo("lstm_cell", _KB),
    "GRUBlockCell": CellInfo("gru_cell", ("w_ru", "b_ru", "w_c", "b_c"), legacy_scope="GRUBlockCell",
                             legacy_leaves=("w_ru", "b_ru", "w_c", "b_c")),
    "GRUBlockCellV2": CellInfo("gru_cell", _GRU),
    "GLSTMCell": CellInfo("glstm_cell", ()),
    "SRUCell": CellInfo("sru_cell", _KB),
    "IndRNNCell": CellInfo("ind_rnn_cell", ("kernel_w", "kernel_u", "bias")),
    "IndyGRUCell": CellInfo("indy_gru_cell", ("gates/kernel_w", "gates/kernel_u", "gates/bias",
                                              "candidate/kernel", "candidate/kernel_u", "candidate/bias")),
    "IndyLSTMCell": CellInfo("indy_lstm_cell", ("kernel_w", "kernel_u", "bias")),
    "PhasedLSTMCell": CellInfo("phased_lstm_cell", ()),
    "ConvLSTMCell": CellInfo("conv_lstm_cell", ()),
    "Conv1DLSTMCell": CellInfo("conv1d_lstm_cell", ()),
    "Conv2DLSTMCell": CellInfo("conv2d_lstm_cell", ()),
    "Conv3DLSTMCell": CellInfo("conv3d_lstm_cell", ()),
    "CudnnCompatibleLSTMCell": CellInfo("cudnn_compatible_lstm_cell", _KB),
    "CudnnCompatibleGRUCell": CellInfo(
        "cudnn_compatible_gru_cell",
        ("gates/kernel", "gates/bias", "candidate/input_projection/kernel", "candidate/input_projection/bias",
         "candidate/hidden_projection/kernel", "candidate/hidden_projection/bias"),
    ),
}

# contrib.grid_rnn (TF 1.x): a GridRNNCell makes its inner recurrent cells (LSTMCell...) in __init__ and calls them
# in `variable_scope(scope or type(self).__name__)`. Those inner cells are Layers, so one grid cell object run
# twice reuses its first run's recurrent weights; only the input projections (`project_m_0`...) are made per
# call. TF 1.15: `MultiRNNCell([Grid2LSTMCell(20)] * 3)` has `recurrent/cell_*/lstm_cell` under cell_0 only.
_GRID_INNER = {"Grid1BasicRNNCell": ("basic_rnn_cell", _KB), "Grid2BasicRNNCell": ("basic_rnn_cell", _KB),
               "Grid1BasicLSTMCell": ("basic_lstm_cell", _KB), "Grid2BasicLSTMCell": ("basic_lstm_cell", _KB),
               "Grid1LSTMCell": ("lstm_cell", _KB), "Grid2LSTMCell": ("lstm_cell", _KB),
               "Grid3LSTMCell": ("lstm_cell", _KB), "Grid2GRUCell": ("gru_cell", _GRU)}
TF1_CELLS.update({name: CellInfo(name, tuple(f"recurrent/cell_0/{inner}/{leaf}" for leaf in leaves))
                  for name, (inner, leaves) in _GRID_INNER.items()})

KERAS_CELLS = frozenset({"LSTMCell", "GRUCell", "SimpleRNNCell", "PeepholeLSTMCell", "ConvLSTM2DCell",
                         "ConvLSTM1DCell", "ConvLSTM3DCell"})


@dataclass(frozen=True)
class WrapperInfo:
    """Wrappers carry the identity of the cell they wrap; some own variables and a scope level (§3)."""

    owns_variables: bool
    scope: Optional[str]  # scope level the wrapper adds (1.2+), None when it adds none
    cell_arg: str = "cell"  # keyword naming the wrapped cell; position 0 otherwise
    leaves: Tuple[str, ...] = ()


TF1_WRAPPERS: Dict[str, WrapperInfo] = {
    "DropoutWrapper": WrapperInfo(False, None),
    "ResidualWrapper": WrapperInfo(False, None),
    "DeviceWrapper": WrapperInfo(False, None),
    "HighwayWrapper": WrapperInfo(True, None, leaves=("carry_w", "carry_b")),
    "OutputProjectionWrapper": WrapperInfo(True, "output_projection_wrapper", leaves=_KB),
    "InputProjectionWrapper": WrapperInfo(True, "input_projection_wrapper", leaves=_KB),
    "EmbeddingWrapper": WrapperInfo(True, "embedding_wrapper", leaves=("embedding",)),
    "AttentionCellWrapper": WrapperInfo(True, "attention_cell_wrapper"),
    "AttentionWrapper": WrapperInfo(True, "attention_wrapper"),
}

KERAS_WRAPPERS: Dict[str, WrapperInfo] = {
    "DropoutWrapper": WrapperInfo(False, None),
    "ResidualWrapper": WrapperInfo(False, None),
    "DeviceWrapper": WrapperInfo(False, None),
}


@dataclass(frozen=True)
class DriverInfo:
    """How a driver takes its cells and which scope it opens by default (§4)."""

    canonical: str
    cell_params: Tuple[Tuple[str, int], ...]  # (keyword, position) of each cell argument
    default_scope: str
    bidirectional: bool = False
    stacked: bool = False  # cells arguments are lists, one cell per layer


DRIVERS: Dict[str, DriverInfo] = {
    "dynamic_rnn": DriverInfo("dynamic_rnn", (("cell", 0),), "rnn"),
    "static_rnn": DriverInfo("static_rnn", (("cell", 0),), "rnn"),
    "rnn": DriverInfo("static_rnn", (("cell", 0),), "rnn"),
    "static_state_saving_rnn": DriverInfo("static_state_saving_rnn", (("cell", 0),), "rnn"),
    "raw_rnn": DriverInfo("raw_rnn", (("cell", 0),), "rnn"),
    "bidirectional_dynamic_rnn": DriverInfo(
        "bidirectional_dynamic_rnn", (("cell_fw", 0), ("cell_bw", 1)), "bidirectional_rnn", bidirectional=True),
    "static_bidirectional_rnn": DriverInfo(
        "static_bidirectional_rnn", (("cell_fw", 0), ("cell_bw", 1)), "bidirectional_rnn", bidirectional=True),
    "bidirectional_rnn": DriverInfo(
        "static_bidirectional_rnn", (("cell_fw", 0), ("cell_bw", 1)), "bidirectional_rnn", bidirectional=True),
    "stack_bidirectional_dynamic_rnn": DriverInfo(
        "stack_bidirectional_dynamic_rnn", (("cells_fw", 0), ("cells_bw", 1)), "stack_bidirectional_rnn",
        bidirectional=True, stacked=True),
    "stack_bidirectional_rnn": DriverInfo(
        "stack_bidirectional_rnn", (("cells_fw", 0), ("cells_bw", 1)), "stack_bidirectional_rnn",
        bidirectional=True, stacked=True),
    "dynamic_decode": DriverInfo("dynamic_decode", (("decoder", 0),), "decoder"),
}


@dataclass(frozen=True)
class Seq2SeqInfo:
    """A `legacy_seq2seq` model function (§4): where its cell runs and whether the encoder copies it."""

    cell_position: int
    default_scope: str
    encoder_scope: Optional[str]  # None: the function has no encoder run
    decoder_scope: Optional[str]  # None: the names below it are not predicted (embedding/attention variants)
    copies_encoder: bool  # `copy.deepcopy(cell)` for the encoder (from 1.1): encoder and decoder never share
    tied: bool = False  # tied_rnn_seq2seq: encoder and decoder share on purpose


LEGACY_SEQ2SEQ: Dict[str, Seq2SeqInfo] = {
    "basic_rnn_seq2seq": Seq2SeqInfo(2, "basic_rnn_seq2seq", "rnn", "rnn_decoder", copies_encoder=True),
    "tied_rnn_seq2seq": Seq2SeqInfo(2, "combined_tied_rnn_seq2seq", "tied_rnn_seq2seq", "tied_rnn_seq2seq",
                                    copies_encoder=False, tied=True),
    "rnn_decoder": Seq2SeqInfo(2, "rnn_decoder", None, "", copies_encoder=False),
    "embedding_rnn_seq2seq": Seq2SeqInfo(2, "embedding_rnn_seq2seq", None, None, copies_encoder=True),
    "embedding_attention_seq2seq": Seq2SeqInfo(2, "embedding_attention_seq2seq", None, None, copies_encoder=True),
    "embedding_tied_rnn_seq2seq": Seq2SeqInfo(2, "embedding_tied_rnn_seq2seq", None, None, copies_encoder=False,
                                              tied=True),
    "embedding_rnn_decoder": Seq2SeqInfo(2, "embedding_rnn_decoder", None, "rnn_decoder", copies_encoder=False),
    "attention_decoder": Seq2SeqInfo(3, "attention_decoder", None, None, copies_encoder=False),
    "embedding_attention_decoder": Seq2SeqInfo(3, "embedding_attention_decoder", None, None, copies_encoder=False),
}

TF_ROOTS = frozenset({"tensorflow", "keras", "tf_keras"})

# Names pasted snippets use without importing them, and the module the snippet's context implies. Only names the
# file never binds are read this way (a file that imports or assigns `rnn` means its own `rnn`).
IMPLICIT_MODULES = {
    "tf": "tensorflow",
    "keras": "tensorflow.keras",
    "layers": "tensorflow.keras.layers",
    "rnn": "tensorflow.contrib.rnn",
    "rnn_cell": "tensorflow.nn.rnn_cell",
}

# Prefixes that are the same API under another spelling.
_PREFIX_ALIASES = (
    ("tensorflow.compat.v1.", "tensorflow."),
    ("tensorflow.compat.v2.", "tensorflow."),
    ("tensorflow_core.", "tensorflow."),
    ("tensorflow.python.keras.", "tensorflow.keras."),
    ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."),
    ("keras.src.", "keras."),
)


def normalize(qualname: str) -> str:
    """Fold the many spellings of one TF module into one (`tf.compat.v1.nn` -> `tensorflow.nn`)."""
    changed = True
    while changed:
        changed = False
        for old, new in _PREFIX_ALIASES:
            if qualname.startswith(old):
                qualname = new + qualname[len(old):]
                changed = True
    return qualname


@dataclass(frozen=True)
class ApiEntry:
    """What one qualified TensorFlow/Keras name is."""

    kind: Kind
    name: str  # class or function name, e.g. "LSTMCell"
    family: Family
    qualname: str
    cell: Optional[CellInfo] = None
    wrapper: Optional[WrapperInfo] = None
    driver: Optional[DriverInfo] = None
    seq2seq: Optional[Seq2SeqInfo] = None


def _is_keras_path(qualname: str) -> bool:
    return qualname.startswith("keras.") and "legacy" not in qualname


_SCOPE_FUNCS = {
    "variable_scope": Kind.VARIABLE_SCOPE,
    "variable_op_scope": Kind.VARIABLE_SCOPE,
    "name_scope": Kind.NAME_SCOPE,
    "op_scope": Kind.NAME_SCOPE,
    "get_variable_scope": Kind.GET_VARIABLE_SCOPE,
    "AUTO_REUSE": Kind.AUTO_REUSE,
}

_CELL_BASES = frozenset({"RNNCell", "LayerRNNCell", "AbstractRNNCell", "Layer"})
_KERAS_LAYERS = frozenset({"LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU", "ConvLSTM2D"})


@functools.lru_cache(maxsize=4096)
def lookup(qualname: str) -> Optional[ApiEntry]:
    """The API entry a fully qualified name denotes, or None when it is not an RNN-relevant TF name.

    Cached: entries are frozen, and a file names a few dozen APIs but calls them thousands of times (a new
    entry per call was 130 bytes of every evaluated cell constructor; benchmarks/README.md, "Growth")."""
    if qualname in ("copy.copy", "copy.deepcopy"):
        return ApiEntry(Kind.COPY, qualname.split(".")[1], Family.TF1, qualname)
    q = normalize(qualname)
    root, _, rest = q.partition(".")
    if root not in TF_ROOTS or not rest:
        return None
    module, _, name = q.rpartition(".")
    if _is_keras_path(q):
        if name in KERAS_CELLS:
            return ApiEntry(Kind.CELL, name, Family.KERAS, q)
        if name in KERAS_WRAPPERS and module.endswith("layers"):
            return ApiEntry(Kind.WRAPPER, name, Family.KERAS, q, wrapper=KERAS_WRAPPERS[name])
        if name == "StackedRNNCells":
            return ApiEntry(Kind.STACK, name, Family.KERAS, q)
        if name == "RNN":
            return ApiEntry(Kind.KERAS_RNN, name, Family.KERAS, q)
        if name in _KERAS_LAYERS:
            return ApiEntry(Kind.KERAS_LAYER, name, Family.KERAS, q)
        if name == "Bidirectional":
            return ApiEntry(Kind.KERAS_BIDIRECTIONAL, name, Family.KERAS, q)
        if name in ("AbstractRNNCell", "Layer"):
            return ApiEntry(Kind.CELL_BASE, name, Family.KERAS, q)
        return None
    if root != "tensorflow":
        return None
    if name in TF1_CELLS:
        return ApiEntry(Kind.CELL, name, Family.TF1, q, cell=TF1_CELLS[name])
    if name in TF1_WRAPPERS:
        return ApiEntry(Kind.WRAPPER, name, Family.TF1, q, wrapper=TF1_WRAPPERS[name])
    if name == "MultiRNNCell":
        return ApiEntry(Kind.STACK, name, Family.TF1, q)
    if name in _CELL_BASES and ("rnn" in module or name != "Layer"):
        return ApiEntry(Kind.CELL_BASE, name, Family.TF1, q)
    if name in LEGACY_SEQ2SEQ:
        return ApiEntry(Kind.SEQ2SEQ, name, Family.TF1, q, seq2seq=LEGACY_SEQ2SEQ[name])
    if name == "BasicDecoder":
        return ApiEntry(Kind.DECODER, name, Family.TF1, q)
    if name in _SCOPE_FUNCS:
        return ApiEntry(_SCOPE_FUNCS[name], name, Family.TF1, q)
    if name in SLOT_OPTIMIZERS or name in PLAIN_OPTIMIZERS:
        return ApiEntry(Kind.OPTIMIZER, name, Family.TF1, q)
    if name in DRIVERS:
        # `rnn` is also a module name (tf.contrib.rnn): only tf.nn.rnn and <pkg>.rnn.rnn are the 0.x driver.
        if name == "rnn" and not (q == "tensorflow.nn.rnn" or module.endswith(".rnn")):
            return None
        return ApiEntry(Kind.DRIVER, name, Family.TF1, q, driver=DRIVERS[name])
    return None


# TF1 optimizers whose minimize/apply_gradients create slot variables (`kernel/Adam`) through get_variable in
# the current variable scope: under reuse=True that fails with "Variable .../Adam/ does not exist" (checked on
# TF 2.21 compat.v1). Gradient descent has no slots.
SLOT_OPTIMIZERS = frozenset({
    "AdamOptimizer", "MomentumOptimizer", "RMSPropOptimizer", "AdagradOptimizer", "AdagradDAOptimizer",
    "AdadeltaOptimizer", "FtrlOptimizer", "ProximalAdagradOptimizer", "NadamOptimizer", "LazyAdamOptimizer",
    "AdamWOptimizer", "MomentumWOptimizer",
})
PLAIN_OPTIMIZERS = frozenset({"GradientDescentOptimizer", "ProximalGradientDescentOptimizer"})


def keras_cell_scope(name: str) -> str:
    """Keras layer base name: snake_case of the class name (tf_keras base_layer)."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)
