"""Settings per linted file: the TensorFlow pin of the nearest project above each file, read once per project."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from typing import Dict, List, Optional, Sequence

from rnn_reuse_lint.pins import Pin, PinFinder
from rnn_reuse_lint.settings import DEFAULT_TF_VERSION, Settings


class FileSettings:
    """`settings_for(path)`: the run's settings, with the TensorFlow version of the file's own project when
    no flag or config value fixed it (`check a/ b/ c/` from a parent folder of three TF 1.x projects)."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings
        self._finder = PinFinder() if settings.tf_pin_per_file else None
        self._variants: Dict[Optional[Pin], Settings] = {}

    def __call__(self, path: str) -> Settings:
        if self._finder is None:
            return self.base
        pin = self._finder.for_file(path)
        if pin not in self._variants:
            if pin is None:
                variant = replace(self.base, tf_version=DEFAULT_TF_VERSION, tf_version_source="default",
                                  tf_release=None)
            else:
                variant = replace(self.base, tf_version=pin.tf_version, tf_version_source=pin.describe(os.getcwd()),
                                  tf_release=pin.release)
            self._variants[pin] = variant
        return self._variants[pin]

    def for_report(self, paths: Sequence[str]) -> Settings:
        """The settings a report states at its top: the one every file used, else the run's base with a
        source that names each project's version (json and sarif must not claim one version for all)."""
        used = {self(p) for p in paths}
        if len(used) == 1:
            return next(iter(used))
        return replace(self.base, tf_version_source=self.assumption(paths)) if len(used) > 1 else self.base

    def assumption(self, paths: Sequence[str]) -> str:
        """The summary's clause: "TensorFlow 1.12 (behaves as 1.2-1.14) assumed (requirements.txt:1 (...))",
        or one entry per project when the files' projects pin different versions."""
        counts: "Counter[Settings]" = Counter(self(p) for p in paths)
        if len(counts) <= 1:
            only = next(iter(counts)) if counts else self.base
            return f"{only.tf_description} assumed ({only.tf_version_source})"
        parts: List[str] = []
        for variant, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].tf_version_source)):
            files = f"{count} file{'s' if count != 1 else ''}"
            parts.append(f"{variant.tf_description[len('TensorFlow '):]} for {files} ({variant.tf_version_source})")
        return "TensorFlow assumed per project: " + ", ".join(parts)
