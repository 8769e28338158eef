"""Run `check` over many files in worker processes so that a file crashing the native parser costs only itself."""
from __future__ import annotations

import concurrent.futures
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Dict, List, Sequence, TypeVar

R = TypeVar("R")
S = TypeVar("S")


def _batch(work: Callable[[str, S], R], paths: Sequence[str], settings: Sequence[S]) -> List[R]:
    return [work(path, own) for path, own in zip(paths, settings)]


def run_supervised(work: Callable[[str, S], R], crashed: Callable[[str], R], files: Sequence[str],
                   settings: Sequence[S], jobs: int) -> List[R]:
    """`work(path, settings[i])` for every file, in the order of `files`, in `jobs` worker processes (each file
    with its own settings: its project's TensorFlow pin).

    A worker that dies (a SIGSEGV in libcst's native parser: no `except` can catch it) breaks the pool and every
    call in flight. What finished is kept; the first unfinished file then runs alone in a fresh process: if that
    process dies too, the file gets `crashed(path)`, else its result; the rest go on in a new pool. Each crash
    thus costs one pool restart, and no file is ever lost to another file's crash.
    """
    results: Dict[int, R] = {}
    pending = list(range(len(files)))
    while pending:
        # Small chunks: the run ends when the slowest worker's last chunk does (with len/16 chunks on 2 workers
        # the benchmark corpus lost ~6% to that tail); pickling a chunk of paths costs next to nothing.
        size = max(1, len(pending) // (jobs * 32))
        batches = [pending[i:i + size] for i in range(0, len(pending), size)]
        failed: List[int] = []
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [(batch, pool.submit(_batch, work, [files[i] for i in batch], [settings[i] for i in batch]))
                       for batch in batches]
            for batch, future in futures:
                try:
                    results.update(zip(batch, future.result()))
                except BrokenProcessPool:
                    failed.extend(batch)
        if not failed:
            break
        first, pending = failed[0], failed[1:]
        results[first] = _alone(work, crashed, files[first], settings[first])
    return [results[i] for i in range(len(files))]


def _alone(work: Callable[[str, S], R], crashed: Callable[[str], R], path: str, settings: S) -> R:
    with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
        try:
            return pool.submit(work, path, settings).result()
        except BrokenProcessPool:
            return crashed(path)
