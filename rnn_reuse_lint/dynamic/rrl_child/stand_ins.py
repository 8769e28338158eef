"""Which values the child made up (stubs, synthesized placeholders), and whether a failing TF call was fed by them."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import os

from .graph_walk import any_op, graph_op
from .stubs import Stub

# where TensorFlow's and Keras's own code lives: a frame there is TensorFlow's, not the program's
TF_DIRS = (os.sep + "tensorflow" + os.sep, os.sep + "tf_keras" + os.sep, os.sep + "keras" + os.sep,
           os.sep + "tensorflow_core" + os.sep)
_OPS_LIMIT = 2000     # graph ops walked back per value: what one statement's inputs are computed from
_LOCALS_LIMIT = 50    # values looked at per frame
# What TensorFlow says when variables are shared or missing: the finding's own symptom, never a stand-in's fault
SHARING_SYMPTOMS = ("already exists", "does not exist", "share variable", "Trying to share")


class StandIns(object):
    """The synthesized placeholders of one file, by graph and op name."""

    def __init__(self):
        self.ops = set()

    def record(self, value):
        """Note a placeholder (or a list of them) the factory made; returns it."""
        for item in value if isinstance(value, list) else [value]:
            op = graph_op(item)
            if op is not None:
                self.ops.add((id(op.graph), op.name))
        return value

    def fed(self, value):
        """Whether a value is a stand-in or a graph tensor computed from one."""
        if isinstance(value, Stub):
            return True
        return bool(self.ops) and any_op(
            value, lambda op: op.type == "Placeholder" and (id(op.graph), op.name) in self.ops, _OPS_LIMIT)

    def in_traceback(self, tb):
        """Whether a TensorFlow frame of this traceback held a stand-in (or a tensor computed from one) among its
        locals: the failing call was given made-up values, so its error says nothing about the program."""
        while tb is not None:
            frame = tb.tb_frame
            if any(d in frame.f_code.co_filename for d in TF_DIRS):
                for value in list(frame.f_locals.values())[:_LOCALS_LIMIT]:
                    items = value[:20] if isinstance(value, (list, tuple)) else [value]
                    try:
                        if any(self.fed(item) for item in items):
                            return True
                    except Exception:
                        continue   # a half-built object in a failing frame: not evidence either way
            tb = tb.tb_next
        return False
