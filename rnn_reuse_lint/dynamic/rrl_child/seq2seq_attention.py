"""legacy_seq2seq's attention models on TF 2 (attention_decoder, embedding_attention_decoder/_seq2seq), TF 1.15's scopes."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import copy

from .seq2seq_embedding import argmax_and_embed, check_projection, decode_both_ways


def functions(v1, cells):
    """The attention models by name; cells: core_cell_shim.classes(v1)."""
    from tensorflow.python.ops import rnn as rnn_ops
    from tensorflow.python.util import nest

    is_nested = getattr(nest, "is_nested", None) or getattr(nest, "is_sequence")
    linear = cells["Linear"]

    def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None, num_heads=1,
                          loop_function=None, dtype=None, scope=None, initial_state_attention=False):
        if not decoder_inputs:
            raise ValueError("Must provide at least 1 input to attention decoder.")
        if num_heads < 1:
            raise ValueError("With less than 1 heads, use a non-attention decoder.")
        attn_size = v1.dimension_value(attention_states.get_shape()[2])
        if attn_size is None:
            raise ValueError("Shape[2] of attention_states must be known: %s" % attention_states.get_shape())
        if output_size is None:
            output_size = cell.output_size
        with v1.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
            dtype = scope.dtype
            batch_size = v1.shape(decoder_inputs[0])[0]
            attn_length = v1.dimension_value(attention_states.get_shape()[1])
            if attn_length is None:
                attn_length = v1.shape(attention_states)[1]
            # W1 * h_t for every encoder state at once: a 1x1 convolution over [batch, length, 1, size]
            hidden = v1.reshape(attention_states, [-1, attn_length, 1, attn_size])
            features, vs = [], []
            for a in range(num_heads):
                k = v1.get_variable("AttnW_%d" % a, [1, 1, attn_size, attn_size], dtype=dtype)
                features.append(v1.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
                vs.append(v1.get_variable("AttnV_%d" % a, [attn_size], dtype=dtype))

            def attention(query):
                """One read per head; each head's query projection lives in its own Attention_<a> scope."""
                if is_nested(query):
                    query = v1.concat(nest.flatten(query), 1)
                reads = []
                for a in range(num_heads):
                    with v1.variable_scope("Attention_%d" % a):
                        y = linear(query, attn_size, True)(query)
                        y = v1.cast(v1.reshape(y, [-1, 1, 1, attn_size]), dtype)
                        s = v1.reduce_sum(vs[a] * v1.tanh(features[a] + y), [2, 3])
                        weights = v1.cast(v1.nn.softmax(v1.cast(s, dtype=v1.float32)), dtype)
                        d = v1.reduce_sum(v1.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                        reads.append(v1.reshape(d, [-1, attn_size]))
                return reads

            state = initial_state
            outputs = []
            prev = None
            attns = [v1.zeros(v1.stack([batch_size, attn_size]), dtype=dtype) for _ in range(num_heads)]
            for a in attns:
                a.set_shape([None, attn_size])
            if initial_state_attention:
                attns = attention(initial_state)
            for i, inp in enumerate(decoder_inputs):
                if i > 0:
                    # every step after the first reuses the first step's variables (cell, Linear, attention)
                    v1.get_variable_scope().reuse_variables()
                if loop_function is not None and prev is not None:
                    with v1.variable_scope("loop_function", reuse=True):
                        inp = loop_function(prev, i)
                input_size = v1.dimension_value(inp.get_shape().with_rank(2)[1])
                if input_size is None:
                    raise ValueError("Could not infer input size from input: %s" % inp.name)
                merged = [v1.cast(e, dtype) for e in [inp] + attns]
                x = linear(merged, input_size, True)(merged)
                cell_output, state = cell(x, state)
                if i == 0 and initial_state_attention:
                    with v1.variable_scope(v1.get_variable_scope(), reuse=True):
                        attns = attention(state)
                else:
                    attns = attention(state)
                with v1.variable_scope("AttnOutputProjection"):
                    merged = [v1.cast(cell_output, dtype)] + attns
                    output = linear(merged, output_size, True)(merged)
                if loop_function is not None:
                    prev = output
                outputs.append(output)
        return outputs, state

    def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell, num_symbols,
                                    embedding_size, num_heads=1, output_size=None, output_projection=None,
                                    feed_previous=False, update_embedding_for_previous=True, dtype=None,
                                    scope=None, initial_state_attention=False):
        if output_size is None:
            output_size = cell.output_size
        check_projection(v1, output_projection, num_symbols, dtype, weights=False)
        with v1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
            embedding = v1.get_variable("embedding", [num_symbols, embedding_size])
            loop = (argmax_and_embed(v1, embedding, output_projection, update_embedding_for_previous)
                    if feed_previous else None)
            embedded = [v1.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
            return attention_decoder(embedded, initial_state, attention_states, cell, output_size=output_size,
                                     num_heads=num_heads, loop_function=loop,
                                     initial_state_attention=initial_state_attention)

    def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                                    embedding_size, num_heads=1, output_projection=None, feed_previous=False,
                                    dtype=None, scope=None, initial_state_attention=False):
        with v1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
            dtype = scope.dtype
            # the encoder runs a deep copy of the cell (TF 1.1+): encoder and decoder never share its variables
            encoder_cell = cells["EmbeddingWrapper"](copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                                     embedding_size=embedding_size)
            encoder_outputs, encoder_state = rnn_ops.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
            top_states = [v1.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
            attention_states = v1.concat(top_states, 1)
            output_size = None
            if output_projection is None:
                cell = cells["OutputProjectionWrapper"](cell, num_decoder_symbols)
                output_size = num_decoder_symbols

            def decode(feed, update=True):
                return embedding_attention_decoder(
                    decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols, embedding_size,
                    num_heads=num_heads, output_size=output_size, output_projection=output_projection,
                    feed_previous=feed, update_embedding_for_previous=update,
                    initial_state_attention=initial_state_attention)
            if isinstance(feed_previous, bool):
                return decode(feed_previous)
            return decode_both_ways(v1, feed_previous, len(decoder_inputs), lambda feed: decode(feed, False),
                                    lambda: encoder_state)

    return {"attention_decoder": attention_decoder, "embedding_attention_decoder": embedding_attention_decoder,
            "embedding_attention_seq2seq": embedding_attention_seq2seq}
