"""CLI subcommands: each module has NAME, HELP, add_arguments(parser) and run(args, settings) -> int."""
from __future__ import annotations

COMMAND_MODULES = (
    "rnn_reuse_lint.commands.check",
    "rnn_reuse_lint.commands.rule",
    "rnn_reuse_lint.commands.explain",
    "rnn_reuse_lint.commands.trace",
    "rnn_reuse_lint.commands.server",
)
