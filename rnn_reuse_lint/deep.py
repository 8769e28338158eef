"""Run libcst's recursive traversal and code generation on a thread with a large stack and recursion limit."""
from __future__ import annotations

import sys
import threading
from typing import Callable, List, TypeVar

__all__ = ["STACK_BYTES", "RECURSION_LIMIT", "run_deep"]

T = TypeVar("T")

# libcst nests an `elif` chain (each `elif` is the `orelse` of the one before), and its code generation
# and visitors recurse about twice per branch: with Python's default limit of 1000, positioning a finding
# after ~450 branches, or generating a fix's code that holds them, raised RecursionError and the valid
# file became RNN000. Measured with CPython 3.11, libcst 1.9: a 6,000-branch chain (12,000 lines) keeps
# its finding and its fix (tests/test_growth.py runs 1,536 branches and 20,000 plain frames); the 256 MB
# thread stack is only address space until touched.
STACK_BYTES = 256 * 1024 * 1024
RECURSION_LIMIT = 100_000
_lock = threading.Lock()  # threading.stack_size() and the recursion limit are process-wide


def run_deep(function: Callable[[], T]) -> T:
    """`function()`, called on a fresh thread with a STACK_BYTES stack under a RECURSION_LIMIT limit;
    its exception, if any, is raised here."""
    result: List[T] = []
    error: List[BaseException] = []

    def target() -> None:
        try:
            result.append(function())
        except BaseException as exc:  # handed to the calling thread, which raises it
            error.append(exc)

    with _lock:
        old_stack = threading.stack_size(STACK_BYTES)
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
        try:
            thread = threading.Thread(target=target, name="rnn-reuse-lint-deep")
            thread.start()
        except RuntimeError:  # no thread with that stack (e.g. strict overcommit): the default stack, here
            sys.setrecursionlimit(old_limit)
            return function()
        finally:
            threading.stack_size(old_stack)
        try:
            thread.join()
        finally:
            sys.setrecursionlimit(old_limit)
    if error:
        raise error[0]
    return result[0]
