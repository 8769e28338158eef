"""Fork one child per traced file from the warm zygote and collect that child's trace, and only its trace."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import json
import os
import select
import signal
import time
from typing import List

MAX_RESULT = 8 * 1024 * 1024   # a trace is a few KB; anything this large is a file flooding its result pipe
KILL_GRACE = 3.0               # the child's own SIGALRM reports a timeout with what ran; past this it is killed
POLL = 0.1
MEMORY_SLACK_MB = 512          # RLIMIT_DATA answers first with a MemoryError; the watchdog is the backstop
SIGNAL_WORDS = {"SIGSEGV": "segmentation fault", "SIGKILL": "killed", "SIGABRT": "aborted", "SIGBUS": "bus error",
                "SIGXCPU": "CPU time limit", "SIGSYS": "bad system call"}


def _signal_name(num):
    try:
        return signal.Signals(num).name
    except (ValueError, AttributeError):
        return "signal %d" % num


def _charged_kb(pid):
    """Memory the child holds that could grow without bound: anonymous + shared memory (RSS alone misses
    shmem that is not mapped, and counts file pages that are only cached)."""
    total = 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssShmem:")):
                    total += int(line.split()[1])
    except (OSError, ValueError):
        return None
    return total


class Zygote(object):
    """The warm process: TensorFlow imported, hooks installed, never a line of user code run in it."""

    def __init__(self, box, serve_one, proto_fds, memory_mb):
        self.box = box
        self.serve_one = serve_one          # (request) -> trace dict, run in the forked child
        self.proto_fds = proto_fds
        self.memory_mb = memory_mb
        self.count = 0

    def trace(self, request, timeout):
        self.count += 1
        cgroup = self.box.cgroups.make("f%d" % self.count, self.memory_mb)
        base_kb = _charged_kb(os.getpid()) or 0
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:   # the file's own process: it never returns from here
            os.close(read_fd)
            self._child(request, write_fd, cgroup)
        os.close(write_fd)
        try:
            data, why, kind = self._collect(pid, read_fd, timeout, base_kb)
        finally:
            os.close(read_fd)
        status = self._reap(pid)
        if kind is None and status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL \
                and cgroup is not None and self.box.cgroups.hit_limit(cgroup):
            why, kind = "memory limit exceeded (cgroup limit %d MB; killed)" % self.memory_mb, "MemoryError"
        self.box.cgroups.remove(cgroup)
        if kind is None:
            trace, why = _parse(data)
            if trace is not None:
                return trace
            kind = "ChildCrashed" if data is None or not data.endswith(b"\n") else "ProtocolError"
            why = _death(status) if kind == "ChildCrashed" else why
        return {"version": 1, "path": request.get("path"), "runs": [], "sharing": [], "created": [],
                "error": {"type": kind, "message": why, "line": None, "stack": []}, "synthesized": {}, "stacks": [],
                "entries": [], "stopped_at": None, "violations": []}

    def _child(self, request, write_fd, cgroup):
        code = 0
        try:
            for fd in self.proto_fds:     # the protocol belongs to the zygote: the file gets its own pipe only
                os.close(fd)
            libc = self.box.libc
            if libc is not None:
                libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG: die with the zygote
            self.box.keep_fds = (write_fd,)
            trace = self.serve_one(request, cgroup)
            data = (json.dumps(trace, default=str) + "\n").encode("utf-8")
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view):]
        except BaseException:
            code = 70
        finally:
            os._exit(code)

    def _collect(self, pid, fd, timeout, base_kb):
        """Read the child's one result line; (data, reason, kind) where kind is set when the zygote had to stop
        the child (too much output, memory, time)."""
        chunks: List[bytes] = []
        size = 0
        deadline = time.time() + timeout + KILL_GRACE
        limit_kb = base_kb + (self.memory_mb + MEMORY_SLACK_MB) * 1024
        while True:
            left = deadline - time.time()
            if left <= 0:
                _kill(pid)
                return None, ("wall-clock timeout after %gs (the file kept running past its own timer, e.g. "
                              "with the timer signals blocked; killed)" % timeout), "Timeout"
            ready, _, _ = select.select([fd], [], [], min(left, POLL))
            charged = _charged_kb(pid)
            if charged is not None and charged > limit_kb:
                _kill(pid)
                return None, "memory limit exceeded (%d MB anonymous + shared; killed)" % (
                    (charged - base_kb) // 1024), "MemoryError"
            if not ready:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks) if chunks else None, None, None
            size += len(chunk)
            if size > MAX_RESULT:
                _kill(pid)
                return None, "the file wrote more than %d MB to its result pipe; killed" % (MAX_RESULT >> 20), \
                    "ProtocolError"
            chunks.append(chunk)

    @staticmethod
    def _reap(pid):
        while True:
            try:
                return os.waitpid(pid, 0)[1]
            except InterruptedError:
                continue
            except ChildProcessError:
                return None


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _parse(data):
    """The child's trace, or (None, why). A child can only lie about its own file: whatever it wrote is checked
    here for shape, and the parent checks it again."""
    if not data or not data.endswith(b"\n") or data.count(b"\n") != 1:
        return None, "the file's process wrote no single result line"
    try:
        trace = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError) as e:
        return None, "unreadable result (%s)" % type(e).__name__
    if not isinstance(trace, dict):
        return None, "the result is not an object"
    return trace, None


def _death(status):
    if status is None:
        return "the file's process vanished"
    if os.WIFSIGNALED(status):
        name = _signal_name(os.WTERMSIG(status))
        return "%s (%s)" % (SIGNAL_WORDS.get(name, name), name)
    return "exited with status %d before reporting" % os.WEXITSTATUS(status)
