"""`rnn-reuse-lint check PATH...`: lint files and directories and report findings."""
from __future__ import annotations

import argparse
import sys
from typing import List, Sequence

from rnn_reuse_lint.finding import FileResult
from rnn_reuse_lint.settings import Settings

NAME = "check"
HELP = "report suspicious RNN weight sharing in files and directories"

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--format", default="text", help="output format: text (default) or json")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="analyse files in N processes")


def analyze_all(files: Sequence[str], settings: Settings, jobs: int) -> List[FileResult]:
    """Results in the order of `files`, whatever the number of processes."""
    from rnn_reuse_lint.engine import analyze_file

    if jobs <= 1 or len(files) < 2:
        return [analyze_file(path, settings) for path in files]
    import concurrent.futures

    chunk = max(1, len(files) // (jobs * 8))
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(analyze_file, files, [settings] * len(files), chunksize=chunk))


def run(args: argparse.Namespace, settings: Settings) -> int:
    from rnn_reuse_lint.discovery import find_files
    from rnn_reuse_lint.report import formatters

    available = formatters()
    if args.format not in available:
        print(f"rnn-reuse-lint: unknown format {args.format!r} (choose from {', '.join(sorted(available))})",
              file=sys.stderr)
        return EXIT_USAGE
    if args.jobs < 1:
        print("rnn-reuse-lint: -j needs a positive number", file=sys.stderr)
        return EXIT_USAGE
    files, missing = find_files(args.paths, settings.exclude)
    for path in missing:
        print(f"rnn-reuse-lint: {path}: no such file or directory", file=sys.stderr)
    if missing and not files:
        return EXIT_USAGE
    results = analyze_all(files, settings, args.jobs)
    sys.stdout.write(available[args.format](results, settings))
    analysed = [r for r in results if r.error is None]
    if files and not analysed:
        return EXIT_USAGE
    if any(r.findings or r.error for r in results) or missing:
        return EXIT_FINDINGS
    return EXIT_CLEAN
