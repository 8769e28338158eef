"""RNN101: one cell object serves several layers of a stack."""
from __future__ import annotations

from typing import Iterator, List, Sequence

from rnn_reuse_lint.finding import Finding, Related
from rnn_reuse_lint.model import CellRef, ModuleModel, Sharing, StackModel
from rnn_reuse_lint.rules.base import (
    REFUSED,
    Evidence,
    Invalid,
    Rule,
    RuleContext,
    TraceError,
    Valid,
    at,
    created_here,
    ordinal_list,
    unless,
)

_WHAT_VERSION_DOES = {
    "1.0": "TF 1.0 gives each layer separate variables here, but every later version shares them",
    "1.1": "TF 1.1 raises \"Attempt to reuse RNNCell\" at graph construction",
    "1.2": "TF 1.2+ silently shares one set of weights, or fails with a shape error when the layer inputs differ",
    "1.15": "TF 1.15 shares one set of weights (with only a log warning), or fails with a shape error when the "
            "layer inputs differ",
    "2": "TF 2.x compat.v1 and Keras silently share one set of weights, or fail with a shape error when the "
         "layer inputs differ",
}


class SameCellInSeveralLayers(Rule):
    """
    ## What it does
    Finds a stack (`MultiRNNCell`, Keras `StackedRNNCells`, Keras `RNN([...])`, the `cells_fw` /
    `cells_bw` lists of `stack_bidirectional_dynamic_rnn`) in which one cell *object* is used as more than
    one layer: `[cell] * n`, `[cell for _ in range(n)]`, `[a, b, a]`, `cells.append(cell)` in a loop with
    `cell` built before it, `[LSTMCell(h)] * n` (one call, n references), a `DropoutWrapper` per layer
    around one shared base cell, or a factory that hands out an object built outside it.

    ## Why is this bad?
    A cell object owns one set of weights. What happens when it serves several layers depends on the
    TensorFlow version:

    - TF 1.0: each layer still got separate variables (cells had no memory of their scope).
    - TF 1.1: `ValueError: Attempt to reuse RNNCell ... with a different variable scope than its first use`.
    - TF 1.2 and later, `tf.compat.v1` in TF 2.x, and Keras: every layer silently uses the *same* weights.
      When the layers' input sizes differ, graph construction fails instead with a shape error
      (`Dimensions must be equal ...` or `Trying to share variable ...`) that points deep inside TensorFlow,
      far from the cause. From 1.11 `MultiRNNCell` logs one warning, which wrappers around the same cell
      avoid.

    The model trains, but with one layer's worth of recurrent parameters repeated n times.

    ## Example
    ```python
    cell = tf.nn.rnn_cell.LSTMCell(num_units)
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * num_layers)
    ```

    ## Use instead
    ```python
    stack = tf.nn.rnn_cell.MultiRNNCell(
        [tf.nn.rnn_cell.LSTMCell(num_units) for _ in range(num_layers)])
    ```

    ## Known problems
    Identity does not need the class: `[x] * n` is one object whatever `x` is (a parameter, `self.cell`, a
    free name in a pasted snippet, what one call of an unknown factory returned). When the class is not
    visible the message says what the finding assumes: that `x` is a standard TensorFlow cell, which keeps
    the variables of its first call (a class that creates new variables on every call would not share).
    A visible class that overrides `__call__` and creates its variables in the scope it is called in, and a
    project-local look-alike that is not a TensorFlow cell, are not reported; when a flag picks between such a
    class and a TensorFlow cell (`LSTMCell(h) if kind == "lstm" else ProjectCell(h)`), the stack is reported
    for the TensorFlow branch, whose layers share whenever it runs. Lists the analysis cannot
    follow (`cells[i] = ...`, cells hidden in `**kwargs` it cannot read) are not reported. A layer count that
    is a parameter's default (`depth=1`) is not taken as a fact: such stacks are reported "once there is
    more than one layer". A Keras stack wrapped in `Bidirectional` is rebuilt from its config (separate
    weights), so it is not reported.

    ## Fix safety
    `--fix` builds the cell once per layer: `[cell] * n` becomes `[LSTMCell(...) for _ in range(n)]`, a
    shared base inside a per-layer wrapper or an append loop is built inside it, `[a, b, a]` keeps `a` as
    layer 0 and builds a new last layer; a construction spread over several statements (or an
    if-statement, as in the PTB model) becomes a local factory. The fix is safe when the construction
    only calls TF classes, TF initializers or side-effect-free local functions, the names it reads do not
    change before the new place, and the old object is used nowhere else; otherwise it is offered under
    `--unsafe-fixes` or not at all, with the reason in the finding. Either way the model changes on
    purpose: layers 1..n-1 get new variables, so old checkpoints need a name map.
    """

    code = "RNN101"
    name = "same-cell-in-several-layers"
    summary = "One cell object is used as several layers of a stack, so the layers share weights."
    facts = frozenset({"shared_across_layers"})
    fixable = True
    evidence = Evidence(
        sharing=frozenset({"shared_across_layers"}), where="stack",
        errors=(REFUSED, TraceError(("Dimensions must be equal",),
                                    "TF {tf}: the shared cell fails on its second layer's input depth: {message}",
                                    limit=200)))

    VALID = (
        Valid("comprehension-builds-per-layer",
              "import tensorflow as tf\n"
              "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(3)])\n"),
        Valid("append-in-loop-fresh-per-iteration",
              "import tensorflow as tf\n"
              "cells = []\n"
              "for _ in range(3):\n"
              "    cell = tf.nn.rnn_cell.GRUCell(8)\n"
              "    cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=0.5)\n"
              "    cells.append(cell)\n"
              "stack = tf.nn.rnn_cell.MultiRNNCell(cells)\n"),
        Valid("factory-builds-per-call",
              "from tensorflow.contrib import rnn\n"
              "make = lambda: rnn.LSTMCell(8)\n"
              "stack = rnn.MultiRNNCell([make() for _ in range(2)])\n"),
        Valid("single-layer", "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
                              "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 1)\n"),
        Valid("local-class-named-like-tf",
              "class MultiRNNCell:\n    def __init__(self, cells):\n        self.cells = cells\n"
              "class LSTMCell:\n    pass\n"
              "cell = LSTMCell()\nstack = MultiRNNCell([cell] * 3)\n"),
        Valid("imported-factory-called-per-layer",
              "import tensorflow as tf\nfrom models.cells import make_cell\n"
              "stack = tf.nn.rnn_cell.MultiRNNCell([make_cell(8) for _ in range(2)])\n"),
    )
    INVALID = (
        Invalid("list-times-n",
                "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
                "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)\n", line=3, contains="layers 0, 1 and 2",
                expected_fix="import tensorflow as tf\n"
                             "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8)\n"
                             "                                     for _ in range(3)])\n"),
        Invalid("constructor-times-n",
                "import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8)] * n)\n",
                line=2, contains="every layer",
                expected_fix="import tensorflow as tf\n"
                             "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.GRUCell(8)\n"
                             "                                     for _ in range(n)])\n"),
        Invalid("comprehension-over-outside-cell",
                "from tensorflow.contrib import rnn\ncell = rnn.BasicLSTMCell(8)\n"
                "stack = rnn.MultiRNNCell([cell for _ in range(2)])\n", line=3, contains="`cell`",
                expected_fix="from tensorflow.contrib import rnn\n"
                             "stack = rnn.MultiRNNCell([rnn.BasicLSTMCell(8) for _ in range(2)])\n"),
        Invalid("wrapper-per-layer-around-one-cell",
                "import tensorflow as tf\nbase = tf.nn.rnn_cell.LSTMCell(8)\n"
                "layers = [tf.nn.rnn_cell.DropoutWrapper(base) for _ in range(2)]\n"
                "stack = tf.nn.rnn_cell.MultiRNNCell(layers)\n", line=4, contains="`base`",
                expected_fix="import tensorflow as tf\n"
                             "layers = [tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(8))\n"
                             "          for _ in range(2)]\n"
                             "stack = tf.nn.rnn_cell.MultiRNNCell(layers)\n"),
        Invalid("imported-factory-called-once",
                "import tensorflow as tf\nfrom models.cells import make_cell\n"
                "cell = make_cell(8)\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n",
                line=4, contains="unless `make_cell` returns a cell that creates new variables on every call"),
        Invalid("parameter-of-unknown-class",
                "import tensorflow as tf\ndef deep_rnn(base_unit, depth):\n"
                "    return tf.nn.rnn_cell.MultiRNNCell([base_unit] * depth)\n",
                line=3, contains="once there is more than one layer"),
        Invalid("keras-stacked-cells",
                "import tensorflow as tf\ncell = tf.keras.layers.LSTMCell(8)\n"
                "rnn = tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells([cell, cell]))\n",
                line=3, contains="layers 0 and 1",
                expected_fix="import tensorflow as tf\ncell = tf.keras.layers.LSTMCell(8)\n"
                             "rnn = tf.keras.layers.RNN(tf.keras.layers.StackedRNNCells([cell, "
                             "tf.keras.layers.LSTMCell(8)]))\n"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        for stack in model.stacks:
            kept: List[Sharing] = []
            for sharing in stack.shared:
                if not any(_alternatives(sharing, other) for other in kept):
                    kept.append(sharing)
            for sharing in kept:
                others = [s.cell for s in stack.shared if s is not sharing and _alternatives(s, sharing)]
                yield self._finding(stack, sharing, context, others)

    def _finding(self, stack: StackModel, sharing: Sharing, context: RuleContext,
                 others: Sequence[CellRef] = ()) -> Finding:
        cell = sharing.cell
        container = f"`{stack.role}` of this `{stack.kind}`" if stack.role else f"this `{stack.kind}`"
        if sharing.layers is not None and len(sharing.layers) > 1:
            where = f"layers {ordinal_list(sharing.layers)} of {container}"
        elif sharing.every_layer:
            where = f"every layer of {container} (`{sharing.via_text[0]}`)"
        else:
            where = f"several layers of {container} (`{'`, `'.join(sharing.via_text)}`)"
        if sharing.layers is None:
            where += " once there is more than one layer"
        message = (f"`{cell.label}` ({at(cell, context)}) is {where}, so those layers share one set of weights"
                   f"{unless(cell)}; "
                   f"{_WHAT_VERSION_DOES.get(context.settings.tf_version, _WHAT_VERSION_DOES['2'])}")
        related = [created_here(context, cell)]
        for other in others:   # the same name holding another object on another path: one finding names both
            related.append(created_here(context, other, f"or `{other.label}` is the object made here (another path "
                                                        f"picks it), shared by those layers the same way"))
        for span, text in zip(sharing.via, sharing.via_text):
            if span.line != stack.span.line:
                related.append(Related(context.path, span, f"`{text}` puts `{cell.label}` into the layer list here"))
        return self.finding(context, stack.span, message, tuple(related), sharing.fix, sharing.no_fix)


def _alternatives(one: Sharing, other: Sharing) -> bool:
    """Two sharings of one stack that cannot both hold: the same name's object on two paths (a cell chosen by a flag),
    seen as layers that overlap or as every layer. Disjoint layers of one name (`[c] * 2 + [c2] * 2` after a
    reassignment) are two real sharings, each its own finding."""
    if one.cell.label != other.cell.label:
        return False
    if one.layers is None or other.layers is None:
        return True
    return bool(set(one.layers) & set(other.layers))
