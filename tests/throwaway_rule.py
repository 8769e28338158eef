"""A throwaway rule, RNN199, written into a temporary copy of the package: proof that a rule touches only rules/."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Tuple

from tests.conftest import ROOT

CODE = "RNN199"

# The whole rule: one module in rules/, nothing else in the package changes. It reports a fact another rule reports
# too (shared_across_directions, with the model's fix) under its own code, message and evidence.
RULE_MODULE = '''"""RNN199: twin directions, a rule that exists only in a test's copy of the package."""
from __future__ import annotations

from typing import Iterator

from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.model import ModuleModel
from rnn_reuse_lint.rules.base import Evidence, Invalid, Rule, RuleContext, Valid


class TwinDirections(Rule):
    """
    ## What it does
    Finds a bidirectional driver whose two directions are one cell object.

    ## Why is this bad?
    The backward pass runs with the forward weights.

    ## Example
    ```python
    out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)
    ```

    ## Use instead
    ```python
    out = tf.nn.bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.GRUCell(8), x, dtype=tf.float32)
    ```
    """

    code = "RNN199"
    name = "twin-directions"
    summary = "A throwaway rule: one cell object runs both directions."
    facts = frozenset({"shared_across_directions"})
    fixable = True
    evidence = Evidence(sharing=frozenset({"shared_across_directions"}), where="run")

    VALID = (Valid("two-cells", "import tensorflow as tf\\n"
                                "out = tf.nn.bidirectional_dynamic_rnn(a, b, x, dtype=tf.float32)\\n"),)
    INVALID = (Invalid("one-cell", "import tensorflow as tf\\ncell = tf.nn.rnn_cell.GRUCell(8)\\n"
                                   "out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\\n",
                       line=3, contains="twin directions"),)

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        for sharing in model.bidirectional:
            yield self.finding(context, sharing.span, f"twin directions: `{sharing.fw_text}` runs both ways in "
                               f"this `{sharing.driver}`", fix=sharing.fix, no_fix=sharing.no_fix)
'''


def package_with_rule(base: Path) -> Path:
    """A copy of rnn_reuse_lint under `base` with the RNN199 module added to rules/; returns the folder for
    PYTHONPATH."""
    site = base / "site"
    shutil.copytree(os.path.join(ROOT, "rnn_reuse_lint"), site / "rnn_reuse_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (site / "rnn_reuse_lint" / "rules" / "rnn199_twin_directions.py").write_text(RULE_MODULE, encoding="utf-8")
    return site


def run_with(site: Path, cwd: Path, *argv: str, timeout: float = 180) -> Tuple[int, str, str]:
    """`python ARGV...` with the copy first on the path (cwd is not the repository, so `-m` finds the copy)."""
    env: Dict[str, str] = dict(os.environ, PYTHONPATH=str(site), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, *argv], cwd=str(cwd), capture_output=True, text=True, timeout=timeout,
                          env=env)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr
