"""tf.contrib.rnn's core_rnn_cell on TF 2: the embedding and projection wrappers and the linear map legacy_seq2seq builds on."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import math
from typing import Any


def classes(v1):
    """The wrapper classes on TF 2's compat.v1 RNNCell, with TF 1.15's class names (their layer scopes come from
    them: embedding_wrapper/, output_projection_wrapper/) and its variable names ("embedding", "kernel", "bias")."""
    from tensorflow.python.ops import rnn_cell_impl
    from tensorflow.python.util import nest

    base: Any = v1.nn.rnn_cell.RNNCell  # known at run time only; mypy needs the Any to take it as a base
    is_nested = getattr(nest, "is_nested", None) or getattr(nest, "is_sequence")

    class Linear(object):
        """sum_i(args[i] * W[i]) + b: its variables are made when it is built, in the scope current then."""

        def __init__(self, args, output_size, build_bias, bias_initializer=None, kernel_initializer=None):
            self._build_bias = build_bias
            if args is None or (is_nested(args) and not args):
                raise ValueError("`args` must be specified")
            self._is_sequence = is_nested(args)
            args = list(args) if self._is_sequence else [args]
            total = 0
            for shape in [a.get_shape() for a in args]:
                if shape.ndims != 2:
                    raise ValueError("linear is expecting 2D arguments: %s" % [a.get_shape() for a in args])
                size = v1.dimension_value(shape[1])
                if size is None:
                    raise ValueError("linear expects shape[1] to be provided for shape %s, but saw %s"
                                     % (shape, shape[1]))
                total += size
            dtype = args[0].dtype
            # TF 1.15 re-enters the current scope (a scope object, so no new name) for the weights, and again
            # without a partitioner for the bias
            with v1.variable_scope(v1.get_variable_scope()) as outer:
                self._weights = v1.get_variable(rnn_cell_impl._WEIGHTS_VARIABLE_NAME, [total, output_size],
                                                dtype=dtype, initializer=kernel_initializer)
                if build_bias:
                    with v1.variable_scope(outer) as inner:
                        inner.set_partitioner(None)
                        if bias_initializer is None:
                            bias_initializer = v1.constant_initializer(0.0, dtype=dtype)
                        self._biases = v1.get_variable(rnn_cell_impl._BIAS_VARIABLE_NAME, [output_size],
                                                       dtype=dtype, initializer=bias_initializer)

        def __call__(self, args):
            args = list(args) if self._is_sequence else [args]
            res = v1.matmul(args[0] if len(args) == 1 else v1.concat(args, 1), self._weights)
            return v1.nn.bias_add(res, self._biases) if self._build_bias else res

    class _Wrapper(base):
        """A cell around another: same state; the wrapped cell is called inside this one's layer scope."""

        def __init__(self, cell, reuse=None):
            super(_Wrapper, self).__init__(_reuse=reuse)
            rnn_cell_impl.assert_like_rnncell("cell", cell)
            self._cell = cell

        @property
        def state_size(self):
            return self._cell.state_size

        @property
        def output_size(self):
            return self._cell.output_size

        def zero_state(self, batch_size, dtype):
            with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
                return self._cell.zero_state(batch_size, dtype)

    class EmbeddingWrapper(_Wrapper):
        """Looks its (integer) inputs up in an "embedding" variable of its own, then runs the cell on them."""

        def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
            super(EmbeddingWrapper, self).__init__(cell, reuse=reuse)
            if embedding_classes <= 0 or embedding_size <= 0:
                raise ValueError("Both embedding_classes and embedding_size must be > 0: %d, %d."
                                 % (embedding_classes, embedding_size))
            self._embedding_classes = embedding_classes
            self._embedding_size = embedding_size
            self._initializer = initializer

        def call(self, inputs, state):
            with v1.device("/cpu:0"):
                initializer = self._initializer or v1.get_variable_scope().initializer
                if not initializer:
                    # uniform on (-sqrt 3, sqrt 3): variance 1, as TF 1.x chose
                    initializer = v1.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
                dtype = state[0].dtype if isinstance(state, tuple) else state.dtype
                embedding = v1.get_variable("embedding", [self._embedding_classes, self._embedding_size],
                                            initializer=initializer, dtype=dtype)
                embedded = v1.nn.embedding_lookup(embedding, v1.reshape(inputs, [-1]))
                return self._cell(embedded, state)

    class InputProjectionWrapper(_Wrapper):
        """Projects the inputs to num_proj with a Linear of its own before the cell."""

        def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
            super(InputProjectionWrapper, self).__init__(cell, reuse=reuse)
            self._num_proj = num_proj
            self._activation = activation
            self._linear = None

        def call(self, inputs, state):
            if self._linear is None:
                self._linear = Linear(inputs, self._num_proj, True)
            projected = self._linear(inputs)
            if self._activation:
                projected = self._activation(projected)
            return self._cell(projected, state)

    class OutputProjectionWrapper(_Wrapper):
        """Projects the cell's output to output_size with a Linear of its own, made after the cell's variables."""

        def __init__(self, cell, output_size, activation=None, reuse=None):
            super(OutputProjectionWrapper, self).__init__(cell, reuse=reuse)
            if output_size < 1:
                raise ValueError("Parameter output_size must be > 0: %d." % output_size)
            self._output_size = output_size
            self._activation = activation
            self._linear = None

        @property
        def output_size(self):
            return self._output_size

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            if self._linear is None:
                self._linear = Linear(output, self._output_size, True)
            projected = self._linear(output)
            if self._activation:
                projected = self._activation(projected)
            return projected, res_state

    return {"Linear": Linear, "EmbeddingWrapper": EmbeddingWrapper,
            "InputProjectionWrapper": InputProjectionWrapper, "OutputProjectionWrapper": OutputProjectionWrapper}


# the wrappers tf.contrib.rnn (TF 1.0-1.15) and TF 0.x's rnn_cell exported
WRAPPERS = ("EmbeddingWrapper", "InputProjectionWrapper", "OutputProjectionWrapper")
