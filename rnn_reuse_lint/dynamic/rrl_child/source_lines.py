"""Which line of the user's file a frame runs, also through the copies of user code that AutoGraph generates."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import sys


class SourceLines(object):
    """The user's lines on a stack or a traceback; the Tracer builds on it to attribute what TensorFlow does."""

    def __init__(self):
        self.filename = None
        self.positions = {}      # code object -> list of start lines (3.11+)
        self.generated = {}      # AutoGraph's generated file -> {generated line: (original file, line)}

    def _line_of(self, frame, lasti=None):
        code = frame.f_code
        if hasattr(code, "co_positions"):
            pos = self.positions.get(code)
            if pos is None:
                pos = [p[0] for p in code.co_positions()]
                self.positions[code] = pos
            i = (frame.f_lasti if lasti is None else lasti) // 2
            if 0 <= i < len(pos) and pos[i] is not None:
                return pos[i]
        return frame.f_lineno

    def source_line(self, frame, lasti=None, line=None):
        """The line of the user's file that frame runs (at line, or at lasti), or None. Frames of a copy of user
        code that AutoGraph generated (Keras converts the `call` of subclassed layers and models, tf.function its
        function) count as the user's lines they were converted from."""
        filename = frame.f_code.co_filename
        if filename != self.filename and filename not in self.generated:
            return None
        if line is None:
            line = self._line_of(frame, lasti)
        if filename == self.filename:
            return line
        origin = self.generated[filename].get(line)
        if origin is not None and origin[0] == self.filename:
            return origin[1]
        return None

    def user_lines(self, frame=None):
        """Lines of the user's file on the current stack, outermost first."""
        f = frame or sys._getframe(1)
        lines = []
        while f is not None:
            line = self.source_line(f)
            if line is not None:
                lines.append(line)
            f = f.f_back
        lines.reverse()
        return lines

    def tb_lines(self, tb):
        lines = []
        while tb is not None:
            lasti = getattr(tb, "tb_lasti", None)
            # before 3.11 only tb_lineno knows the failing line: the frame's own f_lineno has moved on to where
            # it unwound (the `with` line of a block the error left)
            if lasti is not None and lasti >= 0 and hasattr(tb.tb_frame.f_code, "co_positions"):
                line = self.source_line(tb.tb_frame, lasti)
            else:
                line = self.source_line(tb.tb_frame, line=tb.tb_lineno)
            if line is not None:
                lines.append(line)
            tb = tb.tb_next
        return lines

    def note_generated(self, result):
        """AutoGraph loaded the module it generated from converted code: result is (module, ..., source map).
        Keep the map of its lines back to the lines they were converted from (see source_line)."""
        if not isinstance(result, tuple) or len(result) < 2:
            return
        source_map = result[-1]
        filename = getattr(result[0], "__file__", None)
        if not filename or not isinstance(source_map, dict):
            return
        lines = {}
        for key, origin in source_map.items():
            loc = getattr(origin, "loc", None)
            lineno = getattr(key, "lineno", None)
            if loc is None or lineno is None or getattr(key, "filename", filename) != filename:
                continue
            lines[lineno] = (loc.filename, loc.lineno)
        if lines:
            self.generated[filename] = lines

    def user_caller(self, frame):
        """frame if it runs user code, else the first frame below it that does, seen through AutoGraph's own
        calls (converted_call, between a converted copy and what it calls); None when other code called."""
        f = frame
        while f is not None:
            if self.source_line(f) is not None:
                return f
            if not (_is_autograph(f.f_code.co_filename) or _is_legacy_seq2seq(f.f_code.co_filename)):
                return None
            f = f.f_back
        return None

    def user_line(self):
        lines = self.user_lines(sys._getframe(1))
        return lines[-1] if lines else None


def _is_autograph(filename):
    return "/autograph/" in filename.replace("\\", "/")


def _is_legacy_seq2seq(filename):
    """legacy_seq2seq's decoders call the cell directly, step by step: those calls count as made from the user's
    line that called the model function (TF 1.x's contrib module, or the TF 2 port in seq2seq_shim)."""
    name = filename.replace("\\", "/")
    return name.endswith(("/legacy_seq2seq/python/ops/seq2seq.py", "/rrl_child/seq2seq_shim.py",
                          "/rrl_child/seq2seq_embedding.py", "/rrl_child/seq2seq_attention.py"))
