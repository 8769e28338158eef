"""TF 1.x internal modules' functions that TF 2 moved to modules of their own, served again where TF 1.x code reads them."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# Seq2seq code of the TF 1.x era imports TensorFlow's own op modules (`from tensorflow.python.ops import array_ops`)
# and calls `array_ops.stack`, `control_flow_ops.cond`. TF 2 split those files: the functions still exist, as the
# very objects tf.compat.v1 exports (tests/dynamic/test_moved_names.py checks both ends), under other modules, and the
# old attribute raises AttributeError (a pointer network's attention size became a stand-in, then a shape error).
import importlib

_OPS = "tensorflow.python.ops."
# module TF 1.15 held the name in -> {name: module TF 2 holds it in}
MOVED_NAMES = {
    _OPS + "array_ops": {"stack": _OPS + "array_ops_stack", "unstack": _OPS + "array_ops_stack"},
    _OPS + "control_flow_ops": {"cond": _OPS + "cond", "case": _OPS + "control_flow_case",
                                "while_loop": _OPS + "while_loop", "Assert": _OPS + "control_flow_assert",
                                "switch_case": _OPS + "control_flow_switch_case"},
    _OPS + "random_ops": {"random_crop": _OPS + "random_crop_ops"},
}


def install():
    """Put each moved function back on its TF 1.x module where this TensorFlow lacks it there; idempotent."""
    for old, names in MOVED_NAMES.items():
        try:
            module = importlib.import_module(old)
        except ImportError:
            continue
        for name, new in names.items():
            if hasattr(module, name):
                continue
            try:
                setattr(module, name, getattr(importlib.import_module(new), name))
            except (ImportError, AttributeError):
                pass
