"""`rnn-reuse-lint rule [CODE | --all] [--format text|json]`: a rule's documentation, or every rule."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List

from rnn_reuse_lint.settings import Settings

NAME = "rule"
HELP = "show the documentation of one rule, or list all rules"

# What RNN000 is: the engine's code for a file it could not analyse (no rule module behind it).
_ENGINE_DOCS = {
    "RNN000": "## What it does\n\nMarks a file that could not be analysed: a syntax error, undecodable bytes, "
              "a file over 5 MB or brackets nested too deeply. The other files are still analysed.\n\n"
              "## Why is this bad?\n\nNothing in that file was checked, so a clean report says nothing about it.\n\n"
              "## Options\n\n`RNN000` can be ignored like any code (`--ignore RNN000`, `per-file-ignores`).",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", help="a rule code such as RNN101 (or its name)")
    parser.add_argument("--all", action="store_true", help="every rule (the default without CODE)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="json: code, name, summary, severity, default, fixable and docs of each rule")


def rule_entries() -> List[Dict[str, Any]]:
    """Every code as data, rules first, then the engine's RNN000 (the shape `rule --format json` prints)."""
    from rnn_reuse_lint.rules import ALL_RULES, ENGINE_CODES

    entries: List[Dict[str, Any]] = []
    for rule in ALL_RULES:
        doc = rule.doc()
        entries.append({"code": rule.code, "name": rule.name, "summary": rule.summary, "severity": rule.severity,
                        "default_enabled": bool(rule.default_enabled), "fixable": "## Fix safety" in doc,
                        "docs": doc})
    for code, name in ENGINE_CODES.items():
        entries.append({"code": code, "name": name, "summary": "The file could not be analysed.",
                        "severity": "error", "default_enabled": True, "fixable": False,
                        "docs": _ENGINE_DOCS.get(code, "")})
    return entries


def run(args: argparse.Namespace, settings: Settings) -> int:
    entries = rule_entries()
    if args.code is not None and args.all:
        print("rnn-reuse-lint: give a CODE or --all, not both", file=sys.stderr)
        return 2
    if args.code is None:
        if args.format == "json":
            sys.stdout.write(json.dumps(entries, indent=2) + "\n")
        else:
            for entry in entries:
                print(f"{entry['code']}  {entry['name']:<32} {entry['summary']}")
        return 0
    wanted = args.code.strip()
    for entry in entries:
        if wanted.upper() == entry["code"] or wanted == entry["name"]:
            if args.format == "json":
                sys.stdout.write(json.dumps(entry, indent=2) + "\n")
            else:
                print(f"# {entry['code']} {entry['name']}\n")
                print(entry["docs"])
            return 0
    print(f"rnn-reuse-lint: unknown rule {wanted!r}; `rnn-reuse-lint rule` lists them", file=sys.stderr)
    return 2
