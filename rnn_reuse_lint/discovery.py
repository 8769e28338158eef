"""Which files a run looks at: .py and .ipynb files under the given paths, minus ignored, hidden, venv and excluded ones."""
from __future__ import annotations

import fnmatch
import os
from typing import TYPE_CHECKING, Iterable, Iterator, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    from rnn_reuse_lint.ignorefiles import IgnoreRules

SOURCE_SUFFIXES = (".py", ".ipynb")
# Folders that never hold a project's own code (`venv` as in ruff's defaults). `env`, `build` and `dist` are not
# here: RL projects keep environments in `env/`; build output is skipped when .gitignore says so, and any
# virtualenv by its pyvenv.cfg.
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "__pypackages__", "venv"})


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """flake8/ruff-style exclusion: a pattern matches the basename, the path as given, or the absolute path
    (patterns from pyproject.toml that contain a `/` are made absolute, relative to that file)."""
    if not patterns:
        return False
    path = path.rstrip(os.sep) or path
    name = os.path.basename(path)
    full = os.path.abspath(path)
    given = os.path.normpath(path)
    return any(
        fnmatch.fnmatch(name, p) or fnmatch.fnmatch(given, p) or fnmatch.fnmatch(full, p) for p in patterns
    )


def _excluded_with_parents(path: str, patterns: Sequence[str]) -> bool:
    """A file named explicitly (as pre-commit does) is excluded when it or a folder above it matches;
    only folders below the current directory count, so `exclude = ["tmp"]` never matches `/tmp`."""
    if excluded(path, patterns):
        return True
    full = os.path.abspath(path)
    cwd = os.getcwd()
    parent = os.path.dirname(full)
    while parent.startswith(cwd + os.sep):
        if excluded(parent, patterns) or excluded(os.path.relpath(parent, cwd), patterns):
            return True
        parent = os.path.dirname(parent)
    return False


def find_files(paths: Iterable[str], exclude: Sequence[str] = (), respect_ignore_files: bool = True
               ) -> Tuple[List[str], List[str]]:
    """(files to analyse, paths that do not exist). Files named explicitly are analysed whatever their
    suffix, unless excluded; ignore files, hidden folders and virtualenvs only shape what a walk finds."""
    from rnn_reuse_lint.ignorefiles import IgnoreRules

    rules = IgnoreRules() if respect_ignore_files else None
    found: List[str] = []
    missing: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_walk(path, exclude, rules))
        elif os.path.lexists(path):
            if not _excluded_with_parents(path, exclude):
                found.append(os.path.normpath(path))
        else:
            missing.append(path)
    return sorted(dict.fromkeys(found)), missing


def _walk(root: str, exclude: Sequence[str], rules: "Optional[IgnoreRules]") -> Iterator[str]:
    walk = rules.walker(root) if rules is not None else None
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".")
            and d not in _SKIP_DIRS
            and not _is_virtualenv(os.path.join(dirpath, d))
            and not excluded(os.path.join(dirpath, d), exclude)
            and not (walk is not None and walk.ignored(os.path.join(dirpath, d), is_dir=True))
        )
        for filename in sorted(filenames):
            full = os.path.join(dirpath, filename)
            # Only regular files: a FIFO named x.py would block the reader forever.
            if filename.endswith(SOURCE_SUFFIXES) and not excluded(full, exclude) and os.path.isfile(full) \
                    and not (walk is not None and walk.ignored(full, is_dir=False)):
                yield os.path.normpath(full)
