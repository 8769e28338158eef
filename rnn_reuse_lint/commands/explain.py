"""`rnn-reuse-lint explain FILE`: each run's layers, cells and variables, and how runs share them."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List, Optional

from rnn_reuse_lint.settings import Settings

NAME = "explain"
HELP = "show every RNN run's layers and predicted variables, and which runs share them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from rnn_reuse_lint.invocation import tf_release

    parser.add_argument("files", nargs="+", metavar="PATH",
                        help="files, notebooks or directories (walked as `check` walks them)")
    parser.add_argument("--format", choices=("text", "json", "html", "markdown"), default="text",
                        help="html: one self-contained page with a picture per file; markdown: a Mermaid graph")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.add_argument("--dynamic", action="store_true",
                        help="also trace the files under real TensorFlow (the `dynamic` extra) and mark every "
                             "layer whose traced variables differ from the prediction")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="with --dynamic: wall-clock limit per traced file (default: config `timeout`, else 60)")
    parser.add_argument("--tf1-python", default=None, metavar="PATH",
                        help="with --dynamic: a TF 1.x interpreter for the files whose trace stops on a TF-1-only "
                             "API (as `check --dynamic`); default: config `tf1-python`")
    parser.add_argument("--tf-version", type=tf_release, metavar="RELEASE",
                        help="TensorFlow release whose names to predict, e.g. 1.0, 1.12, 2.3 (default: the pin "
                             "of the nearest project above each file, else 2)")
    parser.add_argument("--define", action="append", default=[], metavar="NAME=VALUE",
                        help="value for a name the file uses but never binds (e.g. n_layers=2); repeatable")


def _at(entry: Dict[str, Any], key: str = "line", cell_key: str = "notebook_cell") -> str:
    """`line 18`, or `cell 3 line 2` inside a notebook."""
    cell = f"cell {entry[cell_key]} " if cell_key in entry else ""
    return f"{cell}line {entry[key]}"


def render_text(doc: Dict[str, Any]) -> str:
    from rnn_reuse_lint.explain import names_label

    lines: List[str] = [f"{doc['path']} ({names_label(doc)})"]
    if "error" in doc:
        lines.append(f"  RNN000 {_at(doc['error'])}: {doc['error']['message']}")
        return "\n".join(lines) + "\n"
    if doc.get("broken_cells"):
        lines.append(f"  left out (they do not parse): cell {', '.join(str(c) for c in doc['broken_cells'])}")
    if doc.get("dynamic_error"):
        lines.append(f"  trace: {doc['dynamic_error']}")
    if doc.get("dynamic_tf_version"):
        lines.append(f"  trace: under TF {doc['dynamic_tf_version']} (--tf1-python: TF 2 lacks an API it uses)")
    lines.extend(f"  trace {what}" for what in doc.get("dynamic_assumed") or [])
    if not doc["runs"]:
        # `check` may still report a stack or a bidirectional pair built here: its cells are never run, so
        # no variables exist to be named (say so, or the two commands seem to disagree)
        lines.append("  no RNN runs found: no cell here is run (dynamic_rnn, static_rnn, a Keras RNN layer...), so "
                     "there are no variable names to predict; `rnn-reuse-lint check` reports how stacks are built")
    for run in doc["runs"]:
        reuse = {True: "reuse", False: "create", "auto": "auto-reuse", None: "reuse unknown"}[run["reuse"]]
        context = "" if run["context"] == "module" else f", in {run['context']}"
        lines.append(f"  run {run['run']}: {_at(run)} {run['driver']} scope={_scope_label(run)} "
                     f"({reuse}{context})")
        for layer in run["layers"]:
            index = "?" if layer["index"] is None else layer["index"]
            direction = f" {layer['direction']}" if "direction" in layer else ""
            borrowed = ""
            if "borrows_from" in layer:
                b = layer["borrows_from"]
                borrowed = (f"  <- borrows run {b['run']} layer {'?' if b['layer'] is None else b['layer']}"
                            + (f" {b['direction']}" if "direction" in b else ""))
            variables = ", ".join(layer["variables"]) or "(not predicted)"
            lines.append(f"    layer {index}{direction}: {layer['cell']} ({_at(layer, 'cell_line', 'cell_notebook_cell')}) "
                         f"{variables}{borrowed}{_verdict(layer)}")
    if doc["sharing"]:
        from rnn_reuse_lint.model import COLLIDING
        from rnn_reuse_lint.rules import reports

        lines.append("  sharing:")
        for rel in doc["sharing"]:
            a, b = rel["between"]
            label = rel["code"] or rel["kind"]  # "intended", or "unknown" when a scope or reuse is not known
            verb = "both create" if reports(rel["code"], *COLLIDING) else "use"  # a collision: neither borrows
            if a == b:  # created on each pass: a loop runs it again with a new cell
                lines.append(f"    {label}: run {a['run']} ({_at(a)}) layer {_index(a['layer'])} creates "
                             f"{rel['variables'][0] if rel['variables'] else '?'} again on the loop's next pass"
                             + (" ..." if len(rel["variables"]) > 1 else ""))
                continue
            lines.append(f"    {label}: run {a['run']} ({_at(a)}) layer {_index(a['layer'])} and run {b['run']} "
                         f"({_at(b)}) layer {_index(b['layer'])} {verb} "
                         f"{rel['variables'][0] if rel['variables'] else '?'}"
                         + (" ..." if len(rel["variables"]) > 1 else ""))
    return "\n".join(lines) + "\n"


def _verdict(layer: Dict[str, Any]) -> str:
    """` [trace: agrees]`, ` [trace: differs: traced a/b, ...]` or ` [trace: untraced]` with --dynamic."""
    dynamic = layer.get("dynamic")
    if not dynamic:
        return ""
    if dynamic["status"] == "differs":
        return f"  [trace: differs: traced {', '.join(dynamic['variables']) or 'nothing'}]"
    return f"  [trace: {dynamic['status']}]"


def _index(layer: Any) -> str:
    return "?" if layer is None else str(layer)


def _scope_label(run: Dict[str, Any]) -> str:
    if run["scope"]:
        return str(run["scope"])
    if run["driver"].startswith("keras"):
        return "(keras)"
    return "(root)" if run["scope"] == "" else "?"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from rnn_reuse_lint.explain import explain_file, with_release

    defines = []
    for item in args.define:
        name, sep, value = item.partition("=")
        if not sep or not all(part.isidentifier() for part in name.strip().split(".")):
            print(f"rnn-reuse-lint: --define needs NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        defines.append((name.strip(), value.strip()))
    if defines:
        settings = replace(settings, define=tuple(settings.define) + tuple(defines))
    from rnn_reuse_lint.discovery import find_files
    from rnn_reuse_lint.file_settings import FileSettings

    settings_of = FileSettings(settings)  # --tf-version (via the common options) fixes it for every file
    files, missing = find_files(args.files, settings.exclude)
    status = 0
    for path in missing:
        print(f"rnn-reuse-lint: {path}: no such file or directory", file=sys.stderr)
        status = 2
    docs = [with_release(explain_file(path, settings_of(path)), settings_of(path)) for path in files
            if os.path.isfile(path)]
    if not docs:
        if not missing:
            print(f"rnn-reuse-lint: no Python files or notebooks in {', '.join(args.files)}", file=sys.stderr)
        return 2
    if args.dynamic:
        traced = _with_trace([doc["path"] for doc in docs], docs, settings, args.timeout)
        if traced is None:
            return 2
        docs = traced
    if args.format == "json":
        payload: Any = docs[0] if len(docs) == 1 else docs
        report = json.dumps(payload, indent=2) + "\n"
    elif args.format in ("html", "markdown"):
        from rnn_reuse_lint.views.render import picture

        report = picture(args.format, [doc["path"] for doc in docs], docs, settings, "rnn-reuse-lint explain")
    else:
        report = "".join(render_text(doc) for doc in docs)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(report)
        except OSError as exc:
            print(f"rnn-reuse-lint: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(report)
    if any("error" in doc for doc in docs):
        status = status or 1
    return status


def _with_trace(files: List[str], docs: List[Dict[str, Any]], settings: Settings,
                timeout: Any) -> Optional[List[Dict[str, Any]]]:
    """The documents with the trace laid over them, or None (after saying why) when nothing can be traced."""
    from rnn_reuse_lint.commands.aimed_trace import findings_of, trace_aimed
    from rnn_reuse_lint.dynamic.api import DynamicUnavailable
    from rnn_reuse_lint.dynamic.defines import DefineError
    from rnn_reuse_lint.overlay import overlay

    limit = settings.timeout if timeout is None else timeout
    if limit <= 0:
        print("rnn-reuse-lint: --timeout must be a positive number of seconds", file=sys.stderr)
        return None
    try:
        # aimed as `check --dynamic` aims: at the files' findings, each under its stated assumption
        traces = trace_aimed(files, findings_of(files, settings), settings, timeout=float(limit))
    except (DynamicUnavailable, DefineError) as exc:
        print(f"rnn-reuse-lint: --dynamic: {exc}", file=sys.stderr)
        return None
    return [overlay(doc, trace) for doc, trace in zip(docs, traces)]
