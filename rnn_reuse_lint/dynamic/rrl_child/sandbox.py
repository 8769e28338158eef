"""Confine the tracing child: namespaces and a read-only view for the zygote; per forked file a private root, uid
nobody, no capabilities, a cgroup, limits, seccomp and the audit hook."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ctypes
import ctypes.util
import errno
import os
import resource
import shutil
import signal
import struct
import sys
import tempfile
import types
from typing import Optional

from .cgroup import MemoryCgroups
from .jail import STAGE, Jail, drop_uid
from .scratch import SCRATCH

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 1, 24, 38, 47
SYS_CAPSET, SYS_SECCOMP = 126, 317          # x86_64
_DEVICES = ("null", "zero", "full", "random", "urandom")
RECURSION_CAP = 20000        # frames; what sys.setrecursionlimit may give a traced file
WORK_ROOT = "/dev/shm"       # a private tmpfs of each file's process (jail.py), its working folder


class Violation(PermissionError):
    """What the audit hook raises: a clear, named refusal."""


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(ret, what):
    if ret != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


class Sandbox(object):
    def __init__(self, config, proto_out):
        self.config = config
        self.proto_out = proto_out
        self.features = {}
        self.libc = None
        self.workdir = None
        self.user_active = False
        self.violations = []
        self.writable = []
        self.scratch = []           # folders whose writes land in a private layer (scratch.py), not on the host
        self.cpu_limit = None
        self.user_file = None
        self.in_userns = False
        self.outer_uid = os.getuid()
        self.keep_fds = ()
        self.cgroups = MemoryCgroups()

    # ---------------------------------------------------------------- before TensorFlow is imported
    def enter_namespaces(self):
        """Unshare mount/net/pid namespaces (fork into the pid namespace), build the filesystem view, drop caps."""
        if not self.config.get("isolate", True):
            self.features["namespaces"] = "off: disabled by the parent"
            return
        if not sys.platform.startswith("linux"):
            self.features["namespaces"] = "off: not Linux"
            return
        try:
            self.libc = _libc()
        except OSError as e:
            self.features["namespaces"] = "off: no libc (%s)" % e
            return
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID
        uid, gid = os.getuid(), os.getgid()
        self.outer_uid = uid
        if self.libc.unshare(flags) != 0:
            # unprivileged: a user namespace gives us the same powers over private copies
            if self.libc.unshare(flags | CLONE_NEWUSER) != 0:
                self.features["namespaces"] = "off: unshare failed (%s)" % os.strerror(ctypes.get_errno())
                return
            self._map_ids(uid, gid)
            self.in_userns = True
        self.features["namespaces"] = "on: mount, net, pid, ipc, uts"
        self._fork_into_pid_namespace()
        try:
            self._build_filesystem()
            self.features["filesystem"] = "on: read-only except a private tmpfs (%s)" % WORK_ROOT
        except OSError as e:
            self.features["filesystem"] = "off: %s" % e
        # capabilities stay with the zygote (it mounts each file's root); each forked file drops them

    def _map_ids(self, uid, gid):
        for path, text in (("/proc/self/setgroups", "deny"), ("/proc/self/uid_map", "0 %d 1" % uid),
                           ("/proc/self/gid_map", "0 %d 1" % gid)):
            try:
                with open(path, "w") as f:
                    f.write(text)
            except OSError:
                pass

    def _loaded_libc(self):
        """libc for the steps after enter_namespaces loaded it; without it they fail as a refused syscall would."""
        if self.libc is None:
            raise OSError(errno.ENOSYS, "libc was not loaded")
        return self.libc

    def _fork_into_pid_namespace(self):
        # Only children of unshare(CLONE_NEWPID) enter the namespace. The launcher forks the namespace's init,
        # which forks the worker: the worker must not be pid 1, because init ignores signals it sends itself
        # (a segfault handler that re-raises SIGSEGV would then spin forever instead of dying).
        libc = self._loaded_libc()
        pid = os.fork()
        if pid != 0:
            os._exit(self._wait(pid, report=False))
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        worker = os.fork()
        if worker != 0:
            os._exit(self._wait(worker, report=True))
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def _wait(self, pid, report):
        """Wait for pid; return an exit status for ourselves; if report, tell the parent how pid ended."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                status = 0
                break
        if report:
            try:
                import json
                if os.WIFSIGNALED(status):
                    msg = {"exit": {"signal": os.WTERMSIG(status)}}
                else:
                    msg = {"exit": {"code": os.WEXITSTATUS(status)}}
                self.proto_out.write(json.dumps(msg) + "\n")
                self.proto_out.flush()
            except Exception:
                pass
        return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)

    def _mount(self, source, target, fstype, flags, data):
        enc = lambda s: s.encode() if isinstance(s, str) else s
        _check(self._loaded_libc().mount(enc(source), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
               "mount %s" % target)

    def _build_filesystem(self):
        self._mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        try:
            self._mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        except OSError:
            pass
        if os.path.isdir("/var/tmp"):
            self._mount("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
        self._private_dev()
        self._remount_read_only()

    def _private_dev(self):
        """Replace /dev by a tmpfs holding only null/zero/full/random/urandom (no disks, no kmsg) and a private
        /dev/shm, the only writable place."""
        held = {}
        for name in _DEVICES:
            try:
                held[name] = os.open(os.path.join("/dev", name), getattr(os, "O_PATH", 0o10000000))
            except OSError:
                pass
        self._mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=1m,mode=755")
        for name, fd in held.items():
            target = os.path.join("/dev", name)
            open(target, "w").close()
            try:
                self._mount("/proc/self/fd/%d" % fd, target, None, MS_BIND, None)
            except OSError:
                os.unlink(target)
            os.close(fd)
        for name, dest in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                           ("stderr", "/proc/self/fd/2")):
            os.symlink(dest, os.path.join("/dev", name))
        os.mkdir("/dev/shm")
        os.mkdir(STAGE)
        os.mkdir(SCRATCH, 0o700)    # /dev turns read-only below: each file's scratch layer mounts over this
        size = "size=%dm,mode=1777" % int(self.config.get("tmp_mb", 256))
        self._mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, size)

    def _remount_read_only(self):
        keep = set(["/var/tmp", "/dev/shm"])
        if self.config.get("cgroup", True) and not self.in_userns:
            # the zygote makes one memory cgroup per file here; the files themselves never see this mount
            self.features["cgroup"] = self.cgroups.setup()
            if self.cgroups.base is not None:
                keep.add(_mount_point_of(self.cgroups.base))
        else:
            self.features["cgroup"] = "off: not root" if self.in_userns else "off: disabled by the parent"
        failed = []
        with open("/proc/self/mountinfo") as f:
            entries = [line.split() for line in f]
        for fields in entries:
            target = fields[4].replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
            opts = fields[5].split(",")
            if target in keep or "ro" in opts:
                continue
            flags = MS_BIND | MS_REMOUNT | MS_RDONLY
            for name, bit in (("nosuid", MS_NOSUID), ("nodev", MS_NODEV), ("noexec", MS_NOEXEC)):
                if name in opts:
                    flags |= bit
            for name, bit in (("noatime", 1024), ("nodiratime", 2048), ("relatime", 1 << 21)):
                if name in opts:
                    flags |= bit
            try:
                self._mount(None, target, None, flags, None)
            except OSError:
                failed.append(target)
        if "/" in failed:
            raise OSError(errno.EPERM, "could not make / read-only")

    def _drop_capabilities(self):
        try:
            libc = self._loaded_libc()
            for cap in range(64):
                libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
            libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
            header = struct.pack("Ii", 0x20080522, 0)   # _LINUX_CAPABILITY_VERSION_3, this thread
            data = b"\0" * 24
            hbuf = ctypes.create_string_buffer(header, len(header))
            dbuf = ctypes.create_string_buffer(data, len(data))
            _check(libc.syscall(SYS_CAPSET, hbuf, dbuf), "capset")
            _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
            self.features["capabilities"] = "on: all dropped"
        except OSError as e:
            self.features["capabilities"] = "off: %s" % e

    # ---------------------------------------------------------------- in each forked file, after TensorFlow is imported
    def enter_child(self, user_dir, cgroup):
        """Called in the freshly forked child, before any user code: everything from here on is per file."""
        if cgroup is not None:
            try:
                self.cgroups.join(cgroup)
            except OSError as e:
                self.features["cgroup"] = "off: %s" % e
        if self.libc is not None and self.features.get("filesystem", "").startswith("on"):
            try:
                scratch = Jail(self.libc, self.config.get("tmp_mb", 256)).build(user_dir, not self.in_userns)
                # the folder's writes go to a tmpfs layer of this process (scratch.py): the audit hook lets them by
                self.scratch = [os.path.realpath(user_dir)] if scratch else []
                self.features["filesystem"] = ("on: private root: Python, TensorFlow, the file's folder (%s) and a "
                                               "private tmpfs (%s)" % ("writes go to a private scratch layer"
                                                                       if scratch else "read-only", WORK_ROOT))
            except OSError as e:
                # half a root is worse than none: refuse to run user code with the host's files in view as root
                raise OSError(e.errno, "cannot build the private root: %s" % e)
        _close_stray_descriptors(self.keep_fds)
        if self.libc is not None and self.config.get("isolate", True):
            for cap in range(64):   # while CAP_SETPCAP is still ours: setuid() below clears the effective set
                self.libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
        if self.in_userns:
            self.features["uid"] = "on: unprivileged user namespace (uid %d outside)" % self.outer_uid
        elif self.libc is not None and self.config.get("isolate", True):
            self.features["uid"] = drop_uid()
        else:
            self.features["uid"] = "off: isolation disabled"
        if self.libc is not None and self.config.get("isolate", True):
            self._drop_capabilities()
        self.lockdown()

    def lockdown(self):
        self._limits()
        self._seccomp()
        self._audit()
        os.environ.clear()
        os.environ.update({"PATH": "/usr/bin:/bin", "HOME": WORK_ROOT, "TMPDIR": WORK_ROOT, "LANG": "C.UTF-8",
                           "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
        tempfile.tempdir = WORK_ROOT if self.features.get("filesystem", "").startswith("on") else None

    def _limits(self):
        def setlimit(kind, soft, hard=None):
            try:
                resource.setrlimit(kind, (soft, soft if hard is None else hard))
                return True
            except (ValueError, OSError):
                return False
        mem_mb = int(self.config.get("memory_mb", 4096))
        # RLIMIT_AS would break TensorFlow (it reserves GBs of address space it never touches); RLIMIT_DATA counts
        # what is really allocated (heap + private writable mappings, Linux >= 4.7): MemoryError instead of OOM.
        data = _vm_data_bytes()
        ok = data is not None and setlimit(resource.RLIMIT_DATA, data + mem_mb * 1024 * 1024)
        setlimit(resource.RLIMIT_CORE, 0)
        # open files: each may pin a tmpfs file or a pipe buffer; what TensorFlow holds already plus a margin
        setlimit(resource.RLIMIT_NOFILE, _open_fds() + 64)
        setlimit(resource.RLIMIT_FSIZE, int(self.config.get("file_mb", 64)) * 1024 * 1024)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # an oversized write fails with EFBIG instead of killing us
        self.features["limits"] = "on: data +%d MB, files %d MB, open files, no core dumps%s" % (
            mem_mb, int(self.config.get("file_mb", 64)), "" if ok else " (RLIMIT_DATA unavailable)")

    def _seccomp(self):
        if self.libc is None or not self.config.get("isolate", True):
            self.features["seccomp"] = "off"
            return
        import platform
        if platform.machine() != "x86_64":
            self.features["seccomp"] = "off: only built for x86_64"
            return
        prog = _seccomp_program()
        buf = ctypes.create_string_buffer(prog, len(prog))
        fprog = struct.pack("HxxxxxxQ", len(prog) // 8, ctypes.addressof(buf))
        fbuf = ctypes.create_string_buffer(fprog, len(fprog))
        self._seccomp_keep = (buf, fbuf)
        if self.libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            self.features["seccomp"] = "off: no_new_privs refused"
            return
        # SECCOMP_SET_MODE_FILTER with TSYNC: every thread TensorFlow already started gets the filter too
        if self.libc.syscall(SYS_SECCOMP, 1, 1, fbuf) != 0:
            self.features["seccomp"] = "off: %s" % os.strerror(ctypes.get_errno())
            return
        self.features["seccomp"] = "on: no new processes, sockets, shared memory, io_uring or keyrings"

    def _audit(self):
        if not hasattr(sys, "addaudithook"):
            self.features["audit"] = "off: Python < 3.8"
            return
        box = self

        def hook(event, args):
            if not box.user_active:
                return
            box._on_event(event, args)
        sys.addaudithook(hook)
        self.features["audit"] = "on"

    def _refuse(self, what, detail):
        frame: Optional[types.FrameType] = sys._getframe(2)
        line = None
        while frame is not None:
            if frame.f_code.co_filename == self.user_file:
                line = frame.f_lineno
                break
            frame = frame.f_back
        if len(self.violations) < 20:
            self.violations.append({"what": what, "detail": detail[:200], "line": line})
        raise Violation("sandbox: %s is not allowed (%s)" % (what, detail[:200]))

    def _on_event(self, event, args):
        if event in ("os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                     "os.forkpty", "pty.spawn", "os.startfile"):
            self._refuse("starting a process", "%s %r" % (event, args[:2] if args else ()))
        elif event == "socket.__new__":
            self._refuse("network access", "creating a socket (family %r)" % (args[1] if len(args) > 1 else None,))
        elif event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            self._refuse("network access", "%s %r" % (event, args[1:2] if len(args) > 1 else ()))
        elif event == "open":
            path, mode, flags = (list(args) + [None, None, None])[:3]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND))
            if writing and isinstance(path, (str, bytes)) and not self._inside(path):
                self._refuse("writing outside the temporary directory", _text(path))
        elif event in ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown", "os.link",
                       "os.symlink", "os.truncate", "os.utime", "shutil.rmtree", "shutil.move", "shutil.copyfile"):
            for path in args[:2]:
                if isinstance(path, (str, bytes)) and not self._inside(path):
                    self._refuse("changing files outside the temporary directory", "%s %s" % (event, _text(path)))
        elif event == "os.kill" and args and args[0] not in (os.getpid(), 0):
            self._refuse("signalling other processes", "os.kill(%r)" % (args[0],))
        elif event == "os.killpg" and args and args[0] not in (os.getpgid(0), 0):
            self._refuse("signalling other processes", "os.killpg(%r)" % (args[0],))

    def _inside(self, path):
        path = _text(path)
        if path in (os.devnull,):
            return True
        full = os.path.realpath(path)
        return any(full == w or full.startswith(w.rstrip("/") + "/") for w in self.writable)

    # ---------------------------------------------------------------- per file
    def new_workdir(self):
        base = WORK_ROOT if self.features.get("filesystem", "").startswith("on") else None
        self.workdir = tempfile.mkdtemp(prefix="rrl-", dir=base)
        os.chdir(self.workdir)
        # user code (and TensorFlow's own temp files, e.g. AutoGraph's) may write here and nowhere else
        self.writable = [os.path.realpath(self.workdir)] + self.scratch
        tempfile.tempdir = self.workdir
        os.environ["TMPDIR"] = self.workdir
        return self.workdir

    def drop_workdir(self, path):
        try:
            os.chdir("/")
        except OSError:
            pass
        shutil.rmtree(path, ignore_errors=True)

    def begin_file(self, timeout, user_file):
        self.user_file = user_file
        self.violations = []
        try:
            used = resource.getrusage(resource.RUSAGE_SELF)
            spent = int(used.ru_utime + used.ru_stime)
            soft = spent + int(timeout * 2) + 5   # 2 cores: TF may burn CPU on both during the wall-clock budget
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            if hard != resource.RLIM_INFINITY:
                soft = min(soft, hard)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
            self.cpu_limit = soft
        except (ValueError, OSError):
            self.cpu_limit = None
        self._guard_signals()
        self._cap_recursion()
        self.user_active = True

    def _cap_recursion(self):
        """A file may raise the recursion limit, but not past RECURSION_CAP: a runaway recursion then ends in a
        RecursionError within the time budget instead of a minute of frames or a C stack overflow."""
        real = sys.setrecursionlimit
        self._recursion_saved = real

        def capped(limit):
            return real(min(int(limit), RECURSION_CAP))
        sys.setrecursionlimit = capped

    def _guard_signals(self):
        """The per-file timeout lives on SIGALRM/SIGXCPU: user code may not silence them (the parent's kill
        still ends a file that gets around this, e.g. through ctypes)."""
        watched = (signal.SIGALRM, signal.SIGXCPU)
        box = self
        saved = {}
        for name in ("signal", "pthread_sigmask", "setitimer", "alarm", "siginterrupt"):
            if hasattr(signal, name):
                saved[name] = getattr(signal, name)
        self._signal_saved = saved

        def guarded(name):
            real = saved[name]

            def call(*args):
                if box.user_active:
                    first = args[0] if args else None
                    if name in ("setitimer", "alarm") or first in watched or (
                            name == "pthread_sigmask" and any(s in watched for s in (args[1] if len(args) > 1 else ()))):
                        box._refuse("changing the tracer's timer signals", "signal.%s%r" % (name, args[:2]))
                return real(*args)
            return call
        for name in saved:
            setattr(signal, name, guarded(name))

    def end_file(self):
        self.user_active = False
        if getattr(self, "_recursion_saved", None) is not None:
            sys.setrecursionlimit = self._recursion_saved
        for name, func in getattr(self, "_signal_saved", {}).items():
            setattr(signal, name, func)
        try:
            hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
            resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        except (ValueError, OSError):
            pass

    def status(self):
        return dict(self.features)


def _text(path):
    return path.decode("utf-8", "replace") if isinstance(path, bytes) else str(path)


def _vm_data_bytes():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def _seccomp_program():
    """A classic-BPF filter: refuse fork/vfork/execve/execveat and non-thread clone; clone3 -> ENOSYS (libc falls
    back to clone, where the flags are visible); ptrace and namespace/mount syscalls refused too."""
    LD_W_ABS, JEQ, JSET, RET = 0x20, 0x15, 0x45, 0x06
    ALLOW, KILL = 0x7fff0000, 0x80000000
    eperm, enosys = 0x00050000 | errno.EPERM, 0x00050000 | errno.ENOSYS
    enomem = 0x00050000 | errno.ENOMEM
    denied = (57, 58, 59, 322,            # fork vfork execve execveat
              101, 310, 311,              # ptrace process_vm_readv/writev
              272, 308, 165, 166, 155, 161, 434, 438,  # unshare setns mount umount2 pivot_root chroot pidfd_open/getfd
              41, 53,                     # socket socketpair: a path socket is reachable through any namespace
              319, 29, 30,                # memfd_create shmget shmat: memory outside RLIMIT_DATA and the RSS
              425, 426, 427,              # io_uring_setup/enter/register: syscalls the filter cannot see
              248, 249, 250,              # add_key request_key keyctl: kernel keyrings are not namespaced
              303, 304)                   # name_to_handle_at open_by_handle_at: opens files outside the root
    ins = []

    def op(code, k, jt=0, jf=0):
        ins.append([code, jt, jf, k])
    op(LD_W_ABS, 4)                           # arch
    op(JEQ, 0xC000003E, 1, 0)
    op(RET, eperm)
    op(LD_W_ABS, 0)                           # syscall number
    op(0x35, 0x40000000, 0, 1)                # JGE x32 ABI -> refuse
    op(RET, eperm)
    for nr in denied:
        op(JEQ, nr, 0, 1)
        op(RET, eperm)
    op(JEQ, 435, 0, 1)                        # clone3
    op(RET, enosys)
    # mmap(MAP_SHARED | MAP_ANONYMOUS): shared anonymous memory counts neither toward RLIMIT_DATA nor as private
    op(JEQ, 9, 0, 5)                          # mmap
    op(LD_W_ABS, 40)                          # args[3] low 32 bits = flags
    op(0x54, 0x21)                            # ALU AND K: MAP_SHARED | MAP_ANONYMOUS
    op(JEQ, 0x21, 0, 1)
    op(RET, enomem)
    op(LD_W_ABS, 0)                           # reload the syscall number for the checks below
    op(JEQ, 56, 0, 3)                         # clone: allow only threads
    op(LD_W_ABS, 16)                          # args[0] low 32 bits = flags
    op(JSET, 0x00010000, 1, 0)                # CLONE_THREAD
    op(RET, eperm)
    op(RET, ALLOW)
    del KILL
    return b"".join(struct.pack("HBBI", *i) for i in ins)


def _open_fds():
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 256


def _close_stray_descriptors(keep):
    """Close every descriptor of a folder or of an unknown file the zygote inherited (a folder descriptor outside
    the new root would let fchdir() walk out of it); keep stdio, the result pipe and TensorFlow's own files."""
    import stat as _stat
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd < 3 or fd in keep:
            continue
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            continue
        if _stat.S_ISDIR(mode) or _stat.S_ISSOCK(mode):
            try:
                os.close(fd)
            except OSError:
                pass


def _mount_point_of(path):
    path = os.path.realpath(path)
    while not os.path.ismount(path) and path != "/":
        path = os.path.dirname(path)
    return path
