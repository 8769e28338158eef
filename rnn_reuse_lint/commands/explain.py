"""`rnn-reuse-lint explain FILE`: each run's layers, cells and variables, and how runs share them."""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, List

from rnn_reuse_lint.settings import TF_VERSIONS, Settings

NAME = "explain"
HELP = "show every RNN run's layers and predicted variables, and which runs share them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--tf-version", choices=TF_VERSIONS, help="TensorFlow version whose names to predict")
    parser.add_argument("--define", action="append", default=[], metavar="NAME=VALUE",
                        help="value for a name the file uses but never binds (e.g. n_layers=2); repeatable")


def render_text(doc: Dict[str, Any]) -> str:
    lines: List[str] = [f"{doc['path']} (TF {doc['tf_version']} names)"]
    if "error" in doc:
        lines.append(f"  RNN000 line {doc['error']['line']}: {doc['error']['message']}")
        return "\n".join(lines) + "\n"
    if not doc["runs"]:
        lines.append("  no RNN runs found")
    for run in doc["runs"]:
        reuse = {True: "reuse", False: "create", "auto": "auto-reuse", None: "reuse unknown"}[run["reuse"]]
        context = "" if run["context"] == "module" else f", in {run['context']}"
        lines.append(f"  run {run['run']}: line {run['line']} {run['driver']} scope={_scope_label(run)} "
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
            lines.append(f"    layer {index}{direction}: {layer['cell']} (line {layer['cell_line']}) "
                         f"{variables}{borrowed}")
    if doc["sharing"]:
        lines.append("  sharing:")
        for rel in doc["sharing"]:
            a, b = rel["between"]
            label = rel["code"] or rel["kind"]  # "intended", or "unknown" when a scope or reuse is not known
            verb = "both create" if rel["code"] == "RNN104" else "use"  # a collision: neither borrows
            if a == b:  # RNN104 within one call: a loop runs it again with a new cell
                lines.append(f"    {label}: run {a['run']} (line {a['line']}) layer {a['layer']} creates "
                             f"{rel['variables'][0] if rel['variables'] else '?'} again on the loop's next pass"
                             + (" ..." if len(rel["variables"]) > 1 else ""))
                continue
            lines.append(f"    {label}: run {a['run']} (line {a['line']}) layer {a['layer']} and run {b['run']} "
                         f"(line {b['line']}) layer {b['layer']} {verb} "
                         f"{rel['variables'][0] if rel['variables'] else '?'}"
                         + (" ..." if len(rel["variables"]) > 1 else ""))
    return "\n".join(lines) + "\n"


def _scope_label(run: Dict[str, Any]) -> str:
    if run["scope"]:
        return str(run["scope"])
    if run["driver"].startswith("keras"):
        return "(keras)"
    return "(root)" if run["scope"] == "" else "?"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import replace

    from rnn_reuse_lint.explain import explain_file

    if args.tf_version:
        settings = replace(settings, tf_version=args.tf_version, tf_version_source="flag")
    defines = []
    for item in args.define:
        name, sep, value = item.partition("=")
        if not sep or not all(part.isidentifier() for part in name.strip().split(".")):
            print(f"rnn-reuse-lint: --define needs NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        defines.append((name.strip(), value.strip()))
    if defines:
        settings = replace(settings, define=tuple(settings.define) + tuple(defines))
    status = 0
    docs = []
    for path in args.files:
        if not os.path.isfile(path):
            print(f"rnn-reuse-lint: {path}: no such file", file=sys.stderr)
            status = 2
            continue
        docs.append(explain_file(path, settings))
    if args.format == "json":
        payload: Any = docs[0] if len(docs) == 1 else docs
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
    else:
        sys.stdout.write("".join(render_text(doc) for doc in docs))
    if any("error" in doc for doc in docs):
        status = status or 1
    return status
