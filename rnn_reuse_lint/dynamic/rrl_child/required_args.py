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
        signature = _forwarded(target, inspect.signature(target))
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


def _forwarded(target, signature):
    """A class whose __init__ takes only `*args, **kwargs` hands them on (`super().__init__(*args, **kwargs)`): what
    it requires is what the next __init__ of its bases requires. Its own **kwargs accepts those names either way."""
    kinds = set(p.kind for p in signature.parameters.values())
    if not isinstance(target, type) or not kinds or not kinds <= {inspect.Parameter.VAR_POSITIONAL,
                                                                  inspect.Parameter.VAR_KEYWORD}:
        return signature
    if inspect.Parameter.VAR_KEYWORD not in kinds:
        return signature
    for base in target.__mro__[1:]:
        init = base.__dict__.get("__init__")
        if init is None or base is object:
            continue
        try:
            params = list(inspect.signature(init).parameters.values())[1:]   # without self
        except (TypeError, ValueError):
            return signature
        return signature.replace(parameters=params)
    return signature
