"""The work budget of one file's evaluation: units of real work and wall time, and who spent the last unit."""
from __future__ import annotations

import time
from typing import Optional

__all__ = ["DEFAULT_MAX_WORK", "DEFAULT_MAX_SECONDS", "MIN_LINES", "Budget", "Spent", "units_for"]

# One unit is one evaluated statement, call, lambda body, comprehension element or merged branch (or two
# layers of a list built or copied), and costs ~10 us. The budget is per source line, so that the work on
# any file is at most linear in its size; measured (benchmarks/README.md, "Growth"): the benchmark corpus
# and the fixtures use 1.7 units per line on average and at most 3.8 in one file; every 6th file of
# CPython's standard library at most
# 11.8 (test_hmac.py, calls packed into test tables). Without the budget, a fan-out of calls
# (`f1 = lambda: [f0(), f0(), ...]` nested four deep) costs F**4 in a 7-line file.
# The budget bounds memory too, as measured, not proven: the most a unit kept alive was ~150 bytes (the values a
# fan-out holds until the budget runs out: `fanout` x16, 4.1 MB for 31,060 units; a list's layers are units too,
# see evaluate/context.py PARTS_PER_UNIT, or a 256-layer list per call kept 600), so at most ~3 KB per line,
# ~1 KB per token as guards.estimate_tokens counts a line (blank lines included): less than parsing costs
# (~2 KB per token), which the size limit (guards.MAX_BYTES) is derived from. On large files heap.py hands
# the parser's freed pages back first, so the parse stays the peak.
DEFAULT_MAX_WORK = 20  # units per source line
MIN_LINES = 500  # every file may do the work of a 500-line file (10,000 units, ~0.1 s)
# Wall time per file, for what units do not see (a slow parse is not interruptible: see guards.py).
DEFAULT_MAX_SECONDS = 10.0
_CLOCK_EVERY = 1024  # read the clock once per this many units: time.monotonic() is ~50 ns, a unit ~5 us


BUDGET_NOTE = "analysis budget spent"


def units_for(lines: int, per_line: int = DEFAULT_MAX_WORK) -> int:
    """The work budget of a file of `lines` source lines."""
    return per_line * max(lines, MIN_LINES)


class Spent(Exception):
    """Raised by Budget.spend once the budget is gone; the evaluator turns the value at hand into unknown."""


class Budget:
    """Counts units of work for one file; once spent, every further spend raises Spent.

    `where` names the function being evaluated when the budget ran out (for --statistics and the note),
    `reason` says whether units or seconds ran out.
    """

    def __init__(self, max_work: int = DEFAULT_MAX_WORK * MIN_LINES, max_seconds: Optional[float] = DEFAULT_MAX_SECONDS) -> None:
        self.max_work = max_work
        self.max_seconds = max_seconds
        self.used = 0
        self.where: object = None  # whatever the caller passed as `where` when the budget ran out
        self.reason: Optional[str] = None
        self._deadline = time.monotonic() + max_seconds if max_seconds is not None else None
        self._next_clock = _CLOCK_EVERY

    @property
    def spent(self) -> bool:
        return self.reason is not None

    def spend(self, where: object, units: int = 1) -> None:
        """Count `units` of work done in `where` (the evaluator passes the function being evaluated)."""
        if self.reason is not None:
            raise Spent()
        self.used += units
        if self.used > self.max_work:
            self._stop(where, f"more than {self.max_work:,} units of work")
        if self.used >= self._next_clock:
            self._next_clock = self.used + _CLOCK_EVERY
            if self._deadline is not None and time.monotonic() > self._deadline:
                self._stop(where, f"more than {self.max_seconds:g} s")

    def _stop(self, where: object, reason: str) -> None:
        self.where, self.reason = where, reason
        raise Spent()

    def note(self, where: str) -> Optional[str]:
        """The note a report shows when the budget ran out (`where` describes self.where), else None."""
        if self.reason is None:
            return None
        return (f"{BUDGET_NOTE} ({self.reason}) while evaluating {where}; values computed from there on are "
                f"unknown and give no finding (raise with --max-work / --max-file-seconds)")
