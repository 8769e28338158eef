"""`rnn-reuse-lint rule [CODE]`: print a rule's documentation, or the table of all rules."""
from __future__ import annotations

import argparse

from rnn_reuse_lint.settings import Settings

NAME = "rule"
HELP = "show the documentation of one rule, or list all rules"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code such as RNN101 (or its name)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from rnn_reuse_lint.rules import ALL_RULES

    if args.code is None:
        for rule in ALL_RULES:
            print(f"{rule.code}  {rule.name:<32} {rule.summary}")
        return 0
    wanted = args.code.strip()
    for rule in ALL_RULES:
        if wanted.upper() == rule.code or wanted == rule.name:
            print(f"# {rule.code} {rule.name}\n")
            print(rule.doc())
            return 0
    print(f"rnn-reuse-lint: unknown rule {wanted!r}; `rnn-reuse-lint rule` lists them")
    return 2
