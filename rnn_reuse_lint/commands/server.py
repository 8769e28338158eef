"""`rnn-reuse-lint server`: a Language Server Protocol server on stdin/stdout (needs the `lsp` extra)."""
from __future__ import annotations

import argparse
import sys

from rnn_reuse_lint.settings import Settings

NAME = "server"
HELP = "run the language server (LSP over stdio) for editors: diagnostics, quick fixes, explain on hover"


def _seconds(value: str) -> float:
    try:
        milliseconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of milliseconds: {value!r}") from None
    if not 0 <= milliseconds <= 10_000:
        raise argparse.ArgumentTypeError("give 0 to 10000 milliseconds")
    return milliseconds / 1000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debounce", type=_seconds, default=None, metavar="MS",
                        help="quiet time after an edit before the file is analysed again (default: 150)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from rnn_reuse_lint.server.app import DEFAULT_DEBOUNCE, serve
    except ImportError as exc:
        print(f"rnn-reuse-lint: the server needs the `lsp` extra (pip install 'rnn-reuse-lint[lsp]'): {exc}",
              file=sys.stderr)
        return 2
    if sys.stdin is None or sys.stdin.isatty():
        print("rnn-reuse-lint: the server speaks LSP on stdin/stdout; start it from an editor "
              "(see the README's Editors section)", file=sys.stderr)
        return 2
    # Flags apply to every file; each file's pyproject.toml and TF pin are read as `check FILE` reads them.
    flags = argparse.Namespace(**{k: v for k, v in vars(args).items() if k not in ("command", "debounce")})
    return serve(flags, DEFAULT_DEBOUNCE if args.debounce is None else args.debounce)
