"""TF 0.x-1.1 RNN module paths that later TF 1.x releases dropped, served from where the same objects live there."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import importlib
import importlib.abc
import importlib.machinery
import sys
import types

# Where TF's source history moved each module's contents (checked against real TF 1.1 and TF 1.15 installs:
# tests/dynamic/test_moved_modules.py). Earlier targets win when two hold the same name.
MOVED = {
    # TF 1.0-1.1: the core cells, `_linear` and the cell wrappers; from 1.2 the cells are in
    # python/ops/rnn_cell_impl.py, `_linear` and the wrappers in contrib's core_rnn_cell.py
    "tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl": ("tensorflow.python.ops.rnn_cell_impl",
                                                             "tensorflow.contrib.rnn.python.ops.core_rnn_cell"),
    # TF 1.0-1.1: static_rnn, static_bidirectional_rnn, static_state_saving_rnn; python/ops/rnn.py from 1.2
    "tensorflow.contrib.rnn.python.ops.core_rnn": ("tensorflow.python.ops.rnn",),
}
# TF 0.x's seq2seq library (`from tensorflow.python.ops import seq2seq`), contrib's legacy_seq2seq from 1.0 (gone
# before TF 1.1, so kept out of the table above, which is checked against TF 1.1)
TF0_MOVED = {"tensorflow.python.ops.seq2seq": ("tensorflow.contrib.legacy_seq2seq",)}
_ALL = dict(TF0_MOVED, **MOVED)


class MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on sys.meta_path: asked only for a module this TensorFlow does not have under that name."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _ALL:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        found = []
        for name in _ALL[spec.name]:
            try:
                source = importlib.import_module(name)
            except ImportError:
                continue
            found.append(name)
            for attr, value in vars(source).items():
                if not (attr.startswith("__") and attr.endswith("__")) and attr not in module.__dict__:
                    module.__dict__[attr] = value
        if not found:
            raise ImportError("No module named %r (nor %s in this TensorFlow)" % (spec.name, ", ".join(_ALL[spec.name])),
                              name=spec.name)
        module.__doc__ = "%s as later TensorFlow releases hold it: %s" % (spec.name, ", ".join(found))
        return module

    def exec_module(self, module):
        pass


def install():
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())
