"""`check --dynamic`: the tracer's verdict reaches every format (SARIF `properties.dynamic`), and the config's
dynamic settings (`define`, `timeout`, `python`) reach the tracer. Runs real TensorFlow in a child process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integrations.helpers import run_cli, write
from tests.integrations.test_formats import SCHEMA_PATH

pytestmark = [pytest.mark.slow, pytest.mark.dynamic]

SOURCE = ("import tensorflow as tf\n"
          "cell = tf.nn.rnn_cell.GRUCell(8)\n"
          "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * depth)\n"
          "out, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)\n")
CONFIG = ('[tool.rnn-reuse-lint]\ntimeout = 120\n'
          '[tool.rnn-reuse-lint.define]\ndepth = 4\ninputs = "placeholder float32 [2, 3, 8]"\n')


@pytest.fixture(scope="module")
def tensorflow_available() -> None:
    from rnn_reuse_lint.dynamic.api import is_available

    ok, why = is_available()
    if not ok:
        pytest.skip(why)


def test_sarif_carries_the_dynamic_verdict(tensorflow_available: None, tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    write(tmp_path, {"pyproject.toml": CONFIG, "m.py": SOURCE})
    code, out, err = run_cli("check", "--dynamic", "--format", "sarif", "m.py", cwd=tmp_path, timeout=600)
    assert code == 1, err
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    (result,) = doc["runs"][0]["results"]
    dynamic = result["properties"]["dynamic"]
    assert dynamic["verdict"] == "confirmed"
    assert "layer 3" in dynamic["evidence"]  # `depth = 4` from the config reached the traced program


def test_bad_interpreter_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.rnn-reuse-lint]\npython = "no/such/python"\n', "m.py": SOURCE})
    code, out, err = run_cli("check", "--dynamic", "m.py", cwd=tmp_path)
    assert (code, out) == (2, "") and "no such interpreter" in err and "no/such/python" in err


def test_config_timeout_reaches_the_tracer(tensorflow_available: None, tmp_path: Path) -> None:
    looping = SOURCE.replace("out, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)\n",
                             "while True:\n    pass\n").replace("* depth", "* 2")
    write(tmp_path, {"pyproject.toml": "[tool.rnn-reuse-lint]\ntimeout = 3\n", "m.py": looping})
    code, out, err = run_cli("check", "--dynamic", "--format", "json", "m.py", cwd=tmp_path, timeout=600)
    (finding,) = json.loads(out)["findings"]
    assert finding["dynamic"]["verdict"] == "error"
    assert "timeout after 3s" in finding["dynamic"]["evidence"]
