"""The zygote's request loop: one JSON request per line in, one JSON trace per line out; each file in a forked child."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import io
import json
import os
import signal
import sys
import time
import traceback

from . import sandbox
from .zygote import Zygote

_setitimer = signal.setitimer   # the real one: user code sees a guarded signal module during a file


def _send(out, message):
    out.write(json.dumps(message, default=str) + "\n")
    out.flush()


def _on_alarm(signum, frame):
    from .runner import TraceTimeout
    raise TraceTimeout()


def _on_xcpu(signum, frame):
    from .runner import TraceTimeout
    raise TraceTimeout("cpu")


def main():
    # The protocol gets private copies of fds 0/1; user code sees /dev/null there, so print() or os.write(1, ...)
    # cannot corrupt the stream and input() cannot steal requests. Forked files close these copies too.
    proto_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    proto_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    config = json.loads(proto_in.readline() or "{}")
    box = sandbox.Sandbox(config, proto_out)
    box.enter_namespaces()           # may fork: from here on we are the zygote inside the namespaces
    sys.stdout = io.StringIO()
    t0 = time.time()
    try:
        from .shim import install, v1_api
        info = install()
        tf1 = v1_api(info)
        from .tracer import Tracer
        from . import hooks
        tracer = Tracer(info)
        hooks.install(tracer, info)
        from .runner import FileRunner
        runner = FileRunner(tracer, info, tf1)
        _warm_up(tf1)
    except BaseException as e:
        _send(proto_out, {"fatal": "cannot import TensorFlow in %s: %s: %s" % (sys.executable, type(e).__name__, e),
                          "traceback": traceback.format_exc()[-3000:]})
        return 3

    def serve_one(request, cgroup):
        """In the forked child: confine it, then trace the one file (user code runs only here)."""
        user_dir = os.path.dirname(request.get("abspath") or os.path.abspath(request["path"]))
        # A module of a package sees the package's root (its relative imports) and the file's project root (its
        # absolute imports of the project's modules, src/ layouts too), read-only: all of them are folders at or
        # above the file's own, so the shortest holds the others, and nothing above the project becomes readable.
        roots = [(request.get(key) or {}).get("root") for key in ("package", "project")]
        visible = min([r for r in roots if r] + [user_dir], key=len)
        try:
            box.enter_child(visible, cgroup)
        except BaseException as e:
            return _failed(request, runner, "SandboxError", "cannot confine the traced file: %s" % (e,))
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.signal(signal.SIGXCPU, _on_xcpu)
        return _trace_one(box, runner, tracer, request)

    memory_mb = int(config.get("memory_mb", 4096))
    zygote = Zygote(box, serve_one, (proto_in.fileno(), proto_out.fileno()), memory_mb)
    _send(proto_out, {"hello": {"tf_version": info["tf_version"], "python": "%d.%d.%d" % sys.version_info[:3],
                                "executable": sys.executable, "import_seconds": round(time.time() - t0, 3),
                                "sandbox": box.status(), "pid": os.getpid(),
                                "rss_kb": _rss_kb()}})
    try:
        while True:
            line = proto_in.readline()
            if not line:
                return 0
            try:
                request = json.loads(line)
                timeout = float(request.get("timeout") or 60.0)
            except (ValueError, TypeError, AttributeError):
                _send(proto_out, {"id": None, "protocol_error": "bad request line"})
                continue
            trace = zygote.trace(request, timeout)
            trace["path"] = request.get("path")     # a file's result names that file, whatever it wrote
            _send(proto_out, {"id": request.get("id"), "trace": trace})
    finally:
        box.cgroups.close()


def _trace_one(box, runner, tracer, request):
    """Trace one file in this (forked, confined) process; what ran before a timeout is kept."""
    from .runner import TraceTimeout
    timeout = float(request.get("timeout") or 60.0)
    workdir = box.new_workdir()
    user_dir = os.path.dirname(request.get("abspath") or os.path.abspath(request["path"]))
    sys.path.insert(0, user_dir)
    sys.stdout = io.StringIO()
    start = time.time()
    box.begin_file(timeout, request["path"])
    _setitimer(signal.ITIMER_REAL, timeout)
    try:
        trace = runner.trace(request, start + timeout)
    except TraceTimeout as e:
        cpu = e.args and e.args[0] == "cpu"
        trace = _failed(request, runner, "Timeout",
                        ("CPU time limit exceeded" if cpu else "wall-clock timeout after %gs" % timeout) +
                        " (infinite loop? raise it with --timeout)")
        partial = runner.partial
        if partial is not None and partial.get("path") == request["path"]:
            partial["error"] = trace["error"]
            trace = partial
    except MemoryError:
        trace = _failed(request, runner, "MemoryError", "memory limit exceeded (huge allocation)")
    except BaseException as e:
        trace = _failed(request, runner, "InternalError", "%s: %s" % (type(e).__name__, e))
        trace["error"]["traceback"] = traceback.format_exc()[-3000:]
    finally:
        _setitimer(signal.ITIMER_REAL, 0)
        box.end_file()
        tracer.active = False
        sys.stdout = io.StringIO()
        box.drop_workdir(workdir)
    trace["violations"] = list(box.violations)
    trace["seconds"] = round(time.time() - start, 3)
    trace["sandbox"] = box.status()
    return trace


def _rss_kb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _failed(request, runner, kind, message):
    return {"version": 1, "path": request["path"], "tf_version": runner.info["tf_version"], "runs": [],
            "sharing": [], "created": [], "error": {"type": kind, "message": message, "line": None, "stack": []},
            "synthesized": {}, "stacks": [], "entries": [], "stopped_at": None}


def _warm_up(tf1):
    """Touch the lazily loaded pieces user code needs, while imports are still allowed."""
    try:
        g = tf1.Graph()
        with g.as_default():
            x = tf1.placeholder(tf1.float32, [2, 3, 4])
            cell = tf1.nn.rnn_cell.MultiRNNCell([tf1.nn.rnn_cell.LSTMCell(4), tf1.nn.rnn_cell.GRUCell(4)])
            tf1.nn.dynamic_rnn(cell, x, dtype=tf1.float32)
            for name in ("BasicLSTMCell", "BasicRNNCell", "DropoutWrapper", "ResidualWrapper", "DeviceWrapper"):
                getattr(tf1.nn.rnn_cell, name)
            keras = getattr(tf1, "keras", None)
            if keras is not None:
                layers = keras.layers
                for name in ("LSTM", "GRU", "SimpleRNN", "RNN", "StackedRNNCells", "LSTMCell", "GRUCell",
                             "SimpleRNNCell", "Bidirectional", "Dense", "Embedding", "Input"):
                    getattr(layers, name, None)
                layers.RNN([layers.LSTMCell(4)])(x)
    except Exception:
        pass
