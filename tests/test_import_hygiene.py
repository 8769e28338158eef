"""The core stays light: no TensorFlow, flake8, argparse or tomllib on the analysis path; no libcst without RNN."""
from __future__ import annotations

import subprocess
import sys
from typing import List

CHECK = """
import sys
from rnn_reuse_lint.engine import analyze_bytes
from rnn_reuse_lint.settings import Settings
analyze_bytes({source!r}, "x.py", Settings())
print(",".join(sorted(m for m in ("tensorflow", "flake8", "argparse", "tomllib", "libcst") if m in sys.modules)))
"""


def _loaded(source: bytes) -> str:
    proc = subprocess.run([sys.executable, "-c", CHECK.format(source=source)], capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip()


def test_engine_imports_no_tensorflow_flake8_argparse_or_tomllib() -> None:
    source = b"import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(2)] * 2)\n"
    assert _loaded(source) == "libcst"


def test_file_without_rnn_tokens_never_loads_libcst() -> None:
    assert _loaded(b"import os\nprint(os.getcwd())\n") == ""


PLUGIN = """
import sys
from rnn_reuse_lint.flake8_plugin import Plugin
lines = {lines!r}
print(list(Plugin(None, lines, "x.py").run()))
print(",".join(sorted(m for m in sys.modules if m.startswith("rnn_reuse_lint"))))
"""


def _plugin_run(lines: List[str]) -> List[str]:
    proc = subprocess.run([sys.executable, "-c", PLUGIN.format(lines=lines)], capture_output=True, text=True,
                          check=True)
    return proc.stdout.strip().splitlines()


def test_flake8_plugin_loads_only_the_prefilter_for_files_without_rnn() -> None:
    # flake8 imports every plugin at start-up, also for a one-file pre-commit run
    found, modules = _plugin_run(["import os\n", "print(os.getcwd())\n"])
    assert found == "[]"
    # the prefilter, and (for a file that imports something) the look into its project's own modules
    assert modules == "rnn_reuse_lint,rnn_reuse_lint.flake8_plugin,rnn_reuse_lint.prefilter,rnn_reuse_lint.project," \
                      "rnn_reuse_lint.reach"


def test_flake8_plugin_loads_the_engine_for_a_file_with_rnn_code() -> None:
    found, modules = _plugin_run(["import tensorflow as tf\n",
                                  "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(2)] * 2)\n"])
    assert "RNN101" in found
    assert "rnn_reuse_lint.engine" in modules.split(",")


def test_flake8_plugin_never_loads_the_fixer() -> None:
    # flake8 cannot show fixes: a file with findings is linted without planning any (issue 21)
    found, modules = _plugin_run(["import tensorflow as tf\n",
                                  "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(2)] * 2)\n"])
    assert "RNN101" in found
    assert not [m for m in modules.split(",") if m.startswith("rnn_reuse_lint.fixes")]


def test_the_core_does_not_know_the_fixer() -> None:
    """Issue 19: the builder, the evaluator, the Evaluation and the model import nothing from fixes/; fixes are
    planned from the Evaluation at the edge (engine, commands)."""
    import ast
    import os

    from tests.conftest import ROOT

    package = os.path.join(ROOT, "rnn_reuse_lint")
    core = ["builder.py", "evaluation.py", "model.py", "evaluator.py"]
    if os.path.isdir(os.path.join(package, "evaluate")):  # the evaluator as a package (issue 19 item 1)
        core += [os.path.join("evaluate", n) for n in os.listdir(os.path.join(package, "evaluate"))
                 if n.endswith(".py")]
    for name in core:
        path = os.path.join(package, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [m for m in imported if m.startswith("rnn_reuse_lint.fixes")], name
