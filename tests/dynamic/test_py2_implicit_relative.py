"""Python 2 packages whose __init__ imports their own modules implicitly-relative, in a cycle Python 2 never had."""
from __future__ import annotations

import os
from typing import Any

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

pytestmark = pytest.mark.dynamic

MODEL = os.path.join(FIXTURES, "dynamic", "py2_cycle_pkg", "model.py")


def test_the_package_module_is_the_one_imported() -> None:
    (trace,) = trace_files([MODEL], timeout=120.0)
    assert trace["error"] is None, trace["error"]
    (finding,) = verify(analyze_file(MODEL, Settings(select=("RNN",))).findings, {MODEL: trace})
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain"), finding.dynamic


def test_a_name_found_elsewhere_keeps_its_python_3_reading(tmp_path: Any) -> None:
    pkg = tmp_path / "rrlpkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "json.py").write_text("OURS = True\n")          # shadows the standard library only in Python 2
    (pkg / "ownmod.py").write_text("OURS = True\n")        # found only in the package
    (pkg / "helper.py").write_text("import json\nimport ownmod\nstdlib = not hasattr(json, 'OURS')\n"
                                   "own = ownmod.__name__\n")
    probe = pkg / "probe.py"
    probe.write_text("import tensorflow as tf\nfrom .helper import stdlib, own\n"
                     "tf.get_variable('stdlib_%d' % stdlib, [1])\n"
                     "tf.get_variable(own.replace('.', '_'), [1])\n")
    (trace,) = trace_files([str(probe)], timeout=120.0)
    assert trace["error"] is None, trace["error"]
    assert [c["name"] for c in trace["created"]] == ["stdlib_1", "rrlpkg_ownmod"]
