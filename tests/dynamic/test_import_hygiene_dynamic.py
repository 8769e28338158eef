"""Importing the dynamic package (and the trace command) in the parent never imports TensorFlow."""
from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import rnn_reuse_lint.dynamic
import rnn_reuse_lint.dynamic.api
import rnn_reuse_lint.dynamic.plan
import rnn_reuse_lint.dynamic.pool
import rnn_reuse_lint.dynamic.verify
import rnn_reuse_lint.dynamic.render
import rnn_reuse_lint.commands.trace
from rnn_reuse_lint.dynamic.api import is_available, trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
make_plan(open(rnn_reuse_lint.dynamic.plan.__file__).read(), "x.py", {"n": "3"})
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "tf_keras", "keras", "numpy"))))
"""


def test_importing_the_dynamic_package_does_not_import_tensorflow() -> None:
    proc = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


@pytest.mark.dynamic  # is_available answers True only where TensorFlow is installed
def test_is_available_does_not_import_tensorflow_in_the_parent() -> None:
    code = ("import sys\nfrom rnn_reuse_lint.dynamic.api import is_available\nok, why = is_available()\n"
            "print(ok, 'tensorflow' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["True", "False"]


def test_is_available_explains_how_to_install() -> None:
    from rnn_reuse_lint.dynamic.api import is_available

    ok, why = is_available("/nonexistent/python")
    assert not ok and "no such interpreter" in why
    # the system Python 3.6 of the legacy tests has no TensorFlow of its own
    import os
    bare = "/root/.pyenv/versions/3.6.15/bin/python3.6"
    if os.path.exists(bare):
        ok, why = is_available(bare)
        if not ok:
            assert 'pip install "rnn-reuse-lint[dynamic]"' in why


def test_child_code_is_python36_syntax() -> None:
    """The child package must compile under Python 3.6 grammar (it runs in TF 1.x virtualenvs)."""
    import ast
    import glob
    import os

    from rnn_reuse_lint.dynamic import pool

    for path in glob.glob(os.path.join(pool.CHILD_DIR, "*.py")):
        source = open(path, encoding="utf-8").read()
        tree = ast.parse(source, path, feature_version=(3, 6))
        assert "from __future__ import annotations" not in source, path
        assert not any(isinstance(n, ast.NamedExpr) for n in ast.walk(tree)), path
        assert "dataclass" not in source, path
