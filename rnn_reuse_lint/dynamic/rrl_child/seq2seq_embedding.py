"""legacy_seq2seq's embedding models on TF 2 (embedding_rnn_decoder/_seq2seq, embedding_tied_rnn_seq2seq), TF 1.15's scopes."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import copy


def argmax_and_embed(v1, embedding, output_projection=None, update_embedding=True):
    """The loop function of a decoder fed its own output: embed the previous step's most likely symbol."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = v1.nn.xw_plus_b(prev, output_projection[0], output_projection[1])
        embedded = v1.nn.embedding_lookup(embedding, v1.argmax(prev, 1))
        return embedded if update_embedding else v1.stop_gradient(embedded)
    return loop_function


def check_projection(v1, output_projection, num_symbols, dtype, weights=True):
    """The shape checks TF 1.15 makes of an output projection (W, B) before building anything."""
    if output_projection is None:
        return
    if weights:
        w = v1.convert_to_tensor(output_projection[0], dtype=dtype)
        w.get_shape().assert_is_compatible_with([None, num_symbols])
    b = v1.convert_to_tensor(output_projection[1], dtype=dtype)
    b.get_shape().assert_is_compatible_with([num_symbols])


def decode_both_ways(v1, feed_previous, n_outputs, decode, structure):
    """feed_previous given as a tensor: the decoder is built twice under one cond, the feeding branch first (it
    makes the variables, reuse unset) and the other with reuse=True; decode(feed) -> (outputs, state).
    structure() gives the state's nesting to rebuild the state from the cond's flat list."""
    from tensorflow.python.util import nest
    is_nested = getattr(nest, "is_nested", None) or getattr(nest, "is_sequence")

    def branch(feed):
        with v1.variable_scope(v1.get_variable_scope(), reuse=None if feed else True):
            outputs, state = decode(feed)
        return list(outputs) + (nest.flatten(state) if is_nested(state) else [state])

    both = v1.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    states = both[n_outputs:]
    state = states[0]
    shape = structure()
    if is_nested(shape):
        state = nest.pack_sequence_as(structure=shape, flat_sequence=states)
    return both[:n_outputs], state


def functions(v1, cells, base):
    """The embedding models by name; base: the port's rnn_decoder and tied_rnn_seq2seq (seq2seq_shim)."""
    from tensorflow.python.ops import rnn as rnn_ops

    rnn_decoder, tied_rnn_seq2seq = base["rnn_decoder"], base["tied_rnn_seq2seq"]

    def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                              output_projection=None, feed_previous=False, update_embedding_for_previous=True,
                              scope=None):
        with v1.variable_scope(scope or "embedding_rnn_decoder") as scope:
            check_projection(v1, output_projection, num_symbols, scope.dtype)
            embedding = v1.get_variable("embedding", [num_symbols, embedding_size])
            loop = (argmax_and_embed(v1, embedding, output_projection, update_embedding_for_previous)
                    if feed_previous else None)
            embedded = (v1.nn.embedding_lookup(embedding, i) for i in decoder_inputs)
            return rnn_decoder(embedded, initial_state, cell, loop_function=loop)

    def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                              embedding_size, output_projection=None, feed_previous=False, dtype=None, scope=None):
        with v1.variable_scope(scope or "embedding_rnn_seq2seq") as scope:
            if dtype is not None:
                scope.set_dtype(dtype)
            else:
                dtype = scope.dtype
            # the encoder runs a deep copy of the cell (TF 1.1+): encoder and decoder never share its variables
            encoder_cell = cells["EmbeddingWrapper"](copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                                     embedding_size=embedding_size)
            _, encoder_state = rnn_ops.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
            if output_projection is None:
                cell = cells["OutputProjectionWrapper"](cell, num_decoder_symbols)

            def decode(feed, update=True):
                return embedding_rnn_decoder(decoder_inputs, encoder_state, cell, num_decoder_symbols,
                                             embedding_size, output_projection=output_projection,
                                             feed_previous=feed, update_embedding_for_previous=update)
            if isinstance(feed_previous, bool):
                return decode(feed_previous)
            return decode_both_ways(v1, feed_previous, len(decoder_inputs), lambda feed: decode(feed, False),
                                    lambda: encoder_state)

    def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols, embedding_size,
                                   num_decoder_symbols=None, output_projection=None, feed_previous=False,
                                   dtype=None, scope=None):
        with v1.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
            dtype = scope.dtype
            check_projection(v1, output_projection, num_symbols, dtype)
            # one embedding for both sides, and one cell: tied_rnn_seq2seq reuses it for the decoder on purpose
            embedding = v1.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
            enc = [v1.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
            dec = [v1.nn.embedding_lookup(embedding, x) for x in decoder_inputs]
            if output_projection is None:
                cell = cells["OutputProjectionWrapper"](
                    cell, num_symbols if num_decoder_symbols is None else num_decoder_symbols)

            def decode(feed, update=True):
                loop = argmax_and_embed(v1, embedding, output_projection, update) if feed else None
                return tied_rnn_seq2seq(enc, dec, cell, loop_function=loop, dtype=dtype)
            if isinstance(feed_previous, bool):
                return decode(feed_previous)

            def structure():
                batch = encoder_inputs[0].get_shape()[0]
                for inp in encoder_inputs[1:]:
                    batch.merge_with(inp.get_shape()[0])
                size = v1.dimension_value(batch)
                return cell.zero_state(v1.shape(encoder_inputs[0])[0] if size is None else size, dtype)
            return decode_both_ways(v1, feed_previous, len(decoder_inputs), lambda feed: decode(feed, False),
                                    structure)

    return {"embedding_rnn_decoder": embedding_rnn_decoder, "embedding_rnn_seq2seq": embedding_rnn_seq2seq,
            "embedding_tied_rnn_seq2seq": embedding_tied_rnn_seq2seq}
