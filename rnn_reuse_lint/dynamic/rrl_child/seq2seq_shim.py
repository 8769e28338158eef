"""tf.contrib.legacy_seq2seq on TF 2: its decoders, models and losses on compat.v1, with TF 1.15's scopes and variables."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import copy


def functions(v1, cells):
    """The port's public functions by name; cells: core_cell_shim.classes(v1) (the wrappers and Linear)."""
    from tensorflow.python.ops import rnn as rnn_ops

    from . import seq2seq_attention, seq2seq_embedding

    def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
        with v1.variable_scope(scope or "rnn_decoder"):
            state = initial_state
            outputs = []
            prev = None
            for i, inp in enumerate(decoder_inputs):
                if loop_function is not None and prev is not None:
                    with v1.variable_scope("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                if i > 0:
                    v1.get_variable_scope().reuse_variables()
                output, state = cell(inp, state)
                outputs.append(output)
                if loop_function is not None:
                    prev = output
        return outputs, state

    def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=v1.float32, scope=None):
        with v1.variable_scope(scope or "basic_rnn_seq2seq"):
            # TF 1.1+ encodes with a deep copy: encoder and decoder never share (TF_RNN_SEMANTICS.md §4)
            _, enc_state = rnn_ops.static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
            return rnn_decoder(decoder_inputs, enc_state, cell)

    def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None, dtype=v1.float32, scope=None):
        with v1.variable_scope("combined_tied_rnn_seq2seq"):
            scope = scope or "tied_rnn_seq2seq"
            _, enc_state = rnn_ops.static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
            v1.get_variable_scope().reuse_variables()
            return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function, scope=scope)

    def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                                 softmax_loss_function=None, name=None):
        if not len(logits) == len(targets) == len(weights):
            raise ValueError("Lengths of logits, weights, and targets must be the same %d, %d, %d."
                             % (len(logits), len(weights), len(targets)))
        with v1.name_scope(name, "sequence_loss_by_example", list(logits) + list(targets) + list(weights)):
            losses = []
            for logit, target, weight in zip(logits, targets, weights):
                if softmax_loss_function is None:
                    loss = v1.nn.sparse_softmax_cross_entropy_with_logits(labels=v1.reshape(target, [-1]),
                                                                          logits=logit)
                else:
                    loss = softmax_loss_function(labels=target, logits=logit)
                losses.append(loss * weight)
            total = v1.add_n(losses)
            if average_across_timesteps:
                total /= v1.add_n(weights) + 1e-12
        return total

    def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                      softmax_loss_function=None, name=None):
        with v1.name_scope(name, "sequence_loss", list(logits) + list(targets) + list(weights)):
            cost = v1.reduce_sum(sequence_loss_by_example(
                logits, targets, weights, average_across_timesteps=average_across_timesteps,
                softmax_loss_function=softmax_loss_function))
            if average_across_batch:
                cost /= v1.cast(v1.shape(targets[0])[0], cost.dtype)
        return cost

    def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                           softmax_loss_function=None, per_example_loss=False, name=None):
        for what, given, need in (("encoder_inputs", encoder_inputs, buckets[-1][0]),
                                  ("targets", targets, buckets[-1][1]), ("weights", weights, buckets[-1][1])):
            if len(given) < need:
                raise ValueError("Length of %s (%d) must be at least that of last bucket (%d)."
                                 % (what, len(given), need))
        loss_of = sequence_loss_by_example if per_example_loss else sequence_loss
        losses, outputs = [], []
        with v1.name_scope(name, "model_with_buckets", encoder_inputs + decoder_inputs + targets + weights):
            for j, bucket in enumerate(buckets):
                # the first bucket makes the model's variables; every later one reuses them (one model, many lengths)
                with v1.variable_scope(v1.get_variable_scope(), reuse=True if j > 0 else None):
                    bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]], decoder_inputs[:bucket[1]])
                    outputs.append(bucket_outputs)
                    losses.append(loss_of(outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
                                          softmax_loss_function=softmax_loss_function))
        return outputs, losses

    found = {"rnn_decoder": rnn_decoder, "basic_rnn_seq2seq": basic_rnn_seq2seq,
             "tied_rnn_seq2seq": tied_rnn_seq2seq, "sequence_loss_by_example": sequence_loss_by_example,
             "sequence_loss": sequence_loss, "model_with_buckets": model_with_buckets}
    found.update(seq2seq_embedding.functions(v1, cells, found))
    found.update(seq2seq_attention.functions(v1, cells))
    return found
