"""The server's one way into the analyzer: settings per file as the CLI builds them, `check`'s lint, its fixer."""
from __future__ import annotations

import argparse
import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Dict, Optional, Tuple

from rnn_reuse_lint.finding import FileError, FileResult, NotebookIndex
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.server.documents import Snapshot
from rnn_reuse_lint.settings import FixMode, Settings

# Files whose change can change the settings of the files below them: config and TF pins (pins.py).
SETTINGS_FILES = ("pyproject.toml", "setup.cfg", "environment.yml", "environment.yaml")
_RESULTS_KEPT = 64


def affects_settings(path: str) -> bool:
    name = os.path.basename(path)
    return name in SETTINGS_FILES or (name.startswith("requirements") and name.endswith((".txt", ".in")))


@dataclass(frozen=True)
class FileSettings:
    """The settings `check FILE` would use for a file, or why the configuration could not be read."""

    settings: Settings
    problem: Optional[str] = None
    excluded: bool = False


@dataclass(frozen=True)
class Explained:
    """The model `explain` reads, with what maps its lines back to a notebook's cells."""

    model: ModuleModel
    column_offset: int
    notebook: Optional[NotebookIndex]


class Analyzer:
    """Lints snapshots with the CLI's pipeline; remembers settings per directory and results per content."""

    def __init__(self, flags: argparse.Namespace) -> None:
        self._flags = flags
        self._lock = threading.Lock()
        self._settings: Dict[str, FileSettings] = {}
        # (path, content digest, settings) -> result: an undo, a save after the last change or a
        # re-opened file costs a dictionary look-up.
        self._results: "OrderedDict[Tuple[str, str, Settings], FileResult]" = OrderedDict()

    def forget_settings(self) -> None:
        """A config or pin file changed: the next lint of every file reads its settings again."""
        with self._lock:
            self._settings.clear()
            self._results.clear()

    def settings_for(self, path: str) -> FileSettings:
        directory = os.path.dirname(path)
        with self._lock:
            known = self._settings.get(directory)
        if known is None:
            known = self._read_settings(path)
            with self._lock:
                self._settings[directory] = known
        if known.problem is None and known.settings.exclude and os.path.exists(path):
            from rnn_reuse_lint.discovery import find_files

            files, _ = find_files([path], known.settings.exclude)
            if not files:
                return replace(known, excluded=True)
        return known

    def _read_settings(self, path: str) -> FileSettings:
        from rnn_reuse_lint.cli import settings_from_args
        from rnn_reuse_lint.config import ConfigError

        args = argparse.Namespace(**vars(self._flags))
        args.paths = [path]
        try:
            return FileSettings(settings_from_args(args))
        except ConfigError as exc:
            args.isolated, args.config = True, None
            try:
                return FileSettings(settings_from_args(args), problem=str(exc))
            except ConfigError:
                return FileSettings(Settings(), problem=str(exc))

    def lint(self, snapshot: Snapshot, settings: Settings, fixes: FixMode = "off") -> FileResult:
        """What `check` reports for this snapshot (per-file-ignores and `# noqa` applied). Never raises.
        Diagnostics show no fixes, so none are planned unless asked for (`fixes="plan"`: quick fixes)."""
        from rnn_reuse_lint.commands.check import lint_bytes

        settings = replace(settings, fixes=fixes)
        data = snapshot.data()
        key = (snapshot.path, hashlib.blake2b(data, digest_size=16).hexdigest(), settings)
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
        result = lint_bytes(data, snapshot.path, settings)
        with self._lock:
            self._results[key] = result
            while len(self._results) > _RESULTS_KEPT:
                self._results.popitem(last=False)
        return result

    def fix_all(self, snapshot: Snapshot, settings: Settings, unsafe: bool = False) -> Tuple[str, str]:
        """The text after every applicable fix (the original text when none applies), and why fixing stopped
        early if it did; `check --fix` applies the same passes."""
        from rnn_reuse_lint.fixes.apply import fix_text

        def lint(text: str) -> FileResult:
            return self.lint(replace(snapshot, text=text), settings, fixes="plan")

        outcome = fix_text(snapshot.text, lint, unsafe)
        return outcome.text, outcome.problem

    def explained(self, snapshot: Snapshot, settings: Settings) -> Optional[Explained]:
        """The model with every run described (what `explain` shows), or None when there is none."""
        from rnn_reuse_lint import engine

        data = snapshot.data()
        index: Optional[NotebookIndex] = None
        if snapshot.is_notebook:
            from rnn_reuse_lint.notebook import extract

            code = extract(data, snapshot.path)
            if code is None or isinstance(code, FileError):
                return None
            data, index = code.source.encode("utf-8"), code.index
        try:
            built = engine.build(data, snapshot.path, settings.tf_version, dict(settings.define), fixes="off")
        except Exception:  # an analyzer bug costs the hover, never the server; diagnostics report it
            return None
        if built is None or isinstance(built, FileError):
            return None
        return Explained(built[0], built[1], index)
