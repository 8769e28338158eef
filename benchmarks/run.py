r"""Benchmark rnn-reuse-lint against named baselines and check the performance targets of issue 7.

    python benchmarks/run.py [--repeat 5] [--quick] [--json results.json]

Prepares both corpora (the standard library of this interpreter as the no-RNN corpus, the generated
RNN-dense corpus from make_corpus.py), times every command as a separate process (wall clock with
time.perf_counter around the whole process, start-up included; median of --repeat runs after one
untimed warm-up, the commands of one round interleaved so that machine drift hits all of them alike),
and prints one table of ratios, each with its target and PASS/FAIL. A target's value is the median over
rounds of that round's A/B (a paired ratio: both ran back to back in one machine state); the A and B
columns show the medians of A and B alone. Exit status 0 when every target holds, 1 otherwise. Exit status 1 of a linter (it found something) is expected, not an error.

The flake8 overhead target is judged on instructions executed (valgrind's cachegrind, instructions.py):
the same flake8 run varies by 5-8% in wall and CPU time on this VM, so the wall-clock difference of two
runs read between -11% and +14% over six full runs while the instruction count is exact to the
instruction from run to run. The wall-clock pair stays in the table as an info row; without valgrind
the target falls back to it.

PROFILE-GUIDED PASS (2026-11-27, commit 57e7416; `python benchmarks/run.py --profile OUT` for pyinstrument,
`python benchmarks/stages.py` for per-stage CPU time without profiler skew; 2-core machine shared with
other sessions, so CPU time, not wall time, is the trustworthy unit here).

RNN-dense corpus, `check -j 1` (520 files, 117k lines, 468 findings), CPU seconds per stage:
    libcst parse 22.7 (57%) | spans 8.0 (20%) | # noqa 5.3 (13%) | evaluator+freeze 3.2 (8%) | rules,
    read, prefilter, decode, guards 0.4 (1%)  ->  parse/total = 57%, just over the 50% target.
pyinstrument shows the same order but inflates the pure-Python parts (parse 44%, spans 33%, noqa 11%).
  1. rnn_reuse_lint/positions.py `spans_for`, called by builder.py `_Freezer.freeze` for every file
     with a driver (it wants the span of every run's driver call and layer origin, not just the nodes
     that end up in findings): a whole-module `Module._codegen` walk, i.e. 35% of a parse. Two costs:
     libcst's codegen of every node, and a `@contextmanager` generator per node from
     `_TargetedPositionState.record_syntactic_position`.
     Measured on 120 files, identical spans: return a shared `contextlib.nullcontext()` for non-target
     nodes: -22%; also stop the walk (private exception raised in record_syntactic_position, caught in
     spans_for) once every requested node has been recorded: -55%. Larger win: compute spans lazily,
     only for the nodes of findings, so files without findings never run codegen.
  2. rnn_reuse_lint/noqa.py `split` -> `line_map`: pure-Python `tokenize` over the whole file for
     every file with at least one finding, although no corpus file contains "noqa". Fix: return
     `(list(findings), [])` when `"noqa"` does not occur in `source.lower()`, before `line_map`.
  With 1 and 2: parse/total ~ 22.7 / 30 = 75%.

No-RNN corpus (stdlib, 1,790 files, 858k lines), `check`: 9.8 s wall / 4.7 s CPU under load, vs ruff:
  3. rnn_reuse_lint/engine.py `might_have_rnn`: the regex `(?i:rnn)|LSTM|GRU` defeats sre's literal
     search: 1.3-1.6 s over 31 MB vs 0.22 s for `b"LSTM" in d or b"GRU" in d or b"rnn" in d.lower()`
     (21% of the profile). Worse, it lets 3 stdlib files through on false hits ("returnnull",
     "ReaderNNTP", base64 in test_codecs), which then pay the libcst import (~1 s), a parse of 6,137
     lines (3.9 s) and the evaluator (1.3 s): 67% of the profile. Fix: also require a TensorFlow
     token, `b"tensorflow" in d or b"keras" in d or re.search(rb"(?<![\w.])tf\.", d)` (`tf.` because
     the evaluator treats an unimported `tf` as tensorflow); keeps all 520 corpus files and all 45
     fixtures, drops all 3 stdlib files, 0.1 s CPU in total.
flake8 plugin: its own cost on the stdlib subset is 62 ms CPU + 30 ms import against ~30 s of flake8
  (0.3%); over the whole stdlib it was 2.3 s, all from the 3 false positives above (fix 3 removes them).
-j 2: the pool (commands/check.py, chunks of len/16 files, fork) is balanced (workers within 2% of
  each other) and adds a libcst import per worker; but on this VM two concurrent CPU-bound Python
  processes each burn 16-33% more CPU than one alone (bare parse loop on half the corpus: 12.4-14.2 s
  alone, 16.5 s each side by side), so the machine's own ceiling is near the 1.70x target; the
  "machine ceiling" row measures it in every run.

WHAT CHANGED: fixes 1 (early stop + shared null context), 2 and 3 landed in 015fcf1. Re-measured
(stages.py at 7c23a8c): parse 26.1 s CPU (77%) | spans 3.7 (11%, was 20%) | evaluator+freeze 3.6 (11%)
| noqa 0.01 (was 13%) -> parse/total 77% (was 57%). `run.py --quick` at 81a4292: check/ruff on the
stdlib 0.25x (was 1.50-2.39x); busiest-process -j 2 estimate 1.82x (was 1.62x); throughput 68% on CPU
time. Still open: spans are computed for every run of every file, not only for findings (lazy spans
would remove most of the remaining 11%). On this shared machine the figure is
  whatever the other sessions leave free; run.py prints that background load beside the table.

SECOND PASS (2026-11-27, after the autofix landed; stages.py at 2f54a1b, 150 corpus files, CPU s):
    parse 5.68 (74%) | evaluator+freeze 0.95 (12%) | spans 0.49 (6%) | fix planning 0.43 (6%) | rest <1%
  4. Fix planning (fixes/plan.py) needs parent links and source order: the first version walked the
     module with libcst's `children`, which rebuilds every child list (as costly as the parse itself on
     files with findings). fixes/syntax.py `children` reads the node's dataclass fields, skipping
     whitespace/punctuation fields, and the index walk keeps end markers as ints: 9 -> 6 ms per file.
  5. builder.py froze (and positioned) every run and sharing relation for every file; only `explain`
     reads them (rules read the issues). `describe_runs=False` on the `check` path: the span pass stops
     at the last finding node instead of the file's last driver.
  6. gc.callbacks showed the cyclic GC at 11% of `check` (gen-2 scans of the ~45k objects alive after
     the imports; gen-1 rescans of trees under construction). commands/check.py freezes import-time
     objects and raises the gen-0 threshold to 10000: GC time 0.78 -> ~0.4 s per 150 files.
  The flake8 adapter plans no fixes (Settings.fixes=False): flake8 cannot show them.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "corpus"
RNN_DIR = CORPUS / "rnn"
sys.path.insert(0, str(HERE))

import instructions  # noqa: E402  (sibling script)
import make_corpus  # noqa: E402  (sibling script)

# The bare parse loop the static pass is compared with: one process, every file read as bytes and
# parsed by libcst (no metadata, no visitor). Its wall time includes interpreter start-up and the
# libcst import, exactly like the tool's.
PARSE_LOOP = """\
import sys
import libcst
for path in open(sys.argv[1], encoding="utf-8").read().splitlines():
    with open(path, "rb") as handle:
        source = handle.read()
    try:
        libcst.parse_module(source)
    except Exception:
        pass
"""

# The same parse loop split over two processes (every other file each, fork, like `check -j 2`):
# the speed-up this machine allows two CPU-bound Python processes, whatever the tool does.
PARSE_LOOP_J2 = """\
import sys, multiprocessing
def work(paths):
    import libcst
    for path in paths:
        with open(path, "rb") as handle:
            source = handle.read()
        try:
            libcst.parse_module(source)
        except Exception:
            pass
if __name__ == "__main__":
    paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
    procs = [multiprocessing.Process(target=work, args=(paths[i::2],)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    sys.exit(max(p.exitcode for p in procs))
"""

# What the grep baseline looks for: the tokens of the tool's own prefilter (rnn_reuse_lint/engine.py,
# `(?i:rnn)|LSTM|GRU` when this was written), so `grep -l` is the floor for "scan bytes, parse nothing".
GREP_PATTERNS = ("[Rr][Nn][Nn]", "LSTM", "GRU")


# --------------------------------------------------------------------------------------------------
# corpora


def stdlib_files() -> List[Path]:
    """Every .py file of this interpreter's standard library, site-packages excluded."""
    paths = sysconfig.get_paths()
    std = Path(paths["stdlib"])
    excluded = {Path(paths["purelib"]), Path(paths["platlib"])}
    out = []
    for p in std.rglob("*.py"):
        if "site-packages" in p.parts or "dist-packages" in p.parts:
            continue
        if any(ex in p.parents for ex in excluded):
            continue
        out.append(p)
    return sorted(out)


def prepare_rnn_corpus(seed: int) -> Dict[str, object]:
    """(Re)generates the RNN-dense corpus unless an identical one (same generator, seed, sizes) is there."""
    manifest_path = RNN_DIR / "manifest.json"
    want = {"generator_version": make_corpus.GENERATOR_VERSION, "seed": seed, "min_files": 520, "min_lines": 100_000}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if all(manifest.get(k) == v for k, v in want.items()) and len(make_corpus.corpus_files(RNN_DIR)) == manifest["files"]:
            return manifest
    print(f"generating the RNN-dense corpus in {RNN_DIR} (seed {seed}) ...", file=sys.stderr)
    return make_corpus.generate(RNN_DIR, seed, 520, 100_000)


def write_list(name: str, files: Sequence[Path]) -> Path:
    CORPUS.mkdir(parents=True, exist_ok=True)
    path = CORPUS / name
    path.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
    return path


def count_lines(files: Sequence[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in files)


# --------------------------------------------------------------------------------------------------
# running and timing


@dataclass
class Cmd:
    key: str
    label: str
    argv: List[str]
    ok_codes: Tuple[int, ...] = (0, 1)
    cwd: Optional[Path] = None
    times: List[float] = field(default_factory=list)
    maxrss_mb: List[float] = field(default_factory=list)
    background: List[float] = field(default_factory=list)  # cores busy with other work during each run
    cpu: List[float] = field(default_factory=list)  # user+sys seconds of the process tree per run
    error: Optional[str] = None

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")


def busy_jiffies() -> Optional[int]:
    """CPU time (all cores, in clock ticks) the machine spent busy since boot, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return user + nice + system + irq + softirq + steal


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class RunResult:
    wall: float  # seconds, perf_counter around the whole process
    maxrss_mb: float  # largest single process of the tree (wait4 ru_maxrss)
    tree_peak_mb: float  # peak of the summed RSS of the process tree (sampled; nan unless sampled)
    background: float  # cores kept busy by *other* processes during the run
    cpu: float  # user+sys seconds of the whole process tree
    busiest_cpu: float  # user+sys seconds of the busiest single process (sampled; nan unless sampled)
    stderr: str


def run_once(cmd: Cmd, sample_tree: bool = False) -> RunResult:
    """Runs `cmd` once and measures it (see RunResult).

    `background` is the machine's busy time over the run minus the run's own CPU time, divided by the
    wall time: on a shared machine it says how far a figure (above all the -j 2 speed-up) can be trusted.
    """
    sampler = TreeSampler() if sample_tree else None
    busy0 = busy_jiffies()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cmd.cwd)
    if sampler:
        sampler.start(proc.pid)
    # wait4 (not wait) so that the rusage is this child's own, including its reaped descendants
    # (ru_maxrss is then the largest single process of the tree, in KiB on Linux).
    stderr_chunks: List[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read() if proc.stderr else b""))
    reader.start()
    _, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    busy1 = busy_jiffies()
    background = float("nan")
    own = rusage.ru_utime + rusage.ru_stime
    if busy0 is not None and busy1 is not None and wall > 0:
        background = max(0.0, ((busy1 - busy0) / TICK - own) / wall)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    tree_peak, busiest = sampler.stop() if sampler else (float("nan"), float("nan"))
    stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
    if proc.returncode not in cmd.ok_codes:
        tail = stderr.strip().splitlines()[-5:]
        raise RuntimeError(f"{cmd.label}: exit status {proc.returncode}: " + " | ".join(tail))
    return RunResult(wall, rusage.ru_maxrss / 1024.0, tree_peak, background, own, busiest, stderr)


class TreeSampler:
    """Polls /proc every 20 ms: peak summed RSS of a process and its descendants, and the CPU time
    of each of them (the busiest one bounds how fast a process pool can finish)."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.cpu_ticks: Dict[int, int] = {}
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def start(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._loop, args=(pid,), daemon=True)
        self._thread.start()

    def stop(self) -> Tuple[float, float]:
        """(peak tree RSS in MB, CPU seconds of the busiest process)."""
        self._stop.set()
        if self._thread:
            self._thread.join()
        busiest = max(self.cpu_ticks.values(), default=0) / TICK
        return self.peak_kb / 1024.0, busiest

    def _loop(self, root: int) -> None:
        page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
        while not self._stop.is_set():
            parents: Dict[int, int] = {}
            rss: Dict[int, int] = {}
            ticks: Dict[int, int] = {}
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat", "rb") as fh:
                        stat = fh.read()
                    # fields after "(comm) ": state=0, ppid=1, utime=11, stime=12, rss=21 (pages)
                    fields = stat[stat.rindex(b")") + 2:].split()
                    pid = int(entry)
                    parents[pid] = int(fields[1])
                    ticks[pid] = int(fields[11]) + int(fields[12])
                    rss[pid] = int(fields[21]) * page_kb
                except (OSError, ValueError, IndexError):
                    continue
            tree = {root}
            changed = True
            while changed:
                changed = False
                for pid, ppid in parents.items():
                    if ppid in tree and pid not in tree:
                        tree.add(pid)
                        changed = True
            self.peak_kb = max(self.peak_kb, sum(rss.get(pid, 0) for pid in tree))
            for pid in tree:
                if pid in ticks:
                    self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), ticks[pid])
            self._stop.wait(0.02)


def measure(cmds: Sequence[Cmd], repeat: int) -> None:
    """One warm-up each, then `repeat` rounds; the order inside a round rotates to spread drift evenly."""
    live = [c for c in cmds if c.error is None]
    for c in live:
        print(f"  warm-up: {c.label}", file=sys.stderr)
        try:
            run_once(c)
        except (RuntimeError, OSError) as exc:
            c.error = str(exc)
    live = [c for c in live if c.error is None]
    for r in range(repeat):
        order = live[r % len(live):] + live[: r % len(live)] if live else []
        for c in order:
            if c.error:
                continue
            try:
                res = run_once(c)
            except (RuntimeError, OSError) as exc:
                c.error = str(exc)
                continue
            c.times.append(res.wall)
            c.maxrss_mb.append(res.maxrss_mb)
            c.background.append(res.background)
            c.cpu.append(res.cpu)
        print(f"  round {r + 1}/{repeat}: " + ", ".join(f"{c.key} {c.times[-1]:.2f}s" for c in live if c.times),
              file=sys.stderr)


# --------------------------------------------------------------------------------------------------
# tools and versions


def tool_argv() -> Tuple[Optional[List[str]], str]:
    """How to start `rnn-reuse-lint`, or (None, why not)."""
    probe = subprocess.run([sys.executable, "-c", "import rnn_reuse_lint.cli"], cwd=ROOT,
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "rnn_reuse_lint.cli does not import: " + (probe.stderr.strip().splitlines() or ["?"])[-1]
    script = shutil.which("rnn-reuse-lint")
    if script:
        return [script], ""
    return [sys.executable, "-m", "rnn_reuse_lint"], "console script missing (pip install -e .); using python -m"


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_rev() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def flake8_versions(mode: str) -> str:
    out = subprocess.run([sys.executable, str(HERE / "flake8_entry.py"), f"--rnn-plugin={mode}", "--version"],
                         capture_output=True, text=True)
    return " ".join(out.stdout.split())


def check_plugin_really_runs(sample: Path) -> Tuple[bool, str]:
    """flake8 with the plugin on reports an RNN code on a known-buggy corpus file; with it off, none."""
    base = [sys.executable, str(HERE / "flake8_entry.py"), "--isolated", "--disable-noqa", "-j", "1",
            "--select", "RNN", str(sample)]
    on = subprocess.run(base[:2] + ["--rnn-plugin=on"] + base[2:], capture_output=True, text=True)
    off = subprocess.run(base[:2] + ["--rnn-plugin=off"] + base[2:], capture_output=True, text=True)
    on_hits = [ln for ln in on.stdout.splitlines() if ": RNN" in ln]
    off_hits = [ln for ln in off.stdout.splitlines() if ": RNN" in ln]
    if on.returncode not in (0, 1):
        return False, "flake8 with the plugin failed: " + (on.stderr.strip().splitlines() or ["?"])[-1]
    if off_hits:
        return False, "flake8 with the plugin off still reported RNN codes"
    if not on_hits:
        return False, f"flake8 with the plugin on reported no RNN code on {sample.name} (a file with a known bug)"
    return True, f"{len(on_hits)} RNN finding(s) with the plugin on, none with it off"


# --------------------------------------------------------------------------------------------------
# the table


@dataclass
class Row:
    corpus: str
    what: str
    a: str
    b: str
    value: str
    target: str
    result: str  # PASS / FAIL / info / n/a
    cpu_value: str = "-"  # the same ratio computed on CPU seconds (user+sys of the process tree)


def fmt_s(c: Optional[Cmd]) -> str:
    if c is None:
        return "-"
    if c.error:
        return "error"
    if not c.times:
        return "-"
    return f"{c.median:.2f}s"


def print_table(rows: Sequence[Row]) -> None:
    head = Row("corpus", "ratio (A vs B)", "A", "B", "value", "target", "result", "on CPU time")
    cols = list(zip(*[(r.corpus, r.what, r.a, r.b, r.value, r.target, r.result, r.cpu_value)
                      for r in [head, *rows]]))
    widths = [max(len(x) for x in col) for col in cols]

    def line(r: Row) -> str:
        cells = (r.corpus, r.what, r.a, r.b, r.value, r.target, r.result, r.cpu_value)
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(cells, widths)) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command (median); default 5")
    parser.add_argument("--quick", action="store_true",
                        help="3 runs, flake8 on every 40th stdlib file: a smoke test, not a verdict")
    parser.add_argument("--seed", type=int, default=0, help="seed of the RNN-dense corpus (default 0)")
    parser.add_argument("--flake8-stride", type=int, default=None,
                        help="flake8 rows use every Nth stdlib file (default 10; 40 with --quick); 1 = all")
    parser.add_argument("--instr-stride", type=int, default=None,
                        help="the flake8 instruction-count row uses every Nth stdlib file (default 20; 80 with --quick)")
    parser.add_argument("--json", type=Path, help="also write the raw timings here")
    parser.add_argument("--profile", type=Path, metavar="OUT",
                        help="instead of timing: run pyinstrument on `check -j 1` over the RNN-dense corpus "
                             "and write its text report to OUT")
    args = parser.parse_args(argv)
    if args.profile:
        return profile(args.profile, args.seed)
    repeat = 3 if args.quick and args.repeat == 5 else args.repeat
    stride = args.flake8_stride or (40 if args.quick else 10)
    instr_stride = args.instr_stride or (80 if args.quick else 20)

    # corpora --------------------------------------------------------------------------------------
    std = stdlib_files()
    write_list("stdlib_files.txt", std)
    std_f8 = std[::stride]
    std_instr = std[::instr_stride]
    manifest = prepare_rnn_corpus(args.seed)
    rnn = make_corpus.corpus_files(RNN_DIR)
    rnn_list = write_list("rnn_files.txt", rnn)
    std_lines, f8_lines, rnn_lines = count_lines(std), count_lines(std_f8), count_lines(rnn)

    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    tool, tool_note = tool_argv()
    rev = git_rev()
    f8_on_version = flake8_versions("on")
    f8_off_version = flake8_versions("off")
    plugin_listed = "rnn-reuse-lint" in f8_on_version
    plugin_unlisted = "rnn-reuse-lint" not in f8_off_version

    print(f"machine: {cores} cores ({usable} usable by this process), {sys.platform}", file=sys.stderr)

    std_s = [str(p) for p in std]
    rnn_s = [str(p) for p in rnn]
    f8_s = [str(p) for p in std_f8]
    ruff = shutil.which("ruff")
    grep = shutil.which("grep")
    grep_args = ["-l", "-E"] + [x for t in GREP_PATTERNS for x in ("-e", t)]
    flake8 = [sys.executable, str(HERE / "flake8_entry.py")]
    f8_common = ["--isolated", "--disable-noqa", "-j", "1"]

    no_rnn: Dict[str, Cmd] = {}
    dense: Dict[str, Cmd] = {}
    if ruff:
        no_rnn["ruff"] = Cmd("ruff", "ruff check --select B (stdlib)",
                             [ruff, "check", "--select", "B", "--no-cache", "--isolated", "--quiet", *std_s])
        dense["ruff"] = Cmd("ruff_rnn", "ruff check --select B (rnn)",
                            [ruff, "check", "--select", "B", "--no-cache", "--isolated", "--quiet", *rnn_s])
    if grep:
        no_rnn["grep"] = Cmd("grep", "grep -l (stdlib)", [grep, *grep_args, *std_s])
        dense["grep"] = Cmd("grep_rnn", "grep -l (rnn)", [grep, *grep_args, *rnn_s])
    if tool:
        # -j 1 explicit: the default became every core (as ruff's), and these rows were measured on one process
        no_rnn["check"] = Cmd("check", "rnn-reuse-lint check -j 1 (stdlib)", [*tool, "check", "-j", "1", *std_s])
        dense["check_j1"] = Cmd("check_j1", "rnn-reuse-lint check -j 1 (rnn)", [*tool, "check", "-j", "1", *rnn_s])
        dense["check_j2"] = Cmd("check_j2", "rnn-reuse-lint check -j 2 (rnn)", [*tool, "check", "-j", "2", *rnn_s])
    no_rnn["flake8_off"] = Cmd("flake8_off", "flake8 without plugin (stdlib subset)",
                               [*flake8, "--rnn-plugin=off", *f8_common, "--select", "E,W,F", *f8_s])
    plugin_ok, plugin_note = False, "rnn-reuse-lint is not installed as a flake8 plugin"
    if plugin_listed:
        plugin_ok, plugin_note = check_plugin_really_runs(RNN_DIR / first_buggy(manifest))
        no_rnn["flake8_on"] = Cmd("flake8_on", "flake8 with plugin (stdlib subset)",
                                  [*flake8, "--rnn-plugin=on", *f8_common, "--select", "E,W,F,RNN", *f8_s])
    dense["parse"] = Cmd("parse", "libcst parse loop (rnn)", [sys.executable, "-c", PARSE_LOOP, str(rnn_list)],
                         ok_codes=(0,))
    dense["parse_j2"] = Cmd("parse_j2", "libcst parse loop over 2 processes (rnn)",
                            [sys.executable, "-c", PARSE_LOOP_J2, str(rnn_list)], ok_codes=(0,))

    print("timing the no-RNN corpus ...", file=sys.stderr)
    measure(list(no_rnn.values()), repeat)
    print("timing the RNN-dense corpus ...", file=sys.stderr)
    measure(list(dense.values()), repeat)

    # flake8 with and without the plugin in instructions executed: immune to the VM's load (see instructions.py)
    instr: Dict[str, int] = {}
    instr_error = ""
    if "flake8_on" in no_rnn and no_rnn["flake8_on"].error is None:
        files = [str(p) for p in std_instr]
        one = sorted(std_instr, key=lambda p: p.stat().st_size)[len(std_instr) // 2]  # a median-size file
        python = instructions.real_python()
        entry = [python, str(HERE / "flake8_entry.py")]
        print(f"counting instructions (cachegrind, both flake8 variants side by side, {len(files)} files) ...",
              file=sys.stderr)
        try:
            instr = instructions.count({
                "flake8_off": [*entry, "--rnn-plugin=off", *f8_common, "--select", "E,W,F", *files],
                "flake8_on": [*entry, "--rnn-plugin=on", *f8_common, "--select", "E,W,F,RNN", *files],
                "one_off": [*entry, "--rnn-plugin=off", *f8_common, "--select", "E,W,F", str(one)],
                "one_on": [*entry, "--rnn-plugin=on", *f8_common, "--select", "E,W,F,RNN", str(one)],
            })
        except instructions.CountError as exc:
            instr_error = str(exc)

    # the plugin's own CPU time inside flake8, instrumented (one run)
    plugin_cpu: Optional[Tuple[float, float]] = None  # (plugin seconds, flake8 process seconds)
    plugin_cpu_error = ""
    if "flake8_on" in no_rnn and no_rnn["flake8_on"].error is None:
        timed = Cmd("flake8_timed", "flake8 with plugin, instrumented",
                    [*flake8, "--rnn-plugin=timed", *f8_common, "--select", "E,W,F,RNN", *f8_s])
        print(f"  once: {timed.label}", file=sys.stderr)
        try:
            res = run_once(timed)
            line = [ln for ln in res.stderr.splitlines() if ln.startswith("rnn-plugin-cpu:")][-1]
            fields = dict(kv.split("=") for kv in line.split(":", 1)[1].split())
            plugin_cpu = (float(fields["import"]) + float(fields["run"]), res.cpu)
        except (RuntimeError, OSError, IndexError, KeyError, ValueError) as exc:
            plugin_cpu_error = str(exc)

    # memory (and pool balance): `check -j 1` and `check -j 2` on the RNN-dense corpus,
    # /proc sampled every 20 ms; median of 3 runs (2 for -j 2)
    mem_single: List[float] = []
    mem_tree: List[float] = []
    j2_tree: List[float] = []
    j2_busiest: List[float] = []
    mem_error = ""
    if tool:
        mem_cmd = Cmd("check_mem", "rnn-reuse-lint check -j 1 (rnn, memory)", [*tool, "check", "-j", "1", *rnn_s])
        j2_cmd = Cmd("check_j2_sampled", "rnn-reuse-lint check -j 2 (rnn, sampled)",
                     [*tool, "check", "-j", "2", *rnn_s])
        for cmd, n in ((mem_cmd, 3), (j2_cmd, 2)):
            print(f"  sampled x{n}: {cmd.label}", file=sys.stderr)
            for _ in range(n):
                try:
                    res = run_once(cmd, sample_tree=True)
                except (RuntimeError, OSError) as exc:
                    mem_error = str(exc)
                    break
                if cmd is mem_cmd:
                    mem_single.append(res.maxrss_mb)
                    mem_tree.append(res.tree_peak_mb)
                else:
                    j2_tree.append(res.tree_peak_mb)
                    j2_busiest.append(res.busiest_cpu)

    # ratios ---------------------------------------------------------------------------------------
    rows: List[Row] = []
    verdicts: List[bool] = []

    def ok(c: Optional[Cmd]) -> bool:
        return c is not None and c.error is None and bool(c.times)

    def paired(a_times: List[float], b_times: List[float], fallback: Tuple[float, float]) -> Tuple[float, float]:
        """Median over rounds of A/B, as (ratio, 1.0) for `compute`. A and B run back to back in every round
        (order rotated), so each round's ratio sees one machine state; medians of A and of B taken apart
        can pair a quiet round's A with a loaded round's B (the VM's external load swings rounds by 2x)."""
        if len(a_times) != len(b_times) or not a_times:
            return fallback
        return statistics.median(x / y for x, y in zip(a_times, b_times) if y > 0), 1.0

    def target_row(corpus: str, what: str, a: Optional[Cmd], b: Optional[Cmd], compute, target: str, passes) -> None:
        if ok(a) and ok(b):
            value, shown = compute(*paired(a.times, b.times, (a.median, b.median)))
            _, cpu_shown = compute(*paired(a.cpu, b.cpu, (a.cpu_median, b.cpu_median)))
            good = passes(value)
            rows.append(Row(corpus, what, fmt_s(a), fmt_s(b), shown, target, "PASS" if good else "FAIL", cpu_shown))
            verdicts.append(good)
        else:
            rows.append(Row(corpus, what, fmt_s(a), fmt_s(b), "n/a", target, "FAIL"))
            verdicts.append(False)

    target_row("no-RNN", "check -j 1 / ruff check --select B", no_rnn.get("check"), no_rnn.get("ruff"),
               lambda a, b: (a / b, f"{a / b:.3f}x"), "<= 1.50x", lambda v: v <= 1.5)
    if instr:
        overhead = instr["flake8_on"] / instr["flake8_off"] - 1
        rows.append(Row("no-RNN", "flake8 with plugin / without (-j 1), overhead in instructions executed",
                        f"{instr['flake8_on'] / 1e9:.3f}G", f"{instr['flake8_off'] / 1e9:.3f}G",
                        f"{100 * overhead:+.2f}%", "<= +3%", "PASS" if overhead <= 0.03 else "FAIL"))
        verdicts.append(overhead <= 0.03)
    else:  # no valgrind here: the wall clock decides, with its noise
        target_row("no-RNN", "flake8 with plugin / without (-j 1), overhead (wall: valgrind unavailable)",
                   no_rnn.get("flake8_on"), no_rnn.get("flake8_off"),
                   lambda a, b: (a / b - 1, f"{100 * (a / b - 1):+.1f}%"), "<= +3%", lambda v: v <= 0.03)
    target_row("RNN", "throughput: parse loop / check -j 1", dense.get("parse"), dense.get("check_j1"),
               lambda a, b: (a / b, f"{100 * a / b:.0f}%"), ">= 50%", lambda v: v >= 0.5)
    target_row("RNN", "speed-up: check -j 1 / check -j 2", dense.get("check_j1"), dense.get("check_j2"),
               lambda a, b: (a / b, f"{a / b:.3f}x"), ">= 1.70x", lambda v: v >= 1.7)
    if mem_tree:
        peak_tree, peak_single = statistics.median(mem_tree), statistics.median(mem_single)
        good = peak_tree <= 200
        rows.append(Row("RNN", "peak RSS of check -j 1, whole process tree", f"{peak_tree:.0f} MB",
                        f"largest process {peak_single:.0f} MB", f"{peak_tree:.0f} MB", "<= 200 MB",
                        "PASS" if good else "FAIL"))
        verdicts.append(good)
    else:
        rows.append(Row("RNN", "peak RSS of check -j 1, whole process tree", "-", "-", "n/a", "<= 200 MB", "FAIL"))
        verdicts.append(False)

    def info(corpus: str, what: str, a: Optional[Cmd], b: Optional[Cmd]) -> None:
        if ok(a) and ok(b):
            rows.append(Row(corpus, what, fmt_s(a), fmt_s(b), f"{a.median / b.median:.2f}x", "-", "info",
                            f"{a.cpu_median / b.cpu_median:.2f}x"))
        else:
            rows.append(Row(corpus, what, fmt_s(a), fmt_s(b), "n/a", "-", "info"))

    if instr:
        rows.append(Row("no-RNN", "flake8 on one median-size file (a pre-commit run), instructions with / without",
                        f"{instr['one_on'] / 1e9:.3f}G", f"{instr['one_off'] / 1e9:.3f}G",
                        f"{100 * (instr['one_on'] / instr['one_off'] - 1):+.2f}%", "-", "info"))
    f8_on, f8_off = no_rnn.get("flake8_on"), no_rnn.get("flake8_off")
    if instr and ok(f8_on) and ok(f8_off):
        assert f8_on is not None and f8_off is not None
        wall_a, wall_b = paired(f8_on.times, f8_off.times, (f8_on.median, f8_off.median))
        cpu_a, cpu_b = paired(f8_on.cpu, f8_off.cpu, (f8_on.cpu_median, f8_off.cpu_median))
        wall, cpu = wall_a / wall_b, cpu_a / cpu_b
        rows.append(Row("no-RNN", "flake8 with plugin / without (-j 1), wall clock (VM noise: +-5-8% per run)",
                        fmt_s(f8_on), fmt_s(f8_off), f"{100 * (wall - 1):+.1f}%", "(<= +3%)", "info",
                        f"{100 * (cpu - 1):+.1f}%"))
    if plugin_cpu is not None:
        share = plugin_cpu[0] / plugin_cpu[1] if plugin_cpu[1] else float("nan")
        rows.append(Row("no-RNN", "plugin's own CPU inside flake8 (instrumented run) / flake8 CPU",
                        f"{plugin_cpu[0]:.2f}s", f"{plugin_cpu[1]:.2f}s", f"+{100 * share:.1f}%", "(<= +3%)", "info"))
    elif plugin_cpu_error:
        rows.append(Row("no-RNN", "plugin's own CPU inside flake8 (instrumented run)", "error", "-", "n/a", "-", "info"))
    pj1, pj2 = dense.get("parse"), dense.get("parse_j2")
    if ok(pj1) and ok(pj2):
        assert pj1 is not None and pj2 is not None
        rows.append(Row("RNN", "machine ceiling for -j 2: parse loop, 1 process / 2 processes",
                        fmt_s(pj1), fmt_s(pj2), f"{pj1.median / pj2.median:.2f}x", "(>= 1.70x)", "info",
                        f"{pj1.cpu_median / pj2.cpu_median:.2f}x"))
    j1 = dense.get("check_j1")
    if j2_busiest and ok(j1):
        assert j1 is not None
        est = j1.cpu_median / statistics.median(j2_busiest)
        rows.append(Row("RNN", "-j 2 with 2 free cores, est.: CPU of -j 1 / busiest process of -j 2",
                        f"{j1.cpu_median:.2f}s", f"{statistics.median(j2_busiest):.2f}s", f"{est:.2f}x",
                        "(>= 1.70x)", "info"))
    if j2_tree:
        rows.append(Row("RNN", "peak RSS of check -j 2, whole process tree", f"{statistics.median(j2_tree):.0f} MB",
                        "-", f"{statistics.median(j2_tree):.0f} MB", "(<= 200 MB)", "info"))
    info("no-RNN", "check -j 1 / grep -l (prefilter floor)", no_rnn.get("check"), no_rnn.get("grep"))
    info("RNN", "check -j 1 / ruff check --select B (all cores)", dense.get("check_j1"), dense.get("ruff"))
    info("RNN", "parse loop / grep -l", dense.get("parse"), dense.get("grep"))

    # report ---------------------------------------------------------------------------------------
    print()
    print(f"rnn-reuse-lint benchmarks: {cores} cores ({usable} usable); median of {repeat} runs after a warm-up; "
          "wall clock per process, start-up included")
    print(f"versions: Python {sys.version.split()[0]}, rnn-reuse-lint {version_of('rnn-reuse-lint')} (git {rev}), "
          f"libcst {version_of('libcst')}, ruff {version_of('ruff')}, flake8 {f8_on_version}")
    print(f"no-RNN corpus: stdlib {len(std)} files / {std_lines} lines "
          f"(flake8 wall rows: every {stride}th file, {len(std_f8)} files / {f8_lines} lines; instruction counts: "
          f"every {instr_stride}th, {len(std_instr)} files / {count_lines(std_instr)} lines); "
          f"RNN-dense corpus: {len(rnn)} files / {rnn_lines} lines, seed {args.seed}")
    print(f"flake8: both variants -j 1 (flake8's own default is -j auto = {cores}); plugin listed by --version: "
          f"with={plugin_listed}, without={not plugin_unlisted}; {plugin_note}")
    if tool_note:
        print(f"note: {tool_note}")
    all_cmds = [*no_rnn.values(), *dense.values()]
    bg = [b for c in all_cmds for b in c.background if b == b]
    j2_bg = dense["check_j2"].background if "check_j2" in dense else []
    if bg:
        print(f"background load (cores busy with other processes during the timed runs): median {statistics.median(bg):.2f}, "
              f"max {max(bg):.2f}" + (f"; during check -j 2: median {statistics.median(j2_bg):.2f}" if j2_bg else ""))
        if statistics.median(bg) > 0.25 or (j2_bg and statistics.median(j2_bg) > 0.25):
            print(f"WARNING: this machine was busy with other work; with {usable} cores the -j 2 speed-up and the "
                  "multi-core baselines (ruff) are not trustworthy in this run")
    print()
    print_table(rows)
    errors = [c for c in [*no_rnn.values(), *dense.values()] if c.error]
    for c in errors:
        print(f"error: {c.error}")
    if mem_error:
        print(f"error (memory run): {mem_error}")
    if instr_error:
        print(f"note: no instruction counts ({instr_error}); the flake8 target was judged on wall clock")
    if not plugin_ok or not plugin_unlisted:
        verdicts.append(False)
        print(f"FAIL: the flake8 plugin check did not hold: {plugin_note}; without-variant lists plugin: {not plugin_unlisted}")
    all_ok = all(verdicts) and not errors
    print()
    print("ALL TARGETS HOLD" if all_ok else "SOME TARGETS FAIL")

    if args.json:
        payload = {
            "cores": cores, "usable_cores": usable, "repeat": repeat, "git": rev, "flake8_stride": stride,
            "instr_stride": instr_stride,
            "corpora": {"stdlib_files": len(std), "stdlib_lines": std_lines, "flake8_files": len(std_f8),
                        "flake8_lines": f8_lines, "rnn_files": len(rnn), "rnn_lines": rnn_lines, "seed": args.seed},
            "timings": {c.key: {"label": c.label, "argv_head": c.argv[:8], "times": c.times,
                                "median": c.median if c.times else None, "maxrss_mb": c.maxrss_mb,
                                "background_cores": c.background, "error": c.error}
                        for c in [*no_rnn.values(), *dense.values()]},
            "memory": {"tree_mb": mem_tree, "largest_process_mb": mem_single, "j2_tree_mb": j2_tree,
                       "j2_busiest_process_cpu_s": j2_busiest, "error": mem_error},
            "flake8_instructions": {"counts": instr, "files": len(std_instr), "error": instr_error},
            "flake8_plugin_cpu": {"plugin_s": plugin_cpu[0] if plugin_cpu else None,
                                  "flake8_s": plugin_cpu[1] if plugin_cpu else None, "error": plugin_cpu_error},
            "rows": [r.__dict__ for r in rows], "all_ok": all_ok,
        }
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0 if all_ok else 1


def profile(out: Path, seed: int) -> int:
    """pyinstrument over `rnn-reuse-lint check -j 1 benchmarks/corpus/rnn` (the profile-guided pass)."""
    prepare_rnn_corpus(seed)
    session = out.with_suffix(".pyisession")
    target = ["-m", "rnn_reuse_lint", "check", "-j", "1", str(RNN_DIR)]
    run = subprocess.run([sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(session), *target],
                         cwd=ROOT, stdout=subprocess.DEVNULL)
    if run.returncode not in (0, 1):
        print(f"profiled run failed with exit status {run.returncode}", file=sys.stderr)
        return 1
    subprocess.run([sys.executable, "-m", "pyinstrument", "--load", str(session), "-r", "text",
                    "--show-all", "-o", str(out)], check=True)
    print(f"wrote {out} (text, all frames) and {session} (reload with `pyinstrument --load {session}`)")
    return 0


def first_buggy(manifest: Dict[str, object]) -> str:
    """A corpus file holding a stack built with `[cell] * n` (every version of the rules must flag it)."""
    by_file = manifest["by_file"]
    assert isinstance(by_file, dict)
    for rel in sorted(by_file):
        if any(s["template"] == "stack_multiply" and s["buggy"] for s in by_file[rel]["sections"]):
            return rel
    return sorted(by_file)[0]


if __name__ == "__main__":
    raise SystemExit(main())
