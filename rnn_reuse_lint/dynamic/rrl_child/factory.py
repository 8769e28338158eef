"""Materialize the plan's synthesized-value specs in the current graph (placeholders, cells, configs, tables)."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import builtins

from . import stand_ins


def describe_spec(spec):
    kind = spec.get("kind")
    if kind == "placeholder":
        return "placeholder %s %s" % (spec.get("dtype", "float32"), _shape_text(spec.get("shape")))
    if kind == "placeholders":
        return "%d placeholders %s %s" % (spec.get("count", 3), spec.get("dtype", "float32"), _shape_text(spec.get("shape")))
    if kind == "module":
        return "module %s" % spec.get("module")
    if kind == "tf_attr":
        return "tf.%s" % spec.get("attr")
    if kind == "cell":
        return "a new %s(4)" % spec.get("class")
    if kind == "cell_class":
        return "the class %s" % spec.get("class")
    if kind == "instance":
        return "%s()" % spec.get("class")
    if kind == "mapping" and "values" in spec:
        return "{%s}" % ", ".join("%r: %s" % (k, describe_spec(v) if isinstance(v, dict) else repr(v))
                                  for k, v in sorted(spec["values"].items()))
    if kind == "mapping":
        return "{%s: %s}" % (", ".join(repr(k) for k in spec.get("keys", [])), describe_spec(spec["value"]))
    if kind == "namespace":
        return "namespace(%s)" % ", ".join("%s=%s" % (k, describe_spec(v) if isinstance(v, dict) else v)
                                          for k, v in sorted(spec.get("attrs", {}).items()))
    value = spec.get("value")
    return repr(value) if isinstance(value, (list, tuple, dict)) else value   # a table of sizes: its text


def _shape_text(shape):
    return "[%s]" % ", ".join("None" if d is None else str(d) for d in (shape or []))


class _Namespace(object):
    def __init__(self, attrs):
        self.__dict__.update(attrs)

    def __repr__(self):
        return "namespace(%s)" % ", ".join("%s=%r" % kv for kv in sorted(self.__dict__.items()))


class Factory(object):
    """Materialize a synthesized-value spec inside the current default graph."""

    def __init__(self, tf1, user_import=None):
        self.tf1 = tf1
        self.user_import = user_import
        self.globals = {}   # the traced file's module globals (its own classes), set once they exist
        self.stand_ins = stand_ins.StandIns()

    def module(self, name):
        """The module `import <name>` gives user code (`tensorflow`: compat.v1 on TF 2, see shim.user_import)."""
        importer = self.user_import or builtins.__import__
        try:
            mod = importer(name, {}, {}, (), 0)
        except ImportError:
            if name != "tf_keras":
                raise
            mod = importer("keras", {}, {}, (), 0)   # TF < 2.16: Keras 2 is `keras` itself
        for part in name.split(".")[1:]:
            mod = getattr(mod, part)
        return mod

    def cell_class(self, path):
        """The cell class a path names as the file's globals see it (`tf.nn.rnn_cell.GRUCell`), else LSTMCell."""
        target = None
        parts = path.split(".")
        if parts and parts[0] in self.globals:
            target = self.globals[parts[0]]
            for part in parts[1:]:
                target = getattr(target, part, None)
        return target if callable(target) else self.tf1.nn.rnn_cell.LSTMCell

    def cell(self, path):
        """A fresh cell of the class the file builds (`tf.nn.rnn_cell.GRUCell` as written there), 4 units."""
        return self.cell_class(path)(4)

    def make(self, name, spec):
        kind = spec.get("kind")
        tf1 = self.tf1
        if kind == "module":
            return self.module(spec.get("module"))
        safe = "".join(c if c.isalnum() or c in "_." else "_" for c in name) or "synth"
        if kind == "placeholder":
            return self.stand_ins.record(
                tf1.placeholder(getattr(tf1, spec.get("dtype", "float32")), spec.get("shape"), name=safe))
        if kind == "placeholders":
            return self.stand_ins.record([tf1.placeholder(getattr(tf1, spec.get("dtype", "float32")), spec.get("shape"),
                                                          name="%s_%d" % (safe, i))
                                          for i in range(int(spec.get("count", 3)))])
        if kind == "cell":
            return self.cell(spec.get("class") or "")
        if kind == "cell_class":
            return self.cell_class(spec.get("class") or "")
        if kind == "tf_attr":
            return getattr(tf1, spec["attr"])
        if kind == "instance":
            return self.globals[spec["class"]]()
        if kind == "namespace":
            return _Namespace(dict((k, self.make(name + "." + k, v) if isinstance(v, dict) else v)
                                   for k, v in spec.get("attrs", {}).items()))
        if kind == "mapping":
            if "values" in spec:   # a table of settings: each key its own value
                return dict((k, self.make("%s_%s" % (name, k), v) if isinstance(v, dict) else v)
                            for k, v in spec["values"].items())
            return dict((k, self.make("%s_%s" % (name, k), spec["value"])) for k in spec.get("keys", []))
        return spec.get("value")
