"""`check -` (with `--stdin-filename PATH`): lint code read from stdin, as editors and ruff/flake8 pipes do."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from rnn_reuse_lint.commands.check import (
    EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, _encoding, _write, lint_bytes, report_options, statistics, summary,
)
from rnn_reuse_lint.finding import FileError
from rnn_reuse_lint.settings import Settings


def run_stdin(args: argparse.Namespace, settings: Settings) -> int:
    """Lint stdin as the file `--stdin-filename` names (config, TensorFlow pin and per-file-ignores of that
    path; the report names it). `--fix` writes the fixed source to stdout and the report to stderr;
    `--diff` writes the diff."""
    from rnn_reuse_lint.file_settings import FileSettings
    from rnn_reuse_lint.report import formatters

    if args.paths != ["-"]:
        print("rnn-reuse-lint: `-` (stdin) cannot be combined with other paths", file=sys.stderr)
        return EXIT_USAGE
    if args.dynamic or args.diff_base:
        print("rnn-reuse-lint: --dynamic and --diff-base need files on disk, not stdin", file=sys.stderr)
        return EXIT_USAGE
    path = args.stdin_filename or "-"
    if path.endswith(".ipynb") and (args.fix or args.diff):
        print("rnn-reuse-lint: notebooks are reported but not rewritten; --fix/--diff do not apply", file=sys.stderr)
        return EXIT_USAGE
    data = sys.stdin.buffer.read()
    own = FileSettings(settings)(path) if args.stdin_filename else settings
    result = lint_bytes(data, path, own)
    analysed = _text(data, path)  # what the report's source lines quote: the fixed text once fixed
    fixed = 0
    if args.fix or args.diff:
        from rnn_reuse_lint import engine
        from rnn_reuse_lint.fixes.apply import fix_text, unified_diff

        text = engine.decode(data, path)
        if isinstance(text, str):
            encoding = _encoding(data)
            outcome = fix_text(text, lambda candidate: lint_bytes(candidate.encode(encoding), path, own),
                               args.unsafe_fixes)
            if outcome.problem:
                print(f"rnn-reuse-lint: {path}: {outcome.problem}", file=sys.stderr)
            fixed = len(outcome.fixed) if outcome.text != text else 0
            if args.diff:
                sys.stdout.write(unified_diff(path, text, outcome.text) if outcome.text != text else "")
                return EXIT_FINDINGS if outcome.text != text and not args.exit_zero else EXIT_CLEAN
            sys.stdout.write(outcome.text)  # the fixed source, whole, as ruff and black do on stdin
            sys.stdout.flush()
            if outcome.text != text:
                result, analysed = outcome.result, outcome.text
        elif args.fix:
            sys.stdout.buffer.write(data)  # not decodable: hand the input back unchanged
    formatter = formatters().get(args.format)
    if formatter is None:
        print(f"rnn-reuse-lint: unknown format {args.format!r}", file=sys.stderr)
        return EXIT_USAGE
    # With --fix, stdout carries the source: the report goes to stderr (or --output)
    report_stream = sys.stderr if args.fix else sys.stdout
    options = replace(report_options(args, report_stream), texts=((path, analysed),))
    report = formatter([result], own, options)
    if args.output:
        problem = _write(report, args.output)
        if problem is not None:
            print(f"rnn-reuse-lint: {problem}", file=sys.stderr)
            return EXIT_USAGE
    else:
        report_stream.write(report)
    if args.statistics:
        report_stream.write(statistics([result]))
    if not args.quiet and args.format == "text":
        for note in result.notes:
            sys.stderr.write(f"rnn-reuse-lint: note: {path}: {note}\n")
        sys.stderr.write(summary([result], own, fixed if args.fix else None))
    if result.findings or result.error:
        return EXIT_CLEAN if args.exit_zero else EXIT_FINDINGS
    return EXIT_CLEAN


def _text(data: bytes, path: str) -> str:
    """The analysed text, for source lines under findings (a notebook's code cells)."""
    if path.endswith(".ipynb"):
        from rnn_reuse_lint.notebook import extract

        code = extract(data, path)
        return code.source if code is not None and not isinstance(code, FileError) else ""
    from rnn_reuse_lint import engine

    text = engine.decode(data, path)
    return text if isinstance(text, str) else ""
