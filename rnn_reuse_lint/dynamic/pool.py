"""Start, feed, watch and restart the sandboxed tracing child (one warm TensorFlow import for many files)."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Dict, Optional

from rnn_reuse_lint.dynamic.protocol import MAX_LINE, ProtocolError, bad_trace, check_trace, decode, printable, split_message

CHILD_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rrl_child")
START_TIMEOUT = 180.0     # importing TensorFlow: 3-4 s warm, much more on a cold or busy machine
GRACE = 10.0              # the child enforces the per-file timeout itself; the parent kills only past this grace
MEMORY_MB = 4096          # allocation budget per file on top of what TensorFlow itself holds
RSS_SLACK_MB = 2048       # parent-side backstop: kill when a child process holds budget + this (the zygote's own
                          # per-file watchdog and cgroup answer long before)
STDERR_KEEP = 64 * 1024   # bytes of the child's stderr kept for crash reports (a file may write gigabytes there)


class ChildUnavailable(Exception):
    """The child could not start or could not import TensorFlow."""


class ChildFailed(Exception):
    """The child died or was killed while tracing one file; `reason` says why, in words."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def child_env() -> Dict[str, str]:
    """A scrubbed environment: nothing of the parent's (secrets, proxies, PYTHON*) reaches user code."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp",
            "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}


def _signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


class Child:
    """One tracing child process: `trace()` sends a request and returns the child's trace dict."""

    def __init__(self, python: Optional[str] = None, isolate: bool = True, memory_mb: int = MEMORY_MB,
                 cgroup: bool = True) -> None:
        self.python = python or sys.executable
        self.isolate = isolate
        self.memory_mb = memory_mb
        self.cgroup = cgroup
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.hello: Dict[str, Any] = {}
        self._buf = b""
        self._stderr = bytearray()
        self._stderr_lock = threading.Lock()
        self._exit_note: Optional[Dict[str, Any]] = None
        self._next_id = 0
        self._killed_for: Optional[str] = None
        self._eof = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Dict[str, Any]:
        if not os.path.exists(self.python):
            raise ChildUnavailable("no such interpreter: %s" % self.python)
        try:
            self.proc = subprocess.Popen(
                [self.python, "-I", "-B", CHILD_DIR], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=child_env(), cwd="/", close_fds=True, start_new_session=True)
        except OSError as e:
            raise ChildUnavailable("cannot start %s: %s" % (self.python, e)) from None
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self._send({"isolate": self.isolate, "memory_mb": self.memory_mb, "cgroup": self.cgroup})
        try:
            msg = self._receive(time.monotonic() + START_TIMEOUT)
        except ProtocolError as e:
            self.kill()
            raise ChildUnavailable("the tracing child answered nonsense: %s" % e) from None
        if msg is None:
            self.kill()
            raise ChildUnavailable("the tracing child did not start: %s" % self._death_reason())
        if "fatal" in msg:
            self.kill()
            raise ChildUnavailable(str(msg["fatal"]))
        hello = msg.get("hello")
        self.hello = hello if isinstance(hello, dict) else {}
        return self.hello

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (subprocess.TimeoutExpired, OSError):
            self.kill()
        self.proc = None

    def kill(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # launcher and the worker inside its pid namespace
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.kill()
        except OSError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    # ------------------------------------------------------------------ requests
    def trace(self, request: Dict[str, Any], timeout: float) -> Dict[str, Any]:
        if not self.alive():
            raise ChildFailed("the tracing child is not running", "crash")
        self._next_id += 1
        request = dict(request, id=self._next_id, timeout=timeout)
        try:
            self._send(request)
        except OSError:
            raise ChildFailed("the tracing child died: %s" % self._death_reason(), "crash") from None
        deadline = time.monotonic() + timeout + GRACE
        while True:
            try:
                msg = self._receive(deadline, watch_memory=True)
            except ProtocolError as e:
                self.kill()
                raise ChildFailed("the tracing child broke the protocol: %s" % e, "protocol") from None
            if msg is None:
                raise self._failure(timeout)
            if "exit" in msg:
                self._exit_note = msg["exit"] if isinstance(msg["exit"], dict) else None
                continue
            ident, trace = split_message(msg)
            if ident == self._next_id and "trace" in msg:
                try:
                    return check_trace(trace)
                except ProtocolError as e:
                    return bad_trace(str(request.get("path")), str(e), self.hello.get("tf_version"))
            if "restart" in msg:
                self.kill()

    def _failure(self, timeout: float) -> ChildFailed:
        if self._killed_for:
            reason = self._killed_for
            self._killed_for = None
            return ChildFailed(reason, "memory")
        if self._eof:   # the pipe closed: the child died (its launcher may still be exiting)
            return ChildFailed("the tracing child died: %s" % self._death_reason(), "crash")
        if self.alive():
            self.kill()
            return ChildFailed("wall-clock timeout after %gs (the child did not stop by itself; killed)" % timeout,
                               "timeout")
        return ChildFailed("the tracing child died: %s" % self._death_reason(), "crash")

    def _death_reason(self) -> str:
        proc = self.proc
        code = proc.poll() if proc is not None else None
        if proc is not None and code is None:
            try:
                code = proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
        self._drain_pending_exit()
        note = self._exit_note
        with self._stderr_lock:
            text = bytes(self._stderr[-2000:]).decode("utf-8", "replace")
        tail = printable(" | ".join(line for line in text.splitlines()[-6:] if line.strip()))
        if note and isinstance(note.get("signal"), int):
            name = _signal_name(int(note["signal"]))
            what = {"SIGSEGV": "segmentation fault", "SIGKILL": "killed", "SIGABRT": "aborted",
                    "SIGBUS": "bus error", "SIGXCPU": "CPU time limit"}.get(name, name)
            text = "%s (%s)" % (what, name)
        elif note and isinstance(note.get("code"), int):
            text = "exited with status %d" % note["code"]
        elif code is not None and code < 0:
            text = "killed by %s" % _signal_name(-code)
        elif code is not None:
            text = "exited with status %d" % code
        else:
            text = "stopped answering"
        return text + (" — stderr: %s" % tail[-500:] if tail else "")

    def _drain_pending_exit(self) -> None:
        try:
            while True:
                msg = self._receive(time.monotonic() + 0.5)
                if msg is None:
                    return
                if "exit" in msg and isinstance(msg["exit"], dict):
                    self._exit_note = msg["exit"]
        except (ProtocolError, OSError):
            return

    # ------------------------------------------------------------------ pipes
    def _send(self, message: Dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
        self.proc.stdin.flush()

    def _receive(self, deadline: float, watch_memory: bool = False) -> Optional[Dict[str, Any]]:
        """The next JSON message, or None on EOF / deadline; ProtocolError for a line that is not one."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            return None
        fd = proc.stdout.fileno()
        while True:
            if b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                return decode(line)
            if len(self._buf) > MAX_LINE:
                self._buf = b""
                raise ProtocolError("a message longer than %d bytes" % MAX_LINE)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 0.25))
            if watch_memory and self._over_memory():
                return None
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self._eof = True
                return None
            self._buf += chunk

    def _drain_stderr(self) -> None:
        proc = self.proc
        if proc is None or proc.stderr is None:
            return
        fd = proc.stderr.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            with self._stderr_lock:   # keep the tail only: memory stays bounded whatever the child writes
                self._stderr += chunk
                if len(self._stderr) > STDERR_KEEP:
                    del self._stderr[:-STDERR_KEEP]

    def _over_memory(self) -> bool:
        proc = self.proc
        if proc is None:
            return False
        limit_kb = (self.memory_mb + RSS_SLACK_MB) * 1024 + int(self.hello.get("rss_kb", 0) or 600 * 1024)
        for pid in [proc.pid] + _children(proc.pid):
            rss = _charged_kb(pid)
            if rss is not None and rss > limit_kb:
                self._killed_for = "memory limit exceeded (%d MB anonymous + shared; killed)" % (rss // 1024)
                self.kill()
                return True
        return False


def _children(pid: int, depth: int = 4) -> list[int]:
    """Descendants of pid (launcher -> namespace init -> worker)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = [int(p) for p in f.read().split()]
    except (OSError, ValueError):
        return []
    out = list(kids)
    if depth > 1:
        for kid in kids:
            out.extend(_children(kid, depth - 1))
    return out


def _charged_kb(pid: int) -> Optional[int]:
    """Anonymous plus shared memory (shmem and tmpfs pages count, which RSS alone misses when not mapped)."""
    total = 0
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(("RssAnon:", "RssShmem:")):
                    total += int(line.split()[1])
    except (OSError, ValueError):
        return None
    return total
