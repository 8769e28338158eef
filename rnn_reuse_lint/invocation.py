"""What a command line names: the paths it works on, the pyproject.toml that applies, the --tf-version type."""
from __future__ import annotations

import argparse
import os
from typing import Optional, Sequence


def tf_release(value: str) -> str:
    """argparse type of --tf-version: any TensorFlow release (`1.4`, `1.12`, `2.3`), checked here."""
    from rnn_reuse_lint.pins import release_option

    return release_option(value)


def linted_paths(args: argparse.Namespace) -> Optional[Sequence[str]]:
    """The paths a command works on (`check PATH...`, `trace FILE...`), None for commands without any."""
    for name in ("paths", "files"):
        value = getattr(args, name, None)
        if value is not None:
            listed = list(value) if not isinstance(value, str) else [value]
            # `-` is stdin: it lives where --stdin-filename says, else in the current directory
            return [(stdin_name(args) or ".") if p == "-" else p for p in listed]
    return None


def config_path(args: argparse.Namespace) -> Optional[str]:
    """Which pyproject.toml applies: --config, else the nearest one with a [tool.rnn-reuse-lint] table."""
    from rnn_reuse_lint import config
    from rnn_reuse_lint.pins import common_directory

    explicit: Optional[str] = getattr(args, "config", None)
    if explicit:
        if not os.path.isfile(explicit):
            raise config.ConfigError(f"--config {explicit}: no such file")
        if not config.has_section(explicit):
            raise config.ConfigError(f"--config {explicit}: no [tool.{config.SECTION}] table in it "
                                     f"(a table such as [tool.{config.SECTION}] with select = [\"RNN1\"])")
        return os.path.abspath(explicit)
    paths = linted_paths(args)
    if paths is None or getattr(args, "isolated", False):
        return None
    return config.find(common_directory(paths))


def stdin_name(args: argparse.Namespace) -> Optional[str]:
    """`--stdin-filename PATH`: where code read from stdin is taken to live (config, pins, per-file-ignores)."""
    name: Optional[str] = getattr(args, "stdin_filename", None)
    return name
