"""RNN104: a second RNN call creates the same variables again without reuse."""
from __future__ import annotations

from typing import Iterator

from rnn_reuse_lint.finding import Finding, Related
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.rules.base import Invalid, Rule, RuleContext, Valid


class SecondRnnSameScope(Rule):
    """
    ## What it does
    Finds an RNN call whose new cell would create variables that an earlier call in the same module
    already created, without reuse: two `dynamic_rnn` calls with the default scope, two cells with the
    same `name=`, or one helper that builds an RNN called twice without a reuse scope around the second call.

    ## Why is this bad?
    Graph construction fails with `ValueError: Variable rnn/lstm_cell/kernel already exists, disallowed.
    Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?` (every TensorFlow version). If the
    two calls were meant to share weights, say so with a reuse scope; if not, give them different scopes.

    ## Example
    ```python
    out_a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), a, dtype=tf.float32)
    out_b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), b, dtype=tf.float32)
    ```

    ## Use instead
    ```python
    out_a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), a, dtype=tf.float32, scope="rnn_a")
    out_b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(64), b, dtype=tf.float32, scope="rnn_b")
    ```

    ## Known problems
    Only fully known scope paths are compared; scopes named from variables or `default_name` (which
    TensorFlow uniquifies) are not.
    """

    code = "RNN104"
    name = "second-rnn-same-scope"
    summary = "A second RNN call would create variables that already exist (\"already exists, disallowed\")."

    VALID = (
        Valid("different-scopes",
              "import tensorflow as tf\n"
              "a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, scope='a', dtype=tf.float32)\n"
              "b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), y, scope='b', dtype=tf.float32)\n"),
        Valid("auto-reuse",
              "import tensorflow as tf\n"
              "def tower(x):\n    with tf.variable_scope('tower', reuse=tf.AUTO_REUSE):\n"
              "        return tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
              "left = tower(a)\nright = tower(b)\n"),
    )
    INVALID = (
        Invalid("two-default-scopes",
                "import tensorflow as tf\n"
                "a, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), x, dtype=tf.float32)\n"
                "b, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.LSTMCell(4), y, dtype=tf.float32)\n",
                line=3, contains="`rnn/lstm_cell/kernel` is created again here"),
        Invalid("helper-called-twice",
                "import tensorflow as tf\n"
                "def encode(x):\n    with tf.variable_scope('encoder'):\n"
                "        return tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
                "first = encode(a)\nsecond = encode(b)\n", line=6, contains="line 5"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        for issue in model.scopes.issues:
            if issue.code != self.code or issue.other_span is None:
                continue
            message = (f"`{issue.variable}` is created again here (by a `{issue.driver}`) after line "
                       f"{issue.other_span.line} created it without reuse: TensorFlow raises \"Variable "
                       f"{issue.variable} already exists, disallowed\"")
            related = (Related(context.path, issue.other_span, f"`{issue.variable}` is first created here"),)
            yield self.finding(context, issue.span, message, related)
