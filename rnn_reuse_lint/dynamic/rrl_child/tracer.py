"""Hooks TensorFlow (get_variable, layer/cell calls, RNN drivers, constructors) and records what every RNN layer uses."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import re
import sys

from .hooks import mark_wrapper
from .source_lines import SourceLines
from .trace_records import (
    DRIVERS, _CELL_BASES, _CELL_NAME, _STACK_CLASSES, _TRANSPARENT_WRAPPERS, Frame, Layer, Run, StopTrace, Unit,
    _is_keras, _mro_names, _reuse_text, strip_name,
)


class Tracer(SourceLines):
    def __init__(self, tf_info):
        SourceLines.__init__(self)
        self.info = tf_info
        from tensorflow.python.ops import variable_scope as vs
        self.vs = vs
        self.unit = None
        self.active = False
        self.run_stack = []      # active Run objects (outermost first)
        self.frames = []         # active cell frames
        self.in_call = {}        # obj id -> depth
        self.originals = {}      # function id -> wrapper (drivers)
        self.patched_classes = set()
        self.stop_calls = True
        self.graphs = {}         # graph id -> graph, for the file being traced (see graph_id)

    # ---------------------------------------------------------------- scopes
    def current_scope(self):
        try:
            return self.vs.get_variable_scope().name
        except Exception:
            return ""

    def current_reuse(self):
        try:
            reuse = self.vs.get_variable_scope().reuse
        except Exception:
            return False
        if reuse is True or reuse is False:
            return reuse
        if reuse is None:
            return False
        return "auto"

    def graph_id(self):
        """id() of the default graph; the graph is kept alive until the file is done, so that after
        tf.reset_default_graph() (or a `with tf.Graph().as_default():` block) a freed graph's id cannot come back
        as the id of a different graph."""
        try:
            from tensorflow.python.framework import ops
            graph = ops.get_default_graph()
        except Exception:
            return 0
        self.graphs[id(graph)] = graph
        return id(graph)

    # ---------------------------------------------------------------- units
    def begin_unit(self, name, filename):
        self.unit = Unit(name)
        self.filename = filename
        self.run_stack = []
        self.frames = []
        self.in_call = {}
        self.active = True

    def end_unit(self):
        self.active = False
        unit = self.unit
        self.run_stack = []
        self.frames = []
        return unit

    # ---------------------------------------------------------------- classification
    def classify(self, obj):
        names = _mro_names(obj)
        if "Bidirectional" in names and _is_keras(type(obj).__mro__):
            return "keras_bidirectional"
        if "RNN" in names and _is_keras(type(obj).__mro__):
            return "keras_rnn"
        if any(n in names for n in _STACK_CLASSES):
            return "stack"
        if any(n in names for n in _CELL_BASES):
            return "cell"
        if _is_keras(type(obj).__mro__) and "state_size" in getattr(obj, "__dict__", {}):
            return "cell"
        if "state_size" in dir(type(obj)) and hasattr(type(obj), "__call__"):
            return "cell"
        return None

    def unwrap(self, obj):
        seen = 0
        while seen < 10 and any(n in _TRANSPARENT_WRAPPERS for n in [type(obj).__name__]):
            inner = getattr(obj, "_cell", None) or getattr(obj, "cell", None)
            if inner is None:
                break
            obj = inner
            seen += 1
        return obj

    def stack_cells(self, obj):
        cells = getattr(obj, "_cells", None)
        if cells is None:
            cells = getattr(obj, "cells", None)
        return list(cells) if cells is not None else None

    def _keep(self, obj):
        if self.unit is not None:
            self.unit.keepalive.append(obj)

    def _segment_layers(self, run, segment, cell, direction, stack_line_run=False):
        if cell is None:
            return
        top = self.unwrap(cell)
        kind = self.classify(top) if top is not None else None
        elements = self.stack_cells(top) if kind == "stack" else None
        if elements is None:
            elements, stack = [cell], None
        else:
            stack = top
        for pos, element in enumerate(elements):
            obj = self.unwrap(element)
            self._keep(obj)
            self._keep(element)
            layer = Layer(len(run.layers), segment, pos, direction, obj, element, stack)
            run.layers.append(layer)
            run.by_pos[(segment, pos)] = layer.index
            if self.classify(obj) == "cell" or obj is not None:
                self.ensure_call_hook(type(obj))
            if element is not obj:
                self.ensure_call_hook(type(element))

    # ---------------------------------------------------------------- runs
    def _start_run(self, driver, role, cells, scope_arg, default_scope, driver_obj=None, lines=None):
        unit = self.unit
        assert unit is not None, "runs start only inside a unit (the hooks return early outside one)"
        lines = lines if lines is not None else self.user_lines(sys._getframe(2))
        outer = self.current_scope()
        if scope_arg is None:
            scope = (outer + "/" if outer else "") + default_scope if default_scope else outer
        elif isinstance(scope_arg, str):
            scope = (outer + "/" if outer else "") + scope_arg
        else:
            scope = getattr(scope_arg, "name", str(scope_arg))
        run = Run(len(unit.runs), driver, lines[-1] if lines else None, lines, scope,
                  self.current_reuse(), self.graph_id(), unit.name, driver_obj)
        if role == "pair":
            run.composite = True
            run.segment = -1
            self._segment_layers(run, 0, cells[0], "fw")
            self._segment_layers(run, 1, cells[1], "bw")
        elif role == "stack":
            run.composite = True
            run.segment = -1
            fws = list(cells[0] or [])
            bws = list(cells[1] or [])
            for i, c in enumerate(fws):
                self._segment_layers(run, 2 * i, c, "fw")
            for i, c in enumerate(bws):
                self._segment_layers(run, 2 * i + 1, c, "bw")
            # every fw/bw layer is its own segment: number positions per segment from 0
        elif role == "decode":
            decoder = cells[0]
            cell = getattr(decoder, "_cell", None) or getattr(decoder, "cell", None)
            self._segment_layers(run, 0, cell, None)
        elif role == "keras_bidirectional":
            run.composite = True
            run.segment = -1
            fw = getattr(driver_obj, "forward_layer", None)
            bw = getattr(driver_obj, "backward_layer", None)
            self._segment_layers(run, 0, getattr(fw, "cell", None), "fw")
            self._segment_layers(run, 1, getattr(bw, "cell", None), "bw")
        else:
            self._segment_layers(run, 0, cells[0], None)
        unit.runs.append(run)
        return run

    def active_run(self):
        return self.run_stack[0] if self.run_stack else None

    def driver_call(self, name, fn, args, kwargs):
        if not self.active or self.unit is None:
            return fn(*args, **kwargs)
        params, scope_index, default_scope, role = DRIVERS[name]
        outer_run = self.active_run()
        if outer_run is not None:
            if outer_run.composite and role == "leaf":
                outer_run.segment += 1
            return fn(*args, **kwargs)
        cells = []
        for i, p in enumerate(params):
            cells.append(kwargs[p] if p in kwargs else (args[i] if len(args) > i else None))
        scope_arg = kwargs.get("scope", args[scope_index] if len(args) > scope_index else None)
        run = self._start_run(name, role, cells, scope_arg, default_scope)
        self.run_stack.append(run)
        try:
            return fn(*args, **kwargs)
        finally:
            self.run_stack.pop()

    def wrap_driver(self, name, fn):
        if id(fn) in self.originals or getattr(fn, "_rrl_driver", False):
            return self.originals.get(id(fn), fn)
        tracer = self

        def driver(*args, **kwargs):
            return tracer.driver_call(name, fn, args, kwargs)
        for attr in ("__name__", "__qualname__", "__doc__", "__module__"):
            try:
                setattr(driver, attr, getattr(fn, attr))
            except Exception:
                pass
        mark_wrapper(driver, "_rrl_driver", fn)
        self.originals[id(fn)] = driver
        return driver

    def patch_drivers(self, functions):
        """Replace every reference to the given driver functions in every loaded module by the tracing wrapper."""
        targets = {}
        for name, fn in functions:
            if fn is not None and not getattr(fn, "_rrl_driver", False):
                targets[id(fn)] = (name, fn)
        if not targets:
            return
        for mod in list(sys.modules.values()):
            d = getattr(mod, "__dict__", None)
            if not isinstance(d, dict):
                continue
            # TF 1.14-1.15's TFModuleWrapper (tf.nn) answers from an attribute cache and a wrapped module that is
            # not in sys.modules: a name read before this (the shim reads tf.nn.static_rnn) would stay unpatched
            wrapped = getattr(d.get("_tfmw_wrapped_module"), "__dict__", None)
            for table in (d, d.get("_tfmw_attr_map"), wrapped):
                if isinstance(table, dict):
                    self._patch_table(mod, table, targets)

    def _patch_table(self, mod, table, targets):
        for attr, value in list(table.items()):
            hit = targets.get(id(value))
            if hit is not None and value is hit[1]:
                wrapper = self.wrap_driver(hit[0], hit[1])
                try:
                    table[attr] = wrapper
                    # TF 2's TFModuleWrapper (tf.compat.v1.nn) answers from its own fast cache too
                    insert = object.__getattribute__(mod, "_fastdict_insert")
                    insert(attr, wrapper)
                except Exception:
                    pass

    # ---------------------------------------------------------------- layer / cell calls
    def ensure_call_hook(self, cls):
        """Wrap the __call__ that instances of cls really run (user cells included), once per defining class."""
        if cls is None or cls in self.patched_classes:
            return
        for klass in cls.__mro__:
            if "__call__" in klass.__dict__:
                self.hook_call(klass)
                break
        self.patched_classes.add(cls)

    def hook_call(self, klass):
        orig = klass.__dict__.get("__call__")
        if orig is None or getattr(orig, "_rrl_call", False):
            return
        tracer = self

        def __call__(self, *args, **kwargs):
            return tracer.on_layer_call(orig, self, args, kwargs)
        mark_wrapper(__call__, "_rrl_call", orig)
        try:
            setattr(klass, "__call__", __call__)
        except (TypeError, AttributeError):
            pass

    def hook_init(self, klass):
        orig = klass.__dict__.get("__init__")
        if orig is None or getattr(orig, "_rrl_init", False):
            return
        tracer = self

        def __init__(self, *args, **kwargs):
            tracer.on_init_enter(self)
            orig(self, *args, **kwargs)
            tracer.on_init_exit(self)
        mark_wrapper(__init__, "_rrl_init", orig)
        try:
            setattr(klass, "__init__", __init__)
        except (TypeError, AttributeError):
            pass

    def on_init_enter(self, obj):
        if not self.active or self.unit is None:
            return
        key = id(obj)
        if key not in self.unit.ctor:
            lines = self.user_lines(sys._getframe(2))
            self.unit.ctor[key] = (lines[-1] if lines else None, obj)
            self.unit.keepalive.append(obj)

    def on_init_exit(self, obj):
        if not self.active or self.unit is None:
            return
        names = _mro_names(obj)
        if any(n in names for n in _STACK_CLASSES):
            cells = self.stack_cells(obj)
            if cells is not None and not any(s[1] is obj for s in self.unit.stacks):
                line = self.unit.ctor.get(id(obj), (None,))[0]
                self.unit.stacks.append((line, obj, cells))

    def on_layer_call(self, orig, obj, args, kwargs):
        key = id(obj)
        if not self.active or self.unit is None or self.in_call.get(key):
            return orig(obj, *args, **kwargs)
        self.in_call[key] = 1
        try:
            kind = self.classify(obj)
            if kind in ("keras_rnn", "keras_bidirectional"):
                return self._keras_driver(kind, orig, obj, args, kwargs)
            if kind in ("cell", "stack"):
                return self._cell_call(kind, orig, obj, args, kwargs)
            return orig(obj, *args, **kwargs)
        finally:
            del self.in_call[key]

    def _keras_driver(self, kind, orig, obj, args, kwargs):
        outer_run = self.active_run()
        if outer_run is not None:
            if outer_run.composite and kind == "keras_rnn":
                outer_run.segment += 1
            return orig(obj, *args, **kwargs)
        lines = self.user_lines(sys._getframe(3))
        if kind == "keras_rnn":
            run = self._start_run("keras_rnn", "leaf", [getattr(obj, "cell", None)], None, None, obj, lines)
        else:
            run = self._start_run("keras_bidirectional", "keras_bidirectional", [None, None], None, None, obj, lines)
        run.scope = getattr(obj, "name", run.scope)
        self.run_stack.append(run)
        try:
            return orig(obj, *args, **kwargs)
        finally:
            self.run_stack.pop()

    def _cell_call(self, kind, orig, obj, args, kwargs):
        unit = self.unit
        assert unit is not None, "on_layer_call calls this only inside a unit"
        run = self.active_run()
        started = False
        if run is None:
            caller = self.user_caller(sys._getframe(3))
            if caller is None:
                return orig(obj, *args, **kwargs)
            lines = self.user_lines(caller)
            scope_arg = kwargs.get("scope") if isinstance(kwargs, dict) else None
            outer = self.current_scope()
            run = None
            # a hand-unrolled loop calls one cell many times from one line: one run; the same line reached through
            # another caller (a helper method called under two scopes) is a run of its own, as a driver call is
            for r in unit.runs:
                if (r.driver == "cell_call" and r.direct_obj is obj and list(r.call_lines or []) == list(lines or [])
                        and r.graph == self.graph_id()):
                    run = r
                    break
            if run is None:
                run = self._start_run("cell_call", "leaf", [obj], scope_arg, None, None, lines)
                run.scope = outer if scope_arg is None else run.scope
                run.direct_obj = obj
            started = True
            self.run_stack.append(run)
        parent = None
        for fr in reversed(self.frames):
            if fr.run is run:
                parent = fr
                break
        outer_scope = self.current_scope()
        segment = run.segment if run.composite else 0
        layer = None
        if parent is None:
            # a wrapper around a stack (DropoutWrapper, legacy_seq2seq's EmbeddingWrapper) is no layer: the stack's
            # cells inside it are (with layer 0 here, every cell of the stack counted as layer 0's)
            if kind != "stack" and self.classify(self.unwrap(obj)) != "stack":
                layer = run.layer_for(segment, 0)
        elif parent.is_stack and parent.layer is None:
            m = _CELL_NAME.search(outer_scope)
            if m is not None and "MultiRNNCell" in _mro_names(parent.obj):
                pos = int(m.group(1))
            else:
                n = len(self.stack_cells(parent.obj) or [1])
                pos = parent.counter % max(n, 1)
            parent.counter += 1
            layer = run.layer_for(parent.segment, pos)
        else:
            layer = parent.layer
            segment = parent.segment
        is_stack = kind == "stack" and layer is None
        frame = Frame(obj, run, segment, layer, is_stack, outer_scope)
        if layer is not None:
            lay = run.layers[layer]
            if id(obj) not in lay.called:
                lay.called.append(id(obj))
            self._keep(obj)
        self.frames.append(frame)
        ok = False
        try:
            result = orig(obj, *args, **kwargs)
            ok = True
            return result
        finally:
            self.frames.pop()
            captured = getattr(getattr(obj, "_scope", None), "name", None)
            if id(obj) not in unit.obj_scope:
                unit.obj_scope[id(obj)] = (outer_scope, captured)
            if layer is not None:
                lay = run.layers[layer]
                lay.calls.append((id(obj), outer_scope, captured, run.index))
                if not ok:
                    lay.failed = True
            if started:
                self.run_stack.pop()

    # ---------------------------------------------------------------- attribution
    def position(self, var_name=None):
        """(run, layer index, obj id) that a variable request / creation happening now belongs to."""
        run = self.active_run()
        if run is None:
            return None, None, None
        for fr in reversed(self.frames):
            if fr.run is not run:
                continue
            if fr.layer is not None:
                return run, fr.layer, id(fr.obj)
            if fr.is_stack and var_name:
                # a cell whose own __call__ we do not see (user class): read cell_<i> from the name
                m = re.search(r"/cell_(\d+)/", "/" + var_name[len(fr.outer_scope):] if var_name.startswith(fr.outer_scope) else var_name)
                if m is not None:
                    return run, run.layer_for(fr.segment, int(m.group(1))), None
            return run, None, None
        return run, None, None

    def on_get_variable(self, orig, store, args, kwargs):
        if not self.active or self.unit is None:
            return orig(store, *args, **kwargs)
        name = args[0] if args else kwargs.get("name")
        reuse = kwargs.get("reuse")
        existed = False
        try:
            existed = name in store._vars or ("%s/part_0" % name) in store._vars
        except Exception:
            pass
        run, layer, objid = self.position(name)
        lines = self.user_lines(sys._getframe(2))
        line = lines[-1] if lines else None
        gid = self.graph_id()
        try:
            var = orig(store, *args, **kwargs)
        except ValueError as e:
            msg = str(e)
            if "already exists" in msg:
                self.unit.collisions.append({
                    "name": name, "graph": gid,
                    "run": run.index if run else None, "layer": layer, "line": line,
                    "owner": self.unit.creator.get((gid, name))})
            raise
        created = not existed
        shape = None
        try:
            shape = var.get_shape().as_list()
        except Exception:
            shape = kwargs.get("shape")
            try:
                shape = list(shape) if shape is not None else None
            except Exception:
                shape = None
        rec = {"name": name, "shape": shape, "created": created, "reuse": _reuse_text(reuse),
               "line": line, "run": run.index if run else None, "layer": layer, "graph": gid}
        self.unit.requests.append(rec)
        if created:
            self.unit.created.append({"name": name, "shape": shape, "line": line, "graph": gid})
            self.unit.creator[(gid, name)] = (run.index, layer) if run else None
            self.unit.keepalive.append(var)
        if run is not None and layer is not None:
            key = (run.index, layer, objid)
            lst = self.unit.obj_req.setdefault(key, [])
            if name not in lst:
                lst.append(name)
            if objid is not None:
                first = self.unit.first_vars.setdefault(objid, (run.index, layer, []))
                if first[0] == run.index and first[1] == layer and name not in first[2]:
                    first[2].append(name)
        return var

    def on_add_weight(self, orig, layer_obj, args, kwargs):
        var = orig(layer_obj, *args, **kwargs)
        if not self.active or self.unit is None or var is None:
            return var
        try:
            name = strip_name(var.name)
        except Exception:
            return var
        gid = self.graph_id()
        if (gid, name) in self.unit.creator:
            return var  # already seen through get_variable
        run = self.active_run()
        pos = None
        if run is not None:
            for lay in run.layers:
                if lay.obj is layer_obj or lay.element is layer_obj:
                    pos = (run.index, lay.index)
                    break
            if pos is None:
                r, lidx, _ = self.position(name)
                if r is not None:
                    pos = (r.index, lidx)
        try:
            shape = var.get_shape().as_list()
        except Exception:
            shape = None
        lines = self.user_lines(sys._getframe(2))
        self.unit.created.append({"name": name, "shape": shape, "line": lines[-1] if lines else None, "graph": gid})
        self.unit.creator[(gid, name)] = pos
        self.unit.keras_owner[id(var)] = id(layer_obj)
        self.unit.keepalive.append(var)
        return var

    def on_stop(self, what):
        lines = self.user_lines(sys._getframe(2))
        if self.active and self.stop_calls and lines:
            raise StopTrace(what, lines[-1])
