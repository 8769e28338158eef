"""Never crash (issue 8): hostile, broken and legacy input ends in findings or an RNN000 entry, never a traceback.

Every file case runs through real subprocesses: `python -m rnn_reuse_lint check --format json FILE` (exit status
as documented: 1 when a finding or an RNN000 entry is reported among analysable files, 2 when no file could be
analysed, 0 when clean) and `python -m flake8 --isolated --select RNN,E999 FILE` (where a file that does not parse
as Python 3 is flake8's own E999). Then property tests feed hypothesmith programs and random bytes to
`engine.analyze_bytes` in-process.
"""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

# The RNN101 example of the brief: one LSTMCell used as both layers of a MultiRNNCell (RNN101 at 3:9).
EXAMPLE = (b"import tensorflow as tf\n"
           b"cell = tf.nn.rnn_cell.LSTMCell(8)\n"
           b"stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n")
# Gets any text past the engine's cheap prefilter (an RNN token and a TensorFlow token) without adding code.
PREFIX = b"# rnn tensorflow\n"
FAST = 8.0  # seconds: what "quickly" means for a guarded pathological file (the CLI takes ~1 s)
HANG = 30.0  # seconds after which a run that should take ~1 s counts as hung


def _random_bytes(size: int, seed: int, nul: bool) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data if nul else data.replace(b"\0", b"\1")


def _deep(expr_open: str, leaf: str, expr_close: str, depth: int = 10_000) -> bytes:
    return PREFIX + f"x = {expr_open * depth}{leaf}{expr_close * depth}\n".encode()


PY2 = (b"import tensorflow as tf\n"
       b"print \"building the model\"\n"
       b"cell = tf.nn.rnn_cell.LSTMCell(8)\n"
       b"stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n"
       b"try:\n"
       b"    pass\n"
       b"except ValueError, e:\n"
       b"    print e\n")


# --------------------------------------------------------------------------------------------------
# Running the two front ends


@dataclass(frozen=True)
class Cli:
    status: int
    doc: Dict[str, Any]
    stderr: str
    seconds: float

    @property
    def findings(self) -> List[Tuple[str, int, int]]:
        return [(f["code"], f["line"], f["column"]) for f in self.doc["findings"]]

    @property
    def errors(self) -> List[Tuple[str, int, str]]:
        return [(e["code"], e["line"], e["message"]) for e in self.doc["errors"]]


def run_cli(*paths: str, timeout: float = 60, cwd: Optional[str] = None) -> Cli:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", *paths],
                          capture_output=True, timeout=timeout, cwd=cwd, env=env)
    seconds = time.monotonic() - started
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert proc.returncode in (0, 1, 2), f"exit status {proc.returncode} (a signal when negative): {stderr}"
    return Cli(proc.returncode, json.loads(proc.stdout), stderr, seconds)


_FLAKE8_LINE = re.compile(r":(\d+):(\d+): ([A-Z]+\d+) ")


def run_flake8(path: str, timeout: float = 60) -> List[str]:
    """flake8's `row:col: CODE` for each reported line (no path, no message)."""
    proc = subprocess.run([sys.executable, "-m", "flake8", "--isolated", "--select", "RNN,E999", path],
                          capture_output=True, timeout=timeout)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert proc.returncode in (0, 1), f"flake8 exit status {proc.returncode}: {stderr}"
    found = [_FLAKE8_LINE.search(line) for line in proc.stdout.decode("utf-8", "replace").splitlines()]
    assert all(found), proc.stdout
    return [f"{m.group(1)}:{m.group(2)}: {m.group(3)}" for m in found if m]


def documented_status(cli: Cli) -> int:
    """README: 0 clean, 1 findings or an RNN000 entry among analysed files, 2 when no file could be analysed."""
    analysed = len(cli.doc["errors"]) == 0 or bool(cli.doc["findings"])
    if not analysed:
        return 2
    return 1 if cli.doc["findings"] or cli.doc["errors"] else 0


# --------------------------------------------------------------------------------------------------
# One file each: what the CLI must say, and what flake8 must say


@dataclass(frozen=True)
class Expect:
    findings: Tuple[Tuple[str, int, int], ...] = ()  # (code, line, column) from the CLI
    error: Optional[str] = None  # a substring of the RNN000 message
    error_line: Optional[int] = None
    flake8: Optional[Tuple[str, ...]] = None  # exact `row:col: CODE` lines; None: only "no crash"
    flake8_e999: bool = False  # flake8 must report E999 (and may report nothing else)


RNN101_AT_3_9 = Expect(findings=(("RNN101", 3, 9),), flake8=("3:9: RNN101",))

FILE_CASES = [
    pytest.param(PREFIX + _random_bytes(4096, 8, nul=False), Expect(error=""), id="random-bytes"),
    pytest.param(PREFIX + _random_bytes(4096, 9, nul=True), Expect(error="NUL bytes", flake8_e999=True),
                 id="random-bytes-with-nul"),
    pytest.param(EXAMPLE + b"x = 1\0\n", Expect(error="NUL bytes", flake8_e999=True), id="nul-byte"),
    pytest.param(_deep("(", "1", ")"), Expect(error="too deeply nested", flake8_e999=True), id="nested-10000-parens"),
    pytest.param(_deep("[", "", "]"), Expect(error="too deeply nested", flake8_e999=True), id="nested-10000-lists"),
    pytest.param(_deep("f(", "", ")"), Expect(error="too deeply nested", flake8_e999=True), id="nested-10000-calls"),
    pytest.param(_deep("{1: ", "1", "}"), Expect(error="too deeply nested", flake8_e999=True),
                 id="nested-10000-dicts"),
    pytest.param(EXAMPLE + b"s = 'caf\xe9'\n", Expect(error="cannot decode", error_line=4), id="latin1-no-cookie"),
    pytest.param(b"# -*- coding: latin-1 -*-\n" + EXAMPLE + b"s = 'caf\xe9'\n",
                 Expect(findings=(("RNN101", 4, 9),), flake8=("4:9: RNN101",)), id="latin1-with-cookie"),
    pytest.param(b"# -*- coding: utf-8 -*-\n" + EXAMPLE + b"s = 'caf\xe9'\n",
                 Expect(error="cannot decode", error_line=5), id="utf8-cookie-invalid-bytes"),
    pytest.param(b"# -*- coding: nonsense -*-\n" + EXAMPLE, Expect(error="encoding"), id="unknown-coding-cookie"),
    pytest.param(b"\xef\xbb\xbf" + EXAMPLE, RNN101_AT_3_9, id="utf8-bom"),
    pytest.param(b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n" + EXAMPLE, Expect(error="encoding"),
                 id="bom-contradicts-cookie"),
    pytest.param(EXAMPLE.replace(b"\n", b"\r\n"), RNN101_AT_3_9, id="crlf-line-endings"),
    pytest.param(EXAMPLE.replace(b"\n", b"\r"), RNN101_AT_3_9, id="cr-only-line-endings"),
    pytest.param(EXAMPLE.replace(b"\n", b"\r\n", 1), RNN101_AT_3_9, id="mixed-line-endings"),
    pytest.param(b"import tensorflow as tf\nif True:\n\tcell = tf.nn.rnn_cell.LSTMCell(8)\n"
                 b"\tstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n",
                 Expect(findings=(("RNN101", 4, 10),), flake8=("4:10: RNN101",)), id="tab-indentation"),
    pytest.param(b"\x0cimport tensorflow as tf\n\x0c\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
                 b"stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\n",
                 Expect(findings=(("RNN101", 4, 9),), flake8=("4:9: RNN101",)), id="form-feeds"),
    pytest.param(b"", Expect(flake8=()), id="empty-file"),
    pytest.param(PREFIX, Expect(flake8=()), id="prefilter-only-comment"),
    pytest.param(EXAMPLE.rstrip(b"\n"), RNN101_AT_3_9, id="no-final-newline"),
    # The unclosed bracket's line is skipped and reported; the rest of the file is still read.
    pytest.param(EXAMPLE + b"stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2\n",
                 Expect(findings=(("RNN101", 3, 9), ("RNN000", 4, 1)), flake8_e999=True), id="python3-syntax-error"),
    # Python 2: the CLI normalizes and reports at the original line; flake8 cannot build its AST (E999).
    pytest.param(PY2, Expect(findings=(("RNN101", 4, 9),), flake8_e999=True), id="python2-print-and-except-comma"),
    pytest.param(b"    " + EXAMPLE.replace(b"\n", b"\n    ").rstrip(b" "),
                 Expect(findings=(("RNN101", 3, 13),), flake8_e999=True), id="indented-fragment"),
]


@pytest.mark.parametrize("data, expect", FILE_CASES)
def test_cli_never_crashes(tmp_path, data: bytes, expect: Expect) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(data)
    cli = run_cli(str(path))
    assert cli.status == documented_status(cli)
    assert cli.findings == list(expect.findings)
    if expect.error is None:
        assert cli.errors == []
    else:
        assert len(cli.errors) == 1 and cli.errors[0][0] == "RNN000", cli.errors
        assert expect.error in cli.errors[0][2]
        if expect.error_line is not None:
            assert cli.errors[0][1] == expect.error_line
    if not expect.findings and expect.error is not None:
        assert cli.status == 2
    if expect.findings:
        assert cli.status == 1


@pytest.mark.parametrize("data, expect", FILE_CASES)
def test_flake8_never_crashes(tmp_path, data: bytes, expect: Expect) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(data)
    lines = run_flake8(str(path))
    if expect.flake8_e999:
        assert lines and all(line.endswith("E999") for line in lines), lines
    elif expect.flake8 is not None:
        assert lines == list(expect.flake8)


@pytest.mark.parametrize("data", [
    pytest.param(b"# -*- coding: nonsense -*-\n" + EXAMPLE, id="unknown-coding-cookie"),
])
def test_flake8_reports_rnn000_when_the_engine_refuses(tmp_path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(data)
    assert any(line.endswith(("RNN000", "E999")) for line in run_flake8(str(path)))


# --------------------------------------------------------------------------------------------------
# Large and deeply nested input: a quick, clean RNN000


@pytest.fixture
def ten_megabytes(tmp_path) -> str:  # type: ignore[no-untyped-def]
    """10 MB of valid Python with RNN code at the top: one long string literal (cheap for flake8's checks)."""
    path = tmp_path / "x.py"
    path.write_bytes(EXAMPLE + b's = "' + b"a" * 10_000_000 + b'"\n')
    return str(path)


def test_cli_ten_megabyte_file_is_too_large_quickly(ten_megabytes: str) -> None:
    cli = run_cli(ten_megabytes, timeout=60)
    assert cli.findings == [] and len(cli.errors) == 1
    assert cli.errors[0][0] == "RNN000" and "too large" in cli.errors[0][2]
    assert cli.status == 2
    assert cli.seconds < FAST, f"took {cli.seconds:.1f} s"


@pytest.mark.slow
def test_flake8_ten_megabyte_file_reports_rnn000(ten_megabytes: str) -> None:
    assert any(line.endswith(("RNN000", "E999")) for line in run_flake8(ten_megabytes, timeout=60))


@pytest.mark.slow
@pytest.mark.parametrize("data", [
    pytest.param(_deep("lambda: ", "1", ""), id="nested-10000-lambdas"),
    pytest.param(_deep("-", "1", ""), id="nested-10000-unary-minus"),
    pytest.param(_deep("not ", "1", ""), id="nested-10000-not"),
    pytest.param(_deep("1 + ", "1", ""), id="chain-10000-additions"),
    pytest.param(_deep("1 if x else ", "1", ""), id="chain-10000-conditionals"),
    pytest.param(_deep("a.", "b", ""), id="chain-10000-attributes"),
])
def test_cli_unbracketed_depth_is_a_quick_rnn000(tmp_path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(data)
    cli = run_cli(str(path), timeout=HANG)
    assert cli.status == 2 and [e[0] for e in cli.errors] == ["RNN000"]
    assert "too deeply nested" in cli.errors[0][2]


# --------------------------------------------------------------------------------------------------
# Python 2: normalized, reported at the original lines, and the output says so


def test_cli_python2_reports_at_the_original_line_in_text_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(PY2)
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", str(path)], capture_output=True,
                          text=True, timeout=60)
    assert "Traceback" not in proc.stderr and proc.returncode == 1
    assert proc.stdout.startswith(f"{path}:4:9: RNN101 ")


@pytest.mark.parametrize("fmt", [pytest.param("json", id="json"), pytest.param("text", id="text")])
def test_cli_says_the_file_was_normalized(tmp_path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    path.write_bytes(PY2)
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", fmt, str(path)],
                          capture_output=True, text=True, timeout=60)
    assert "Traceback" not in proc.stderr
    assert "normaliz" in (proc.stdout + proc.stderr).lower()


# --------------------------------------------------------------------------------------------------
# Paths that are not regular files


def _write_example(path) -> None:  # type: ignore[no-untyped-def]
    path.write_bytes(EXAMPLE)


def test_directory_named_x_py_given_explicitly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.py").mkdir()
    cli = run_cli(str(tmp_path / "x.py"))
    assert cli.status == 0 and cli.findings == [] and cli.errors == []
    assert run_flake8(str(tmp_path / "x.py")) == []


def test_directory_named_x_py_inside_a_walked_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.py").mkdir()
    _write_example(tmp_path / "x.py" / "model.py")
    _write_example(tmp_path / "model.py")
    cli = run_cli(str(tmp_path))
    assert cli.status == 1 and cli.errors == []
    assert sorted((f["path"], f["line"], f["column"]) for f in cli.doc["findings"]) == [
        (str(tmp_path / "model.py"), 3, 9), (str(tmp_path / "x.py" / "model.py"), 3, 9)]


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading the file; "
                    "the dangling-symlink and FIFO cases below cover unreadable paths")
def test_unreadable_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.py"
    _write_example(path)
    path.chmod(0)
    try:
        cli = run_cli(str(path))
        assert cli.status == 2 and cli.errors[0][0] == "RNN000" and "cannot read" in cli.errors[0][2]
        run_flake8(str(path))
    finally:
        path.chmod(0o644)


def test_dangling_symlink_given_explicitly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    os.symlink(tmp_path / "nowhere.py", tmp_path / "x.py")
    cli = run_cli(str(tmp_path / "x.py"))
    assert cli.status == 2 and cli.findings == []
    assert [(code, "cannot read" in message) for code, _, message in cli.errors] == [("RNN000", True)]


@pytest.mark.parametrize("walked", [pytest.param(False, id="given-explicitly"),
                                    pytest.param(True, id="inside-a-walked-directory")])
def test_fifo_does_not_hang(tmp_path, walked: bool) -> None:  # type: ignore[no-untyped-def]
    os.mkfifo(tmp_path / "x.py")
    cli = run_cli(str(tmp_path) if walked else str(tmp_path / "x.py"), timeout=HANG)
    assert cli.findings == [] and all(e[0] == "RNN000" for e in cli.errors)


def test_walked_directory_with_dangling_symlink_and_symlink_loops(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _write_example(tmp_path / "model.py")
    os.symlink("nowhere.py", tmp_path / "dangling.py")
    os.symlink("loop_b.py", tmp_path / "loop_a.py")
    os.symlink("loop_a.py", tmp_path / "loop_b.py")
    os.symlink("self.py", tmp_path / "self.py")
    os.symlink("..", tmp_path / "parent")  # a directory loop: not followed
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")
    cli = run_cli(str(tmp_path))
    assert cli.status == 1
    assert [(f["path"], f["line"], f["column"]) for f in cli.doc["findings"]] == [(str(tmp_path / "model.py"), 3, 9)]
    # A walk may skip what is not a regular file or report it as RNN000 "cannot read"; nothing else.
    unreadable = [(os.path.basename(e["path"]), e["code"], e["message"].split(":")[0]) for e in cli.doc["errors"]]
    assert all(error in [(name, "RNN000", "cannot read") for name in ("dangling.py", "loop_a.py", "loop_b.py",
                                                                       "self.py")] for error in unreadable), unreadable
    assert run_flake8(str(tmp_path)) == ["3:9: RNN101"]


# --------------------------------------------------------------------------------------------------
# Property tests, in-process: analyze_bytes never raises


def _check_result(result: Any) -> None:
    if result.error is not None:
        assert result.error.code == "RNN000"
        assert result.findings == ()


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar())
def test_hypothesmith_programs_never_raise(source: str) -> None:
    from rnn_reuse_lint.engine import analyze_bytes
    from rnn_reuse_lint.settings import Settings

    data = PREFIX + source.encode("utf-8", "surrogatepass")
    _check_result(analyze_bytes(data, "x.py", Settings()))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2048))
def test_random_bytes_never_raise(data: bytes) -> None:
    from rnn_reuse_lint.engine import analyze_bytes
    from rnn_reuse_lint.settings import Settings

    _check_result(analyze_bytes(PREFIX + data, "x.py", Settings()))
    _check_result(analyze_bytes(EXAMPLE + data, "x.py", Settings()))


def test_nested_known_loops_are_spelled_out_within_a_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Six nested `for i in range(8)` loops naming scopes by their variables: 8**6 passes if all were run
    pass by pass. Only the first few are; the file is analysed (no RNN000, no traceback from explain)."""
    from rnn_reuse_lint.engine import analyze_file
    from rnn_reuse_lint.explain import explain_file
    from rnn_reuse_lint.settings import Settings

    lines = ["import tensorflow as tf", "x = tf.zeros([2, 3, 4])"]
    for depth in range(6):
        lines.append("    " * depth + f"for i{depth} in range(8):")
    body = "    " * 6
    lines.append(body + "with tf.variable_scope('s_%d_%d_%d_%d_%d_%d' % (i0, i1, i2, i3, i4, i5)):")
    lines.append(body + "    out, _ = tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(4), x, dtype=tf.float32)")
    path = tmp_path / "deep_loops.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = analyze_file(str(path), Settings())
    assert result.error is None and not result.findings
    doc = explain_file(str(path), Settings())
    assert "error" not in doc and 1 <= len(doc["runs"]) <= 8
