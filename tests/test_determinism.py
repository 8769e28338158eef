"""Determinism (issue 8): the report is byte-identical across runs, across `-j` values and across path orders.

Real `python -m rnn_reuse_lint check` subprocesses on the shipped fixtures/ directory, for every report format
(text, json and sarif).
"""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Dict, List, Tuple

import pytest

from tests.conftest import FIXTURES, ROOT

pytestmark = pytest.mark.slow  # every test runs `check` over all of fixtures/ two or more times (3-9 s each)

Run = Tuple[int, bytes, bytes]

# Two disjoint halves of fixtures/, so that `check A B` and `check B A` name the same files in another order.
DYNAMIC = os.path.relpath(os.path.join(FIXTURES, "dynamic"), ROOT)
TOP_LEVEL = sorted(os.path.relpath(os.path.join(FIXTURES, name), ROOT)
                   for name in os.listdir(FIXTURES) if name.endswith(".py"))


def _formats() -> List[str]:
    from rnn_reuse_lint.report import FORMAT_NAMES

    return [name for name in ("text", "json", "sarif") if name in FORMAT_NAMES]


FORMATS = [pytest.param(name, id=f"format-{name}") for name in _formats()]
_BASELINES: Dict[str, Run] = {}


def check(fmt: str, *args: str) -> Run:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", fmt, *args],
                          cwd=ROOT, capture_output=True, timeout=120)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc.returncode, proc.stdout, proc.stderr


def baseline(fmt: str) -> Run:
    """`check -j 1 fixtures/dynamic fixtures/*.py`, run once per format and shared by the tests below."""
    if fmt not in _BASELINES:
        _BASELINES[fmt] = check(fmt, "-j", "1", DYNAMIC, *TOP_LEVEL)
    return _BASELINES[fmt]


def test_fixture_halves_are_not_empty() -> None:
    assert TOP_LEVEL and os.path.isdir(os.path.join(ROOT, DYNAMIC))


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_are_byte_identical(fmt: str) -> None:
    first = baseline(fmt)
    assert first[0] == 1 and first[1], "the fixtures have findings: exit 1 and a non-empty report"
    assert check(fmt, "-j", "1", DYNAMIC, *TOP_LEVEL) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_jobs_do_not_change_the_report(fmt: str) -> None:
    assert check(fmt, "-j", "2", DYNAMIC, *TOP_LEVEL) == baseline(fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_path_order_does_not_change_the_report(fmt: str) -> None:
    assert check(fmt, "-j", "1", *reversed(TOP_LEVEL), DYNAMIC) == baseline(fmt)
