"""The byte prefilter followed through imports: a file naming no RNN itself may import a project module that does."""
from __future__ import annotations

import functools
import os
import re
from typing import Dict, Iterator, Optional, Tuple

from rnn_reuse_lint import project
from rnn_reuse_lint.prefilter import might_have_rnn

# `import a.b as c, d` and `from ..a import (b, c)`, matched on the lines that hold "import" (found at memchr speed:
# one regex over every position of every file cost more than the rest of this test on the standard library)
_IMPORT = re.compile(rb"[ \t]*(?:import[ \t]+([\w. \t,]+)|from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w \t,]+))")
_MEMO: Dict[Tuple[str, int, int, int], bool] = {}
_MEMO_LIMIT = 4096


def imports_rnn(data: bytes, path: str, depth: int = 4) -> bool:
    """Whether `data` (the file at `path`) imports, directly or through at most `depth` project modules, a module
    of its own project whose bytes pass the prefilter: `tagger.py` calling `nets.make_cell()` and
    `utils.bidirectional(cell, cell, x)` has no RNN name of its own, and its finding is still its own."""
    if b"import" not in data or depth <= 0:
        return False
    here = os.path.dirname(os.path.abspath(path))
    for module, level in _modules(data):
        found = _resolve(here, module, level)
        if found is not None and _reaches(found[0], depth - 1):
            return True
    return False


@functools.lru_cache(maxsize=8192)
def _resolve(here: str, module: Optional[str], level: int) -> Optional[Tuple[str, bool]]:
    """project.resolve for an importer in folder `here` (files of one folder import the same modules)."""
    return project.resolve(os.path.join(here, "_"), module, level)


def _lines_with_import(data: bytes) -> Iterator[bytes]:
    at = data.find(b"import")
    while at >= 0:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end < 0 else end
        yield data[start:end]
        at = data.find(b"import", end)


def _modules(data: bytes) -> Iterator[Tuple[Optional[str], int]]:
    for line in _lines_with_import(data):
        match = _IMPORT.match(line)
        if match is None:
            continue
        plain, dots, module, names = match.groups()
        if plain is not None:
            for item in plain.split(b","):
                name = item.split()[0].decode("ascii", "replace") if item.split() else ""
                if name:
                    yield name, 0
            continue
        level = len(dots)
        base = module.decode("ascii", "replace") or None
        if base is not None or level:
            yield base, level
        for item in names.split(b","):  # `from pkg import sub`: a submodule
            name = item.split()[0].decode("ascii", "replace") if item.split() else ""
            if name and name != "*":
                yield (f"{base}.{name}" if base else name), level


def _reaches(path: str, depth: int) -> bool:
    try:
        stat = os.stat(path)
    except OSError:
        return False
    key = (path, stat.st_mtime_ns, stat.st_size, depth)
    if key in _MEMO:
        return _MEMO[key]
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    try:
        with open(path, "rb") as handle:
            data = handle.read(project.MAX_MODULE_BYTES + 1)
    except OSError:
        return False
    hit = len(data) <= project.MAX_MODULE_BYTES and (might_have_rnn(data) or imports_rnn(data, path, depth))
    _MEMO[key] = hit
    return hit
