"""Let a file run past statements that fail outside graph construction (data files, argument parsing, plots)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ast
from typing import List

from .stand_ins import SHARING_SYMPTOMS, TF_DIRS
from .stubs import Stub, StubExhausted, reset_budget

# Statements never wrapped: they end a block on purpose or must stay where they are.
_SKIP = (ast.Return, ast.Raise, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal,
         ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPOUND = (ast.If, ast.For, ast.While, ast.With)


def _target_texts(node, out):
    """Source text of the assignable names in a target (`a`, `a, b`, `self.x`); subscripts are left alone."""
    if isinstance(node, ast.Name):
        out.append(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            _target_texts(elt, out)
    elif isinstance(node, ast.Starred):
        _target_texts(node.value, out)
    elif isinstance(node, ast.Attribute):
        parts = [node.attr]
        inner = node.value
        while isinstance(inner, ast.Attribute):
            parts.append(inner.attr)
            inner = inner.value
        if isinstance(inner, ast.Name):
            out.append(".".join([inner.id] + parts[::-1]))


def bound_names(stmt):
    """What a statement binds, as assignable source texts."""
    out: List[str] = []
    if isinstance(stmt, ast.Assign):
        for t in stmt.targets:
            _target_texts(t, out)
    elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        _target_texts(stmt.target, out)
    elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
        for alias in stmt.names:
            if alias.name != "*":
                out.append(alias.asname or alias.name.split(".")[0])
    elif isinstance(stmt, (ast.For, ast.With, ast.If, ast.While)):
        if isinstance(stmt, ast.For):
            _target_texts(stmt.target, out)
        for item in getattr(stmt, "items", ()):
            if item.optional_vars is not None:
                _target_texts(item.optional_vars, out)
        # a failing header skips the whole body: what the body would have bound is synthesized too
        for inner in list(stmt.body) + list(getattr(stmt, "orelse", [])):
            if not isinstance(inner, _SKIP):
                out.extend(bound_names(inner))
    seen = []
    for name in out:
        if name not in seen:
            seen.append(name)
    return seen


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and type(stmt.value).__name__ in ("Str", "Constant") and \
        isinstance(getattr(stmt.value, "s", getattr(stmt.value, "value", None)), str)


class Wrapper(ast.NodeTransformer):
    """Wrap each statement in `try: ... except Exception: if not __rrl_failed__(...): raise` plus stub bindings.

    Statements inside a user's own `try:` body are left alone (its handlers must see its exceptions)."""

    def __init__(self):
        ast.NodeTransformer.__init__(self)
        self.count = 0

    def _body(self, stmts, protected):
        out: List[ast.stmt] = []
        for stmt in stmts:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stmt.body = self._body(stmt.body, False)
                stmt.decorator_list = [self.visit(d) for d in stmt.decorator_list]
                out.append(stmt)
                continue
            if isinstance(stmt, ast.ClassDef):
                stmt.body = self._body(stmt.body, protected)
                out.append(stmt)
                continue
            if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                stmt.body = self._body(stmt.body, True)
                for handler in stmt.handlers:
                    handler.body = self._body(handler.body, protected)
                stmt.orelse = self._body(stmt.orelse, protected)
                stmt.finalbody = self._body(stmt.finalbody, protected)
                out.append(stmt)
                continue
            names = bound_names(stmt)   # before the body below is rewritten
            if isinstance(stmt, _COMPOUND) or type(stmt).__name__ in ("AsyncFor", "AsyncWith"):
                stmt.body = self._body(stmt.body, protected)
                if hasattr(stmt, "orelse"):
                    stmt.orelse = self._body(stmt.orelse, protected)
            if protected or isinstance(stmt, _SKIP) or _is_docstring(stmt) or (
                    isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
                out.append(stmt)
                continue
            out.extend(self._wrap(stmt, names))
        return out

    def _wrap(self, stmt, names):
        self.count += 1
        mark = "__rrl_mark_%d" % self.count
        loop = isinstance(stmt, (ast.For, ast.While)) or type(stmt).__name__ == "AsyncFor"
        text = ("%s = __rrl_begin__()\n"
                "try:\n    pass\nexcept Exception as __rrl_exc:\n"
                "    if not __rrl_failed__(%d, __rrl_exc, %s, %r, %r):\n        raise\n"
                % (mark, stmt.lineno, mark, names, loop))
        for name in names:
            text += "    %s = __rrl_stub__(%r)\n" % (name, name)
        begin, guard = ast.parse(text).body
        assert isinstance(guard, ast.Try)
        for node in (begin, guard):
            for sub in ast.walk(node):
                # the added code answers to the statement's own line (tracebacks, the tracer's line lookups);
                # these are the node types with a position in the code above
                if isinstance(sub, (ast.expr, ast.stmt, ast.excepthandler)):
                    sub.lineno = stmt.lineno
                    sub.col_offset = stmt.col_offset
                    if hasattr(stmt, "end_lineno"):
                        sub.end_lineno = stmt.lineno
                        sub.end_col_offset = stmt.col_offset
        guard.body = [stmt]
        return [begin, guard]

    def visit_Module(self, node):
        node.body = self._body(node.body, False)
        return node


def _io_error(exc):
    return isinstance(exc, (OSError, EOFError)) or type(exc).__name__ in ("NotFoundError", "PermissionDeniedError",
                                                                       "UnpicklingError")


def _deepest_in_tf(tb):
    last = None
    while tb is not None:
        last = tb.tb_frame.f_code.co_filename
        tb = tb.tb_next
    return last is not None and any(d in last for d in TF_DIRS)


class Tolerance(object):
    """Runtime side of the wrapped statements: decide whether a failure may be stepped over, and record it."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.failures = []
        self.stubs = {}
        self.on_failure = None
        self.stand_ins = None   # the runner's StandIns: what it made up for this file
        self.values = {}        # last name part -> the number a size-like name gets instead of a stub (plan)

    def begin(self):
        unit = self.tracer.unit
        if unit is None:
            return None
        return (len(unit.requests), len(unit.created), len(unit.runs))

    def failed(self, line, exc, mark, names, loop=False):
        """True: the statement built nothing in the graph, so its names get stubs and the file goes on."""
        if isinstance(exc, StubExhausted):
            if not loop:
                return False   # up to the loop that kept spinning on stand-ins
            reset_budget()
        elif mark is None or self.begin() != mark:
            return False   # it created variables or ran an RNN: the error is graph construction's own result
        if type(exc).__name__ == "Violation" or str(exc).startswith("sandbox:"):
            return False   # the sandbox refused something: that is the file's result, never stepped over
        if isinstance(exc, (ImportError, MemoryError, RecursionError)):
            # what may be stubbed already was (stubs.py): TF, Keras and the project's own never are; and the
            # sandbox's memory and recursion limits end the file
            return False
        if _deepest_in_tf(exc.__traceback__) and not _io_error(exc) and not self._fed_by_stand_ins(exc):
            return False   # TensorFlow itself refused the program's own values: shape errors, "already exists", ...
        if len(self.failures) < 200:
            self.failures.append({"line": line, "type": type(exc).__name__, "message": str(exc)[:200],
                                  "names": [self._said(n) for n in names]})
        if self.on_failure is not None:
            self.on_failure("line %d failed (%s)" % (line, type(exc).__name__))
        return True

    def _fed_by_stand_ins(self, exc):
        """TensorFlow refused a statement that built nothing because made-up values reached it (a stand-in's rank
        or dtype is a guess): stepped over like a missing data file, never when it is sharing's own symptom."""
        if self.stand_ins is None or any(text in str(exc) for text in SHARING_SYMPTOMS):
            return False
        return self.stand_ins.in_traceback(exc.__traceback__)

    def _said(self, name):
        last = name.rsplit(".", 1)[-1]
        return "%s=%r" % (name, self.values[last]) if last in self.values else name

    def stub(self, name):
        last = name.rsplit(".", 1)[-1]
        if last in self.values:
            return self.values[last]   # a size-like name: the number the plan gives it (plan.stub_values)
        value = self.stubs.get(name)
        if value is None:
            value = self.stubs[name] = Stub(name)
        return value


def install(builtins_dict, tolerance):
    builtins_dict["__rrl_begin__"] = tolerance.begin
    builtins_dict["__rrl_failed__"] = tolerance.failed
    builtins_dict["__rrl_stub__"] = tolerance.stub
