"""Which of the project's own files a file's imports reach, directly or through other project modules (ast only)."""
from __future__ import annotations

import ast
import os
from typing import Dict, FrozenSet, Iterable, List, Optional, Set

from rnn_reuse_lint import project


def direct(path: str) -> FrozenSet[str]:
    """The project files the import statements of `path` name (anywhere in it: imports inside functions count),
    as real paths. A file that cannot be read or parsed imports nothing."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, ValueError):
        return frozenset()
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                # `import a.b.c` runs a/__init__.py, a/b/__init__.py and a/b/c.py
                found.update(_resolved(path, ".".join(parts[:k]), 0) for k in range(1, len(parts) + 1))
        elif isinstance(node, ast.ImportFrom):
            found.add(_resolved(path, node.module, node.level))
            for alias in node.names:  # `from pkg import sub` may name a submodule
                if alias.name != "*":
                    below = f"{node.module}.{alias.name}" if node.module else alias.name
                    found.add(_resolved(path, below, node.level))
    found.discard("")
    return frozenset(found)


def _resolved(importer: str, module: Optional[str], level: int) -> str:
    hit = project.resolve(importer, module, level) if module or level else None
    return os.path.realpath(hit[0]) if hit is not None else ""


def reaching(files: Iterable[str], changed: FrozenSet[str]) -> List[str]:
    """The files among `files` whose imports reach one of `changed` (real paths), however indirectly."""
    edges: Dict[str, FrozenSet[str]] = {}
    reaches: Set[str] = set()  # modules known to reach a changed one (never wrong to reuse, unlike a "no")

    def walk(start: str) -> bool:
        seen = {start}
        todo = [start]
        while todo:
            real = todo.pop()
            if real not in edges:
                edges[real] = direct(real)
            for dep in edges[real]:
                if dep in changed or dep in reaches:
                    reaches.add(start)
                    return True
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return False

    return [f for f in files if walk(os.path.realpath(f))]
