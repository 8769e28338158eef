"""The flake8 adapter: the engine's findings as flake8 results; flake8 handles noqa and selection."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterator, List, Sequence, Tuple

from rnn_reuse_lint import __version__
from rnn_reuse_lint.prefilter import might_have_rnn

if TYPE_CHECKING:
    from rnn_reuse_lint.settings import Settings


# flake8 loads every plugin at start-up, also for one file in a pre-commit hook, so only the byte
# prefilter is imported with the plugin: the engine (~25 ms of imports) loads with the first file
# that might hold RNN code.
@functools.lru_cache(maxsize=None)
def _all_rules() -> "Settings":
    """flake8 decides what is selected, ignored or noqa'd: the plugin reports every rule. flake8 cannot
    show or apply fixes, so none are planned."""
    from rnn_reuse_lint.settings import Settings

    return Settings(select=("RNN",), fixes=False)


class Plugin:
    """Registered under the `RNN` prefix; flake8 passes the file's lines, already decoded."""

    name = "rnn-reuse-lint"
    version = __version__

    def __init__(self, tree: Any, lines: Sequence[str], filename: str = "stdin") -> None:
        self._lines = lines
        self._filename = filename

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        source = "".join(self._lines).encode("utf-8", "surrogatepass")
        if not might_have_rnn(source):
            return
        from rnn_reuse_lint.engine import analyze_bytes

        try:
            result = analyze_bytes(source, self._filename, _all_rules())
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
