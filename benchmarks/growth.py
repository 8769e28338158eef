"""Growth benchmark (issue 21): does any input make the analyzer super-linear? Families of synthetic files
grow one dimension at a time (sizes x1, x4, x16 from ~100 lines); each is timed in-process through `check`
(lint_bytes, fixes planned as the text report plans them: marks only) and through the flake8 plugin, as paired
ratios.

    python benchmarks/growth.py            # ~5-10 min on 2 shared cores; exit 0 iff every target holds
    python benchmarks/growth.py --quick    # 1 round, fewer families' memory probes: a smoke test
    python benchmarks/growth.py --json out.json --families elif,fanout

It prints, per family and entry point, the CPU seconds at each size, the paired step ratios, and the growth
exponent log4(ratio) of each step: 1.0 is linear, 2.0 quadratic. A step's ratio is the median over rounds of
that round's t(hi)/t(lo), the two sizes measured back to back, in alternating order (ABBA), each sample
starting from a collected heap. Rows that cost little get more rounds (at least --rounds, more until a step
has spent STEP_SECONDS of CPU, at most MAX_ROUNDS): on a shared machine a short sample is the one a burst of
other work distorts most, and the median of more pairs is what keeps the verdict from following the load.
It fails when any exponent exceeds 1.25 (quadrupling costs > ~5.7x), when peak memory per byte of source
exceeds MAX_BYTES_PER_TOKEN per estimated token (guards.estimate_tokens: what the size limit counts; a fresh
process per family at x16), or when the fan-out file at F = 60 costs more than 10x a plain ~100-line RNN file in
either entry point. `--memory-only` runs the memory rows alone (seconds instead of minutes).
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from rnn_reuse_lint.commands.check import lint_bytes  # noqa: E402
from rnn_reuse_lint.flake8_plugin import Plugin  # noqa: E402
from rnn_reuse_lint.guards import MAX_BYTES, TOKEN_BYTES, estimate_tokens  # noqa: E402
from rnn_reuse_lint.settings import Settings  # noqa: E402

SCALES = (1, 4, 16)
MAX_EXPONENT = 1.25
# Peak memory per estimated token of source: what the size limit counts (guards.py: a file's size is the larger
# of its bytes and TOKEN_BYTES per token; per byte, dense code like `fanout` costs 0.9 KB and model code 0.5).
# Documented in benchmarks/README.md ("Growth"): 1.7-2.3 KB measured, so the 400,000 tokens that
# MAX_BYTES = 1.2 MB stands for stay within 1 GB.
MAX_BYTES_PER_TOKEN = 2500.0
assert MAX_BYTES / TOKEN_BYTES * MAX_BYTES_PER_TOKEN <= 1e9, "the size limit must stay within 1 GB of peak"
MAX_FANOUT_RATIO = 10.0
MIN_SAMPLE_SECONDS = 0.2  # a measurement repeats the call until this much CPU has passed
STEP_SECONDS = 4.0  # CPU a step's pairs may spend before --rounds is enough (more rounds for short rows)
MAX_ROUNDS = 15

HEADER = ["import tensorflow as tf", "from tensorflow.nn.rnn_cell import LSTMCell, GRUCell, MultiRNNCell",
          "from tensorflow.nn.rnn_cell import DropoutWrapper", "",
          "inputs = tf.placeholder(tf.float32, [None, 20, 8])", ""]


# ----- families: scale -> source ------------------------------------------------------------------
# Issue 21's pathological shapes.

def findings_in_one_scope(scale: int) -> str:
    """N bugs at module level: fix planning once walked the whole scope per finding (quadratic)."""
    n = 32 * scale
    lines = list(HEADER)
    for k in range(n):
        lines += [f"c{k} = LSTMCell(8)", f"s{k} = MultiRNNCell([c{k}] * 2)",
                  f"o{k}, _ = tf.nn.dynamic_rnn(s{k}, inputs, dtype=tf.float32, scope='rnn{k}')"]
    return "\n".join(lines) + "\n"


def fanout(width: int) -> str:
    """Four levels of lambdas, each a list of `width` calls to the one below: width**4 calls, one per line."""
    lines = list(HEADER) + ["f0 = lambda: LSTMCell(8)"]
    for level in range(1, 5):
        lines.append(f"f{level} = lambda: [")
        lines += [f"    f{level - 1}()," for _ in range(width)]
        lines.append("]")
    lines.append("stack = MultiRNNCell(f4())")
    return "\n".join(lines) + "\n"


def fanout_family(scale: int) -> str:
    return fanout(24 * scale)


def class_fanout(scale: int) -> str:
    """N methods, each returning a list of calls to the eight before it (the class form of fan-out)."""
    n = 12 * scale
    lines = list(HEADER) + ["class Model(object):", "    def m0(self):", "        return LSTMCell(8)"]
    for k in range(1, n):
        lines.append(f"    def m{k}(self):")
        lines.append("        return [" + ", ".join(f"self.m{j}()" for j in range(max(0, k - 8), k)) + "]")
    lines += ["    def build(self):", f"        return MultiRNNCell(self.m{n - 1}())"]
    return "\n".join(lines) + "\n"


def elif_chain(scale: int) -> str:
    """One if/elif chain of n branches, each binding the cell, and a stack after it (joins were cubic;
    libcst recurses once per elif, so codegen for the fix raised RecursionError at ~500)."""
    n = 48 * scale
    lines = list(HEADER) + ["def pick(k):", "    if k == 0:", "        cell = LSTMCell(8)"]
    for k in range(1, n):
        lines += [f"    elif k == {k}:", f"        cell = GRUCell({k + 8})"]
    lines += ["    else:", "        cell = LSTMCell(99)", "    return MultiRNNCell([cell] * 2)"]
    return "\n".join(lines) + "\n"


# Ordinary code, more of it.

def functions(scale: int) -> str:
    n = 10 * scale
    lines = list(HEADER)
    for k in range(n):
        lines += [f"def model_{k}(inputs, hidden=64, layers=2):",
                  f"    with tf.variable_scope('model_{k}'):",
                  "        cells = [LSTMCell(hidden) for _ in range(layers)]",
                  "        cells = [DropoutWrapper(c, output_keep_prob=0.9) for c in cells]",
                  "        stack = MultiRNNCell(cells)",
                  "        outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)",
                  "        logits = tf.layers.dense(outputs, 10)",
                  "    return logits, state", ""]
    return "\n".join(lines) + "\n"


def scopes(scale: int) -> str:
    n = 24 * scale
    lines = list(HEADER) + ["with tf.variable_scope('root'):"]
    for k in range(n):
        lines += [f"    with tf.variable_scope('block_{k}'):",
                  f"        cell_{k} = GRUCell(32)",
                  f"        out_{k}, _ = tf.nn.dynamic_rnn(cell_{k}, inputs, dtype=tf.float32)", ""]
    return "\n".join(lines) + "\n"


def loops(scale: int) -> str:
    n = 10 * scale
    lines = list(HEADER)
    for k in range(n):
        lines += [f"def stacked_{k}(inputs, num_layers):",
                  "    cells = []",
                  "    for i in range(num_layers):",
                  "        cell = LSTMCell(32)",
                  "        if i > 0:",
                  "            cell = DropoutWrapper(cell)",
                  "        cells.append(cell)",
                  f"    return tf.nn.dynamic_rnn(MultiRNNCell(cells), inputs, dtype=tf.float32, scope='s{k}')", ""]
    return "\n".join(lines) + "\n"


def inlining(scale: int) -> str:
    """Chains of factories four calls deep (the inlining depth cap), each chain used twice."""
    n = 8 * scale
    lines = list(HEADER)
    for k in range(n):
        lines += [f"def base_{k}(h):", "    return LSTMCell(h)",
                  f"def wrapped_{k}(h):", f"    return DropoutWrapper(base_{k}(h))",
                  f"def layer_{k}(h):", f"    return wrapped_{k}(h)",
                  f"def stack_{k}(h, n):", f"    return MultiRNNCell([layer_{k}(h) for _ in range(n)])",
                  f"enc_{k}, _ = tf.nn.dynamic_rnn(stack_{k}(32, 2), inputs, dtype=tf.float32, scope='e{k}')",
                  f"dec_{k}, _ = tf.nn.dynamic_rnn(stack_{k}(32, 2), inputs, dtype=tf.float32, scope='d{k}')", ""]
    return "\n".join(lines) + "\n"


def classes(scale: int) -> str:
    n = 8 * scale
    lines = list(HEADER)
    for k in range(n):
        lines += [f"class Encoder{k}(object):",
                  "    def __init__(self, hidden, layers):",
                  "        self.cells = [GRUCell(hidden) for _ in range(layers)]",
                  "        self.stack = MultiRNNCell(self.cells)",
                  "",
                  "    def __call__(self, inputs):",
                  f"        with tf.variable_scope('encoder_{k}'):",
                  "            return tf.nn.dynamic_rnn(self.stack, inputs, dtype=tf.float32)",
                  "",
                  f"encoder_{k} = Encoder{k}(32, 2)",
                  f"outputs_{k}, _ = encoder_{k}(inputs)", ""]
    return "\n".join(lines) + "\n"


FAMILIES: Dict[str, Tuple[str, Callable[[int], str]]] = {
    "findings": ("issue", findings_in_one_scope),
    "fanout": ("issue", fanout_family),
    "class-fanout": ("issue", class_fanout),
    "elif": ("issue", elif_chain),
    "functions": ("ordinary", functions),
    "scopes": ("ordinary", scopes),
    "loops": ("ordinary", loops),
    "inlining": ("ordinary", inlining),
    "classes": ("ordinary", classes),
}

CHECK_SETTINGS = Settings(fixes="mark")  # what `check` uses for the text report: every RNN1 rule, `[*]` marks
ENTRIES: Dict[str, Callable[[bytes], object]] = {
    "check": lambda data: lint_bytes(data, "growth.py", CHECK_SETTINGS),
    "flake8": lambda data: list(Plugin(None, data.decode("utf-8").splitlines(True), "growth.py").run()),
}


# ----- measuring ----------------------------------------------------------------------------------

def cpu_seconds(entry: Callable[[bytes], object], data: bytes) -> float:
    """CPU seconds of one call (all threads: the engine evaluates on its own thread), repeated until
    MIN_SAMPLE_SECONDS have passed so that millisecond files are not all clock noise. The heap is collected
    first: a sample pays for its own garbage, not for the previous sample's."""
    gc.collect()
    clock = time.process_time
    calls, start = 0, clock()
    while True:
        entry(data)
        calls += 1
        spent = clock() - start
        if spent >= MIN_SAMPLE_SECONDS:
            return spent / calls


def paired_step(entry: Callable[[bytes], object], lo: bytes, hi: bytes, rounds: int
                ) -> Tuple[List[float], List[float], List[float]]:
    """(ratios t(hi)/t(lo), lo samples, hi samples) of one step: pairs measured back to back, in ABBA order,
    at least `rounds` of them and more while the step has spent less than STEP_SECONDS (at most MAX_ROUNDS)."""
    ratios: List[float] = []
    lows: List[float] = []
    highs: List[float] = []
    spent = 0.0
    while len(ratios) < rounds or (spent < STEP_SECONDS and len(ratios) < MAX_ROUNDS):
        if len(ratios) % 2 == 0:
            a = cpu_seconds(entry, lo)
            b = cpu_seconds(entry, hi)
        else:
            b = cpu_seconds(entry, hi)
            a = cpu_seconds(entry, lo)
        lows.append(a)
        highs.append(b)
        ratios.append(b / a)
        spent += max(a, MIN_SAMPLE_SECONDS) + max(b, MIN_SAMPLE_SECONDS)
    return ratios, lows, highs


def load_average() -> str:
    try:
        return "load average %.1f / %.1f / %.1f (1, 5, 15 min) on %d cores" % (*os.getloadavg(), os.cpu_count() or 0)
    except OSError:
        return "load average not known"


def exponent(ratio: float) -> float:
    return math.log(ratio, 4) if ratio > 0 else 0.0


def peak_above_baseline(source: str) -> int:
    """Peak RSS in bytes of linting `source` in a fresh process, above the same process after a tiny file."""
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a child of this (large)
    # process would report the parent's peak.
    probe = ("import sys\n"
             "from rnn_reuse_lint.commands.check import lint_bytes\n"
             "from rnn_reuse_lint.settings import Settings\n"
             "def peak():\n"
             "    with open('/proc/self/status') as f:\n"
             "        return next(int(l.split()[1]) for l in f if l.startswith('VmHWM:'))\n"
             "data = sys.stdin.buffer.read()\n"
             "lint_bytes(b'import tensorflow as tf\\ncell = tf.nn.rnn_cell.LSTMCell(2)\\n', 'a.py', Settings())\n"
             "base = peak()\n"
             "lint_bytes(data, 'growth.py', Settings())\n"
             "print(base, peak())\n")
    out = subprocess.run([sys.executable, "-c", probe], input=source.encode(), capture_output=True, check=True,
                         cwd=os.path.dirname(HERE)).stdout.split()
    return (int(out[1]) - int(out[0])) * 1024


def memory_rows(names: Sequence[str], report: Dict[str, object]) -> List[bool]:
    """Peak memory of each family at x16, per estimated token (the verdict), per line and per byte."""
    verdicts: List[bool] = []
    for name in names:
        source = FAMILIES[name][1](16)
        data = source.encode()
        peak = peak_above_baseline(source)
        lines, tokens = data.count(b"\n"), estimate_tokens(data)
        per_token = peak / tokens
        good = per_token <= MAX_BYTES_PER_TOKEN
        verdicts.append(good)
        report[f"memory/{name}"] = {"peak_bytes": peak, "bytes": len(data), "lines": lines, "tokens": tokens,
                                    "bytes_per_token": per_token, "bytes_per_byte": peak / len(data),
                                    "kb_per_line": peak / 1024 / lines}
        print(f"peak memory {name} x16 ({lines} lines, {len(data) // 1024} KB, {tokens:,} tokens): "
              f"{peak / 2**20:.1f} MB, {peak / tokens:,.0f} bytes per token (target <= {MAX_BYTES_PER_TOKEN:,g}) "
              f"{'PASS' if good else 'FAIL'}; {peak / len(data):.0f} per byte, {peak / 1024 / lines:.1f} KB per line")
    return verdicts


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="paired rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="one round, memory of two families only")
    parser.add_argument("--families", default=",".join(FAMILIES), help="comma-separated (default: all)")
    parser.add_argument("--json", metavar="PATH", help="write the raw numbers here")
    parser.add_argument("--memory-only", action="store_true", help="only the peak-memory rows")
    args = parser.parse_args(list(argv) or None)
    rounds = 1 if args.quick else args.rounds
    names = [n for n in args.families.split(",") if n]
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        parser.error(f"unknown families: {', '.join(unknown)} (choose from {', '.join(FAMILIES)})")
    if args.memory_only:
        memory_report: Dict[str, object] = {}
        passed = all(memory_rows(names, memory_report))
        print("\nall targets hold" if passed else "\nSOME TARGETS FAIL")
        return 0 if passed else 1
    sources = {name: {scale: FAMILIES[name][1](scale).encode() for scale in SCALES} for name in names}
    times: Dict[str, Dict[str, Dict[int, List[float]]]] = {
        name: {entry: {scale: [] for scale in SCALES} for entry in ENTRIES} for name in names}
    for entry in ENTRIES.values():  # warm-up: imports, caches
        entry(sources[names[0]][1])
    print(f"before: {load_average()}")
    step_ratios: Dict[str, Dict[str, List[List[float]]]] = {name: {} for name in names}
    for name in names:
        for entry_name, entry in ENTRIES.items():
            step_ratios[name][entry_name] = []
            for lo, hi in ((1, 4), (4, 16)):
                ratios, lows, highs = paired_step(entry, sources[name][lo], sources[name][hi], rounds)
                step_ratios[name][entry_name].append(ratios)
                times[name][entry_name][lo].extend(lows)
                times[name][entry_name][hi].extend(highs)
    print(f"after the steps: {load_average()}")
    verdicts: List[bool] = []
    report: Dict[str, object] = {"families": {}, "load": load_average()}
    print(f"{'family':<13} {'entry':<7} {'lines x1/x4/x16':>18}  {'CPU s x1':>9} {'x4':>8} {'x16':>8}  "
          f"{'x4/x1':>6} {'x16/x4':>6}  {'exp':>5} {'exp':>5}  {'pairs':>5}  verdict")
    for name in names:
        lines = "/".join(str(sources[name][s].count(b"\n")) for s in SCALES)
        for entry_name in ENTRIES:
            series = times[name][entry_name]
            pairs = step_ratios[name][entry_name]
            steps = [statistics.median(ratios) for ratios in pairs]
            exps = [exponent(r) for r in steps]
            good = all(e <= MAX_EXPONENT for e in exps)
            verdicts.append(good)
            medians = [statistics.median(series[s]) for s in SCALES]
            rounds_done = "/".join(str(len(r)) for r in pairs)
            print(f"{name:<13} {entry_name:<7} {lines:>18}  {medians[0]:9.4f} {medians[1]:8.4f} {medians[2]:8.4f}  "
                  f"{steps[0]:6.2f} {steps[1]:6.2f}  {exps[0]:5.2f} {exps[1]:5.2f}  {rounds_done:>5}  "
                  f"{'PASS' if good else 'FAIL'}")
            report["families"][name + "/" + entry_name] = {  # type: ignore[index]
                "seconds": {str(s): series[s] for s in SCALES}, "step_ratios": steps, "exponents": exps,
                "pairs": pairs}
    # The fan-out file of the issue, F = 60, against a plain ~100-line RNN file (functions x1).
    plain, wide = functions(1).encode(), fanout(60).encode()
    plain_lines = plain.count(b"\n")
    print()
    for entry_name, entry in ENTRIES.items():
        ratios, _, _ = paired_step(entry, plain, wide, rounds)
        ratio = statistics.median(ratios)
        good = ratio <= MAX_FANOUT_RATIO
        verdicts.append(good)
        report[f"fanout60/{entry_name}"] = ratios
        print(f"fan-out F=60 / plain {plain_lines}-line file, {entry_name}: {ratio:.2f}x "
              f"(target <= {MAX_FANOUT_RATIO:g}x) {'PASS' if good else 'FAIL'}")
    note = [f for f in lint_bytes(wide, "fanout.py", CHECK_SETTINGS).notes if "budget" in f]
    print(f"  note: {note[0] if note else 'NONE (expected the budget note)'}")
    verdicts.append(bool(note))
    print()
    memory_families = names if not args.quick else names[:1] + ["functions"]
    verdicts += memory_rows([name for name in memory_families if name in FAMILIES], report)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=1)
    passed = all(verdicts)
    print("\nall targets hold" if passed else "\nSOME TARGETS FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
