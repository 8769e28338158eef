"""Time tracing fixtures/dynamic with one warm child vs one child process per file (target: >= 5x faster).

Usage: python benchmarks/bench_dynamic.py [--repeat N] [FILE ...]
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from typing import List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from rnn_reuse_lint.dynamic.api import is_available, trace_files  # noqa: E402

TARGET = 5.0


def _warm(files: List[str]) -> float:
    start = time.perf_counter()
    traces = trace_files(files, timeout=120.0)
    elapsed = time.perf_counter() - start
    failed = [t["path"] for t in traces if t["error"] and t["error"]["type"] in ("ChildCrashed", "Timeout")]
    if failed:
        print("warning: crashed or timed out: %s" % failed)
    return elapsed


def _cold(files: List[str]) -> float:
    start = time.perf_counter()
    for path in files:
        trace_files([path], timeout=120.0)     # a fresh child (and TensorFlow import) for every file
    return time.perf_counter() - start


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; the best is reported")
    args = parser.parse_args(argv)
    files = args.files or sorted(glob.glob(os.path.join(ROOT, "fixtures", "dynamic", "*.py")))
    ok, why = is_available()
    if not ok:
        print("cannot benchmark: %s" % why)
        return 2
    print("machine: %d cores (os.cpu_count), %d usable; %s" % (
        os.cpu_count() or 0, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0, why))
    print("files: %d" % len(files))
    warm = min(_warm(files) for _ in range(args.repeat))
    print("one warm child:       %7.1f s  (%.2f s/file)" % (warm, warm / len(files)))
    cold = min(_cold(files) for _ in range(args.repeat))
    print("one process per file: %7.1f s  (%.2f s/file)" % (cold, cold / len(files)))
    ratio = cold / warm if warm else float("inf")
    print("speed-up: %.1fx (target >= %.0fx): %s" % (ratio, TARGET, "met" if ratio >= TARGET else "NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
