"""What the integration tests share: running the real CLI, writing projects, notebooks and git repos."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"

BAD = ("import tensorflow as tf\n"
       "cell = tf.nn.rnn_cell.LSTMCell(8)\n"
       "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n")
GOOD = ("import tensorflow as tf\n"
        "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8) for _ in range(2)])\n")
BIDI = ("import tensorflow as tf\n"
        "cell = tf.nn.rnn_cell.GRUCell(8)\n"
        "out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n")


def run_cli(*args: str, cwd: Optional[os.PathLike] = None, env: Optional[Mapping[str, str]] = None,
            timeout: float = 180) -> Tuple[int, str, str]:
    """`python -m rnn_reuse_lint ARGS` in a real subprocess: (exit status, stdout, stderr)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", *args], cwd=str(cwd or ROOT),
                          capture_output=True, text=True, timeout=timeout, env=full_env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def check_json(*args: str, cwd: Optional[os.PathLike] = None) -> Tuple[int, Dict[str, Any]]:
    code, out, err = run_cli("check", "--format", "json", *args, cwd=cwd)
    assert out, err
    return code, json.loads(out)


def codes_at(doc: Mapping[str, Any], key: str = "findings") -> List[Tuple[str, int, str]]:
    """(basename, line, code) of every finding in a JSON document."""
    return [(os.path.basename(f["path"]), f["line"], f["code"]) for f in doc[key]]


def write(base: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return base


def notebook(cells: Sequence[Tuple[str, str]], language: str = "python") -> str:
    """An nbformat-4 notebook as Jupyter writes it (indent 1, one JSON string per source line)."""
    out = []
    for count, (kind, source) in enumerate(cells, start=1):
        cell: Dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
        if kind == "code":
            cell.update(execution_count=count, outputs=[])
        out.append(cell)
    document = {
        "cells": out,
        "metadata": {"kernelspec": {"display_name": language, "language": language, "name": language},
                     "language_info": {"name": language}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.invalid", GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd))
    proc = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=str(cwd), capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def git_repo(path: Path, files: Mapping[str, str]) -> Path:
    """A fresh repository with `files` committed (so tests never touch the project's own repository)."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    write(path, files)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    return path
