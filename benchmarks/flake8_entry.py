"""Run flake8 with the rnn-reuse-lint plugin switched on or off, through the same entry (benchmark helper).

flake8 runs every installed plugin on every file whatever `--select` says (selection filters the
reported codes, not the checks), so `--select E,W,F` alone would still pay for the plugin. To time
flake8 *without* the plugin while it is installed, this wrapper drops the plugin from flake8's
discovery (`flake8.plugins.finder._find_importlib_plugins`) before flake8 starts. Both benchmark
variants go through this file so that they pay the same start-up:

    python benchmarks/flake8_entry.py --rnn-plugin=off [flake8 args...]
    python benchmarks/flake8_entry.py --rnn-plugin=on  [flake8 args...]   # adds --require-plugins rnn-reuse-lint

`--version` through either variant shows whether the plugin was loaded; run.py checks both.
`--rnn-plugin=timed` is "on" plus instrumentation: the CPU time spent importing the plugin and inside
its `__init__` and `run`, printed to stderr as `rnn-plugin-cpu: import=<s> run=<s> files=<n>` at exit.
That is the plugin's own cost, measured inside flake8, which wall-clock differences on a busy machine
cannot resolve at the 3% level.
"""
from __future__ import annotations

import sys
from typing import Iterator, List

PACKAGE = "rnn-reuse-lint"


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _instrument_plugin() -> None:
    import atexit
    import functools
    import time

    clock = time.process_time
    start = clock()
    from rnn_reuse_lint import flake8_plugin

    spent = {"import": clock() - start, "run": 0.0, "files": 0}
    plugin = flake8_plugin.Plugin
    original_init, original_run = plugin.__init__, plugin.run

    # functools.wraps keeps the signatures: flake8 reads __init__'s parameters to know what to pass
    @functools.wraps(original_init)
    def timed_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        t = clock()
        try:
            original_init(self, *args, **kwargs)
        finally:
            spent["run"] += clock() - t
            spent["files"] += 1

    @functools.wraps(original_run)
    def timed_run(self):  # type: ignore[no-untyped-def]
        t = clock()
        try:
            results = list(original_run(self))
        finally:
            spent["run"] += clock() - t
        yield from results

    plugin.__init__ = timed_init  # type: ignore[method-assign]
    plugin.run = timed_run  # type: ignore[method-assign]
    atexit.register(lambda: print(
        f"rnn-plugin-cpu: import={spent['import']:.4f} run={spent['run']:.4f} files={spent['files']}", file=sys.stderr))


def main(argv: List[str]) -> int:
    mode = "on"
    rest: List[str] = []
    for arg in argv:
        if arg.startswith("--rnn-plugin="):
            mode = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    if mode not in ("on", "off", "timed"):
        print(f"flake8_entry: --rnn-plugin must be on, off or timed, not {mode!r}", file=sys.stderr)
        return 2
    if mode == "timed":
        _instrument_plugin()

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
