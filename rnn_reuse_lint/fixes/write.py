"""Write a fixed file the way an editor does: inside the linted tree, same inode metadata, never over a new edit."""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import Optional, Sequence


def inside(path: str, roots: Sequence[str]) -> bool:
    """Whether the real location of `path` lies in one of `roots` (real paths of the linted files and folders)."""
    real = os.path.realpath(path)
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def linted_roots(paths: Sequence[str]) -> list[str]:
    """The real paths a run was asked to lint (`.` when none): a fix never writes outside them."""
    return [os.path.realpath(p) for p in (paths or ["."])]


def write_fixed(path: str, encoded: bytes, original: bytes, roots: Optional[Sequence[str]] = None) -> Optional[str]:
    """Replace the content of `path` by `encoded`; a problem in words (nothing written), or None.

    - a symlink whose target lies outside `roots` is skipped (black does the same): `--fix src/` must not
      rewrite whatever a link in src/ points to;
    - a file without write permission is refused (root may write anything; a read-only mode still means no);
    - the content is compared with `original` just before writing: an edit made meanwhile is kept, not lost;
    - a file with other hard links is rewritten in place, so every name sees the fix; otherwise a temporary
      file gets the mode, owner and extended attributes of the original and is renamed over it (atomic).
    """
    target = os.path.realpath(path)
    if roots is not None and os.path.islink(path) and not inside(path, roots):
        return f"skipped: a symlink to {target}, outside the linted paths"
    try:
        info = os.stat(target)
    except OSError as exc:
        return f"cannot write the fixed file: {exc.strerror}"
    if not stat.S_ISREG(info.st_mode):
        return "skipped: not a regular file"
    if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        return "skipped: the file is read-only"
    try:
        if info.st_nlink > 1:
            return _write_in_place(target, encoded, original)
        return _replace(target, encoded, original, info)
    except OSError as exc:
        return f"cannot write the fixed file: {exc.strerror or exc}"


def _changed(target: str, original: bytes) -> bool:
    try:
        with open(target, "rb") as stream:
            return stream.read() != original
    except OSError:
        return True


_CHANGED = "skipped: the file changed on disk while it was being fixed"


def _write_in_place(target: str, encoded: bytes, original: bytes) -> Optional[str]:
    with open(target, "r+b") as stream:
        if stream.read() != original:
            return _CHANGED
        stream.seek(0)
        stream.write(encoded)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())
    return None


def _replace(target: str, encoded: bytes, original: bytes, info: os.stat_result) -> Optional[str]:
    handle, temporary = tempfile.mkstemp(prefix=".rnn-reuse-lint-", dir=os.path.dirname(target))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(encoded)
            stream.flush()
            os.fsync(stream.fileno())
        _copy_metadata(target, temporary, info)
        if _changed(target, original):   # as late as possible: the window left is the rename itself
            os.unlink(temporary)
            return _CHANGED
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return None


def _copy_metadata(source: str, destination: str, info: os.stat_result) -> None:
    """Mode, owner and extended attributes (SELinux labels, macOS quarantine, user.* tags) of `source`."""
    try:
        os.chown(destination, info.st_uid, info.st_gid)
    except PermissionError:
        pass   # not root: the new file is ours, as an editor saving it would make it
    os.chmod(destination, stat.S_IMODE(info.st_mode))
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(destination, name, os.getxattr(source, name))
        except OSError as exc:
            if exc.errno not in (errno.ENOTSUP, errno.EPERM, errno.EACCES):
                raise
