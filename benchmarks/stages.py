"""CPU time per pipeline stage of `check` over the RNN-dense corpus, in one process (profile helper).

    python benchmarks/stages.py [--limit N] [LIST]

pyinstrument inflates pure-Python code with many small calls (the evaluator, codegen) relative to
libcst's native parser, so its percentages overstate the analyzer's share. This script times the
same stages with time.process_time() and no profiler: read, prefilter, decode, guards, libcst parse,
the model builder (with its span pass and its fix planning measured separately), the rules, and `# noqa`
handling. It
reaches into the engine's internals on purpose and says so when they have moved.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Dict, Optional, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_LIST = HERE / "corpus" / "rnn_files.txt"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("list", nargs="?", type=Path, default=DEFAULT_LIST,
                        help="file with one path per line (default: the RNN-dense corpus list run.py writes)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files")
    args = parser.parse_args(argv)
    paths = [p for p in args.list.read_text(encoding="utf-8").splitlines() if p]
    if args.limit:
        paths = paths[: args.limit]

    clock = time.process_time
    t0 = clock()
    import libcst as cst

    try:
        from rnn_reuse_lint import builder, engine, guards, noqa, positions, prefilter
        from rnn_reuse_lint.fixes.attach import with_fixes
        from rnn_reuse_lint.fixes.plan import FixPlanner
        from rnn_reuse_lint.settings import Settings
    except ImportError as exc:
        print(f"stages.py: the engine's internals moved ({exc}); update this script", file=sys.stderr)
        return 2
    t_import = clock() - t0

    spent: Dict[str, float] = {k: 0.0 for k in
                               ("read", "prefilter", "decode", "guards", "parse", "build (w/o spans, fixes)",
                                "spans", "fix planning", "rules", "noqa")}
    span_time = [0.0]
    fix_time = [0.0]

    def timed(function, total):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = clock()
            try:
                return function(*args, **kwargs)
            finally:
                total[0] += clock() - start
        return wrapper

    builder.spans_for = timed(builder.spans_for, span_time)  # type: ignore[assignment]
    FixPlanner.for_stack = timed(FixPlanner.for_stack, fix_time)  # type: ignore[method-assign]
    FixPlanner.for_directions = timed(FixPlanner.for_directions, fix_time)  # type: ignore[method-assign]
    settings = Settings()
    lines = 0
    findings = 0
    for path in paths:
        t = clock()
        data = Path(path).read_bytes()
        spent["read"] += clock() - t
        lines += data.count(b"\n")
        t = clock()
        keep = prefilter.might_have_rnn(data)
        spent["prefilter"] += clock() - t
        if not keep:
            continue
        t = clock()
        text = engine.decode(data, path)
        spent["decode"] += clock() - t
        if not isinstance(text, str):
            continue
        t = clock()
        problem = guards.check_source(text)
        spent["guards"] += clock() - t
        if problem is not None:
            continue
        t = clock()
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        spent["parse"] += clock() - t
        before, fixes_before = span_time[0], fix_time[0]
        t = clock()
        # as engine.build calls it for `check` with the text report (fixes marked, not written out)
        model, evaluation = builder.build_model(module, path, describe_runs=False)
        model = with_fixes(model, evaluation, "mark")
        spans, fixes = span_time[0] - before, fix_time[0] - fixes_before
        spent["build (w/o spans, fixes)"] += clock() - t - spans - fixes
        spent["spans"] += spans
        spent["fix planning"] += fixes
        t = clock()
        found = engine.run_rules(model, path, settings)
        spent["rules"] += clock() - t
        t = clock()
        if found:
            noqa.split(found, text)
        spent["noqa"] += clock() - t
        findings += len(found)
    del positions

    parse = spent["parse"] or float("nan")
    total = sum(spent.values())
    print(f"{len(paths)} files, {lines} lines, {findings} findings; imports {t_import:.2f}s CPU")
    print(f"{'stage':<26} {'CPU s':>8} {'% of parse':>11} {'% of total':>11}")
    for key, value in spent.items():
        print(f"{key:<26} {value:8.2f} {100 * value / parse:10.0f}% {100 * value / total:10.0f}%")
    print(f"{'total':<26} {total:8.2f} {100 * total / parse:10.0f}%")
    print(f"throughput estimate (parse / total, imports excluded): {100 * parse / total:.0f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
