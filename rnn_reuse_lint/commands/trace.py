"""`rnn-reuse-lint trace FILE...`: run the files' graph construction under real TensorFlow and show what it shares."""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any, Dict, List, Tuple

from rnn_reuse_lint.settings import Settings

NAME = "trace"
HELP = ("run each file's graph construction in a sandboxed TensorFlow child and show the variables every RNN layer "
        "really uses, and which layers share them")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="PATH",
                        help="files and notebooks to trace; a folder traces its files that hold RNN code")
    parser.add_argument("--format", choices=("text", "json", "html", "markdown"), default="text",
                        help="html/markdown: the traced layers and sharing drawn as `explain` draws predictions")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="wall-clock limit per file (default 60)")
    parser.add_argument("--python", default=None, metavar="PATH",
                        help="interpreter whose TensorFlow runs the code (e.g. a TF 1.x virtualenv)")
    parser.add_argument("--tf1-python", default=None, metavar="PATH",
                        help="a TF 1.x interpreter for the files whose trace stops on a TF-1-only API "
                             "(as `check --dynamic`); default: config `tf1-python`")
    parser.add_argument("--define", action="append", default=None, metavar="NAME=VALUE",
                        help="value for a free name or synthesized argument: a Python literal, "
                             "'placeholder float32 [2, 3, 4]' or '3 placeholders float32 [2, 4]' (repeatable)")


def _defines(args: argparse.Namespace, settings: Settings) -> Dict[str, str]:
    out = dict(settings.define)
    for item in getattr(args, "define", None) or []:
        if "=" not in item:
            raise ValueError("--define wants NAME=VALUE, got %r" % item)
        name, value = item.split("=", 1)
        out[name.strip()] = value
    return out


def _expand(paths: List[str], settings: Settings) -> Tuple[List[str], List[str]]:
    """(files to trace, paths that do not exist): files as named; a folder's files found as `check` finds them,
    keeping those with RNN code (tracing runs each file's code, seconds apiece)."""
    from rnn_reuse_lint.discovery import find_files
    from rnn_reuse_lint.dynamic.plan import RNN_TOKENS

    files: List[str] = []
    missing: List[str] = []
    for path in paths:
        if os.path.isdir(path):
            found, _ = find_files([path], settings.exclude)
            files.extend(f for f in found if _has_rnn_code(f, RNN_TOKENS))
        elif os.path.isfile(path):
            files.append(path)
        else:
            missing.append(path)
    return list(dict.fromkeys(files)), missing


def _has_rnn_code(path: str, pattern: "re.Pattern[str]") -> bool:
    try:
        with open(path, "rb") as handle:
            return bool(pattern.search(handle.read().decode("utf-8", "replace")))
    except OSError:
        return False


def exit_status(traces: List[Dict[str, Any]]) -> int:
    """0: traced, nothing suspicious; 1: suspicious sharing or an error in some file."""
    for t in traces:
        if t.get("error") or any(s.get("kind") == "suspicious" for s in t.get("sharing") or []):
            return 1
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from rnn_reuse_lint.commands.aimed_trace import findings_of, trace_aimed
    from rnn_reuse_lint.dynamic.api import DynamicUnavailable
    from rnn_reuse_lint.dynamic.defines import DefineError
    from rnn_reuse_lint.dynamic.plan import make_plan
    from rnn_reuse_lint.dynamic.progress import Progress
    from rnn_reuse_lint.dynamic.render import render
    from rnn_reuse_lint.dynamic.switch import ALTERNATIVE

    timeout = args.timeout if getattr(args, "timeout", None) is not None else settings.timeout
    python = getattr(args, "python", None) or settings.python
    if timeout is None or timeout <= 0:
        print("rnn-reuse-lint trace: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    try:
        defines = _defines(args, settings)
        for name, value in defines.items():
            make_plan("", "<define>", {name: value})
    except (ValueError, DefineError) as e:
        print("rnn-reuse-lint trace: %s" % e, file=sys.stderr)
        return 2
    files, missing = _expand(args.files, settings)
    if missing:
        for p in missing:
            print("rnn-reuse-lint trace: %s: no such file or directory" % p, file=sys.stderr)
        return 2
    if not files:
        print("rnn-reuse-lint trace: no file with RNN code under %s" % ", ".join(args.files), file=sys.stderr)
        return 2
    if python is not None and not os.path.exists(python):
        print("rnn-reuse-lint trace: --python %s: no such interpreter" % python, file=sys.stderr)
        return 2
    try:
        # aimed as `check --dynamic` aims: at the files' findings, each under its stated assumption
        results = findings_of(files, settings)
        with Progress(len(files)) as progress:
            traces = trace_aimed(files, results, settings, timeout=float(timeout), python=python, defines=defines,
                                 progress=progress.file)
    except DynamicUnavailable as e:
        print("rnn-reuse-lint trace: %s" % e, file=sys.stderr)
        return 2
    for one in traces:   # the trace not kept serves verdicts only (verify); the output shows the kept one
        (one.get("switch") or {}).pop(ALTERNATIVE, None)
    if getattr(args, "format", "text") == "json":
        payload: Any = traces[0] if len(traces) == 1 else traces
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    elif args.format in ("html", "markdown"):
        from rnn_reuse_lint.views.render import picture

        sys.stdout.write(picture(args.format, list(args.files), traces, None, "rnn-reuse-lint trace"))
    else:
        sys.stdout.write(render(traces) + "\n")
    return exit_status(traces)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rnn-reuse-lint trace", description=HELP)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    return run(args, Settings())


if __name__ == "__main__":
    raise SystemExit(main())
