"""Shared fixtures for the dynamic tests: one warm tracing child for every file in fixtures/dynamic."""
from __future__ import annotations

import glob
import os
from typing import Any, Dict, List

import pytest

from tests.conftest import ROOT, expected_markers

DYNAMIC_FIXTURES = sorted(glob.glob(os.path.join(ROOT, "fixtures", "dynamic", "*.py")))


def fixture_id(path: str) -> str:
    return os.path.splitext(os.path.basename(path))[0]


@pytest.fixture(scope="session")
def fixture_traces() -> Dict[str, Dict[str, Any]]:
    """Every dynamic fixture traced once, all by one warm child (one TensorFlow import)."""
    from rnn_reuse_lint.dynamic.api import is_available, trace_files

    ok, why = is_available()
    if not ok:
        pytest.fail("the dynamic tests need TensorFlow in this interpreter: %s" % why)
    traces: List[Dict[str, Any]] = trace_files(DYNAMIC_FIXTURES, timeout=120.0)
    return {path: trace for path, trace in zip(DYNAMIC_FIXTURES, traces)}


__all__ = ["DYNAMIC_FIXTURES", "expected_markers", "fixture_id"]
