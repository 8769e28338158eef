"""Which files a run looks at: .py files under the given paths, skipping hidden and virtual-env folders."""
from __future__ import annotations

import fnmatch
import os
from typing import Iterable, Iterator, List, Sequence, Tuple

SOURCE_SUFFIXES = (".py", ".ipynb")
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "venv", "env", "build", "dist"})


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """flake8-style exclusion: a pattern matches the basename or the whole path."""
    name = os.path.basename(path.rstrip(os.sep))
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(path, p) for p in patterns)


def find_files(paths: Iterable[str], exclude: Sequence[str] = ()) -> Tuple[List[str], List[str]]:
    """(files to analyse, paths that do not exist). Files named explicitly are always analysed."""
    found: List[str] = []
    missing: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path, exclude))
        elif os.path.lexists(path):
            if not excluded(path, exclude):
                found.append(path)
        else:
            missing.append(path)
    return sorted(dict.fromkeys(found)), missing


def _walk(root: str, exclude: Sequence[str]) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not _is_virtualenv(os.path.join(dirpath, d))
            and not excluded(os.path.join(dirpath, d), exclude)
        )
        for filename in sorted(filenames):
            full = os.path.join(dirpath, filename)
            if filename.endswith(SOURCE_SUFFIXES[:1]) and not excluded(full, exclude):
                yield os.path.normpath(full)
