"""The flake8 adapter: the engine's findings as flake8 results; flake8 handles noqa and selection."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, Sequence, Tuple

from rnn_reuse_lint import __version__
from rnn_reuse_lint.prefilter import might_have_rnn

if TYPE_CHECKING:
    from rnn_reuse_lint.pins import PinFinder
    from rnn_reuse_lint.settings import Settings


# flake8 loads every plugin at start-up, also for one file in a pre-commit hook, so only the byte
# prefilter is imported with the plugin: the engine (~25 ms of imports) loads with the first file
# that might hold RNN code.
@functools.lru_cache(maxsize=None)
def _all_rules(tf_version: str = "2", tf_release: Optional[str] = None) -> "Settings":
    """flake8 decides what is selected, ignored or noqa'd: the plugin reports every rule. flake8 cannot
    show or apply fixes, so none are planned."""
    from rnn_reuse_lint.settings import Settings

    return Settings(select=("RNN",), fixes="off", tf_version=tf_version, tf_release=tf_release)


@functools.lru_cache(maxsize=None)
def _pin_finder() -> "PinFinder":
    from rnn_reuse_lint.pins import PinFinder

    return PinFinder()  # caches each directory's answer: one read of the project files per flake8 process


def _settings_for(filename: str, option: Optional[str]) -> "Settings":
    """--rnn-tf-version when given, else the TensorFlow pin of the nearest project above the file (as the
    CLI finds it), else TF 2. Code on stdin (`-`/`stdin`) is taken to live in the current directory."""
    import os

    from rnn_reuse_lint.pins import parse_release

    if option:
        return _all_rules(*parse_release(option))
    directory = os.getcwd() if filename in ("-", "stdin", "") else os.path.dirname(os.path.abspath(filename))
    pin = _pin_finder().detect(directory)
    return _all_rules(pin.tf_version, pin.release) if pin is not None else _all_rules()


def _release_option(value: str) -> str:
    from rnn_reuse_lint.pins import release_option  # imported when flake8 parses the option, not at start-up

    return release_option(value)


class Plugin:
    """Registered under the `RNN` prefix; flake8 passes the file's lines, already decoded."""

    name = "rnn-reuse-lint"
    version = __version__
    # flake8's plugin API hands options over once, through the class (parse_options below).
    tf_version_option: Optional[str] = None

    def __init__(self, tree: Any, lines: Sequence[str], filename: str = "stdin") -> None:
        self._lines = lines
        self._filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--rnn-tf-version", type=_release_option, default=None, parse_from_config=True, metavar="RELEASE",
            help="TensorFlow release the RNN rules word their verdicts for, e.g. 1.4, 1.12, 2.3 "
                 "(default: the pin of the nearest project above each file, else 2)",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        cls.tf_version_option = getattr(options, "rnn_tf_version", None)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        source = "".join(self._lines).encode("utf-8", "surrogatepass")
        if not might_have_rnn(source):
            # a file that names no RNN may still hand cells to the project's own wrappers (project.py, reach.py:
            # small modules of their own, so the engine still loads only for files that may hold RNN code)
            from rnn_reuse_lint.reach import imports_rnn

            if not imports_rnn(source, self._filename):
                return
        from rnn_reuse_lint.engine import analyze_bytes

        try:
            result = analyze_bytes(source, self._filename, _settings_for(self._filename, self.tf_version_option))
        except Exception:  # the engine already turns errors into RNN000; be doubly sure flake8 never dies
            return
        findings: List[Tuple[int, int, str, type]] = [
            (f.span.line, f.span.column - 1, f"{f.code} {f.message}", type(self)) for f in result.findings
        ]
        error = result.error
        # A syntax error is flake8's E999 to report; anything else that stopped the analysis
        # (too large, too deeply nested, an unknown coding) would otherwise pass silently.
        if error is not None and not error.message.startswith("syntax error"):
            findings.append((error.line, error.column - 1, f"{error.code} {error.message}", type(self)))
        yield from findings
