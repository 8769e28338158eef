"""Run one user file under the tracer: top level in a fresh graph, then each unreached RNN function in its own graph."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ast
import builtins
import functools
import importlib.abc
import os
import sys
import time
import types
from typing import Dict, Set

from . import cell_args, choices, fallback, force, hooks, late_defs, shim, stubs, tolerate
from .factory import Factory, describe_spec
from .stubs import StubImporter
from .py2_relative import ImplicitRelative, package_name
from .required_args import fill_required
from .summarize import Numbering, summarize
from .trace_records import _CELL_BASES, _STACK_CLASSES, StopTrace

_MAX_MESSAGE = 1500


class TraceTimeout(BaseException):
    """Raised by the SIGALRM handler when a file runs past its time budget."""


class _Exit(BaseException):
    """os._exit() called by user code (we stop it from killing the warm child)."""

    def __init__(self, code):
        BaseException.__init__(self, code)
        self.code = code


class SynthBuiltins(dict):
    """The user's builtins: missing names fall back to synthesized values, created lazily in the current graph
    (one value per graph: after tf.reset_default_graph() or in a `with tf.Graph().as_default():` block a name
    gets a placeholder of that graph, not one of a graph the code no longer builds)."""

    def __init__(self, base, specs, factory, graph_key):
        dict.__init__(self, base)
        self.specs = specs
        self.factory = factory
        self.graph_key = graph_key
        self.cache = {}
        self.used = {}
        self.on_use = None

    def __missing__(self, key):
        spec = self.specs.get(key)
        if spec is None:
            raise KeyError(key)
        where = (self.graph_key(), key)
        if where not in self.cache:
            self.cache[where] = self.factory.make(key, spec)
            self.used[key] = describe_spec(spec)
            if self.on_use is not None and spec.get("kind") != "module":   # a free `tf` is TensorFlow, not a guess
                self.on_use("%s=%s" % (key, self.used[key]))
        return self.cache[where]


def _is_docstring(stmt):
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value
    if type(value).__name__ == "Str":  # Python < 3.8
        return True
    return type(value).__name__ == "Constant" and isinstance(getattr(value, "value", None), str)


class _EnterMarker(ast.NodeTransformer):
    """Insert `__rrl_enter__(<def line>)` at the top of every function so we know which ones the top level reached.
    spans: first body line -> (that line, last line of the function)."""

    def __init__(self):
        ast.NodeTransformer.__init__(self)
        self.spans = {}

    def _mark(self, node):
        self.generic_visit(node)
        first = node.body[0]
        last = max(getattr(sub, "lineno", first.lineno) for sub in ast.walk(node))
        self.spans[first.lineno] = (first.lineno, last)
        # keyed by the first body line: a decorated def's own lineno differs between Python 3.6 and 3.8+
        stmt = ast.parse("__rrl_enter__(%d)" % first.lineno).body[0]
        for sub in ast.walk(stmt):
            if not isinstance(sub, (ast.expr, ast.stmt)):
                continue  # the Load context: no position
            sub.lineno = first.lineno
            sub.col_offset = getattr(first, "col_offset", 0)
            if hasattr(first, "end_lineno"):
                sub.end_lineno = first.lineno
                sub.end_col_offset = sub.col_offset
        at = 1 if _is_docstring(first) else 0
        node.body.insert(at, stmt)
        return node

    visit_FunctionDef = _mark
    visit_AsyncFunctionDef = _mark


class _UserDirFinder(object):
    """Modules next to the traced file (its own helpers) and its package's modules run with the same builtins:
    same TF1 imports, same synthesized names, same stepping over failed statements."""

    def __init__(self, folders, builtins_dict):
        self.folders = [os.path.realpath(f) for f in folders]
        self.builtins = builtins_dict

    def _ours(self, path):
        real = os.path.realpath(path)
        return any(real == f or real.startswith(f + os.sep) for f in self.folders)

    def find_spec(self, fullname, path=None, target=None):
        import importlib.machinery
        search = list(self.folders) if path is None else [p for p in path if self._ours(p)]
        if not search:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, search)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = _BuiltinsLoader(spec.loader, self.builtins)
        return spec


class _BuiltinsLoader(importlib.abc.Loader):
    """The source loader, running the module with the user's builtins and failed statements stepped over."""

    def __init__(self, loader, builtins_dict):
        self.loader = loader
        self.builtins = builtins_dict

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__["__builtins__"] = self.builtins
        folder = os.path.dirname(self.loader.path)
        if not module.__dict__.get("__package__") and os.path.isfile(os.path.join(folder, "__init__.py")):
            # Python 2's implicit relative import (`from TDNN import TDNN` inside pkg/) loaded it top-level: give it
            # its package back, so its own `from .ops import x` works
            module.__package__ = package_name(folder) or ""
        try:
            source = self.loader.get_source(module.__name__)
            tree = tolerate.Wrapper().visit(ast.parse(source, self.loader.path))
            code = compile(ast.fix_missing_locations(tree), self.loader.path, "exec", dont_inherit=True)
        except Exception:
            self.loader.exec_module(module)   # e.g. Python 2 syntax: the plain import reports it
            return
        exec(code, module.__dict__)

    def __getattr__(self, name):
        return getattr(self.loader, name)


def describe_error(tracer, exc, tb, default_line=None):
    message = str(exc)
    if "Originally defined at:" in message:
        message = message.split("Originally defined at:")[0].rstrip()
    if message.startswith("in converted code:") and "\n\n" in message.strip():
        # TF 1.x AutoGraph lists the converted frames first and the error itself last: keep the error
        message = message.strip().rsplit("\n\n", 1)[1].strip()
        if message.startswith(type(exc).__name__ + ": "):
            message = message[len(type(exc).__name__) + 2:]
    if len(message) > _MAX_MESSAGE:
        message = message[:_MAX_MESSAGE] + " ..."
    lines = tracer.tb_lines(tb)
    if isinstance(exc, SyntaxError) and getattr(exc, "lineno", None):
        lines = [exc.lineno]
        message = exc.msg
    return {"type": type(exc).__name__, "message": message,
            "line": lines[-1] if lines else default_line, "stack": lines}


class _NoContext(object):
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _graph_mode_factory():
    """context.graph_mode where TF has eager execution (1.5+), else a no-op context (resolved before lockdown)."""
    try:
        from tensorflow.python.eager import context
        return context.graph_mode
    except Exception:
        return _NoContext


def _quiet_absl_process_name():
    """absl.app.run() (behind tf.app.run) renames the process through /proc/self/comm, which the sandbox refuses
    and reports; the rename changes nothing the trace sees and absl itself ignores its failure, so skip it."""
    try:
        from absl import command_name
        command_name.make_process_name_useful = lambda: None
    except Exception:
        pass


class FileRunner(object):
    def __init__(self, tracer, info, tf1):
        self.tracer = tracer
        self.info = info
        self.tf1 = tf1
        self.partial = None
        self.contrib_hooked = info.get("tf2", False)
        from tensorflow.python.framework import ops
        self.ops = ops
        self.graph_mode = _graph_mode_factory()
        _quiet_absl_process_name()
        self.note = None   # the current file's synthesized-event recorder (trace sets it)

    def _fresh_graph(self):
        """Start a unit the way a script starts: in a new *global* default graph with no `as_default()` nesting,
        so the user's own tf.reset_default_graph() (or Keras clear_session) works; it refuses to run inside a
        `with g.as_default():`. User code's own `with tf.Graph().as_default():` blocks nest on top as usual."""
        ops = self.ops
        try:
            ops.reset_default_graph()
        except AssertionError:
            # a graph entered and never left (g.as_default().__enter__(), a suspended generator): drop the nesting
            ops._default_graph_stack.reset()
        return ops.get_default_graph()

    def trace(self, request, deadline):
        path = request["path"]
        source = request["source"]
        plan = request.get("plan") or {}
        result = {"version": 1, "path": path, "tf_version": self.info["tf_version"], "runs": [], "sharing": [],
                  "created": [], "error": None, "synthesized": {}, "stacks": [], "entries": [], "stopped_at": None,
                  "python": "%d.%d.%d" % sys.version_info[:3]}
        self.partial = result     # what a timeout in the middle of the file still reports
        try:
            tree = ast.parse(source, path)
            tree = force.Marker(plan.get("force")).visit(tree)
            tree = fallback.Marker(plan.get("fallbacks")).visit(tree)
            tree = tolerate.Wrapper().visit(tree)
            marker = _EnterMarker()
            tree = marker.visit(tree)
            ast.fix_missing_locations(tree)
            code = compile(tree, path, "exec", dont_inherit=True)
        except SyntaxError as e:
            result["error"] = {"type": "SyntaxError", "message": e.msg or str(e), "line": e.lineno,
                               "stack": [e.lineno] if e.lineno else []}
            return result
        except Exception as e:  # e.g. ValueError: source code string cannot contain null bytes
            result["error"] = {"type": type(e).__name__, "message": str(e), "line": None, "stack": []}
            return result
        if not self.contrib_hooked and "contrib" in source:
            hooks.install_contrib(self.tracer)
            cell_args.install(self.tf1)   # TF 1.x's contrib.rnn is loaded only now
            self.contrib_hooked = True
        entered: Set[int] = set()
        factory = Factory(self.tf1, self.info.get("user_import"))
        specs = dict(plan.get("free", {}))
        tb = SynthBuiltins(vars(builtins), specs, factory, self.tracer.graph_id)
        tb["__rrl_enter__"] = entered.add
        tb["__build_class__"] = _StackClasses(self.tracer, builtins.__build_class__)
        tb.update(_PY2_BUILTINS)
        tolerance = tolerate.Tolerance(self.tracer)
        tolerance.stand_ins = factory.stand_ins
        tolerance.values = dict(plan.get("stub_values") or {})
        stubs.reset_budget()
        tolerate.install(tb, tolerance)
        forcing = force.Forcing(factory.cell, plan.get("cell_class") or "", lambda what: note(what))
        force.install(tb, forcing)
        tb["__rrl_fallback__"] = falling = fallback.Fallback(plan.get("fallbacks"), lambda what: note(what))
        folder = os.path.dirname(request.get("abspath") or os.path.abspath(path))
        package = request.get("package")
        # a package's module runs as `python -m pkg.mod` would: the package root and the project's folders before
        # its own folder (a sibling `utils.py` must not hide the project's `utils` package); a loose file's own
        # folder comes first, as `python file.py` puts it
        folders = [package["root"]] if package else [folder]
        folders += [p for p in (request.get("project") or {}).get("paths") or [] if p not in folders]
        folders += [folder] if folder not in folders else []
        importer = StubImporter(ImplicitRelative(self.info.get("user_import") or builtins.__import__, folders),
                                folders)
        tb["__import__"] = importer
        user_finder = _UserDirFinder(folders, tb)
        sys.meta_path.insert(0, user_finder)
        # a real module object as __main__: tf.app.run() / absl.app.run() look up sys.modules["__main__"].main
        main_module = types.ModuleType("__main__")
        globs = main_module.__dict__
        globs.update({"__name__": "__main__", "__file__": request.get("abspath") or path, "__builtins__": tb,
                      "__doc__": None, "__package__": package["name"] if package and package.get("relative", True) else None})
        old_main = sys.modules.get("__main__")
        factory.globals = globs
        numbering = Numbering()
        graphs: Dict[int, int] = {}
        state = {"index": 0}
        events = []   # synthesized things the run went through, each placed among the runs (see reached_via)

        def note(what):
            unit_rec = self.tracer.unit
            events.append({"what": what, "unit": state["index"],
                           "local": len(unit_rec.runs) if unit_rec is not None else 0})
        tb.on_use = note
        tolerance.on_failure = note
        importer.on_stub = note
        self.note = note   # for _call_entry's aimed stand-ins
        tf1_only = []

        def missing_piece(name):
            if name not in tf1_only:
                tf1_only.append(name)
                note("%s (stub: not in TF 2)" % name)
        shim.MISSING["on"] = missing_piece
        adjusted = {}   # TF 0.x-1.1 arguments read the old way: the program's own call was changed, so it is said

        def adjust(what, why):
            if what not in adjusted:
                adjusted[what] = why
                note(what)
        cell_args.ON_ADJUST["on"] = adjust
        result_events = []

        def unit(name, fn, tentative=False):
            self._fresh_graph()
            tb.cache = {}
            forcing.reset()   # cells stand in per graph, as synthesized values do
            self.tracer.begin_unit(name, path)
            error = None
            stopped = None
            timed_out = None
            # graph mode as `with graph.as_default()` gives it (TF 2), restored afterwards even if the file
            # turned eager execution on, so the next unit and the next file build graphs again
            with self.graph_mode():
                try:
                    fn()
                except StopTrace as s:
                    stopped = {"what": s.what, "line": s.line}
                except TraceTimeout as e:
                    timed_out = e      # keep what ran before the timer went off, then stop the file
                except _Exit as e:
                    error = {"type": "SystemExit", "message": "os._exit(%s) called; the file stopped there" % e.code,
                             "line": (self.tracer.tb_lines(sys.exc_info()[2]) or [None])[-1], "stack": []}
                except SystemExit as e:
                    lines = self.tracer.tb_lines(sys.exc_info()[2])
                    if e.code in (None, 0):
                        lines = None   # a normal end (absl.app.run exits with main's result)
                    if lines is not None:
                        error = {"type": "SystemExit", "message": "sys.exit(%s) called; the file stopped there" % (
                            e.code,), "line": lines[-1] if lines else None, "stack": lines}
                except BaseException as e:   # KeyboardInterrupt too: the file raised it (no terminal reaches us)
                    error = describe_error(self.tracer, e, sys.exc_info()[2])
                    if isinstance(e, NameError):
                        error["message"] += " (give it a value with --define NAME=VALUE)"
            rec = self.tracer.end_unit()
            if tentative and error is not None and not rec.runs:
                # this choice of compared literals failed before any RNN ran: forget it, the caller tries the next
                events[:] = [ev for ev in events if ev["unit"] != state["index"]]
                return "retry"
            runs, sharing, created, stacks = summarize(rec, numbering, graphs, error["message"] if error else None)
            offset = len(result["runs"])
            _renumber(runs, sharing, offset)
            for ev in events:
                if ev["unit"] == state["index"]:
                    result_events.append({"what": ev["what"], "run": offset + ev["local"], "unit": name})
            result["runs"].extend(runs)
            result["sharing"].extend(sharing)
            result["created"].extend(created)
            result["stacks"].extend(stacks)
            result["entries"].append({"name": name, "runs": len(runs), "error": error, "stopped_at": stopped})
            if error is not None and result["error"] is None:
                result["error"] = error
            if stopped is not None and result["stopped_at"] is None:
                result["stopped_at"] = stopped
            state["index"] += 1
            if timed_out is not None:
                raise timed_out

        old_argv = sys.argv
        sys.argv = [path]
        old_exit = os._exit
        self.tracer.graphs = {}
        self.tracer.generated = {}

        def _no_exit(code=0):
            raise _Exit(code)
        try:
            os._exit = _no_exit
            sys.modules["__main__"] = main_module
            unit("<module>", lambda: exec(code, globs))
            if result["stopped_at"] is not None or result["error"] is not None:
                late = late_defs.define_missing(tree, globs, path)
                if late:   # the entries below need them; what they run is synthesized anyway
                    result["synthesized"]["defined after the module stopped"] = ", ".join(late[:20])
            for entry in plan.get("entries", []):
                if entry.get("line") in entered or self._converted(path, marker.spans.get(entry.get("line"))):
                    continue
                if time.time() > deadline:
                    result["entries"].append({"name": entry["name"], "runs": 0, "error": None,
                                              "skipped": "time budget used up"})
                    continue
                count = min(choices.offered(entry), 3)
                for k in range(count):
                    outcome = unit(entry["name"], lambda e=entry, k=k: self._call_entry(globs, e, factory, result,
                                                                                         entered, k),
                                   tentative=k < count - 1)
                    if outcome != "retry" and not choices.reruns(entry):
                        break
            # a finding in the except: fallback of a try whose body ran: its entry once more, those tries failing
            for entry, tries in fallback.reruns(plan):
                if time.time() < deadline:
                    falling.active = tries
                    unit("%s, its except: fallbacks" % entry["name"],
                         lambda e=entry: self._call_entry(globs, e, factory, result, entered))
                    falling.active = set()
        finally:
            if old_main is not None:
                sys.modules["__main__"] = old_main
            os._exit = old_exit
            sys.argv = old_argv
            shim.MISSING["on"] = None
            cell_args.ON_ADJUST["on"] = None
            try:
                sys.meta_path.remove(user_finder)
            except ValueError:
                pass
            # let the file's graphs go (the warm child traces many files)
            self.tracer.graphs = {}
            self.tracer.generated = {}
            tb.cache = {}
            self._fresh_graph()
        for key, text in tb.used.items():
            result["synthesized"][key] = text
        for name, text in importer.stubbed.items():
            result["synthesized"]["import %s" % name] = text
        for name in tf1_only:
            result["synthesized"][name] = "stub (TF 2 has no equivalent)"
        result["synthesized"].update(adjusted)
        result["tf1_only"] = tf1_only
        result["tolerated"] = tolerance.failures
        result["synth_events"] = result_events[:500]
        for failure in tolerance.failures:
            result["synthesized"]["line %d" % failure["line"]] = "failed (%s); %s" % (
                failure["type"], "its names were synthesized" if failure["names"] else "skipped")
        if request.get("normalized"):
            result["normalized"] = list(request["normalized"])
        return result

    def _converted(self, path, span):
        """Whether AutoGraph converted code of the function spanning these lines: an AutoGraph-converted copy runs
        instead of the function (Keras `call`, tf.function), so its __rrl_enter__ never runs, yet it was reached
        (code is converted when it is called)."""
        if span is None:
            return False
        for lines in self.tracer.generated.values():
            for filename, line in lines.values():
                if filename == path and span[0] <= line <= span[1]:
                    return True
        return False

    def _call_entry(self, globs, entry, factory, result, entered, choice=0):
        def make_args(prefix, specs):
            kwargs = {}
            for pname, spec in specs.items():
                spec = choices.choose(spec, choice)
                kwargs[pname] = factory.make(prefix + "." + pname, spec)
                result["synthesized"]["%s(%s)" % (prefix, pname)] = describe_spec(spec)
            return kwargs
        target = globs.get(entry.get("class") or entry["name"])
        if target is None:
            raise NameError("%s is not defined at module level" % (entry.get("class") or entry["name"]))
        def call(fn, prefix, specs):
            kwargs = fill_required(fn, make_args(prefix, specs), prefix, result["synthesized"])
            with stubs.aiming(entry.get("stand_in_attrs") or {}, self.note):
                return fn(**kwargs)
        kind = entry.get("kind", "function")
        if kind == "function":
            return call(target, entry["name"], entry.get("args", {}))
        instance = call(target, entry["class"], entry.get("init_args", {}))
        if kind == "method" and entry.get("line") in entered:
            return instance   # __init__ already ran it (self.build()): a second call is not what the program does
        if kind == "method":
            return call(getattr(instance, entry["method"]), entry["name"], entry.get("args", {}))
        return instance


class _StackClasses(object):
    """The user's `class` statement: a project's own stack class (`class MultiRNNCell(rnn_cell.RNNCell)` keeping its
    layers in `_cells`) has its constructions recorded, as TensorFlow's stacks do: which cell objects a stack holds
    is its own fact, whether or not the code driving it is reached."""

    def __init__(self, tracer, build_class):
        self.tracer = tracer
        self.build_class = build_class

    def __call__(self, *args, **kwargs):
        cls = self.build_class(*args, **kwargs)
        names = [c.__name__ for c in getattr(cls, "__mro__", ())]
        if names and names[0] in _STACK_CLASSES and any(n in _CELL_BASES for n in names[1:]):
            self.tracer.hook_init(cls)
        return cls


# Python 2 builtins a file written for it reads (the names only: `dict.iteritems()` stays an error)
_PY2_BUILTINS = {"xrange": range, "unicode": str, "basestring": str, "long": int, "unichr": chr,
                 "reduce": functools.reduce, "raw_input": lambda prompt="": ""}


def _renumber(runs, sharing, offset):
    if not offset:
        return
    for r in runs:
        r["run"] += offset
    for rel in sharing:
        for place in rel["between"]:
            if place.get("run") is not None:
                place["run"] += offset
