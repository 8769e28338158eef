"""`import keras` in traced code served by tf_keras: the Keras 2 API old projects were written for."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# Why: with TF_USE_LEGACY_KERAS=1, `tf.keras` is tf_keras (Keras 2) while a bare `import keras` is Keras 3, whose
# cells the tracer does not hook and whose Sequential rejects what Keras 2 took. Code written against standalone
# Keras 2 (the projects this tool reads) meant the Keras 2 API, which tf_keras is. Where tf_keras is not installed
# (a TF 1.x interpreter), the import goes to whatever `keras` that interpreter has.

# Keras 1/2 spread `keras.layers` over modules that tf_keras folds into `tf_keras.layers` (every name is there)
_LAYER_MODULES = frozenset((
    "recurrent", "core", "wrappers", "embeddings", "convolutional", "convolutional_recurrent", "pooling",
    "normalization", "merge", "advanced_activations", "noise", "local", "cudnn_recurrent"))
_MOVED = {"utils.np_utils": "src.utils.np_utils", "engine": "src.engine", "engine.topology": "src.engine.functional"}


def target(name):
    """The tf_keras module standing for `keras` module `name`, or None for a name outside Keras."""
    if name != "keras" and not name.startswith("keras."):
        return None
    rest = name.split(".")[1:]
    if len(rest) >= 2 and rest[0] == "layers" and rest[1] in _LAYER_MODULES:
        rest = ["layers"] + rest[2:]
    tail = ".".join(rest)
    tail = _MOVED.get(tail, tail)
    return "tf_keras" + ("." + tail if tail else "")


def importer(real_import):
    """Wrap an __import__: Keras names try tf_keras first, then the real `keras`."""
    def keras_import(name, globals=None, locals=None, fromlist=(), level=0):
        mapped = target(name) if level == 0 else None
        if mapped is not None:
            try:
                return real_import(mapped, globals, locals, fromlist, level)
            except ImportError:
                pass
        return real_import(name, globals, locals, fromlist, level)
    return keras_import
