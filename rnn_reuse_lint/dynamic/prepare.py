"""Make a file runnable as the static pass reads it: Python 2 syntax normalized, relative imports given a package."""
from __future__ import annotations

import ast
import os
from typing import Any, Dict, Optional, Tuple

from rnn_reuse_lint.legacy import normalize
from rnn_reuse_lint.repair import repair


def runnable_source(source: str, path: str) -> Tuple[str, Tuple[str, ...]]:
    """The source to run and what was rewritten: Python 2 files go through the static pass's normalizer, which
    keeps every line where it was (so trace lines are the file's lines)."""
    try:
        ast.parse(source, path)
        return source, ()
    except (SyntaxError, ValueError):
        pass
    fixed = normalize(source)
    if fixed is None or fixed.column_offset:
        return _retabbed(source, path)   # else the child reports the original syntax error
    try:
        ast.parse(fixed.source, path)
    except (SyntaxError, ValueError):
        return _retabbed(fixed.source, path, fixed.changes) if fixed.source != source else _retabbed(source, path)
    return fixed.source, fixed.changes


def _retabbed(source: str, path: str, changes: Tuple[str, ...] = ()) -> Tuple[str, Tuple[str, ...]]:
    """Python 2 read a tab in indentation as up to the next multiple of 8 columns, so it let tabs and spaces mix;
    Python 3 raises TabError. Expanding indentation tabs that way runs the file as Python 2 read it (same lines)."""
    lines = source.splitlines(True)
    out = []
    for line in lines:
        body = line.lstrip(" \t")
        out.append(line[:len(line) - len(body)].expandtabs(8) + body)
    retabbed = "".join(out)
    if retabbed != source:
        changes += ("indentation tabs expanded to 8 columns (Python 2 mixed tabs and spaces)",)
    try:
        ast.parse(retabbed, path)
        return retabbed, changes
    except (SyntaxError, ValueError):
        pass
    # a pasted fragment: the lines the static pass skips or re-indents (its RNN000 notes) are skipped here too
    fixed = repair(retabbed)
    if fixed is None:
        return source, ()
    return fixed.source, changes + tuple("line %d: %s" % (r.line, r.message) for r in fixed.repairs)


def _has_relative_import(source: str, path: str) -> bool:
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, ast.ImportFrom) and node.level > 0 for node in ast.walk(tree))


def package_of(source: str, path: str) -> Optional[Dict[str, Any]]:
    """The package a file belongs to: {"name": "pkg.sub", "root": folder holding pkg, "relative": whether the file
    imports relatively}, found by walking up through folders with an __init__.py (as `python -m pkg.sub.mod` would
    run it). The root also serves the project's absolute imports (`from utils import x` in `pkg/model.py`). A file
    with relative imports in a folder without __init__.py is a module of that folder as a namespace package. None
    for a loose file with no relative import."""
    relative = _has_relative_import(source, path)
    folder = os.path.dirname(os.path.abspath(path))
    parts = []
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        parts.append(os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if not parts:
        if not relative:
            return None
        here = os.path.dirname(os.path.abspath(path))
        return {"name": os.path.basename(here), "root": os.path.dirname(here), "relative": True}
    return {"name": ".".join(reversed(parts)), "root": folder, "relative": relative}


def project_paths(path: str) -> Dict[str, Any]:
    """The project the static pass follows imports into (project.find_root: the nearest folder with pyproject.toml,
    setup.cfg, setup.py or .git, else the top of the package chain): {"root": it, "paths": the folders its absolute
    imports are found in (the root, and `src/` when there is one)}. The child shows the root read-only and imports
    from these folders, so a traced file runs on the project's real modules, as the static pass reads them."""
    from rnn_reuse_lint.project import find_root

    root = find_root(os.path.dirname(os.path.abspath(path)))
    src = os.path.join(root, "src")
    return {"root": root, "paths": [root] + ([src] if os.path.isdir(src) else [])}
