"""The `rnn-reuse-lint` command line: parse flags, merge them over pyproject.toml into one Settings, dispatch."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from types import ModuleType
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rnn_reuse_lint import __version__
from rnn_reuse_lint.invocation import config_path, linted_paths, tf_release
from rnn_reuse_lint.settings import DEFAULT_TF_VERSION, Settings


def _codes(value: str) -> List[str]:
    from rnn_reuse_lint.config import codes

    try:
        return list(codes(value))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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
    parser.add_argument("-V", "--version", action="version", version=f"rnn-reuse-lint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in commands.items():
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        _add_common(command)
    return parser


def _subcommand_parsers(parser: argparse.ArgumentParser) -> Dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _has(parser: argparse.ArgumentParser, dest: str) -> bool:
    return any(a.dest == dest for a in parser._actions)


def _add_common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rule selection")
    if not _has(parser, "select"):
        group.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes")
        group.add_argument("--ignore", type=_codes, metavar="CODES", help="comma-separated codes or prefixes")
        group.add_argument("--extend-select", type=_codes, metavar="CODES", help="add to the selected codes")
    if not _has(parser, "tf_version"):
        group.add_argument("--tf-version", type=tf_release, metavar="RELEASE",
                           help="TensorFlow release to analyse for, e.g. 1.4, 1.12, 2.3 (default: the pin of "
                                "the nearest project above each file, else 2)")
    config = parser.add_argument_group("configuration")
    if not _has(parser, "config"):
        config.add_argument("--config", metavar="FILE",
                            help="read [tool.rnn-reuse-lint] from FILE instead of the nearest pyproject.toml")
    if not _has(parser, "isolated"):
        config.add_argument("--isolated", action="store_true",
                            help="ignore pyproject.toml files and the project's TensorFlow pin")


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return path


def _tf_version(args: argparse.Namespace, values: Dict[str, Any], config_file: Optional[str]
                ) -> Tuple[str, str, Optional[str], bool]:
    """(behaviour class, where it came from, release named, whether each file's own pin decides)."""
    from rnn_reuse_lint.pins import parse_release

    flag = getattr(args, "tf_version", None)
    if flag:
        version, release = parse_release(flag)
        return version, "--tf-version", release, False
    if "tf_version" in values and config_file is not None:
        version, release = parse_release(values["tf_version"])
        return version, f"{_relative(config_file)} [tool.rnn-reuse-lint] tf-version", release, False
    paths = linted_paths(args)
    if paths is not None and not getattr(args, "isolated", False):
        from rnn_reuse_lint.pins import common_directory, detect

        pin = detect(common_directory(paths))
        if pin is not None:
            return pin.tf_version, pin.describe(os.getcwd()), pin.release, True
        return DEFAULT_TF_VERSION, "default", None, True
    return DEFAULT_TF_VERSION, "default", None, False


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Flags over `[tool.rnn-reuse-lint]` over defaults; raises config.ConfigError on a bad file or value."""
    from rnn_reuse_lint import config

    config_file = config_path(args)
    values: Dict[str, Any] = dict(config.load(config_file).values) if config_file else {}
    base = Settings()
    cwd = os.getcwd()

    def flag(name: str) -> Any:
        return getattr(args, name, None)

    per_file = values.get("per_file_ignores", base.per_file_ignores)
    if flag("per_file_ignores"):
        try:
            per_file = config.per_file_flag(flag("per_file_ignores"), cwd)
        except ValueError as exc:
            raise config.ConfigError(f"--per-file-ignores: {exc}") from None
    exclude = values.get("exclude", base.exclude)
    if flag("exclude"):
        exclude = tuple(config.anchor(p, cwd) for p in flag("exclude").split(",") if p.strip())
    if flag("extend_exclude"):
        exclude = tuple(exclude) + tuple(config.anchor(p, cwd) for p in flag("extend_exclude").split(",") if p.strip())
    defines = dict(values.get("define", base.define))
    for item in flag("define") or []:
        try:
            name, value = item if isinstance(item, tuple) else config.define_item(item)
        except ValueError as exc:
            raise config.ConfigError(f"--define: {exc}") from None
        defines[name] = value
    timeout = values.get("timeout", base.timeout)
    if flag("timeout") is not None:
        try:
            timeout = config.timeout(flag("timeout"))
        except ValueError as exc:
            raise config.ConfigError(f"--timeout: {exc}") from None
    tf_version, tf_source, tf_release_named, pin_per_file = _tf_version(args, values, config_file)
    limits = {key: values.get(key, getattr(base, key)) for key in ("max_work", "max_file_seconds", "max_file_size")}
    for key, check in (("max_work", config.positive_int), ("max_file_seconds", config.timeout),
                       ("max_file_size", config.positive_int)):
        if flag(key) is not None:
            try:
                limits[key] = check(flag(key))
            except ValueError as exc:
                raise config.ConfigError(f"--{key.replace('_', '-')}: {exc}") from None
    return Settings(
        select=tuple(flag("select")) if flag("select") else values.get("select", base.select),
        ignore=tuple(flag("ignore")) if flag("ignore") else values.get("ignore", base.ignore),
        extend_select=tuple(values.get("extend_select", base.extend_select)) + tuple(flag("extend_select") or ()),
        per_file_ignores=tuple(per_file),
        exclude=tuple(exclude),
        tf_version=tf_version,
        tf_version_source=tf_source,
        tf_release=tf_release_named,
        tf_pin_per_file=pin_per_file,
        timeout=timeout,
        python=flag("python") or values.get("python", base.python),
        tf1_python=flag("tf1_python") or values.get("tf1_python", base.tf1_python),
        define=tuple(defines.items()),
        project=values.get("project", base.project) if flag("project") is None else flag("project"),
        output_format=values.get("output_format"),
        **limits,
    )


def _check_selectors(settings: Settings) -> None:
    from rnn_reuse_lint.config import ConfigError, unmatched_selectors
    from rnn_reuse_lint.rules import ALL_RULES, ENGINE_CODES

    known = sorted([rule.code for rule in ALL_RULES] + list(ENGINE_CODES))
    unmatched = unmatched_selectors(settings, known)
    if unmatched:
        option, selector = unmatched[0]
        raise ConfigError(f"{option} {selector} matches no rule (known codes: {', '.join(known)}; "
                          f"ALL selects every rule)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    commands = _commands()
    parser = build_parser(commands)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # argparse would print the top-level usage; the sub-command's is the useful one
            commands_parsers = _subcommand_parsers(parser)
            owner = commands_parsers.get(getattr(args, "command", None) or "", parser)
            owner.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # argparse exits 2 on usage errors and 0 on --help
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help()
        return 2
    from rnn_reuse_lint.config import ConfigError

    try:
        settings = settings_from_args(args)
        _check_selectors(settings)
    except ConfigError as exc:
        print(f"rnn-reuse-lint: {exc}", file=sys.stderr)
        return 2
    try:
        return int(commands[args.command].run(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
