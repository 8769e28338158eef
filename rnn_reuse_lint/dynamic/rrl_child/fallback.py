"""Make a `try` fail at the top of its body, on request, so its except: fallback that holds a finding runs."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ast
import copy


class Marker(ast.NodeTransformer):
    """Put `__rrl_fallback__(<try line>, lambda: <the handler's exception class>)` first in the body of each try
    the plan names (fallbacks.fallback_tries); it does nothing until the runner activates that try."""

    def __init__(self, fallbacks):
        ast.NodeTransformer.__init__(self)
        self.handlers = dict((f["try"], f["handler"]) for f in fallbacks or [])

    def visit_Try(self, node):
        self.generic_visit(node)
        handler_line = self.handlers.get(node.lineno)
        if handler_line is None:
            return node
        handler = next((h for h in node.handlers if h.lineno == handler_line), None)
        call = ast.parse("__rrl_fallback__(%d, lambda: None)" % node.lineno).body[0]
        assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
        kind = call.value.args[1]
        if handler is not None and handler.type is not None and isinstance(kind, ast.Lambda):
            kind.body = copy.deepcopy(handler.type)
        first = node.body[0]
        for sub in ast.walk(call):
            if isinstance(sub, (ast.expr, ast.stmt)):
                sub.lineno, sub.col_offset = first.lineno, first.col_offset
                if hasattr(first, "end_lineno"):
                    sub.end_lineno, sub.end_col_offset = first.lineno, first.col_offset
        node.body.insert(0, call)
        return node


class Fallback(object):
    """The runtime side: raises, in an active try, an exception its handler catches, and notes the assumption."""

    def __init__(self, fallbacks, note):
        self.targets = dict((f["try"], f["targets"]) for f in fallbacks or [])
        self.note = note
        self.active = set()

    def __call__(self, line, kind):
        if line not in self.active:
            return
        try:
            cls = kind()
        except Exception:   # the handler's class is itself missing here: the handler sees a plain Exception
            cls = None
        if isinstance(cls, tuple):
            cls = cls[0] if cls else None
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            cls = Exception
        for target in self.targets.get(line, []):
            self.note("assumed: the finding at line %d runs, the try at line %d made to fail so its except: "
                      "takes over" % (target, line))
        try:
            forced = type("FallbackForced", (cls,), {})
        except TypeError:   # a class that refuses subclasses
            forced = cls
        raise forced("rnn-reuse-lint made the try at line %d fail so its except: runs" % line)


def reruns(plan):
    """[(entry, {try lines})]: each entry to run once more, with the tries it holds failing."""
    entries = plan.get("entries") or []
    grouped = {}  # type: dict
    for f in plan.get("fallbacks") or []:
        if 0 <= f["entry"] < len(entries):
            grouped.setdefault(f["entry"], set()).add(f["try"])
    return [(entries[i], grouped[i]) for i in sorted(grouped)]
