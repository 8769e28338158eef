"""Every fixture is a truth table: marked lines are found with their codes, unmarked lines stay quiet."""
from __future__ import annotations

import glob
import os

import pytest

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, expected_markers

STATIC_FIXTURES = sorted(glob.glob(os.path.join(FIXTURES, "*.py")))
DYNAMIC_FIXTURES = sorted(glob.glob(os.path.join(FIXTURES, "dynamic", "*.py")))


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=os.path.relpath(p, FIXTURES)) for p in STATIC_FIXTURES + DYNAMIC_FIXTURES]
)
def test_findings_equal_markers(path: str) -> None:
    result = analyze_file(path, Settings(select=("RNN",)))
    assert result.error is None, result.error
    found = {(f.span.line, f.code) for f in result.findings}
    expected = expected_markers(path)
    assert sorted(found - expected) == [], "reported but not marked"
    assert sorted(expected - found) == [], "marked but not reported"


def test_fixture_corpus_is_big_enough() -> None:
    positives = sum(len(expected_markers(p)) for p in STATIC_FIXTURES)
    assert positives >= 40


def test_every_finding_names_the_other_place() -> None:
    for path in STATIC_FIXTURES:
        for finding in analyze_file(path, Settings()).findings:
            if finding.code == "RNN000":
                continue  # a line the engine could not read is one place, not a sharing between two
            assert finding.related, finding
            assert all(r.span.line >= 1 for r in finding.related)
