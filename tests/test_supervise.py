"""A file whose analysis kills its worker process costs only itself: the other files keep their results."""
from __future__ import annotations

import ctypes
import os
from typing import List

import pytest

from rnn_reuse_lint.supervise import run_supervised


def work(path: str, settings: str) -> str:
    """Stands in for lint_file: a real crash (SIGSEGV) of the worker on files named crash*."""
    if os.path.basename(path).startswith("crash"):
        ctypes.string_at(0)
    return "%s:%s" % (settings, path)


def crashed(path: str) -> str:
    return "crashed:" + path


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("files", [
    pytest.param(["a", "crash1", "b", "c"], id="one crash"),
    pytest.param(["crash1"] + ["f%d" % i for i in range(40)] + ["crash2", "crash3", "z"], id="three crashes, many files"),
    pytest.param(["crash1", "crash2"], id="only crashes"),
])
def test_each_crash_costs_only_its_file(files: List[str], jobs: int) -> None:
    expected = ["crashed:" + f if f.startswith("crash") else "s:" + f for f in files]
    assert run_supervised(work, crashed, files, ["s"] * len(files), jobs) == expected


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_reported_crasher_is_an_rnn000_beside_the_other_files(tmp_path: "os.PathLike[str]", jobs: str) -> None:
    from tests.test_cli import BAD, run

    for name in ("a.py", "c.py"):
        with open(os.path.join(tmp_path, name), "w") as f:
            f.write(BAD)
    with open(os.path.join(tmp_path, "b.py"), "w") as f:
        f.write("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(4)\nx = f" + "()" * 8_000 + "\n")
    code, out, err = run("check", "--isolated", "--output-format", "concise", "-j", jobs, ".", cwd=str(tmp_path))
    assert code == 1, err
    assert [line.split(":")[0] + ":" + line.split(" ")[1] for line in out.splitlines()] == [
        "a.py:RNN101", "b.py:RNN000", "c.py:RNN101"]
