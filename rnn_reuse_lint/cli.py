"""The `rnn-reuse-lint` command line: parse flags into one Settings and dispatch to a subcommand."""
from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType
from typing import Dict, List, Optional, Sequence

from rnn_reuse_lint import __version__
from rnn_reuse_lint.settings import TF_VERSIONS, Settings


def _codes(value: str) -> List[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _commands() -> Dict[str, ModuleType]:
    from rnn_reuse_lint.commands import COMMAND_MODULES

    modules = {}
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue  # a command whose module is not installed is simply absent
        modules[module.NAME] = module
    return modules


def build_parser(commands: Dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-reuse-lint",
        description="Find accidental weight sharing between TensorFlow RNN layers, directions and scopes.",
    )
    parser.add_argument("--version", action="version", version=f"rnn-reuse-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in commands.items():
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        _add_common(command)
    return parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rule selection")
    if not any(a.dest == "select" for a in parser._actions):
        group.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes")
        group.add_argument("--ignore", type=_codes, metavar="CODES", help="comma-separated codes or prefixes")
        group.add_argument("--extend-select", type=_codes, metavar="CODES", help="add to the selected codes")
    if not any(a.dest == "tf_version" for a in parser._actions):
        group.add_argument("--tf-version", choices=TF_VERSIONS, help="TensorFlow version to word verdicts for")


def settings_from_args(args: argparse.Namespace) -> Settings:
    base = Settings()
    return Settings(
        select=tuple(args.select) if getattr(args, "select", None) else base.select,
        ignore=tuple(args.ignore) if getattr(args, "ignore", None) else base.ignore,
        extend_select=tuple(args.extend_select) if getattr(args, "extend_select", None) else base.extend_select,
        tf_version=getattr(args, "tf_version", None) or base.tf_version,
        tf_version_source="flag" if getattr(args, "tf_version", None) else base.tf_version_source,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    commands = _commands()
    parser = build_parser(commands)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(commands[args.command].run(args, settings_from_args(args)))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
