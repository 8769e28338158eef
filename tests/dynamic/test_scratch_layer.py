"""A project that writes beside its code (a cache folder made at import): the writes land in the traced file's own
scratch layer, the folder on disk never changes, and everything outside the project is still refused."""
from __future__ import annotations

import os
import shutil
from typing import Any, Dict, Iterator, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

PACKAGE = os.path.join(FIXTURES, "dynamic", "cache_beside_code_pkg")
HOSTILE = {
    # an existing file of the project: the uid the file runs as may not replace it, and the host's copy stays
    "overwrite": "import tensorflow as tf\nopen(__file__, 'w').write('pwned')\n",
    # the layer covers the project only: one folder up is the host's, and refused
    "escape": "import os\nopen(os.path.join(os.path.dirname(os.path.dirname(__file__)), 'escaped'), 'w')\n",
    # a symlink inside the project that points out of it resolves outside, so the write is refused
    "through_link": "import os\nopen(os.path.join(os.path.dirname(__file__), 'out', 'x'), 'w')\n",
    # a file the project makes for itself is there to read back, in the same run only
    "own": ("import os\nimport tensorflow as tf\np = os.path.join(os.path.dirname(__file__), 'made', 'n.txt')\n"
            "os.makedirs(os.path.dirname(p))\nopen(p, 'w').write('4')\nn = int(open(p).read())\n"
            "tf.get_variable('read_back_%d' % n, [1])\n"),
}


def _listing(folder: str) -> List[str]:
    return sorted(os.path.relpath(os.path.join(d, n), folder) for d, dirs, files in os.walk(folder)
                  for n in dirs + files if "__pycache__" not in d and n != "__pycache__")


def test_a_cache_folder_made_at_import_does_not_stop_the_trace() -> None:
    before = _listing(PACKAGE)
    path = os.path.join(PACKAGE, "model.py")
    (trace,) = trace_files([path], timeout=120.0)
    assert trace["error"] is None, trace["error"]
    assert trace["violations"] == []
    assert "writes go to a private scratch layer" in trace["sandbox"]["filesystem"]
    (finding,) = verify(analyze_file(path, Settings(select=("RNN",))).findings, {path: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic
    assert _listing(PACKAGE) == before        # no cache/ on disk


@pytest.fixture
def project(tmp_path: Any) -> Iterator[Dict[str, Any]]:
    root = tmp_path / "proj"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    os.chmod(tmp_path, 0o755)                 # readable by the dropped uid: the folder is bound, not copied
    os.chmod(root, 0o755)
    (root / "out").symlink_to(outside)
    paths = {}
    for name, body in HOSTILE.items():
        (root / (name + ".py")).write_text(body)
        os.chmod(root / (name + ".py"), 0o644)
        paths[name] = str(root / (name + ".py"))
    traces = dict(zip(HOSTILE, trace_files(list(paths.values()), timeout=60.0)))
    yield {"root": str(root), "outside": str(outside), "paths": paths, "traces": traces, "tmp": str(tmp_path)}
    shutil.rmtree(str(tmp_path), ignore_errors=True)


def test_writes_stay_in_the_layer_and_never_leave_the_project(project: Dict[str, Any]) -> None:
    traces = project["traces"]
    with open(project["paths"]["overwrite"], encoding="utf-8") as handle:
        assert handle.read() == HOSTILE["overwrite"]
    # refused by the file system (an OSError the run steps over, as it would a missing data file)
    assert [t["type"] for t in traces["overwrite"]["tolerated"]] == ["PermissionError"], traces["overwrite"]
    assert "not allowed" in traces["escape"]["error"]["message"]
    assert not os.path.exists(os.path.join(project["tmp"], "escaped"))
    assert "not allowed" in traces["through_link"]["error"]["message"]
    assert os.listdir(project["outside"]) == []
    assert traces["own"]["error"] is None, traces["own"]["error"]
    assert [c["name"] for c in traces["own"]["created"]] == ["read_back_4"]
    assert not os.path.exists(os.path.join(project["root"], "made"))
