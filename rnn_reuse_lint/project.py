"""Where a linted file's project starts, and which of the project's own files an import statement names."""
from __future__ import annotations

import functools
import os
from typing import Optional, Sequence, Tuple

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
MAX_MODULE_BYTES = 2_000_000  # a larger "module" is generated data, not code worth following


@functools.lru_cache(maxsize=1024)
def find_root(directory: str) -> str:
    """The nearest folder at or above `directory` holding pyproject.toml, setup.cfg, setup.py or .git; without
    one, the folder above the top of the package chain (`__init__.py` files) the directory sits in."""
    found = nearest(directory, ROOT_MARKERS)
    if found is not None:
        return found
    top = os.path.abspath(directory)
    while os.path.isfile(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    return top


def nearest(directory: str, markers: Sequence[str]) -> Optional[str]:
    """The nearest folder at or above `directory` that holds one of `markers`, or None."""
    current = os.path.abspath(directory)
    while True:
        if any(os.path.exists(os.path.join(current, marker)) for marker in markers):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def resolve(importer: str, module: Optional[str], level: int) -> Optional[Tuple[str, bool]]:
    """The file (and whether it is a package's `__init__.py`) that `from <level dots><module> import ...` or
    `import <module>` names inside the project of `importer`, or None when it is not one of the project's files.

    Absolute names are looked up at the project root, under `src/`, and beside the importing file (scripts run
    from their own folder import their neighbours that way)."""
    here = os.path.dirname(os.path.abspath(importer))
    parts = module.split(".") if module else []
    if level:
        base = here
        for _ in range(level - 1):
            base = os.path.dirname(base)
        return _find(base, parts)
    if not parts:
        return None
    root = find_root(here)
    for base in dict.fromkeys((root, os.path.join(root, "src"), here)):
        found = _find(base, parts)
        if found is not None:
            return found
    return None


def _find(base: str, parts: list[str]) -> Optional[Tuple[str, bool]]:
    target = os.path.join(base, *parts)
    package = os.path.join(target, "__init__.py")
    if parts and _readable(target + ".py"):
        return target + ".py", False
    if _readable(package):
        return package, True
    return None


def _readable(path: str) -> bool:
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return os.path.isfile(path) and stat.st_size <= MAX_MODULE_BYTES
