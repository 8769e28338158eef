"""What stopped traces of real projects (issue 22), each reproduced by a fixture and traced under real TensorFlow."""
from __future__ import annotations

import os
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from rnn_reuse_lint.dynamic.api import trace_files, verify
from rnn_reuse_lint.dynamic.plan import make_plan
from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, ROOT
from tests.dynamic.conftest import trace_sources

pytestmark = pytest.mark.dynamic

DYN = os.path.join(FIXTURES, "dynamic")


def _path(name: str) -> str:
    return os.path.join(DYN, name + ".py")


def _verdicts(path: str, trace: Dict[str, Any]) -> List[Finding]:
    findings = analyze_file(path, Settings(select=("RNN",))).findings
    assert findings, path
    return verify(findings, {path: trace})


def _only(path: str, trace: Dict[str, Any]) -> Finding:
    (finding,) = _verdicts(path, trace)
    assert finding.dynamic is not None
    return finding


def test_missing_modules_are_stubbed_and_the_verdict_says_so(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn101_obstacle_missing_module")
    trace = fixture_traces[path]
    assert trace["error"] is None
    stubbed = {k for k in trace["synthesized"] if k.startswith("import ")}
    assert stubbed == {"import matplotlib", "import nlc_data", "import rrl_fixture_not_installed"}
    finding = _only(path, trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized")
    assert "import nlc_data (stub)" in finding.dynamic.evidence


def test_tensorflow_and_the_project_are_never_stubbed(tmp_path: Any) -> None:
    (tmp_path / "helpers.py").write_text("import tensorflow.contrib.no_such_piece\n")
    traces = trace_sources(str(tmp_path), {
        "tf_missing": "import tensorflow.no_such_module_rrl\n",
        "project_missing": "import helpers\n",
        "relative_missing": "from .no_such_sibling import x\n",
    })
    for name, trace in traces.items():
        assert trace["error"] is not None, name
        assert not any(k.startswith("import ") for k in trace["synthesized"]), (name, trace["synthesized"])


def test_a_missing_data_file_binds_synthesized_names(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn101_obstacle_data_file")
    trace = fixture_traces[path]
    failed = {t["line"]: t for t in trace["tolerated"]}
    assert failed[5]["type"] == "FileNotFoundError" and failed[5]["names"] == ["f", "text"]
    assert failed[10]["type"] == "FileNotFoundError" and failed[10]["names"] == ["embeddings"]
    assert trace["synthesized"]["line 5"] == "failed (FileNotFoundError); its names were synthesized"
    finding = _only(path, trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized")
    assert "line 5 failed (FileNotFoundError)" in finding.dynamic.evidence


def test_graph_construction_errors_are_still_the_result(tmp_path: Any) -> None:
    traces = trace_sources(str(tmp_path), {
        # TensorFlow refuses a shape: the error stays, it is often the bug's own symptom
        "shape": "import tensorflow as tf\nx = tf.reshape(tf.zeros([2, 3]), [7])\ny = 1\n",
        # a user's own exception inside a `try:` of theirs reaches their handler unchanged
        "handled": ("import tensorflow as tf\ntry:\n    open('no-such-file.txt')\n    ok = True\n"
                    "except IOError:\n    ok = False\nassert ok is False\n"),
    })
    shape = traces["shape"]
    assert shape["error"] is not None and shape["error"]["line"] == 2 and shape["tolerated"] == []
    handled = traces["handled"]
    assert handled["error"] is None and handled["tolerated"] == []


def test_python2_files_run_through_the_normalizer(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn101_obstacle_python2")
    trace = fixture_traces[path]
    assert trace["error"] is None and any("print statement" in n for n in trace["normalized"])
    assert [run["line"] for run in trace["runs"]] == [12]
    finding = _only(path, trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain")


def test_relative_imports_run_the_file_as_a_module_of_its_package() -> None:
    path = os.path.join(DYN, "relative_import_pkg", "model.py")
    (trace,) = trace_files([path], timeout=120.0)
    assert trace["error"] is None, trace["error"]
    finding = _only(path, trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain")


def test_string_compared_config_gets_a_literal_that_goes_on() -> None:
    path = _path("rnn101_obstacle_string_config")
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    (entry,) = make_plan(source, path, {})["entries"]
    assert entry["init_args"]["args"]["attrs"]["model"] == {"kind": "literal", "value": "rnn",
                                                            "alternatives": ["gru", "lstm"]}
    # the branch holding a target line wins over the first one
    lstm_line = source.splitlines().index('            cell_fn = tf.nn.rnn_cell.BasicLSTMCell') + 1
    (aimed,) = make_plan(source, path, {}, targets=[lstm_line])["entries"]
    assert aimed["init_args"]["args"]["attrs"]["model"] == {"kind": "literal", "value": "lstm",
                                                            "alternatives": ["rnn", "gru"]}
    # a branch that gives up (`raise`) is never chosen when another goes on
    gives_up = "def f(cfg):\n    if cfg.kind == 'x':\n        raise ValueError(cfg.kind)\n    if cfg.kind == 'y':\n" \
               "        pass\n    return tf.nn.rnn_cell.LSTMCell(4)\n"
    (entry,) = make_plan(gives_up, "g.py", {})["entries"]
    assert entry["args"]["cfg"]["attrs"]["kind"] == {"kind": "literal", "value": "y"}


def test_string_config_verdict_comes_through_a_synthesized_entry(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    path = _path("rnn101_obstacle_string_config")
    finding = _only(path, fixture_traces[path])
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "synthesized")
    assert "the synthesized entry Model" in finding.dynamic.evidence


def test_init_calling_build_is_not_run_twice(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[_path("intended_init_calls_build")]
    assert len(trace["runs"]) == 1 and trace["sharing"] == []
    # the entry for build() creates the instance, whose __init__ already ran build(): it is not called again
    ran = [e for e in trace["entries"] if e.get("runs")]
    assert [(e["name"], e["runs"]) for e in ran] == [("Model.build", 1)]


@pytest.mark.parametrize("name", ["rnn101_obstacle_tf_app_run", "rnn102_obstacle_absl_app_run"])
def test_tf_app_run_runs_main_with_flag_defaults(name: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[_path(name)]
    assert trace["error"] is None and trace["violations"] == []
    assert [e["name"] for e in trace["entries"]][0] == "<module>" and trace["entries"][0]["runs"] == 1
    finding = _only(_path(name), trace)
    assert finding.dynamic is not None
    assert (finding.dynamic.verdict, finding.dynamic.reached_via) == ("confirmed", "plain")


def test_check_dynamic_json_carries_reached_via() -> None:
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--dynamic", "--format", "json",
                           _path("rnn101_obstacle_missing_module"), _path("rnn101_obstacle_python2")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    import json
    findings = json.loads(proc.stdout)["findings"]
    via = {os.path.basename(f["path"]): f["dynamic"]["reached_via"] for f in findings}
    assert via == {"rnn101_obstacle_missing_module.py": "synthesized", "rnn101_obstacle_python2.py": "plain"}


SYNTHESIZED_FROM_USE = '''import tensorflow as tf


class SmallConfig(object):
    hidden_size = 4
    num_layers = 2
    keep_prob = 0.8


def build(cell, inputs, config):
    wrapped = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=config.keep_prob)
    stack = tf.nn.rnn_cell.MultiRNNCell([wrapped] * config.num_layers)
    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)


def layer(x, dropout):
    y = tf.nn.dropout(x, keep_prob=dropout)
    return keras.layers.LSTM(4)(y)


class Model(object):
    def __init__(self, cell_kind, inputs):
        cell = tf.nn.rnn_cell.GRUCell(4)
        self.out, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32, scope=cell_kind)
'''


def test_entry_arguments_are_synthesized_from_use(tmp_path: Any) -> None:
    """A cell where a cell is expected, the file's config class, a probability that keeps units, tf_keras."""
    trace = trace_sources(str(tmp_path), {"synth": SYNTHESIZED_FROM_USE})["synth"]
    assert trace["error"] is None, trace["error"]
    synthesized = trace["synthesized"]
    assert synthesized["build(cell)"] == "a new tf.nn.rnn_cell.GRUCell(4)"   # the class the file builds
    assert synthesized["build(config)"] == "SmallConfig()"
    assert synthesized["layer(dropout)"] == 0.5
    drivers = sorted((run["entry"], run["driver"]) for run in trace["runs"])
    assert drivers == [("Model", "dynamic_rnn"), ("build", "dynamic_rnn"), ("layer", "keras_rnn")]


RETRY = """import tensorflow as tf


def build(kind, inputs):
    if kind == "rnn":
        cell = tf.nn.rnn_cell.BasicRNNCell(4, state_is_tuple=True)
    elif kind == "lstm":
        cell = tf.nn.rnn_cell.BasicLSTMCell(4, state_is_tuple=True)
    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)
    return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
"""


def test_an_entry_failing_before_any_rnn_is_retried_with_the_next_literal(tmp_path: Any) -> None:
    """BasicRNNCell takes no state_is_tuple: the first branch raises, the entry runs again with 'lstm'."""
    trace = trace_sources(str(tmp_path), {"retry": RETRY})["retry"]
    assert trace["error"] is None, trace["error"]
    assert trace["synthesized"]["build(kind)"] == "lstm"
    assert [(r["entry"], r["driver"]) for r in trace["runs"]] == [("build", "dynamic_rnn")]
    assert [e["name"] for e in trace["entries"]] == ["<module>", "build"]
