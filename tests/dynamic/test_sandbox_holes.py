"""The holes a hostile-code trial found (issue 20): each file probes one, and its trace or the host shows it closed."""
from __future__ import annotations

import os
import resource
import socket
import tempfile
import textwrap
from typing import Any, Dict, Iterator, List

import pytest

from tests.conftest import ROOT
from tests.dynamic.conftest import CountingListener

pytestmark = pytest.mark.dynamic

RNN = """
import tensorflow as tf
x = tf.placeholder(tf.float32, [2, 3, 4])
cell = tf.nn.rnn_cell.GRUCell(4)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
out, _ = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
"""
# Each probe records what it got in the name of a variable, so the trace shows it; `{name!r}` is filled in.
PROBES = {
    "unix_socket": """
        import ctypes, socket, struct
        import tensorflow as tf
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0)
        errno_socket = ctypes.get_errno()
        addr = struct.pack("H", socket.AF_UNIX) + {sock!r}.encode() + b"\\0"
        r = libc.connect(fd, ctypes.c_char_p(addr), len(addr)) if fd >= 0 else -1
        pair = (ctypes.c_int * 2)()
        rp = libc.socketpair(socket.AF_UNIX, socket.SOCK_STREAM, 0, pair)
        tf.get_variable("socket_%d_errno_%d_connect_%d_pair_%d" % (fd, errno_socket, r, rp), [1])
        socket.socket(socket.AF_UNIX)
    """,
    "memfd": """
        import ctypes, mmap
        import tensorflow as tf
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.memfd_create(b"hoard", 0)
        try:
            m = mmap.mmap(-1, 64 << 20)     # MAP_SHARED | MAP_ANONYMOUS: outside RLIMIT_DATA
            m.write(b"x" * (1 << 20))
            shared = "mapped"
        except OSError as e:
            shared = "refused"
        libc.mmap.restype = ctypes.c_void_p
        p = libc.mmap(None, 64 << 20, 3, 0x21, -1, 0)
        tf.get_variable("memfd_%d_mmap_%s_ctypes_%s" % (fd, shared, "failed" if p in (None, 2**64 - 1) else "ok"), [1])
    """,
    "io_uring_keyctl": """
        import ctypes
        import tensorflow as tf
        libc = ctypes.CDLL(None, use_errno=True)
        params = ctypes.create_string_buffer(120)
        ring = libc.syscall(425, 4, params)
        key = libc.syscall(250, 0, -3, 0)    # keyctl(KEYCTL_GET_KEYRING_ID, session keyring)
        tf.get_variable("io_uring_%d_keyctl_%d" % (ring, key), [1])
    """,
    "shadow": """
        import os
        import tensorflow as tf
        tf.get_variable("uid_%d_gid_%d_groups_%d" % (os.getuid(), os.getgid(), len(os.getgroups())), [1])
        for name, path in (("host_file", {host_file!r}), ("root_dir", "/root/.bashrc"), ("home", "/home")):
            try:
                os.listdir(path) if name == "home" else open(path).read()
                tf.get_variable(name + "_read", [1])
            except OSError as e:
                tf.get_variable("%s_refused" % name, [1])
        raise ValueError(open("/etc/shadow").read())
    """,
    "caps": """
        import tensorflow as tf
        for line in open("/proc/self/status"):
            if line.startswith(("CapBnd", "CapEff", "CapPrm", "NoNewPrivs", "Seccomp:")):
                key, value = line.split(":")
                tf.get_variable("%s_%s" % (key, value.strip()), [1])
    """,
    "forger": """
        import json, os, stat, sys
        fake = {"version": 1, "path": {victim!r}, "runs": [], "sharing": [], "created": [], "error": None,
                 "synthesized": {}, "stacks": [], "entries": [], "stopped_at": None, "violations": []}
        for fd in range(3, 512):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    for ident in range(1, 60):
                        os.write(fd, (json.dumps({"id": ident, "trace": fake}) + "\\n").encode())
            except OSError:
                pass
        for name, mod in list(sys.modules.items()):
            if name.endswith("runner") and hasattr(mod, "summarize"):
                mod.summarize = lambda *a, **k: ([], [], [], [])
    """,
    "liar": """
        import json, os, posix, stat
        for fd in range(3, 512):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode) and os.fstat(fd).st_mode & 0o200:
                    os.write(fd, b'{"version": 1, "runs": 5, "sharing": "x", "error": {"type": 3}}\\n')
            except OSError:
                pass
        posix._exit(0)
    """,
    "deep": """
        import os, posix, stat
        for fd in range(3, 512):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, b'{"id": 1, "trace": ' + b"[" * 200000 + b"]" * 200000 + b"}\\n")
            except OSError:
                pass
        posix._exit(0)
    """,
    "injection": """
        import tensorflow as tf
        raise ValueError("x\\ncases/fake.py:1:1: RNN105 injected\\x1b[31m")
    """,
    "interrupt": RNN + "raise KeyboardInterrupt\n",
    "timeout_after_run": RNN + "while True:\n    pass\n",
    "recursion": """
        import sys
        sys.setrecursionlimit(10 ** 6)
        def down(n):
            return down(n + 1)
        down(0)
    """,
    "killpg": "import os, signal\nos.killpg(1, signal.SIGKILL)\n",
}
ORDER = ["unix_socket", "memfd", "io_uring_keyctl", "shadow", "caps", "forger", "victim", "liar", "deep", "after_liar",
         "injection", "interrupt", "timeout_after_run", "recursion", "killpg", "last"]


class UnixListener(CountingListener):
    """A path socket on the host, counting connections (an ssh-agent or the Docker socket in real life)."""

    def __init__(self, path: str) -> None:
        self.path = path
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(path)
        os.chmod(path, 0o777)
        super().__init__(sock)

    def close(self) -> None:
        super().close()
        os.unlink(self.path)


@pytest.fixture(scope="module")
def unix_listener() -> Iterator[UnixListener]:
    lst = UnixListener(os.path.join(tempfile.gettempdir(), "rrl-test-%d.sock" % os.getpid()))
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def host_file() -> Iterator[str]:
    """A root-only file of the host, outside the traced file's folder."""
    path = os.path.join(ROOT, ".rrl-root-only-%d" % os.getpid())
    with open(path, "w") as f:
        f.write("rrl-host-secret")
    os.chmod(path, 0o600)
    yield path
    os.unlink(path)


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory, unix_listener: UnixListener,
           host_file: str) -> Dict[str, Any]:
    from rnn_reuse_lint.dynamic.api import trace_files

    folder = tmp_path_factory.mktemp("holes")
    paths: List[str] = [str(folder / (name + ".py")) for name in ORDER]
    victim = paths[ORDER.index("victim")]
    for name, path in zip(ORDER, paths):
        body = RNN if name in ("victim", "after_liar", "last") else textwrap.dedent(PROBES[name])
        for key, value in (("sock", unix_listener.path), ("host_file", host_file), ("victim", victim)):
            body = body.replace("{%s!r}" % key, repr(value))
        with open(path, "w") as f:
            f.write(body)
    return dict(zip(ORDER, trace_files(paths, timeout=10.0)))


def _created(trace: Dict[str, Any]) -> List[str]:
    return [c["name"] for c in trace["created"]]


def _rnn_ok(trace: Dict[str, Any]) -> None:
    assert trace["error"] is None, trace["error"]
    assert [len(r["layers"]) for r in trace["runs"]] == [2]
    assert [s["code"] for s in trace["sharing"]] == ["RNN101"]


def test_no_socket_of_any_family(probes: Dict[str, Any], unix_listener: UnixListener) -> None:
    trace = probes["unix_socket"]
    assert _created(trace) == ["socket_-1_errno_1_connect_-1_pair_-1"]     # EPERM from seccomp
    assert "network access is not allowed" in trace["error"]["message"] and trace["error"]["line"] == 12
    assert unix_listener.accepted == 0


def test_memory_outside_rlimit_data_cannot_be_pinned(probes: Dict[str, Any]) -> None:
    assert _created(probes["memfd"]) == ["memfd_-1_mmap_refused_ctypes_failed"]


def test_io_uring_and_keyrings_are_denied(probes: Dict[str, Any]) -> None:
    assert _created(probes["io_uring_keyctl"]) == ["io_uring_-1_keyctl_-1"]


def test_the_file_runs_as_nobody_and_sees_no_host_secrets(probes: Dict[str, Any]) -> None:
    trace = probes["shadow"]
    if os.getuid() == 0:
        assert _created(trace)[0] == "uid_65534_gid_65534_groups_0"
    assert _created(trace)[1:] == ["host_file_refused", "root_dir_refused", "home_refused"]
    assert trace["error"]["type"] in ("FileNotFoundError", "PermissionError")
    assert trace["error"]["message"].startswith("[Errno") and "rrl-host-secret" not in repr(probes)


def test_no_capability_is_left_not_even_in_the_bounding_set(probes: Dict[str, Any]) -> None:
    assert _created(probes["caps"]) == ["CapPrm_0000000000000000", "CapEff_0000000000000000",
                                        "CapBnd_0000000000000000", "NoNewPrivs_1", "Seccomp_2"]


def test_a_file_cannot_forge_another_files_verdict(probes: Dict[str, Any]) -> None:
    _rnn_ok(probes["victim"])          # written after the forger patched the runner and flooded every pipe
    assert probes["forger"]["path"].endswith("forger.py")


def test_a_malformed_result_is_an_error_of_that_file_only(probes: Dict[str, Any]) -> None:
    for name in ("liar", "deep"):
        error = probes[name]["error"]
        assert error["type"] == "ProtocolError", (name, error)
    _rnn_ok(probes["after_liar"])


def test_stderr_flood_does_not_grow_the_parent(tmp_path: Any) -> None:
    from rnn_reuse_lint.dynamic.api import trace_files

    flood = tmp_path / "flood.py"     # 400 MB on stderr, no newline: the parent keeps a bounded tail
    flood.write_text("import os\nchunk = b'x' * (1 << 20)\nfor _ in range(400):\n    os.write(2, chunk)\n")
    ok = tmp_path / "ok.py"
    ok.write_text(RNN)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    flooded, after = trace_files([str(flood), str(ok)], timeout=60.0)
    growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert flooded["error"] is None and growth_mb < 100, growth_mb
    _rnn_ok(after)


def test_control_characters_from_the_file_are_escaped(probes: Dict[str, Any]) -> None:
    message = probes["injection"]["error"]["message"]
    assert "\n" not in message and "\x1b" not in message
    assert message == "x\\ncases/fake.py:1:1: RNN105 injected\\x1b[31m"


def test_keyboard_interrupt_is_the_files_error_and_keeps_its_runs(probes: Dict[str, Any]) -> None:
    trace = probes["interrupt"]
    assert trace["error"]["type"] == "KeyboardInterrupt" and trace["error"]["line"] == 7
    assert "traceback" not in trace["error"] and len(trace["runs"]) == 1


def test_a_timeout_keeps_what_ran_before_it(probes: Dict[str, Any]) -> None:
    trace = probes["timeout_after_run"]
    assert trace["error"]["type"] == "Timeout" and "after 10s" in trace["error"]["message"]
    assert len(trace["runs"]) == 1 and trace["sharing"][0]["code"] == "RNN101"


def test_a_raised_recursion_limit_ends_as_a_clear_error(probes: Dict[str, Any]) -> None:
    error = probes["recursion"]["error"]     # the limit the file asked for is capped: it ends in a RecursionError
    assert error["type"] == "RecursionError" and error["line"] == 5, error
    _rnn_ok(probes["last"])


def test_killpg_is_refused(probes: Dict[str, Any]) -> None:
    trace = probes["killpg"]
    assert trace["violations"][0]["what"] == "signalling other processes"
    assert "signalling other processes is not allowed" in trace["error"]["message"]


def test_limits_hold_without_a_cgroup(tmp_path: Any) -> None:
    from rnn_reuse_lint.dynamic.api import trace_files

    sources = {"alloc": "blob = bytearray(600 * 1024 ** 2)\n",
               "tmpfs": textwrap.dedent("""
                   import os, tempfile
                   import tensorflow as tf
                   try:
                       for n in range(12):     # 12 x 32 MB: each under RLIMIT_FSIZE, together over the tmpfs cap
                           with open(os.path.join(tempfile.gettempdir(), "fill%d" % n), "wb") as f:
                               for _ in range(32):
                                   f.write(b"x" * (1 << 20))
                       tf.get_variable("tmpfs_unbounded", [1])
                   except OSError as e:
                       tf.get_variable("tmpfs_full_%d" % e.errno, [1])
               """),
               "ok": RNN}
    paths = []
    for name, body in sources.items():
        path = tmp_path / (name + ".py")
        path.write_text(body)
        paths.append(str(path))
    alloc, tmpfs, ok = trace_files(paths, timeout=30.0, memory_mb=300, cgroup=False)
    assert ok["sandbox"]["cgroup"].startswith("off")
    assert alloc["error"]["type"] == "MemoryError"
    assert [c["name"] for c in tmpfs["created"]] == ["tmpfs_full_28"]     # ENOSPC: the private tmpfs is capped
    _rnn_ok(ok)


def test_the_private_root_is_read_only_outside_tmp(probes: Dict[str, Any]) -> None:
    status = probes["last"]["sandbox"]
    assert status["filesystem"].startswith("on: private root")
    assert status["uid"].startswith("on")
    if os.getuid() == 0 and os.access("/sys/fs/cgroup/memory", os.W_OK):
        assert status["cgroup"].startswith("on"), status
