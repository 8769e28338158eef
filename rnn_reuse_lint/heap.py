"""Hand the C heap's free pages back to the system after a large parse (glibc keeps them otherwise)."""
from __future__ import annotations

import os
from typing import Callable, Optional

__all__ = ["RELEASE_AFTER_BYTES", "release_after_parse"]

# libcst's native parser allocates ~2 KB per token in the C heap and frees it when the tree is built, but glibc
# keeps those pages: they sit between live blocks, where its automatic trimming (top of the heap only) never
# reaches. Python's own objects live in mmap'd arenas and cannot reuse them, so the evaluation's values and the
# fix planning came on top of the dead parser memory (`findings` x16: 47 MB of parse, then 10 MB more;
# benchmarks/README.md, "Growth"). malloc_trim(0) returns every free page, so the parse becomes the peak. It
# is not free: the next parse faults those pages in again (measured: ~5% of `check` on a 16 KB file linted
# over and over), so it runs only when the parse grew the resident set by RELEASE_AFTER_BYTES, ~40 KB of
# source and more: the files whose peak the size limit is about. Linux with glibc only (/proc for the
# resident set, malloc_trim): elsewhere nothing happens.
RELEASE_AFTER_BYTES = 32 * 1024 * 1024

_trim: Optional[Callable[[int], int]] = None
_looked_up = False


def resident_bytes() -> Optional[int]:
    """This process's resident set in bytes, or None where /proc is not there."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _malloc_trim() -> Optional[Callable[[int], int]]:
    global _trim, _looked_up
    if not _looked_up:
        _looked_up = True
        import ctypes  # only here: the flake8 plugin and most files never need it

        try:
            _trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
        except (OSError, TypeError):
            _trim = None
    return _trim


def release_after_parse(resident_before: Optional[int]) -> bool:
    """Trim the C heap if the resident set grew by RELEASE_AFTER_BYTES since `resident_before` (read before the
    parse with resident_bytes()); whether it trimmed."""
    if resident_before is None:
        return False
    now = resident_bytes()
    if now is None or now - resident_before < RELEASE_AFTER_BYTES:
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
