"""TF 1.x's `tf.contrib.layers` pieces that TF 1-era RNN code feeds its cells with, built from tf.compat.v1 on TF 2."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)


def layers(v1):
    """The names served as `tf.contrib.layers` on TF 2 (any other name there stands in, see shim._missing)."""

    def xavier_initializer(uniform=True, seed=None, dtype=None):
        if uniform:
            return v1.glorot_uniform_initializer(seed=seed)
        return v1.glorot_normal_initializer(seed=seed)

    def embed_sequence(ids, vocab_size=None, embed_dim=None, unique=False, initializer=None, regularizer=None,
                       trainable=True, scope=None, reuse=None):
        # TF 1.15's contrib/layers/python/layers/encoders.py, step for step: the same scope and variable name
        # (`EmbedSequence/embeddings`), so what an RNN fed by it borrows is named as under TF 1. A stand-in here
        # gave the RNN a scalar for its inputs ("Input tensor should have rank >= 2").
        if not (reuse or (vocab_size and embed_dim)):
            raise ValueError("Must specify vocab size and embedding dimension when not reusing. Got vocab_size=%s "
                             "and embed_dim=%s" % (vocab_size, embed_dim))
        with v1.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
            # (TF 1.15's precedence kept: `reuse and vocab_size is None`, or no embed_dim)
            shape = None if reuse and vocab_size is None or embed_dim is None else [vocab_size, embed_dim]
            # contrib's model_variable: a get_variable also listed as a model variable
            embeddings = v1.get_variable("embeddings", shape=shape, initializer=initializer,
                                         regularizer=regularizer, trainable=trainable,
                                         collections=[v1.GraphKeys.GLOBAL_VARIABLES,
                                                      v1.GraphKeys.MODEL_VARIABLES])
            if unique:
                # embedding_lookup_unique looks each id up once: the same values and the same variable
                found, index = v1.unique(v1.reshape(ids, [-1]))
                rows = v1.gather(v1.nn.embedding_lookup(embeddings, found), index)
                return v1.reshape(rows, v1.concat([v1.shape(ids), v1.shape(rows)[1:]], 0))
            return v1.nn.embedding_lookup(embeddings, ids)

    return {"xavier_initializer": xavier_initializer, "xavier_initializer_conv2d": xavier_initializer,
            "embed_sequence": embed_sequence}
