"""RNN105: reuse is requested where nothing created the variables first."""
from __future__ import annotations

from typing import Iterator, Tuple

from rnn_reuse_lint.finding import Finding, Related
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.rules.base import Evidence, Invalid, Rule, RuleContext, TraceError, Valid, line_in

_HINT = {"1.0": "reuse=None", "1.1": "reuse=None", "1.2": "reuse=None"}


class ReuseBeforeCreate(Rule):
    """
    ## What it does
    Finds RNN runs at a module's top level that ask for reuse (`variable_scope(..., reuse=True)`,
    `scope.reuse_variables()`, `LSTMCell(..., reuse=True)`) of variables that nothing in the module created
    before. Inside a function nobody in the module calls, a cell built with `reuse=True` is reported too: it
    turns reuse on whatever scope the caller opened, so it fails unless the variables exist already, and no
    function in the module creates them for a caller to run first.

    ## Why is this bad?
    Graph construction fails with `ValueError: Variable eval/rnn/lstm_cell/kernel does not exist, or was not
    created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`. Usually the
    scope names of the creating and the reusing graph differ, or the reusing graph is built first.

    ## Example
    ```python
    with tf.variable_scope("eval", reuse=True):
        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), x, dtype=tf.float32)
    ```

    ## Use instead
    ```python
    with tf.variable_scope("model"):
        train_out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), x, dtype=tf.float32)
    with tf.variable_scope("model", reuse=True):
        eval_out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), x, dtype=tf.float32)
    ```

    Also finds the train op of an optimizer with slot variables (Adam, Momentum, RMSProp, Adagrad,
    Adadelta, Ftrl, ...) created while the current scope reuses: `tf.get_variable_scope().reuse_variables()`
    at the root scope cannot be turned off again, so `AdamOptimizer(...).minimize(loss)` after it fails
    when it creates `kernel/Adam`.

    ## Known problems
    A reuse flag computed from a parameter (`reuse = None if training else True`, `reuse=i > 0`) is
    unknown and never reported. In a function nobody in the module calls, only a cell's own `reuse=True` is
    checked, and only when the function does not ask for reuse on its scope itself (`variable_scope(...,
    reuse=True)` there says the caller builds the variables first) and no other function or top-level code of
    the module creates variables whose scope path ends like the requested one (a caller could run that one
    first, under a scope of its own); variables created in another module of the project are not looked for.
    `variable_scope(..., reuse=tf.AUTO_REUSE)` around a cell built with `reuse=True` does not help: the
    cell's flag wins and TensorFlow still raises "does not exist", so that is reported.
    """

    code = "RNN105"
    name = "reuse-before-create"
    summary = "Reuse is requested for variables nothing created first (\"does not exist\")."
    facts = frozenset({"reuse_missing", "slot_creation_fails"})
    no_fix_by_design = ("create the variables before reusing them, or drop the reuse request; which one the code means "
                        "is not visible (`rnn-reuse-lint rule RNN105`)")
    evidence = Evidence(errors=(TraceError(("does not exist",), "TF {tf}: {message}"),))

    VALID = (
        Valid("optimizer-before-reuse",
              "import tensorflow as tf\n"
              "with tf.variable_scope('enc'):\n    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
              "train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(out))\n"
              "tf.get_variable_scope().reuse_variables()\n"),
        Valid("plain-gradient-descent-has-no-slots",
              "import tensorflow as tf\n"
              "with tf.variable_scope('enc'):\n    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
              "tf.get_variable_scope().reuse_variables()\n"
              "train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(out))\n"),
        Valid("create-then-reuse",
              "import tensorflow as tf\n"
              "with tf.variable_scope('model'):\n    a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
              "with tf.variable_scope('model', reuse=True):\n    b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), y, dtype=tf.float32)\n"),
        Valid("sampler-method-after-train-method",
              "import tensorflow as tf\nclass LM(object):\n    def train(self, x):\n"
              "        return tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32, scope='lm')\n"
              "    def sample(self, x):\n"
              "        return tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4, reuse=True), x, dtype=tf.float32, scope='lm')\n"),
        Valid("reuse-from-parameter",
              "import tensorflow as tf\nreuse = None if training else True\n"
              "with tf.variable_scope('model', reuse=reuse):\n    b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), y, dtype=tf.float32)\n"),
    )
    INVALID = (
        Invalid("reuse-scope-first",
                "import tensorflow as tf\n"
                "with tf.variable_scope('eval', reuse=True):\n"
                "    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)\n",
                line=3, contains="`eval/rnn/lstm_cell/kernel`"),
        Invalid("optimizer-slots-under-leaked-reuse",
                "import tensorflow as tf\n"
                "with tf.variable_scope('enc'):\n    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
                "tf.get_variable_scope().reuse_variables()\n"
                "train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(out))\n",
                line=5, contains="slot variables"),
        Invalid("cell-reuse-true",
                "import tensorflow as tf\n"
                "out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4, reuse=True), x, dtype=tf.float32)\n",
                line=2, contains="does not exist"),
        Invalid("cell-reuse-true-in-uncalled-function",
                "import tensorflow as tf\ndef stack(x):\n"
                "    cells = [tf.nn.rnn_cell.GRUCell(4, reuse=True) for _ in range(2)]\n"
                "    return tf.nn.dynamic_rnn(tf.nn.rnn_cell.MultiRNNCell(cells), x, dtype=tf.float32)\n",
                line=4, contains="`rnn/multi_rnn_cell/cell_0/gru_cell/gates/kernel`"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        hint = _HINT.get(context.settings.tf_version, "reuse=tf.AUTO_REUSE")
        for issue in model.scopes.issues:
            if issue.fact not in self.facts:
                continue
            if issue.fact == "slot_creation_fails" and issue.reuse_span is not None:
                message = (f"this `{issue.driver}` creates its slot variables (`.../{issue.scope}`) while the variable "
                           f"scope reuses ({line_in(issue.reuse_span, issue.reuse_path, context)}): TensorFlow raises \"Variable "
                           f".../kernel/{issue.scope}/ does not exist\"; create the train op before turning reuse on, "
                           f"or build the reusing part under its own `variable_scope(..., reuse=True)` block")
                yield self.finding(context, issue.span, message, (
                    Related(issue.reuse_path or context.path, issue.reuse_span,
                            "reuse is turned on here and stays on for this scope"),))
                continue
            message = (f"this `{issue.driver}` asks to reuse `{issue.variable}`, but nothing in this module created "
                       f"it before: TensorFlow raises \"Variable {issue.variable} does not exist ... Did you mean "
                       f"to set {hint} in VarScope?\"")
            related: Tuple[Related, ...] = ()
            if issue.reuse_span is not None and issue.reuse_span.line != issue.span.line:
                related = (Related(context.path, issue.reuse_span, "reuse is requested here"),)
            yield self.finding(context, issue.span, message, related)
