"""One traced file's view of the machine: a private root holding only Python/TensorFlow, the file's folder and tmpfs."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import ctypes
import errno
import os
import shutil
import stat
import sys
from typing import List

from .scratch import overlay

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH = 2
SYS_PIVOT_ROOT = 155            # x86_64
NOBODY = 65534
STAGE = "/dev/.rrl-root"        # a folder on the zygote's private /dev tmpfs; each child mounts its own root over it
DEVICES = ("null", "zero", "full", "random", "urandom")
# Folders of the base system that Python, libc and TensorFlow's shared libraries live in (symlinks in merged-/usr
# systems are re-created as symlinks).
_SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin", "/opt")
# /etc holds secrets (shadow, ssh host keys, tokens): only what the dynamic loader and time functions read
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf")
COPY_MAX_FILES = 2000           # a file's folder that the dropped uid cannot read is copied: bounded
COPY_MAX_BYTES = 32 * 1024 * 1024


def _enc(s):
    return s.encode() if isinstance(s, str) else s


class Jail(object):
    """Build the root in a fresh mount namespace of the forked child (still privileged), then pivot into it."""

    def __init__(self, libc, tmp_mb):
        self.libc = libc
        self.tmp_mb = int(tmp_mb)

    def _mount(self, source, target, fstype, flags, data):
        if self.libc.mount(_enc(source), _enc(target), _enc(fstype), ctypes.c_ulong(flags), _enc(data)) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "mount %s: %s" % (target, os.strerror(e)))

    def _bind(self, source, target, writable=False):
        if os.path.isdir(source):
            _makedirs(target)
        else:
            _makedirs(os.path.dirname(target))
            open(target, "a").close()
        self._mount(source, target, None, MS_BIND | MS_REC, None)
        if not writable:
            self._mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)

    def build(self, user_dir, drop_uid):
        """Enter a new mount namespace whose root shows the interpreter, the packages on sys.path, the user's
        folder (read-only, or under a private writable layer: scratch.py) and private tmpfs folders; nothing else
        of the host (no /etc/shadow, /root, /home). True when the user's folder got the writable layer."""
        if self.libc.unshare(CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
        self._mount(None, "/", None, MS_REC | MS_PRIVATE, None)
        root = STAGE
        self._mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,nr_inodes=4096,mode=755")
        new = lambda p: root + p
        bound = []
        for path in _SYSTEM:
            if os.path.islink(path):
                os.symlink(os.readlink(path), new(path))
            elif os.path.isdir(path):
                self._bind(path, new(path))
                bound.append(path)
        for name in _ETC:
            src = os.path.join("/etc", name)
            if os.path.exists(src):
                self._bind(src, new(src))
        _makedirs(new("/etc"))
        with open(new("/etc/passwd"), "w") as f:
            f.write("nobody:x:%d:%d:nobody:/tmp:/bin/false\n" % (NOBODY, NOBODY))
        with open(new("/etc/group"), "w") as f:
            f.write("nogroup:x:%d:\n" % NOBODY)
        for path in _python_dirs():
            if not _under(path, bound):
                self._bind(path, new(path))
                bound.append(path)
        # /dev: a few harmless devices; /dev/shm and /tmp: fresh tmpfs of this child (gone when it exits)
        for name in DEVICES:
            if os.path.exists("/dev/" + name):
                self._bind("/dev/" + name, new("/dev/" + name), writable=True)
        for name, dest in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                           ("stderr", "/proc/self/fd/2")):
            os.symlink(dest, new("/dev/" + name))
        _makedirs(new("/dev/shm"))
        size = "size=%dm,nr_inodes=16384,mode=1777" % self.tmp_mb
        self._mount("tmpfs", new("/dev/shm"), "tmpfs", MS_NOSUID | MS_NODEV, size)
        _makedirs(new("/tmp"))
        self._mount("tmpfs", new("/tmp"), "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,nr_inodes=4096,mode=1777")
        _makedirs(new("/proc"))
        try:   # hidepid: the dropped uid sees only its own process, not the zygote's environment or memory maps
            self._mount("proc", new("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
        except OSError:
            self._mount("proc", new("/proc"), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
        # last: a folder under /tmp (pytest's, mktemp's) goes on top of the fresh /tmp, not under it
        scratch = self._user_dir(user_dir, new(user_dir), drop_uid, bound) and overlay(
            self._mount, user_dir, new(user_dir), self.tmp_mb, NOBODY if drop_uid else None)
        _makedirs(new("/.old"))
        if self.libc.syscall(SYS_PIVOT_ROOT, _enc(root), _enc(new("/.old"))) != 0:
            raise OSError(ctypes.get_errno(), "pivot_root")
        os.chdir("/")
        if self.libc.umount2(b"/.old", MNT_DETACH) != 0:
            raise OSError(ctypes.get_errno(), "umount old root")
        os.rmdir("/.old")
        self._mount(None, "/", None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
        return scratch

    def _user_dir(self, user_dir, target, drop_uid, bound):
        """The traced file's folder (its sibling modules are importable). Bound read-only when the dropped uid may
        read it; a folder only root may read (a 0700 temp dir) is copied instead: its .py files, bounded.
        True when the host's folder itself is bound (a writable layer may go over it)."""
        if not os.path.isdir(user_dir) or _under(user_dir, bound):
            return False
        if not drop_uid or _world_readable(user_dir):
            self._bind(user_dir, target)
            return True
        _makedirs(target)
        self._mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "size=%dm,mode=755" % ((COPY_MAX_BYTES >> 20) + 8))
        budget = [COPY_MAX_FILES, COPY_MAX_BYTES]
        _copy_python(user_dir, target, budget, 0)
        self._mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, None)
        return False


def _copy_python(src, dst, budget, depth):
    try:
        names = sorted(os.listdir(src))
    except OSError:
        return
    for name in names:
        if budget[0] <= 0 or name.startswith("."):
            continue
        path = os.path.join(src, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and depth < 6 and name != "__pycache__":
            os.mkdir(os.path.join(dst, name), 0o755)
            _copy_python(path, os.path.join(dst, name), budget, depth + 1)
        elif stat.S_ISREG(st.st_mode) and name.endswith((".py", ".json", ".txt", ".yaml", ".yml", ".cfg")) \
                and st.st_size <= budget[1]:
            try:
                shutil.copyfile(path, os.path.join(dst, name))
                os.chmod(os.path.join(dst, name), 0o644)
            except OSError:   # a file that vanished or cannot be read: its import fails, not the trace
                continue
            budget[0] -= 1
            budget[1] -= st.st_size


def _python_dirs():
    """The interpreter's prefixes, every folder on sys.path and every folder a loaded shared library came from."""
    dirs = set()
    for p in [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)] + list(sys.path):
        if p and os.path.isdir(p):
            dirs.add(os.path.abspath(p))
            dirs.add(os.path.realpath(p))
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].startswith("/"):
                    dirs.add(os.path.dirname(fields[5].strip()))
    except OSError:
        pass
    out: List[str] = []
    for d in sorted(dirs, key=len):
        if d in ("/", "/etc", "/root", "/home", "/proc", "/dev", "/sys", "/tmp", "/var", "/run") or d.startswith(
                ("/proc/", "/sys/", "/dev/", "/etc/", "/run/", STAGE + "/")) or not os.path.isdir(d):
            continue
        if not _under(d, out):
            out.append(d)
    return out


def _under(path, folders):
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _world_readable(path):
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return mode & 0o005 == 0o005


def _makedirs(path):
    try:
        os.makedirs(path, 0o755)
    except OSError as e:
        if e.errno != errno.EEXIST:
            raise


def drop_uid():
    """As root of the host: become nobody (no supplementary groups); returns what happened, in words."""
    if os.getuid() != 0:
        return "on: runs as the invoking user (uid %d), not root" % os.getuid()
    try:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    except OSError as e:
        raise OSError(e.errno, "cannot drop to uid %d: %s" % (NOBODY, e.strerror))
    return "on: uid/gid %d" % NOBODY
