"""Run flake8 with the rnn-reuse-lint plugin switched on or off, through the same entry (benchmark helper).

flake8 runs every installed plugin on every file whatever `--select` says (selection filters the
reported codes, not the checks), so `--select E,W,F` alone would still pay for the plugin. To time
flake8 *without* the plugin while it is installed, this wrapper drops the plugin from flake8's
discovery (`flake8.plugins.finder._find_importlib_plugins`) before flake8 starts. Both benchmark
variants go through this file so that they pay the same start-up:

    python benchmarks/flake8_entry.py --rnn-plugin=off [flake8 args...]
    python benchmarks/flake8_entry.py --rnn-plugin=on  [flake8 args...]   # adds --require-plugins rnn-reuse-lint

`--version` through either variant shows whether the plugin was loaded; run.py checks both.
"""
from __future__ import annotations

import sys
from typing import Iterator, List

PACKAGE = "rnn-reuse-lint"


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def main(argv: List[str]) -> int:
    mode = "on"
    rest: List[str] = []
    for arg in argv:
        if arg.startswith("--rnn-plugin="):
            mode = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if mode not in ("on", "off"):
        print(f"flake8_entry: --rnn-plugin must be on or off, not {mode!r}", file=sys.stderr)
        return 2

    from flake8.plugins import finder

    if mode == "off":
        original = finder._find_importlib_plugins

        def without_rnn_plugin() -> Iterator[finder.Plugin]:
            for plugin in original():
                if _normalize(plugin.package) != PACKAGE:
                    yield plugin

        finder._find_importlib_plugins = without_rnn_plugin  # type: ignore[assignment]
    elif "--version" not in rest:
        rest = ["--require-plugins", PACKAGE] + rest

    from flake8.main.cli import main as flake8_main

    return flake8_main(rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
