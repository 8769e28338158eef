"""tf.contrib.layers' common pieces on TF 2 as TF 1.15 builds them: initializers, regularizers, layers, embed_sequence."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# Real projects call these around their RNNs (an attention projection, dropout between levels); a stand-in there
# gives stand-in tensors that fail further on ("Input 'y' of 'Mul' Op has type float32 that does not match type
# int64"), before the RNN line. Variable names and scopes follow TF 1.15's contrib/layers/python/layers/layers.py
# (`fully_connected/weights`, `fully_connected/biases`), checked against it in tests/dynamic/test_contrib_layers.py.
import numbers


def functions(v1):
    """The ported functions by name, on the TF1-style API object `v1`."""

    def xavier_initializer(uniform=True, seed=None, dtype=None):
        if uniform:
            return v1.glorot_uniform_initializer(seed=seed)
        return v1.glorot_normal_initializer(seed=seed)

    def _regularizer(kind, scale, scope, loss):
        if isinstance(scale, numbers.Integral):
            raise ValueError("scale cannot be an integer: %s" % scale)
        if isinstance(scale, numbers.Real):
            if scale < 0.:
                raise ValueError("Setting a scale less than 0 on a regularizer: %g" % scale)
            if scale == 0.:
                return lambda _: None

        def regularize(weights):
            with v1.name_scope(scope, kind, [weights]) as name:
                factor = v1.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
                return v1.multiply(factor, loss(weights), name=name)
        return regularize

    def l2_regularizer(scale, scope=None):
        return _regularizer("l2_regularizer", scale, scope, v1.nn.l2_loss)

    def l1_regularizer(scale, scope=None):
        return _regularizer("l1_regularizer", scale, scope, lambda w: v1.reduce_sum(v1.abs(w)))

    def _collect(variable, collections, key):
        if isinstance(collections, dict):
            collections = collections.get(key)
        if collections:
            v1.add_to_collections(list(collections), variable)

    def fully_connected(inputs, num_outputs, activation_fn=v1.nn.relu, normalizer_fn=None, normalizer_params=None,
                        weights_initializer=None, weights_regularizer=None,
                        biases_initializer=v1.zeros_initializer(), biases_regularizer=None, reuse=None,
                        variables_collections=None, outputs_collections=None, trainable=True, scope=None):
        if not isinstance(num_outputs, numbers.Integral):
            raise ValueError("num_outputs type should be one of (int, long), got %s." % type(num_outputs))
        with v1.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
            inputs = v1.convert_to_tensor(inputs)
            dtype = inputs.dtype.base_dtype
            depth = v1.dimension_value(inputs.get_shape()[-1])
            weights = v1.get_variable("weights", [depth, num_outputs], dtype=dtype,
                                      initializer=weights_initializer or xavier_initializer(),
                                      regularizer=weights_regularizer, trainable=trainable)
            _collect(weights, variables_collections, "weights")
            rank = inputs.get_shape().ndims
            if rank is not None and rank > 2:
                # Dense's own reading of a [batch, ..., depth] input: the last axis against the kernel
                outputs = v1.tensordot(inputs, weights, [[rank - 1], [0]])
                outputs.set_shape(inputs.get_shape()[:-1].concatenate([num_outputs]))
            else:
                outputs = v1.matmul(inputs, weights)
            if not normalizer_fn and biases_initializer is not None:
                biases = v1.get_variable("biases", [num_outputs], dtype=dtype, initializer=biases_initializer,
                                         regularizer=biases_regularizer, trainable=trainable)
                _collect(biases, variables_collections, "biases")
                outputs = v1.nn.bias_add(outputs, biases)
            if normalizer_fn is not None:
                outputs = normalizer_fn(outputs, **(normalizer_params or {}))
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            if outputs_collections:
                v1.add_to_collections(outputs_collections, outputs)
            return outputs

    def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None, scope=None,
                seed=None):
        with v1.variable_scope(scope, "Dropout", [inputs]):
            inputs = v1.convert_to_tensor(inputs)
            outputs = v1.layers.dropout(inputs, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                        training=is_training)
            if outputs_collections:
                v1.add_to_collections(outputs_collections, outputs)
            return outputs

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
            "l1_regularizer": l1_regularizer, "l2_regularizer": l2_regularizer,
            "fully_connected": fully_connected, "linear": _linear(fully_connected), "dropout": dropout,
            "embed_sequence": embed_sequence}


def _linear(fully_connected):
    """contrib.layers.linear: fully_connected without an activation."""
    def linear(inputs, num_outputs, **kwargs):
        kwargs["activation_fn"] = None
        return fully_connected(inputs, num_outputs, **kwargs)
    return linear
