"""Shared test helpers: the repository root and the fixture-marker reader."""
from __future__ import annotations

import os
import re
from typing import List, Set, Tuple

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures")
_MARKER = re.compile(r"#\s*expect:\s*(RNN\d{3}(?:\s*,\s*RNN\d{3})*)")


def expected_markers(path: str) -> Set[Tuple[int, str]]:
    """(line, code) for every `# expect: RNN101[, RNN102]` comment in a fixture."""
    found = set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            match = _MARKER.search(line)
            if match:
                found.update((number, code.strip()) for code in match.group(1).split(","))
    return found


@pytest.fixture
def root() -> str:
    return ROOT


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Tests that start TensorFlow (dynamic) or Chromium (browser) are slow as well, so that
    `python -m pytest -m "not slow"` is the quick local loop; CI runs everything."""
    for item in items:
        if item.get_closest_marker("dynamic") is not None or item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
