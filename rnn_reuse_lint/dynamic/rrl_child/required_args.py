"""Stand-ins for the parameters an entry's call requires that the plan could not see (an inherited __init__)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import inspect

from .stubs import Stub


def fill_required(target, kwargs, prefix, synthesized):
    """`kwargs` plus a stand-in for each required parameter of calling `target` that it lacks, each named in
    `synthesized`. The plan reads the file's own signatures; the run-time one also shows a base class's __init__
    defined in another module (`class DMN(BaseModel)` with `BaseModel.__init__(self, params, words)`), which
    would otherwise end the entry with "missing 2 required positional arguments" before any RNN line."""
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return kwargs
    out = dict(kwargs)
    for param in signature.parameters.values():
        if param.name in out or param.default is not param.empty:
            continue
        if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
            continue
        out[param.name] = Stub("%s.%s" % (prefix, param.name), aimed=True)
        synthesized["%s(%s)" % (prefix, param.name)] = "stand-in (a parameter only the run-time signature shows)"
    return out
