"""`--fix` writes like an editor: not through links out of the tree, keeping owner/mode/xattrs, never over an edit."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from rnn_reuse_lint.fixes.write import write_fixed
from tests.test_cli import BAD, run
from tests.test_fix_cli import FIXED_BAD


def test_a_symlink_out_of_the_linted_tree_is_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(BAD)
    tree = tmp_path / "src"
    tree.mkdir()
    (tree / "link.py").symlink_to(outside)
    (tree / "own.py").write_text(BAD)
    code, _, err = run("check", "--isolated", "--fix", "src", cwd=str(tmp_path))
    assert outside.read_text() == BAD and (tree / "own.py").read_text() == FIXED_BAD
    assert "src/link.py: skipped: a symlink to %s, outside the linted paths" % outside in err
    assert "1 fixed" in err and code == 1


def test_owner_mode_and_extended_attributes_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(BAD)
    path.chmod(0o604)
    if os.getuid() == 0:
        os.chown(path, 1234, 4321)
    try:
        os.setxattr(path, "user.rrl", b"tag")
        xattr = True
    except OSError as exc:
        assert exc.errno in (errno.ENOTSUP, errno.EPERM)
        xattr = False
    code, _, err = run("check", "--isolated", "--fix", "m.py", cwd=str(tmp_path))
    assert code == 0 and path.read_text() == FIXED_BAD, err
    info = path.stat()
    assert info.st_mode & 0o777 == 0o604
    if os.getuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 4321)
    if xattr:
        assert os.getxattr(path, "user.rrl") == b"tag"


def test_a_read_only_file_is_refused_and_not_counted(tmp_path: Path) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(BAD)
    locked.chmod(0o444)
    (tmp_path / "open.py").write_text(BAD)
    code, _, err = run("check", "--isolated", "--fix", "locked.py", "open.py", cwd=str(tmp_path))
    assert locked.read_text() == BAD and (tmp_path / "open.py").read_text() == FIXED_BAD
    assert "locked.py: skipped: the file is read-only" in err
    assert "1 finding in 2 files checked; 1 fixed" in err and code == 1


def test_hard_links_share_the_fix(tmp_path: Path) -> None:
    first = tmp_path / "a.py"
    first.write_text(BAD)
    second = tmp_path / "b.py"
    os.link(first, second)
    code, _, err = run("check", "--isolated", "--fix", "a.py", cwd=str(tmp_path))
    assert code == 0, err
    assert second.read_text() == FIXED_BAD and first.stat().st_ino == second.stat().st_ino


def test_an_edit_made_during_the_fix_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text(BAD + "# edited meanwhile\n")     # what the editor saved after --fix read BAD
    problem = write_fixed(str(path), FIXED_BAD.encode(), BAD.encode())
    assert problem == "skipped: the file changed on disk while it was being fixed"
    assert path.read_text() == BAD + "# edited meanwhile\n"
    os.link(path, tmp_path / "other.py")                # the in-place path checks too
    assert write_fixed(str(path), FIXED_BAD.encode(), BAD.encode()) == problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py", "other.py"]   # no temporary left behind


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_only_regular_files_are_written(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.py"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    assert write_fixed(str(path), b"x", b"") == "skipped: not a regular file"
