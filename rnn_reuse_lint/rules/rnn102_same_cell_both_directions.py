"""RNN102: the same cell object runs forward and backward in a bidirectional RNN."""
from __future__ import annotations

from typing import Iterator

from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.model import DirectionSharing, ModuleModel
from rnn_reuse_lint.rules.base import REFUSED, Evidence, Invalid, Rule, RuleContext, Valid, at, created_here, unless

_WHAT_VERSION_DOES = {
    "1.0": "TF 1.0 still gives each direction separate variables, but every later version shares them",
    "1.1": "TF 1.1 raises \"Attempt to reuse RNNCell\" at graph construction",
    "1.2": "TF 1.2+ silently runs the backward pass with the forward weights",
    "1.15": "TF 1.15 silently runs the backward pass with the forward weights",
    "2": "TF 2.x compat.v1 silently runs the backward pass with the forward weights",
}


class SameCellBothDirections(Rule):
    """
    ## What it does
    Finds bidirectional RNN calls (`bidirectional_dynamic_rnn`, `static_bidirectional_rnn`,
    `stack_bidirectional_dynamic_rnn`, `stack_bidirectional_rnn`) whose forward and backward cells are the
    same object, share a wrapped base cell, or (for stacks and stacked drivers) share any layer's cell —
    by position or keyword, through aliases such as `fw = cell; bw = cell`.

    ## Why is this bad?
    A cell object owns one set of weights and remembers the scope it first ran in:

    - TF 1.0: the two directions still got separate variables.
    - TF 1.1: `ValueError: Attempt to reuse RNNCell ...` (first use `.../fw/...`, this use `.../bw/...`).
    - TF 1.2 and later (and `tf.compat.v1` in TF 2.x): only `bidirectional_rnn/fw/...` variables exist;
      the backward direction silently reuses the forward weights. No version warns.

    A bidirectional model whose directions share weights is a different (and usually worse) model than
    the one the code describes.

    ## Example
    ```python
    cell = tf.nn.rnn_cell.LSTMCell(64)
    outputs, states = tf.nn.bidirectional_dynamic_rnn(cell, cell, inputs, dtype=tf.float32)
    ```

    ## Use instead
    ```python
    cell_fw = tf.nn.rnn_cell.LSTMCell(64)
    cell_bw = tf.nn.rnn_cell.LSTMCell(64)
    outputs, states = tf.nn.bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, dtype=tf.float32)
    ```

    ## Known problems
    Identity does not need the class: `f(x, x)` is one object whatever `x` is (a parameter, `self.unit`, a free
    name, what one call of an unknown factory returned, `for fw, bw in zip(cells, cells)`); the message then says
    what it assumes (a standard cell, which keeps the variables of its first call). Cells hidden in `**kwargs` the
    analysis cannot read are not reported, nor cells of a visible class that creates its variables on every call.

    ## Fix safety
    `--fix` replaces the backward argument (or the shared base inside the backward wrapper, or the
    backward list of a stacked driver) by a new construction of the same cell; the forward cell and any
    other use of it stay as they were. It is safe when the construction only calls TF classes, TF
    initializers or side-effect-free local functions and the names it reads do not change in between;
    otherwise it is offered under `--unsafe-fixes` or not at all, with the reason in the finding. The
    backward direction then gets its own variables under `.../bw/...`; checkpoints written with the
    shared weights no longer load without a name map.
    """

    code = "RNN102"
    name = "same-cell-both-directions"
    summary = "The same cell object is the forward and the backward cell of a bidirectional RNN."
    facts = frozenset({"shared_across_directions"})
    fixable = True
    evidence = Evidence(sharing=frozenset({"shared_across_directions"}), where="run", errors=(REFUSED,))

    VALID = (
        Valid("two-cells",
              "import tensorflow as tf\nfw = tf.nn.rnn_cell.LSTMCell(8)\nbw = tf.nn.rnn_cell.LSTMCell(8)\n"
              "out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)\n"),
        Valid("deepcopy-backward",
              "import copy\nimport tensorflow as tf\nfw = tf.nn.rnn_cell.GRUCell(8)\n"
              "out, st = tf.nn.bidirectional_dynamic_rnn(fw, copy.deepcopy(fw), x, dtype=tf.float32)\n"),
        Valid("stacked-lists-built-separately",
              "import tensorflow as tf\n"
              "fw = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]\n"
              "bw = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]\n"
              "out, f, b = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)\n"),
    )
    INVALID = (
        Invalid("same-name-twice",
                "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
                "out, st = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n",
                line=3, contains="`cell`",
                expected_fix="import tensorflow as tf\n"
                             "cell = tf.nn.rnn_cell.LSTMCell(8)\n"
                             "out, st = tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.LSTMCell(8), x,\n"
                             "                                          dtype=tf.float32)\n"),
        Invalid("alias-by-keyword",
                "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\nfw = cell\nbw = cell\n"
                "out, st = tf.nn.bidirectional_dynamic_rnn(cell_bw=bw, cell_fw=fw, inputs=x)\n",
                line=5, contains="forward and the backward",
                expected_fix="import tensorflow as tf\n"
                             "cell = tf.nn.rnn_cell.GRUCell(8)\n"
                             "fw = cell\n"
                             "bw = cell\n"
                             "out, st = tf.nn.bidirectional_dynamic_rnn(cell_bw=tf.nn.rnn_cell.GRUCell(8),\n"
                             "                                          cell_fw=fw, inputs=x)\n"),
        Invalid("wrappers-around-one-base",
                "import tensorflow as tf\nbase = tf.nn.rnn_cell.LSTMCell(8)\n"
                "fw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)\n"
                "bw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)\n"
                "out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)\n",
                line=5, contains="`base`",
                expected_fix="import tensorflow as tf\n"
                             "base = tf.nn.rnn_cell.LSTMCell(8)\n"
                             "fw = tf.nn.rnn_cell.DropoutWrapper(base, output_keep_prob=0.9)\n"
                             "bw = tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(8),\n"
                             "                                   output_keep_prob=0.9)\n"
                             "out, st = tf.nn.bidirectional_dynamic_rnn(fw, bw, x, dtype=tf.float32)\n"),
        Invalid("same-list-stacked",
                "import tensorflow as tf\ncells = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]\n"
                "out, f, b = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells, cells, x, dtype=tf.float32)\n",
                line=3, contains="stack_bidirectional_dynamic_rnn",
                expected_fix="import tensorflow as tf\n"
                             "cells = [tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)]\n"
                             "out, f, b = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells,\n"
                             "                                                           [tf.nn.rnn_cell.LSTMCell(8)\n"
                             "                                                            for _ in range(2)],\n"
                             "                                                           x, dtype=tf.float32)\n"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        for sharing in model.bidirectional:
            yield self._finding(sharing, context)

    def _finding(self, sharing: DirectionSharing, context: RuleContext) -> Finding:
        verdict = _WHAT_VERSION_DOES.get(context.settings.tf_version, _WHAT_VERSION_DOES["2"])
        first = sharing.cells[0]
        if sharing.same_value:
            subject = f"`{sharing.fw_text}`"
        else:
            names = ", ".join(f"`{c.label}` ({at(c, context)})" for c in sharing.cells)
            subject = f"`{sharing.fw_text}` and `{sharing.bw_text}` both use {names}, so the same weights are"
            message = (f"{subject} the forward and the backward cell of this `{sharing.driver}`"
                       f"{unless(*sharing.cells)}; {verdict}")
            return self.finding(context, sharing.span, message,
                                tuple(created_here(context, c) for c in sharing.cells), sharing.fix, sharing.no_fix)
        message = (f"{subject} ({at(first, context)}) is both the forward and the backward cell of this "
                   f"`{sharing.driver}`{unless(*sharing.cells)}; {verdict}")
        return self.finding(context, sharing.span, message, tuple(created_here(context, c) for c in sharing.cells),
                            sharing.fix, sharing.no_fix)
