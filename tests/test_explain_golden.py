"""Golden `explain` outputs (text, JSON and Markdown) for a set of fixtures; UPDATE_GOLDEN=1 rewrites them."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

GOLDEN = os.path.join(ROOT, "tests", "golden_explain")
CASES = [
    "fixtures/seed_second_stack_reuses.py",
    "fixtures/dynamic/rnn103_encoder_decoder.py",
    "fixtures/dynamic/rnn104_helper_called_twice.py",
    "fixtures/dynamic/rnn105_reuse_scope_first.py",
    "fixtures/dynamic/intended_auto_reuse_towers.py",
    "fixtures/dynamic/intended_train_eval_graphs.py",
    "fixtures/dynamic/driver_stack_bidirectional_clean.py",
    "fixtures/dynamic/rnn102_bidirectional_tagger.py",
    "fixtures/dynamic/intended_seed_reuse_variables.py",  # the seed as pasted: free names, symbolic layer i
    "fixtures/dynamic/driver_keras_layer_names.py",
    "fixtures/dynamic/rnn101_char_rnn_list_multiply.py",
]
EXTENSIONS = {"text": "txt", "json": "json", "markdown": "md"}


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
@pytest.mark.parametrize("fixture", [pytest.param(c, id=os.path.basename(c)[:-3]) for c in CASES])
def test_explain_matches_golden(fixture: str, fmt: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "explain", "--format", fmt, fixture],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    golden = os.path.join(GOLDEN, f"{os.path.basename(fixture)[:-3]}.{EXTENSIONS[fmt]}")
    if os.environ.get("UPDATE_GOLDEN"):
        with open(golden, "w", encoding="utf-8") as handle:
            handle.write(proc.stdout)
    with open(golden, encoding="utf-8") as handle:
        assert proc.stdout == handle.read()
