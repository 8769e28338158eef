"""The project's own modules as the evaluator sees them: parsed and run (top level only) once per process."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

if TYPE_CHECKING:
    import libcst as cst

    from rnn_reuse_lint.finding import Span
    from rnn_reuse_lint.values import Frame

# Per linted file: how many project modules may be evaluated for it, and how deep an import chain is followed.
# Past either, a module is unknown (its names follow the unknown-value rules), never an error.
MAX_MODULES_PER_FILE = 40
MAX_DEPTH = 6
_CACHE_LIMIT = 512


@dataclass
class Loaded:
    """One evaluated module: its path, syntax tree and top-level names."""

    path: str
    module: "cst.Module"
    frame: "Frame"
    is_package: bool
    _spans: Optional[Dict[int, "Span"]] = field(default=None, repr=False)
    _asked: bool = field(default=False, repr=False)

    def spans_of(self, nodes: Sequence["cst.CSTNode"]) -> Dict[int, "Span"]:
        """id(node) -> Span for those of `nodes` that are in this module. The first file that asks (a one-file run:
        pre-commit, an editor) gets a walk that stops at its last node; from the second on, every node's span is
        computed once and kept with the module: the files that import it ask for the same cells and calls, and a
        walk each cost as much as the rest of their evaluation (benchmarks/bench_project.py)."""
        from rnn_reuse_lint.positions import all_spans, spans_for

        if self._spans is None and not self._asked:
            self._asked = True
            return spans_for(self.module, nodes)
        if self._spans is None:
            self._spans = all_spans(self.module)
        return {id(n): self._spans[id(n)] for n in nodes if id(n) in self._spans}

    def known_spans(self) -> bool:
        return self._spans is not None


@dataclass
class _Budget:
    """Shared by a linted file's loader and the loaders of the modules it imports."""

    evaluated: int = 0
    used: List[Loaded] = field(default_factory=list)  # modules whose nodes the findings may point into
    home: Optional[Loaded] = None  # the linted file itself: a module importing it back gets its own frame


@dataclass
class Loader:
    """Loads modules for one linted file; evaluated modules are shared by every file of the process (cached by
    path, modification time and size), so a `nets/` package imported by 200 files is read once."""

    path: str  # the file whose imports this loader follows
    depth: int = 0
    budget: _Budget = field(default_factory=_Budget)

    @property
    def used(self) -> List[Loaded]:
        return self.budget.used

    def enter(self, module: "cst.Module", frame: "Frame") -> None:
        """Register the linted file's own module, before its evaluation starts."""
        self.budget.home = Loaded(self.path, module, frame, os.path.basename(self.path) == "__init__.py")

    def load(self, path: str, is_package: bool) -> Optional[Loaded]:
        key = _key(path)
        if key is None:
            return None
        home = self.budget.home
        if home is not None and _real(path) == _real(home.path):
            return home  # `cycle_b` importing the linted `cycle_a` back sees the very same module
        cached = _CACHE.get(key)
        if isinstance(cached, Loaded):
            self._use(cached)
            return cached
        if cached is _LOADING or self.depth >= MAX_DEPTH or self.budget.evaluated >= MAX_MODULES_PER_FILE:
            return None  # an import cycle (still running its top level), or past the budget: unknown
        self.budget.evaluated += 1
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = _LOADING
        loaded = None
        try:
            loaded = _evaluate(path, is_package, Loader(path, self.depth + 1, self.budget))
        finally:
            if loaded is None:
                del _CACHE[key]
            else:
                _CACHE[key] = loaded
        if loaded is not None:
            self._use(loaded)
        return loaded

    def _use(self, loaded: Loaded) -> None:
        if not any(u is loaded for u in self.budget.used):
            self.budget.used.append(loaded)


class _Loading:
    """Marks a module whose top level is being evaluated (import cycles see it as unknown)."""


_LOADING = _Loading()
_CACHE: Dict[Tuple[str, int, int], object] = {}


# Every read of an imported name asks for its module's key: the symlink walk of realpath, not the stat, was most of
# that (200 files importing one package, benchmarks/bench_project.py). A link re-pointed during a run is missed.
_real = functools.lru_cache(maxsize=4096)(os.path.realpath)


def _key(path: str) -> Optional[Tuple[str, int, int]]:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _real(path), stat.st_mtime_ns, stat.st_size


def _evaluate(path: str, is_package: bool, loader: Loader) -> Optional[Loaded]:
    from rnn_reuse_lint import engine
    from rnn_reuse_lint.evaluate import Evaluator

    data = engine.read_source(path)
    if not isinstance(data, bytes):
        return None
    text = engine.decode(data, path)
    if not isinstance(text, str):
        return None
    parsed = engine.parse(text, path)
    if not isinstance(parsed, engine.Parsed):
        return None
    from rnn_reuse_lint.budget import Budget, units_for

    # its own budget, linear in its own size (imports per file are capped by MAX_MODULES_PER_FILE)
    evaluator = Evaluator(parsed.module, None, None, loader=loader, budget=Budget(units_for(text.count("\n") + 1)))
    frame = evaluator.run_top_level()
    return Loaded(path, parsed.module, frame, is_package)


def clear_cache() -> None:
    """Forget every evaluated module (tests; long-running servers when files change are handled by the key)."""
    _CACHE.clear()
    _real.cache_clear()
