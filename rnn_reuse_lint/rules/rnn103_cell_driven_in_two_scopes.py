"""RNN103: one cell object driven by two RNN calls under different variable scopes."""
from __future__ import annotations

from typing import Iterator

from rnn_reuse_lint.finding import Finding, Related
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.rules.base import (REFUSED, Evidence, Invalid, Rule, RuleContext, TraceError, Valid, at, created_here,
                                       line_in, unless)

_WHAT_VERSION_DOES = {
    "1.0": "TF 1.0 creates a second set of variables there, but from TF 1.2 on the second run silently reuses the first",
    "1.1": "TF 1.1 raises \"Attempt to reuse RNNCell\" at graph construction",
    "1.2": "TF 1.2+ creates no variables there: the second run silently uses the first run's weights",
    "1.15": "TF 1.15 creates no variables there: the second run silently uses the first run's weights",
    "2": "TF 2.x compat.v1 creates no variables there: the second run silently uses the first run's weights",
}


class CellDrivenInTwoScopes(Rule):
    """
    ## What it does
    Finds one cell object — or a layer of a stack — that is run by two RNN calls under different variable
    scopes, e.g. the same cell in `dynamic_rnn(..., scope="encoder")` and `dynamic_rnn(..., scope="decoder")`,
    or `decoder_cell = encoder_cell`, or one cell run in a loop under `tf.variable_scope("layer_%d" % i)`.
    For Keras, one cell object given to two different `RNN` layers.

    ## Why is this bad?
    From TF 1.2 an RNN cell is a layer that captures the scope of its first call and always returns to
    it. The second call's scope is ignored: no variables appear under `decoder/...`, and the decoder
    silently trains the encoder's weights. TF 1.1 raised `Attempt to reuse RNNCell ... with a different
    variable scope than its first use`; TF 1.0 created a second, separate set of variables — so code
    written for 1.0 changed meaning without an error.

    ## Example
    ```python
    cell = tf.nn.rnn_cell.GRUCell(128)
    enc_out, enc_state = tf.nn.dynamic_rnn(cell, source, scope="encoder", dtype=tf.float32)
    dec_out, _ = tf.nn.dynamic_rnn(cell, target, initial_state=enc_state, scope="decoder")
    ```

    ## Use instead
    ```python
    enc_cell = tf.nn.rnn_cell.GRUCell(128)
    dec_cell = tf.nn.rnn_cell.GRUCell(128)
    enc_out, enc_state = tf.nn.dynamic_rnn(enc_cell, source, scope="encoder", dtype=tf.float32)
    dec_out, _ = tf.nn.dynamic_rnn(dec_cell, target, initial_state=enc_state, scope="decoder")
    ```

    ## Known problems
    When the second scope asks for reuse (`reuse=True`, `tf.AUTO_REUSE`, `reuse_variables()`) the sharing is
    taken as intended and shown by `explain` only — unless reuse is on (`reuse=True`, `reuse_variables()`) in a
    scope that does not hold the cell's own variables (`variable_scope("decoder", reuse=True)` around the
    encoder's cell, or a memory update stepped after `reuse_variables()` for an attention cell made there): then
    the run works only because the cell returns to its first scope, and it is reported. A scope where the cell
    already ran again (a training decoder, reported there) is a target for the reuse. A run under a scope named
    after a loop variable (`"hop_%d" % t`, unknown count) is compared by the known scope above it; the passes of a
    spelled-out loop that all borrow from one earlier run are reported once, at the call. Runs inside functions
    nobody in the module calls are compared only with runs of the same function. Runs in different branches of
    one `if`/`match` never both happen and are not compared; a message never names the same scope twice (a cell run again under the
    scope of its first run is back in the same place). An object of unknown class (a parameter, a stack of
    a project's own cells) is reported with what the finding assumes; so is a cell whose class depends on a
    branch (`cell = GRUCell(h)`, `if use_lstm: cell = LSTMCell(h)`: one object either way), unless one branch
    is a project class that overrides `__call__` (it may create new variables on every call). Closures of this
    file handed to another project module and called back there (legacy `model_with_buckets` style) are
    followed, and the finding is placed at the closure's call in this file. A decoder loop that turns reuse on
    from its second step (`if t > 0: reuse_variables()`) is reported when the cell already has variables
    elsewhere and nothing was created under the loop's scope: either way the cell uses its first weights.
    """

    code = "RNN103"
    name = "cell-driven-in-two-scopes"
    summary = "One cell is run under two variable scopes; the second run silently uses the first run's weights."
    facts = frozenset({"borrowed_across_scopes"})
    no_fix_by_design = ("whether the two runs should share weights is a design decision: give the second run its own "
                        "cell, or run both under one scope with reuse (`rnn-reuse-lint rule RNN103`)")
    # TF 1.2+ builds no new weights for the second run: one with another input depth fails on the first run's
    # (a shape error in the first run's ops, or get_variable refusing the first run's variable at another shape)
    evidence = Evidence(sharing=frozenset({"borrowed_across_scopes"}), where="second_run",
                        errors=(REFUSED, TraceError(("Dimensions must be equal", "Trying to share variable"),
                                                    "TF {tf}: run again with another input depth, the cell fails on "
                                                    "its first run's weights: {message}", limit=200)))

    VALID = (
        Valid("two-cells-two-scopes",
              "import tensorflow as tf\nenc = tf.nn.rnn_cell.GRUCell(8)\ndec = tf.nn.rnn_cell.GRUCell(8)\n"
              "a, s = tf.nn.dynamic_rnn(enc, x, scope='encoder', dtype=tf.float32)\n"
              "b, _ = tf.nn.dynamic_rnn(dec, y, initial_state=s, scope='decoder')\n"),
        Valid("reuse-asked-for",
              "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\n"
              "with tf.variable_scope('tower'):\n    a, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
              "with tf.variable_scope('tower', reuse=True):\n    b, _ = tf.nn.dynamic_rnn(cell, y, dtype=tf.float32)\n"),
        Valid("time-steps-share-on-purpose",
              "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\nfor t in range(4):\n"
              "    with tf.variable_scope('step_%d' % t):\n        out, state = cell(steps[t], state)\n"),
    )
    INVALID = (
        Invalid("scope-arguments",
                "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\n"
                "a, s = tf.nn.dynamic_rnn(cell, x, scope='encoder', dtype=tf.float32)\n"
                "b, _ = tf.nn.dynamic_rnn(cell, y, initial_state=s, scope='decoder')\n",
                line=4, contains="`encoder/gru_cell"),
        Invalid("decoder-alias",
                "import tensorflow as tf\nenc = tf.nn.rnn_cell.LSTMCell(8)\ndec = enc\n"
                "with tf.variable_scope('encoder'):\n    a, _ = tf.nn.dynamic_rnn(enc, x, dtype=tf.float32)\n"
                "with tf.variable_scope('decoder'):\n    b, _ = tf.nn.dynamic_rnn(dec, y, dtype=tf.float32)\n",
                line=7, contains="`decoder/rnn`"),
        Invalid("one-cell-per-layer-scope",
                "import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\nfor i in range(3):\n"
                "    with tf.variable_scope('layer_%d' % i):\n"
                "        x, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n",
                line=5, contains="every pass of the loop at line 3"),
    )

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        verdict = _WHAT_VERSION_DOES.get(context.settings.tf_version, _WHAT_VERSION_DOES["2"])
        for issue in model.scopes.issues:
            if issue.fact not in self.facts or issue.cell is None or issue.other_span is None:
                continue
            cell = issue.cell
            if issue.loop_span is not None:
                message = (f"`{cell.label}` ({at(cell, context)}) is run by this `{issue.driver}` on every pass of the "
                           f"loop at line {issue.loop_span.line}, under a different scope on every pass; a cell "
                           f"keeps the scope of its first run, so every later pass silently reuses the first pass's "
                           f"weights{unless(cell)}: create the cell inside the loop")
                yield self.finding(context, issue.span, message, (
                    Related(context.path, issue.loop_span, f"every pass of this loop runs `{cell.label}` again"),
                    created_here(context, cell, f"`{cell.label}` ({cell.cls}) is created once, before the loop"),
                ))
                continue
            if issue.scope == "keras":
                message = (f"`{cell.label}` ({at(cell, context)}) already runs in the `RNN` layer at "
                           f"{line_in(issue.other_span, issue.other_path, context)}; this second `RNN` layer shares "
                           f"its weights")
            else:
                first = line_in(issue.other_span, issue.other_path, context)
                message = (f"`{cell.label}` ({at(cell, context)}) first ran under `{issue.other_scope}` ({first}); run "
                           f"again here under `{issue.scope}`, it keeps using `{issue.variable or issue.other_scope}`"
                           f"{unless(cell)}: {verdict}")
            related = (
                Related(issue.other_path or context.path, issue.other_span, f"first run of `{cell.label}`, under `{issue.other_scope}`"),
                created_here(context, cell),
            )
            yield self.finding(context, issue.span, message, related)
