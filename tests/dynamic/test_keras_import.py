"""Traced `import keras` code gets tf_keras (the Keras 2 API it was written for), with Keras 1/2 module paths."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_reuse_lint.dynamic.rrl_child import keras_import

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "dynamic" / "rnn101_standalone_keras_imports.py"


@pytest.mark.parametrize("name, expected", [
    ("keras", "tf_keras"),
    ("keras.layers", "tf_keras.layers"),
    ("keras.layers.recurrent", "tf_keras.layers"),
    ("keras.layers.wrappers", "tf_keras.layers"),
    ("keras.utils.np_utils", "tf_keras.src.utils.np_utils"),
    ("keras.preprocessing.sequence", "tf_keras.preprocessing.sequence"),
    ("keras_core", None),
    ("kerasy", None),
    ("tensorflow.keras", None),
])
def test_target(name: str, expected: str | None) -> None:
    assert keras_import.target(name) == expected


def test_falls_back_to_the_real_import_when_tf_keras_lacks_the_module() -> None:
    asked = []

    def real(name: str, globals: object = None, locals: object = None, fromlist: tuple[str, ...] = (),
             level: int = 0) -> str:
        asked.append(name)
        if name.startswith("tf_keras"):
            raise ImportError(name)
        return name

    assert keras_import.importer(real)("keras.ops", None, None, ("x",), 0) == "keras.ops"
    assert asked == ["tf_keras.ops", "keras.ops"]
    assert keras_import.importer(real)("numpy") == "numpy" and asked[-1] == "numpy"


@pytest.mark.dynamic
def test_stacked_keras_cells_confirmed_through_tf_keras() -> None:
    out = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--isolated", "--dynamic", "--format",
                          "json", str(FIXTURE)], capture_output=True, text=True, timeout=600)
    findings = json.loads(out.stdout)["findings"]
    assert [(f["code"], f["line"]) for f in findings] == [("RNN101", 7)]
    dynamic = findings[0]["dynamic"]
    assert dynamic["verdict"] == "confirmed", dynamic
    assert dynamic["reached_via"] == "plain", dynamic
