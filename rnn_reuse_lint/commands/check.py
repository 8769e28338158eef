"""`rnn-reuse-lint check PATH...`: lint files, directories and notebooks and report findings in any format."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict, replace
from typing import IO, TYPE_CHECKING, Callable, List, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import FileError, FileResult, Finding
from rnn_reuse_lint.settings import FixMode, Settings

if TYPE_CHECKING:
    from rnn_reuse_lint.file_settings import FileSettings
    from rnn_reuse_lint.gitdiff import Changes
    from rnn_reuse_lint.report import Formatter, ReportOptions

NAME = "check"
HELP = "report suspicious RNN weight sharing in files, directories and notebooks"

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from rnn_reuse_lint.report.choice import OUTPUT_FORMATS
    from rnn_reuse_lint.report.style import COLOR_MODES

    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files, directories or notebooks (default: .); `-` reads the code from stdin")
    output = parser.add_argument_group("output")
    output.add_argument("--output-format", "--format", dest="format", default=None, metavar="FORMAT",
                        help=f"one of {', '.join(OUTPUT_FORMATS)} (default: config `output-format`, else full: "
                             f"each finding with its source line, as ruff; text is full, concise one line each)")
    output.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    output.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    output.add_argument("--show-suppressed", action="store_true",
                        help="also list findings silenced by `# noqa` (marked as suppressed)")
    output.add_argument("-q", "--quiet", action="store_true", help="no summary line, only the report")
    output.add_argument("--exit-zero", action="store_true", help="exit with 0 even when there are findings")
    output.add_argument("--show-settings", action="store_true",
                        help="print the settings this run would use (after pyproject.toml and flags) and exit")
    output.add_argument("--show-files", action="store_true",
                        help="print the files this run would lint (after ignore files and excludes) and exit")
    output.add_argument("--show-source", action="store_true", default=None,
                        help="text formats: the source line under each finding (default: with full, not concise)")
    output.add_argument("--no-show-source", dest="show_source", action="store_false",
                        help="text formats: one line per finding (as --output-format concise)")
    output.add_argument("--color", choices=COLOR_MODES, default="auto",
                        help="colour the text format (auto: on a terminal, unless NO_COLOR is set)")
    files = parser.add_argument_group("file selection")
    files.add_argument("--exclude", metavar="GLOBS", help="comma-separated globs to skip (replaces the config's)")
    files.add_argument("--extend-exclude", metavar="GLOBS", help="comma-separated globs to skip as well")
    files.add_argument("--per-file-ignores", metavar="PATTERN:CODES",
                       help="flake8 syntax, e.g. 'tests/*:RNN101 legacy.py:RNN1' (replaces the config's)")
    files.add_argument("--no-respect-gitignore", dest="respect_gitignore", action="store_false",
                       help="also lint files that .gitignore, .ignore or .git/info/exclude leave out")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="with `-`: the path the code on stdin has (for config, the TensorFlow pin, "
                            "per-file-ignores and the report)")
    files.add_argument("--diff-base", metavar="REV",
                       help="report only findings with a location (in any file of the project) on a line changed "
                            "since git REV")
    files.add_argument("--no-project", dest="project", action="store_false", default=None,
                       help="analyse each file alone: do not follow imports into the project's own modules "
                            "(default: config `project`, else followed)")
    limits = parser.add_argument_group("limits per file (benchmarks/README.md, Growth)")
    limits.add_argument("--max-file-size", type=int, default=None, metavar="BYTES",
                        help="larger files are not parsed but reported as RNN000; dense code counts 3 bytes per "
                             "token (default: config `max-file-size`, else 1200000)")
    limits.add_argument("--max-work", type=int, default=None, metavar="UNITS",
                        help="evaluation work per source line (a file counts as 500 lines at least); past it, "
                             "values become unknown and a note says where (default: config `max-work`, else 20)")
    limits.add_argument("--max-file-seconds", type=float, default=None, metavar="SECONDS",
                        help="wall time of one file's evaluation, as --max-work (default: config "
                             "`max-file-seconds`, else 10)")
    parser.add_argument("-j", "--jobs", type=jobs, default=None, metavar="N",
                        help="analyse files in N processes, or `auto` (default: auto, one per core)")
    from rnn_reuse_lint.rules import ALL_RULES

    fixes = parser.add_argument_group(f"fixes ({', '.join(rule.code for rule in ALL_RULES if rule.fixable)})")
    fixes.add_argument("--fix", action="store_true",
                       help="rewrite files so that each layer / direction gets its own cell (safe fixes only)")
    fixes.add_argument("--diff", action="store_true",
                       help="print the fixes as a unified diff and change nothing; exit 1 if there is any")
    fixes.add_argument("--unsafe-fixes", action="store_true",
                       help="also apply (or show) fixes that are not proven safe; each says why")
    fixes.add_argument("--show-fixes", action="store_true",
                       help="text format: under each finding, its fix or why it has none")
    dynamic = parser.add_argument_group("dynamic mode (needs the `dynamic` extra: TensorFlow)")
    dynamic.add_argument("--dynamic", action="store_true",
                         help="run the graph construction of every file with findings in a sandboxed TensorFlow "
                              "child and add its verdict (confirmed, refuted, not-reached, error) to each finding")
    dynamic.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                         help="wall-clock limit per traced file (default: config `timeout`, else 60)")
    dynamic.add_argument("--python", default=None, metavar="PATH",
                         help="interpreter whose TensorFlow runs the code (default: config `python`, else this one)")
    dynamic.add_argument("--tf1-python", default=None, metavar="PATH",
                         help="a TF 1.x interpreter for the files whose trace stops on a TF-1-only API "
                              "(tf.contrib pieces with no TF 2 equivalent); default: config `tf1-python`")
    dynamic.add_argument("--define", action="append", default=None, metavar="NAME=VALUE",
                         help="value for a free name in the traced code (repeatable; adds to config `define`)")


def jobs(value: str) -> int:
    """`-j N` or `-j auto`: every core this process may use (flake8's and ruff's default)."""
    if value.strip().lower() == "auto":
        return cores()
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes or `auto`, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("-j needs a positive number (or `auto`)")
    return number


def cores() -> int:
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


# --------------------------------------------------------------------------------------------------
# One file (runs in the worker processes of -j)


def ignored_codes(path: str, settings: Settings) -> Tuple[str, ...]:
    from rnn_reuse_lint.discovery import excluded

    codes: List[str] = []
    for pattern, listed in settings.per_file_ignores:
        if excluded(path, [pattern]):
            codes.extend(listed)
    return tuple(codes)


def lint_file(path: str, settings: Settings) -> FileResult:
    """Analyse one file or notebook, then apply per-file-ignores and `# noqa`. Never raises."""
    from rnn_reuse_lint import engine

    data = engine.read_source(path)
    if isinstance(data, FileError):
        return FileResult(path, error=data)
    return lint_bytes(data, path, settings)


def lint_bytes(data: bytes, path: str, settings: Settings) -> FileResult:
    """lint_file on bytes already read (the fixer re-lints text it has not written yet)."""
    from rnn_reuse_lint import engine, noqa

    source: Optional[str] = None
    try:
        if path.endswith(".ipynb"):
            from rnn_reuse_lint import notebook

            result, source = notebook.analyze(data, path, settings)
        else:
            result = engine.analyze_bytes(data, path, settings)
        ignored = ignored_codes(path, settings)
        findings: Sequence[Finding] = [f for f in result.findings if not f.code.startswith(ignored)] \
            if ignored else result.findings
        error = result.error
        if error is not None and ignored and error.code.startswith(ignored):
            error = None
        if not findings:
            return replace(result, findings=(), error=error)
        if source is None:
            decoded = engine.decode(data, path)
            source = decoded if isinstance(decoded, str) else ""
        kept, silenced = noqa.split(findings, source)
        return replace(result, findings=tuple(kept), suppressed=tuple(silenced), error=error)
    except Exception as exc:  # a bug in the pipeline must not hide the other files' results
        return FileResult(path, error=FileError(path, 1, 1, f"internal error: {type(exc).__name__}: {exc}"))


def _tune_gc() -> None:
    """Make the cyclic garbage collector cheaper for a parse-heavy run (measured: its time per corpus file
    halves, ~5% of `check`). Objects alive after the imports are frozen out of every collection, and the
    young generation is collected less often: while libcst builds a tree, each collection of the middle
    generation rescans the whole tree built so far."""
    import gc

    gc.freeze()
    gc.set_threshold(10000, 20, 10)


def analyze_all(files: Sequence[str], settings: Settings, jobs: int,
                settings_of: Optional[Callable[[str], Settings]] = None) -> List[FileResult]:
    """Results in the order of `files`, whatever the number of processes; `settings_of` gives a file's own
    settings (its project's TensorFlow pin)."""
    per_file = [settings_of(path) if settings_of is not None else settings for path in files]
    if len(files) > 1:
        _tune_gc()  # before the pool forks: the workers inherit it
    if len(files) < 2:
        return [lint_file(path, own) for path, own in zip(files, per_file)]
    from rnn_reuse_lint.supervise import run_supervised

    # -j 1 too runs in a worker process: a native parser crash on one file must not end the run. Measured on
    # 189 fixture files: 9.3 s in one worker vs 11.7 s in-process (the worker's heap holds nothing else).
    return run_supervised(lint_file, crashed_file, files, per_file, max(1, jobs))


def crashed_file(path: str) -> FileResult:
    """The result of a file whose analysis killed its worker process (a native parser crash)."""
    return FileResult(path, error=FileError(path, 1, 1, "the analyser crashed on this file (its worker process "
                                                        "died); the other files were analysed"))


# --------------------------------------------------------------------------------------------------
# Dynamic mode


def with_dynamic_verdicts(results: Sequence[FileResult], settings: Settings) -> List[FileResult]:
    """Trace the files that have findings (one warm TensorFlow child) and attach each finding's verdict.

    Raises DynamicUnavailable (no TensorFlow) or DefineError (a bad --define); the caller exits with 2.
    A notebook is traced as the one program its code cells make; its evidence names cell positions.
    """
    from rnn_reuse_lint.commands.aimed_trace import trace_aimed
    from rnn_reuse_lint.dynamic.api import verify
    from rnn_reuse_lint.dynamic.cells import in_cells
    from rnn_reuse_lint.dynamic.progress import Progress

    targets = [r.path for r in results if r.findings or r.suppressed]
    if not targets:
        return list(results)
    with Progress(len(targets)) as progress:
        traces = trace_aimed(targets, results, settings, progress=progress.file)
    by_path = {str(t.get("path", p)): t for p, t in zip(targets, traces)}
    out = []
    for r in results:
        if r.path in by_path:
            r = replace(r, findings=tuple(in_cells(verify(r.findings, by_path), r.notebook)),
                        suppressed=tuple(in_cells(verify(r.suppressed, by_path), r.notebook)))
        out.append(r)
    return out


# --------------------------------------------------------------------------------------------------
# Fixes


def apply_fixes(results: Sequence[FileResult], settings: Settings, unsafe: bool, write: bool,
                settings_of: Optional[Callable[[str], Settings]] = None, roots: Optional[Sequence[str]] = None
                ) -> Tuple[List[FileResult], List[str], int, int]:
    """Fix every file that has an applicable fix. Returns the results after fixing (what is left), the
    diffs, the number of findings fixed (written, when writing), and the number of files whose fixing
    stopped on a problem. `roots`: the real linted paths; a symlink out of them is not written through."""
    from rnn_reuse_lint import engine
    from rnn_reuse_lint.fixes.apply import applicable, fix_text, unified_diff

    out: List[FileResult] = []
    diffs: List[str] = []
    fixed = problems = 0
    for result in results:
        if result.notebook is not None or not any(applicable(f, unsafe) for f in result.findings):
            out.append(result)
            continue
        data = engine.read_source(result.path)
        text = engine.decode(data, result.path) if isinstance(data, bytes) else data
        if not isinstance(data, bytes) or not isinstance(text, str):
            out.append(result)
            continue
        encoding = _encoding(data)
        path = result.path

        # the passes apply whole fixes, whatever the report needed
        own = replace(settings_of(path) if settings_of is not None else settings, fixes="plan")

        def lint(candidate: str) -> FileResult:
            return lint_bytes(candidate.encode(encoding), path, own)

        # Lint what is on disk now (not the earlier result): edits must fit the text they are applied to.
        outcome = fix_text(text, lint, unsafe)
        if outcome.problem:
            problems += 1
            print(f"rnn-reuse-lint: {path}: {outcome.problem}", file=sys.stderr)
        if outcome.text != text:
            diffs.append(unified_diff(path, text, outcome.text))
            if write:
                problem = _write_source(path, outcome.text, encoding, data, roots)
                if problem is not None:
                    print(f"rnn-reuse-lint: {path}: {problem}", file=sys.stderr)
                    problems += 1
                    out.append(result)
                    continue
            fixed += len(outcome.fixed)   # only what was written (or, for --diff, would be)
        out.append(outcome.result if write else result)
    return out, diffs, fixed, problems


def _encoding(data: bytes) -> str:
    import io
    import tokenize

    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return "utf-8"


def _write_source(path: str, text: str, encoding: str, original: bytes, roots: Optional[Sequence[str]]
                  ) -> Optional[str]:
    """Encode as the file was (BOM, coding cookie) and write it carefully (fixes/write.py)."""
    from rnn_reuse_lint.fixes.write import write_fixed

    bom = "\ufeff" if original.startswith(b"\xef\xbb\xbf") else ""
    try:
        encoded = (bom + text).encode("utf-8" if encoding == "utf-8-sig" else encoding)
    except (UnicodeEncodeError, LookupError) as exc:
        return f"cannot write the fixed file: {exc}"
    return write_fixed(path, encoded, original, roots)


# --------------------------------------------------------------------------------------------------
# The command


def statistics(results: Sequence[FileResult]) -> str:
    from rnn_reuse_lint.rules import ENGINE_CODES, RULES_BY_CODE

    counts: "Counter[str]" = Counter()
    for result in results:
        counts.update(f.code for f in result.findings)
        if result.error is not None:
            counts[result.error.code] += 1
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        name = RULES_BY_CODE[code].name if code in RULES_BY_CODE else ENGINE_CODES.get(code, "")
        lines.append(f"{count:>5}  {code}  {name}".rstrip())
    from rnn_reuse_lint.budget import BUDGET_NOTE

    # which function spent a file's work budget: the place to look at (or to raise --max-work for)
    lines.extend(f"{r.path}: {note}" for r in results for note in r.notes if note.startswith(BUDGET_NOTE))
    return "\n".join(lines) + ("\n" if lines else "")


def _hidden(results: Sequence[FileResult], args: argparse.Namespace) -> str:
    """How many more fixes --unsafe-fixes would apply, as a summary clause."""
    if args.unsafe_fixes:
        return ""
    hidden = sum(1 for r in results for f in r.findings
                 if f.fix is not None and not f.fix.safe and r.notebook is None)
    return f" ({hidden} more with --unsafe-fixes)" if hidden else ""


def summary(results: Sequence[FileResult], settings: Settings, fixed: Optional[int] = None, hidden: str = "",
            tf_clause: Optional[str] = None) -> str:
    findings = sum(len(r.findings) for r in results)
    suppressed = sum(len(r.suppressed) for r in results)
    errors = sum(1 for r in results if r.error is not None)
    parts = [f"{findings} finding{'s' if findings != 1 else ''} in {len(results)} "
             f"file{'s' if len(results) != 1 else ''} checked"]
    if fixed is not None:
        parts.append(f"{fixed} fixed")
    fixable = sum(1 for r in results for f in r.findings if f.fix is not None and f.fix.safe and r.notebook is None)
    if fixable and fixed is None:
        parts.append(f"{fixable} fixable with --fix{hidden}")
    elif hidden:
        parts.append(hidden.strip(" ()"))
    if suppressed:
        parts.append(f"{suppressed} suppressed by # noqa")
    if errors:
        parts.append(f"{errors} file{'s' if errors != 1 else ''} not analysed (RNN000)")
    parts.append(tf_clause or f"{settings.tf_description} assumed ({settings.tf_version_source})")
    return "rnn-reuse-lint: " + "; ".join(parts) + "\n"


def show_settings(args: argparse.Namespace, settings: Settings) -> int:
    from rnn_reuse_lint.invocation import config_path

    shown = asdict(settings)
    shown["config"] = config_path(args)
    sys.stdout.write(json.dumps(shown, indent=2) + "\n")
    return EXIT_CLEAN


def _write(text: str, path: Optional[str]) -> Optional[str]:
    """Write the report; returns an error message instead of raising."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return None
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        return f"--output {path}: {exc.strerror or exc}"
    return None


def fix_mode(args: argparse.Namespace) -> FixMode:
    """How much of the fixes this run needs planned: whole fixes to apply or show, only the text report's
    `[*]` marks, or none (settings.FixMode)."""
    from rnn_reuse_lint.report import fixes_shown

    return "plan" if args.fix or args.diff else fixes_shown(args.format, args.show_fixes)


def report_options(args: argparse.Namespace, stream: Optional[IO[str]] = None) -> "ReportOptions":
    """What the flags ask of the report (run() has resolved the source lines); colour only on a terminal."""
    from rnn_reuse_lint.report import ReportOptions
    from rnn_reuse_lint.report.style import wants_color

    out = stream or sys.stdout
    color = args.output is None and wants_color(args.color, out)
    return ReportOptions(show_suppressed=args.show_suppressed, show_fixes=args.show_fixes,
                         show_source=args.show_source is not False, color=color)


class UsageError(Exception):
    """A problem with the flags or the paths: `run` prints it and exits with 2."""


def run(args: argparse.Namespace, settings: Settings) -> int:
    """The steps of `check`: collect the files, analyse them, keep what the diff touched, fix, verify
    dynamically, report, and the exit code."""
    try:
        return _run(args, settings)
    except UsageError as exc:
        print(f"rnn-reuse-lint: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from rnn_reuse_lint.report.choice import choose

    named = args.format or settings.output_format
    args.format, args.show_source = choose(args.format, args.show_source, settings.output_format)
    formatter = _formatter(args.format, named)
    if args.jobs is None:
        args.jobs = cores()
    if args.show_settings:
        return show_settings(args, settings)
    settings = replace(settings, fixes=fix_mode(args))
    if "-" in args.paths:
        from rnn_reuse_lint.commands.check_stdin import run_stdin

        return run_stdin(args, settings)
    if args.stdin_filename:
        raise UsageError("--stdin-filename names the code read from stdin; pass `-` as the path")
    files, missing = collect_files(args, settings)
    if args.show_files:
        sys.stdout.write("".join(f"{path}\n" for path in files))
        _say_missing(missing)
        return EXIT_USAGE if missing else EXIT_CLEAN
    _say_missing(missing)
    if missing and not files:
        return EXIT_USAGE
    if not files and not args.quiet:  # as ruff warns: a walk that skipped everything should say so
        print(f"rnn-reuse-lint: warning: no Python files or notebooks under {', '.join(args.paths)} (ignore files, "
              f"hidden folders, `venv` and virtualenvs are skipped; --show-files lists what would be linted)",
              file=sys.stderr)
    if (args.fix or args.diff) and args.diff_base:
        raise UsageError("--fix and --diff work on whole files; they cannot be combined with --diff-base")
    from rnn_reuse_lint.commands.diff_filter import changed_or_dependent, in_diff

    changes = _changes(args)
    if changes is not None:
        files = changed_or_dependent(files, changes, settings.project)
    from rnn_reuse_lint.file_settings import FileSettings

    settings_of = FileSettings(settings)
    results = analyze_all(files, settings, args.jobs, settings_of)
    if changes is not None:
        results = [in_diff(r, changes) for r in results]
    if args.diff:
        return show_diff(args, results, settings, settings_of)
    fixed = 0
    if args.fix:
        results, fixed = fix_files(args, results, settings, settings_of)
    if args.dynamic:
        results = dynamic_step(results, settings)
    report(args, results, settings, settings_of, files, formatter, fixed)
    return exit_code(args, files, results, missing)


def _formatter(name: str, named: Optional[str]) -> "Formatter":
    """The formatter `choose` picked; `named` is what the user wrote (`--output-format` or the config)."""
    from rnn_reuse_lint.report import formatters
    from rnn_reuse_lint.report.choice import OUTPUT_FORMATS

    available = formatters()
    if name not in available:
        raise UsageError(f"unknown format {named!r} (choose from {', '.join(OUTPUT_FORMATS)})")
    return available[name]


def collect_files(args: argparse.Namespace, settings: Settings) -> Tuple[List[str], List[str]]:
    """The files to lint (after ignore files and excludes) and the paths that do not exist."""
    from rnn_reuse_lint.discovery import find_files

    return find_files(args.paths, settings.exclude, args.respect_gitignore)


def _say_missing(missing: Sequence[str]) -> None:
    for path in missing:
        print(f"rnn-reuse-lint: {path}: no such file or directory", file=sys.stderr)


def _changes(args: argparse.Namespace) -> "Optional[Changes]":
    """The lines changed since --diff-base (None without it)."""
    if not args.diff_base:
        return None
    from rnn_reuse_lint.gitdiff import DiffError, changes_since
    from rnn_reuse_lint.pins import common_directory

    try:
        return changes_since(args.diff_base, common_directory(args.paths))
    except DiffError as exc:
        raise UsageError(str(exc)) from None


def show_diff(args: argparse.Namespace, results: Sequence[FileResult], settings: Settings,
              settings_of: "FileSettings") -> int:
    """`--diff`: print the fixes as a unified diff, change nothing; exit 1 if there is any."""
    _, diffs, fixed, _ = apply_fixes(results, settings, args.unsafe_fixes, write=False, settings_of=settings_of)
    problem = _write("".join(diffs), args.output)
    if problem is not None:
        raise UsageError(problem)
    if not args.quiet:
        sys.stderr.write(f"rnn-reuse-lint: would fix {fixed} finding{'s' if fixed != 1 else ''} in "
                         f"{len(diffs)} file{'s' if len(diffs) != 1 else ''}{_hidden(results, args)}\n")
    return EXIT_FINDINGS if diffs and not args.exit_zero else EXIT_CLEAN


def fix_files(args: argparse.Namespace, results: Sequence[FileResult], settings: Settings,
              settings_of: "FileSettings") -> Tuple[List[FileResult], int]:
    """`--fix`: write the fixes; the results left after fixing and the number of findings fixed."""
    from rnn_reuse_lint.fixes.write import linted_roots

    fixed_results, _, fixed, _ = apply_fixes(results, settings, args.unsafe_fixes, write=True,
                                             settings_of=settings_of, roots=linted_roots(args.paths))
    return fixed_results, fixed


def dynamic_step(results: Sequence[FileResult], settings: Settings) -> List[FileResult]:
    """`--dynamic`: the verdicts of a sandboxed TensorFlow run; no TensorFlow or a bad --define is a usage error."""
    from rnn_reuse_lint.dynamic.api import DynamicUnavailable  # imports no TensorFlow (only the child does)
    from rnn_reuse_lint.dynamic.defines import DefineError

    try:
        return with_dynamic_verdicts(results, settings)
    except (DynamicUnavailable, DefineError) as exc:
        raise UsageError(f"--dynamic: {exc}") from None


def report(args: argparse.Namespace, results: Sequence[FileResult], settings: Settings,
           settings_of: "FileSettings", files: Sequence[str], formatter: "Formatter", fixed: int) -> None:
    """Write the report, then the statistics, notes and summary line the flags ask for."""
    problem = _write(formatter(results, settings_of.for_report(files), report_options(args)), args.output)
    if problem is not None:
        raise UsageError(problem)
    # Keep machine-readable stdout parseable: extra text goes to stderr unless the report went to a file.
    side: IO[str] = sys.stdout if args.format == "text" or args.output else sys.stderr
    if args.statistics:
        side.write(statistics(results))
    if not args.quiet and args.format == "text":
        for result in results:
            for note in result.notes:
                sys.stderr.write(f"rnn-reuse-lint: note: {result.path}: {note}\n")
        sys.stderr.write(summary(results, settings, fixed if args.fix else None, _hidden(results, args),
                                 settings_of.assumption(files)))


def exit_code(args: argparse.Namespace, files: Sequence[str], results: Sequence[FileResult],
              missing: Sequence[str]) -> int:
    """2 when nothing could be analysed, 1 for findings, unreadable files or missing paths, else 0."""
    # a notebook with a broken cell was still analysed (the other cells were)
    analysed = [r for r in results if r.error is None or r.findings or r.notebook is not None]
    if files and not analysed:
        return EXIT_USAGE
    if any(r.findings or r.error for r in results) or missing:
        return EXIT_CLEAN if args.exit_zero else EXIT_FINDINGS
    return EXIT_CLEAN
