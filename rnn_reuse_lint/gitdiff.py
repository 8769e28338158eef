"""`--diff-base REV`: which lines changed since REV (working tree vs REV, untracked files included), via git."""
from __future__ import annotations

import codecs
import difflib
import os
import re
import subprocess
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git is missing, the directory is not a repository, or REV is unknown (exit status 2)."""


@dataclass(frozen=True)
class Changes:
    """Changed lines per file (absolute real paths); `None` means every line (a new or untracked file)."""

    base: str
    root: str
    files: Dict[str, Optional[FrozenSet[int]]]

    def changed(self, path: str) -> bool:
        return _key(path) in self.files

    def touches(self, path: str, line: int) -> bool:
        key = _key(path)
        if key not in self.files:
            return False
        lines = self.files[key]
        return lines is None or line in lines


def _key(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def _git(args: Sequence[str], cwd: str) -> bytes:
    command = ["git", "-c", "core.quotepath=off", "-c", "diff.noprefix=false", *args]
    try:
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise DiffError("--diff-base needs git, which was not found on PATH") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {' '.join(args[:2])} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _unquote(path: str) -> str:
    """git's C-style quoting of unusual paths (`"a\\tb.py"`)."""
    if len(path) >= 2 and path[0] == '"' and path[-1] == '"':
        raw = codecs.escape_decode(path[1:-1].encode("utf-8"))[0]
        return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return path


def changes_since(base: str, directory: str) -> Changes:
    """Lines changed in the working tree of the repository containing `directory` since `base`."""
    directory = os.path.abspath(directory)
    try:
        root = _git(["rev-parse", "--show-toplevel"], directory).decode("utf-8").strip()
    except DiffError as exc:
        raise DiffError(f"--diff-base needs a git repository ({directory}): {exc}") from None
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], root)
    except DiffError:
        raise DiffError(f"--diff-base: unknown revision {base!r}") from None
    files: Dict[str, Optional[FrozenSet[int]]] = {}
    renamed_from: Dict[str, str] = {}
    # name-status first: renames (old path for notebooks) and deletions
    status = _git(["diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--"], root).split(b"\0")
    i = 0
    statuses: List[Tuple[str, str]] = []
    while i < len(status) and status[i]:
        code = status[i].decode()
        if code.startswith(("R", "C")):
            old, new = status[i + 1].decode("utf-8", "replace"), status[i + 2].decode("utf-8", "replace")
            renamed_from[new] = old
            statuses.append((code[0], new))
            i += 3
        else:
            statuses.append((code[0], status[i + 1].decode("utf-8", "replace")))
            i += 2
    for code, rel in statuses:
        if code == "A":
            files[_key(os.path.join(root, rel))] = None
    hunks = _git(["diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                  "--src-prefix=a/", "--dst-prefix=b/", base, "--"], root)
    current: Optional[str] = None
    changed: Dict[str, Set[int]] = {}
    for raw_line in hunks.decode("utf-8", "replace").splitlines():
        if raw_line.startswith("+++ "):
            target = _unquote(raw_line[4:].rstrip("\t"))
            current = None if target == "/dev/null" else target[2:] if target.startswith("b/") else target
            if current is not None:
                changed.setdefault(current, set())
            continue
        if raw_line.startswith("Binary files ") and " and b/" in raw_line:
            rel = raw_line.rsplit(" and b/", 1)[1].rsplit(" differ", 1)[0]
            files[_key(os.path.join(root, rel))] = None
            continue
        match = _HUNK.match(raw_line)
        if match and current is not None:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            changed[current].update(range(start, start + count))
    for rel, lines in changed.items():
        key = _key(os.path.join(root, rel))
        if files.get(key, ()) is None:
            continue
        if rel.endswith(".ipynb"):
            files[key] = _notebook_changes(base, root, renamed_from.get(rel, rel), rel)
        else:
            files[key] = frozenset(lines)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root).split(b"\0")
    for rel_bytes in untracked:
        if rel_bytes:
            files[_key(os.path.join(root, rel_bytes.decode("utf-8", "replace")))] = None
    return Changes(base, root, files)


def _notebook_changes(base: str, root: str, old_rel: str, new_rel: str) -> Optional[FrozenSet[int]]:
    """A notebook's JSON diff says little about its code: diff the concatenated code of both versions."""
    from rnn_reuse_lint.notebook import NotebookCode, extract

    try:
        old_bytes = _git(["show", f"{base}:{old_rel}"], root)
    except DiffError:
        return None
    try:
        with open(os.path.join(root, new_rel), "rb") as handle:
            new_bytes = handle.read()
    except OSError:
        return frozenset()
    old, new = extract(old_bytes, old_rel), extract(new_bytes, new_rel)
    if not isinstance(new, NotebookCode):
        return None
    if not isinstance(old, NotebookCode):
        return None
    old_lines, new_lines = old.source.splitlines(), new.source.splitlines()
    lines: Set[int] = set()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return frozenset(lines)
