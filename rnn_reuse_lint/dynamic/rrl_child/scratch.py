"""A private scratch layer over the traced project's folder: writes beside the code land in this file's tmpfs."""
# (child code: Python 3.6 syntax, functions unannotated, checked by mypy check_untyped_defs; never runs in the parent)
#
# Code often creates a cache or output folder beside itself at import time (`os.makedirs(ROOT + "/cache")`).
# The folder is the host's, so it stays read-only; an overlay mount shows it with a writable upper layer on a tmpfs
# of the forked child: the file sees its own writes, the host's folder never changes, and the layer is gone when
# the child exits (the old root's lazy unmount leaves the tmpfs reachable through the overlay only).
import os

MS_NOSUID, MS_NODEV = 2, 4
SCRATCH = "/dev/.rrl-scratch"   # on the zygote's private /dev; mounted over per child, invisible after pivot_root
MAX_DIRS = 2000                 # folders given to the dropped uid in the upper layer: bounded


def overlay(mount, lower, target, tmp_mb, owner):
    """Mount `lower` (a host folder) at `target` with a writable tmpfs layer on top, its folders owned by `owner`
    (the uid the file will run as; None: it keeps ours); False when the kernel or the folder's name does not allow
    it (the folder then stays read-only, and writes into it are refused as before)."""
    if any(c in lower for c in ",:\\\n"):   # overlay options cannot carry these unescaped: keep it read-only
        return False
    if not os.path.isdir(SCRATCH):   # made by the zygote (sandbox.py) while its /dev was still writable
        return False
    try:
        mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, "size=%dm,nr_inodes=16384,mode=700" % int(tmp_mb))
        upper, work = os.path.join(SCRATCH, "upper"), os.path.join(SCRATCH, "work")
        os.mkdir(upper, 0o755)
        os.mkdir(work, 0o700)
        if owner is not None:
            _writable_folders(lower, upper, owner)
        mount("overlay", target, "overlay", MS_NOSUID | MS_NODEV,
              "lowerdir=%s,upperdir=%s,workdir=%s" % (lower, upper, work))
    except OSError:
        return False
    return True


def _writable_folders(lower, upper, owner):
    """Give each folder of the project a twin in the upper layer owned by the uid the file runs as: an upper folder
    merges with the lower one and lends it its owner, so that uid may create files there (existing files keep
    their owner and stay read-only to it)."""
    os.chown(upper, owner, owner)
    budget = MAX_DIRS
    for folder, names, _ in os.walk(lower):
        # hidden folders (.git) stay the host's; a symlink must not be shadowed by a twin folder
        names[:] = sorted(n for n in names if not n.startswith(".") and n != "__pycache__"
                          and not os.path.islink(os.path.join(folder, n)))
        for name in names:
            if budget <= 0:
                return
            budget -= 1
            twin = os.path.join(upper, os.path.relpath(os.path.join(folder, name), lower))
            os.mkdir(twin, 0o755)
            os.chown(twin, owner, owner)
