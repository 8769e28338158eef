"""The one immutable settings object every entry point builds and passes down explicitly."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping, Optional, Tuple

from rnn_reuse_lint.budget import DEFAULT_MAX_SECONDS, DEFAULT_MAX_WORK
from rnn_reuse_lint.guards import MAX_BYTES

TF_VERSIONS = ("1.0", "1.1", "1.2", "1.15", "2")  # behaviour classes (TF_RNN_SEMANTICS.md), not releases
DEFAULT_TF_VERSION = "2"
# What fixes a run plans (fixes/attach.py): "plan" whole fixes (--fix, --diff, --show-fixes, formats that carry
# fixes, the editor's quick fixes); "mark" only whether each finding has a safe fix (the text report's `[*]`);
# "off" none (flake8, editor diagnostics: they cannot show fixes).
FixMode = Literal["off", "mark", "plan"]
# The releases each behaviour class stands for, as the summary words it.
_CLASS_RELEASES = {"1.0": "1.0", "1.1": "1.1", "1.2": "1.2-1.14", "1.15": "1.15", "2": "2.x"}


def behaves_as(tf_version: str) -> str:
    """The releases a behaviour class stands for: "1.2" -> "1.2-1.14"."""
    return _CLASS_RELEASES.get(tf_version, tf_version)


def describe_tf(tf_version: str, tf_release: Optional[str]) -> str:
    """"TensorFlow 1.12 (behaves as 1.2-1.14)": the release the user has, and the class it is analysed as."""
    if tf_release is None or tf_release == tf_version:
        return f"TensorFlow {tf_version}"
    return f"TensorFlow {tf_release} (behaves as {behaves_as(tf_version)})"


@dataclass(frozen=True)
class Settings:
    """What to report and how; built by the CLI (flags + pyproject) or by the flake8 adapter."""

    select: Tuple[str, ...] = ("RNN1",)
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = ()
    tf_version: str = DEFAULT_TF_VERSION  # a TF_VERSIONS behaviour class
    tf_version_source: str = "default"
    tf_release: Optional[str] = None  # the release named by the flag, config or pin ("1.12"), if one
    # No --tf-version, config value or --isolated: each file gets the pin of the nearest project above it.
    tf_pin_per_file: bool = False
    # dynamic mode
    timeout: float = 60.0
    python: Optional[str] = None
    # a TF 1.x interpreter for the files that need TF-1-only APIs (the dynamic mode switches to it per file)
    tf1_python: Optional[str] = None
    define: Tuple[Tuple[str, str], ...] = ()
    # what to plan of the fixes for RNN101/RNN102 findings (FixMode above)
    fixes: FixMode = "plan"
    # limits per file (budget.py, guards.py): work units, wall seconds, bytes checked before parsing
    max_work: int = DEFAULT_MAX_WORK
    max_file_seconds: float = DEFAULT_MAX_SECONDS
    max_file_size: int = MAX_BYTES
    # follow imports into the project's own modules (project.py, modules.py); False: each file alone, as flake8
    # plugins and ruff read files (`--no-project`, config `project = false`)
    project: bool = True
    # `check`'s report when no --output-format is given (config `output-format`); None: ruff's `full`
    output_format: Optional[str] = None

    def enabled(self, code: str) -> bool:
        """The longest matching prefix among select/ignore wins; on a tie ignore wins (as in ruff)."""
        selects = self.select + self.extend_select
        best_select = max((len(p) for p in selects if code.startswith(p)), default=-1)
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    @property
    def tf_named(self) -> str:
        """The release the user has (flag, config or pin), else the behaviour class: what reports call it."""
        return self.tf_release or self.tf_version

    @property
    def tf_description(self) -> str:
        return describe_tf(self.tf_version, self.tf_release)

    @property
    def defines(self) -> Mapping[str, str]:
        return dict(self.define)

