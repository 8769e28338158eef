"""RNN104: a second RNN call creates the same variables again without reuse."""
from __future__ import annotations

from typing import Iterator

from rnn_reuse_lint.finding import Finding, Related
from rnn_reuse_lint.model import ModuleModel, ScopeIssue
from rnn_reuse_lint.rules.base import Evidence, Invalid, Rule, RuleContext, TraceError, Valid, at, created_here, line_in


class SecondRnnSameScope(Rule):
    """
    ## What it does
    Finds an RNN call whose new cell would create variables that an earlier call in the same module
    already created, without reuse: two `dynamic_rnn` calls with the default scope, two cells with the
    same `name=`, one helper that builds an RNN called twice without a reuse scope around the second call,
    or a loop that builds a new cell on every pass and runs it in the same scope each time.

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

    In a loop, name the scope after the loop index (`tf.variable_scope("layer_%d" % i)`) for separate
    weights, or call `tf.get_variable_scope().reuse_variables()` after the first pass to share them.

    ## Known problems
    Only fully known scope paths are compared; scopes named from variables or `default_name` (which
    TensorFlow uniquifies) are not. A loop counts only when it may run more than once and the call is not
    behind a condition or after an early `continue`/`break` in its body. Cells called directly
    (`cell(x, state)`) in one open `variable_scope` block are uniquified by TensorFlow 1.5+
    (`lstm_cell`, `lstm_cell_1`) and do not collide. Runs in different branches of one `if`/`match` never
    both happen (`if op == "train": model.train() elif op == "test": model.test()`). A counter advanced in the
    loop body (`layer_id += 1`) names a new scope on every pass, like a loop variable. Two objects of unknown
    class are not said to collide: different classes create different names.
    """

    code = "RNN104"
    name = "second-rnn-same-scope"
    summary = "A second RNN call would create variables that already exist (\"already exists, disallowed\")."
    facts = frozenset({"created_twice", "created_each_pass"})
    no_fix_by_design = ("whether the second run should reuse the first one's variables or have its own is a design "
                        "decision: a `scope=` of its own, or `reuse=True` (`rnn-reuse-lint rule RNN104`)")
    evidence = Evidence(sharing=frozenset({"created_twice", "created_each_pass"}), where="second_run",
                        errors=(TraceError(("already exists",), "TF {tf}: {message}"),))

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
        Valid("loop-scope-per-layer",
              "import tensorflow as tf\nout = x\nfor i in range(3):\n"
              "    with tf.variable_scope('layer_%d' % i):\n"
              "        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), out, dtype=tf.float32)\n"),
        Valid("loop-reuse-after-first-pass",
              "import tensorflow as tf\nwith tf.variable_scope('tower'):\n    for x in inputs:\n"
              "        out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)\n"
              "        tf.get_variable_scope().reuse_variables()\n"),
        Valid("direct-calls-one-block",
              "import tensorflow as tf\nwith tf.variable_scope('s'):\n"
              "    a = tf.nn.rnn_cell.GRUCell(4)\n    b = tf.nn.rnn_cell.GRUCell(4)\n"
              "    h, _ = a(x, s0)\n    g, _ = b(x, s0)\n"),
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
        Invalid("new-cell-every-pass",
                "import tensorflow as tf\nout = x\nfor i in range(3):\n"
                "    cell = tf.nn.rnn_cell.LSTMCell(4)\n"
                "    out, _ = tf.nn.dynamic_rnn(cell, out, dtype=tf.float32)\n",
                line=5, contains="next pass of the loop at line 3"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        for issue in model.scopes.issues:
            if issue.fact not in self.facts or issue.other_span is None:
                continue
            if issue.fact == "created_each_pass" and issue.loop_span is not None and issue.cell is not None:
                yield self._next_pass(context, issue)
                continue
            first = line_in(issue.other_span, issue.other_path, context)
            message = (f"`{issue.variable}` is created again here (by a `{issue.driver}`) after {first} created it "
                       f"without reuse: TensorFlow raises \"Variable "
                       f"{issue.variable} already exists, disallowed\"")
            related = (Related(issue.other_path or context.path, issue.other_span,
                               f"`{issue.variable}` is first created here"),)
            yield self.finding(context, issue.span, message, related)

    def _next_pass(self, context: RuleContext, issue: ScopeIssue) -> Finding:
        assert issue.loop_span is not None and issue.cell is not None
        cell = issue.cell
        message = (f"`{issue.variable}` is created again by this `{issue.driver}` on the next pass of the loop at line "
                   f"{issue.loop_span.line}: `{cell.label}` ({at(cell, context)}) is a new `{cell.cls}` on every "
                   f"pass, run under the same scope without reuse; TensorFlow raises \"Variable {issue.variable} "
                   f"already exists, disallowed\"")
        related = (
            Related(context.path, issue.loop_span, f"this loop runs the call again with a new `{cell.cls}`"),
            created_here(context, cell, f"`{cell.label}` ({cell.cls}) is created anew on every pass here"),
        )
        return self.finding(context, issue.span, message, related)
