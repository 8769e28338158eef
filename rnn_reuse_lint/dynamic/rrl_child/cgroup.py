"""A cgroup v1 memory limit per traced file, when the memory controller is writable (root, v1); else nothing."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
import binascii
import os

# cgroup v2 here has no memory controller delegated and v1 is what a root container offers; RLIMIT_DATA, the
# seccomp filter and the zygote's watchdog bound memory on their own when no cgroup can be made.
SLACK_MB = 512      # copy-on-write copies of the zygote's pages are charged to the file's cgroup too


def _memory_mount():
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                fields = line.split()
                sep = fields.index("-")
                if fields[sep + 1] == "cgroup" and "memory" in fields[sep + 3].split(","):
                    return fields[3], fields[4]
    except (OSError, ValueError, IndexError):
        pass
    return None


def _own_path():
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) == 3 and "memory" in parts[1].split(","):
                    return parts[2]
    except OSError:
        pass
    return None


class MemoryCgroups(object):
    """One folder for this zygote under its own memory cgroup, one sub-folder per traced file."""

    def __init__(self):
        self.base = None
        self.why = "off: no writable cgroup v1 memory controller"

    def setup(self):
        mount, own = _memory_mount(), _own_path()
        if mount is None or own is None:
            return self.why
        root, point = mount
        if not own.startswith(root):
            return self.why
        parent = os.path.join(point, own[len(root):].lstrip("/"))
        _remove_stale(parent)
        base = os.path.join(parent, "rrl-%s" % binascii.hexlify(os.urandom(6)).decode())
        try:
            os.mkdir(base, 0o700)
        except OSError as e:
            self.why = "off: %s: %s" % (parent, e.strerror)
            return self.why
        self.base = base
        self.why = "on: cgroup v1 memory"
        return self.why

    def make(self, name, limit_mb):
        """A cgroup for one file; returns its folder or None."""
        if self.base is None:
            return None
        path = os.path.join(self.base, name)
        try:
            if not os.path.isdir(self.base):   # removed as stale by another run while this zygote was idle
                os.mkdir(self.base, 0o700)
            os.mkdir(path, 0o700)
            _write(os.path.join(path, "memory.limit_in_bytes"), str((limit_mb + SLACK_MB) << 20))
            try:   # swap too, where accounted: pages swapped out still count
                _write(os.path.join(path, "memory.memsw.limit_in_bytes"), str((limit_mb + SLACK_MB) << 20))
            except OSError:
                pass
            return path
        except OSError:
            self.remove(path)
            return None

    @staticmethod
    def join(path):
        _write(os.path.join(path, "cgroup.procs"), str(os.getpid()))

    @staticmethod
    def hit_limit(path):
        try:
            with open(os.path.join(path, "memory.failcnt")) as f:
                if int(f.read().strip() or 0) > 0:
                    return True
            with open(os.path.join(path, "memory.oom_control")) as f:
                for line in f:
                    if line.startswith("oom_kill ") and int(line.split()[1]) > 0:
                        return True
        except (OSError, ValueError):
            pass
        return False

    @staticmethod
    def remove(path):
        if path is None:
            return
        try:
            os.rmdir(path)
        except OSError:
            pass

    def close(self):
        if self.base is not None:
            self.remove(self.base)
            self.base = None


def _remove_stale(parent):
    """Folders of zygotes that were killed (SIGKILL leaves no chance to clean up): rmdir only succeeds on a
    cgroup without processes and sub-groups, so a folder in use stays."""
    try:
        names = [n for n in os.listdir(parent) if n.startswith("rrl-")]
    except OSError:
        return
    for name in names:
        base = os.path.join(parent, name)
        try:
            for sub in os.listdir(base):
                if os.path.isdir(os.path.join(base, sub)):
                    MemoryCgroups.remove(os.path.join(base, sub))
        except OSError:
            pass
        MemoryCgroups.remove(base)


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
