"""Shared fixtures for the dynamic tests: one warm tracing child for every file in fixtures/dynamic."""
from __future__ import annotations

import glob
import os
import socket
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
    from rnn_reuse_lint.dynamic.assumptions import forced_lines
    from rnn_reuse_lint.engine import analyze_file
    from rnn_reuse_lint.settings import Settings

    # as `check --dynamic` traces them: each finding's stated assumption is given to its lines
    force = {path: forced_lines(analyze_file(path, Settings(select=("RNN",))).findings) for path in DYNAMIC_FIXTURES}
    traces: List[Dict[str, Any]] = trace_files(DYNAMIC_FIXTURES, timeout=120.0, force=force)
    return {path: trace for path, trace in zip(DYNAMIC_FIXTURES, traces)}


def trace_sources(folder: str, sources: Dict[str, str]) -> Dict[str, Dict[str, Any]]:
    """Write each named source to `folder/<name>.py` and trace them all with one warm child."""
    from rnn_reuse_lint.dynamic.api import is_available, trace_files

    ok, why = is_available()
    if not ok:
        pytest.fail("the dynamic tests need TensorFlow in this interpreter: %s" % why)
    paths: List[str] = []
    for name, source in sources.items():
        path = os.path.join(folder, name + ".py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        paths.append(path)
    return {name: trace for name, trace in zip(sources, trace_files(paths, timeout=120.0))}


__all__ = ["DYNAMIC_FIXTURES", "expected_markers", "fixture_id", "trace_sources"]


class CountingListener:
    """A host socket that counts the connections it accepts (the sandbox tests check a traced file reaches none)."""

    def __init__(self, sock: "socket.socket") -> None:
        import threading

        self.sock = sock
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self.stop = True
        self.thread.join(2)
        self.sock.close()
