"""Every fixtures/dynamic file under real TensorFlow: marked lines show the sharing or collision, clean files none."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from rnn_reuse_lint.dynamic.verify import judge
from rnn_reuse_lint.finding import Finding, Span
from tests.dynamic.conftest import DYNAMIC_FIXTURES, expected_markers, fixture_id

pytestmark = pytest.mark.dynamic

# A TensorFlow error is expected only where the fixture marks a collision or a reuse of nothing.
_ERROR_RULES = {"RNN104", "RNN105"}


def _finding(path: str, line: int, code: str) -> Finding:
    return Finding(code, "fixture", "error", path, Span(line, 1, line, 1), "marked in the fixture")


def test_there_are_enough_fixtures() -> None:
    assert len(DYNAMIC_FIXTURES) >= 25
    codes = {code for path in DYNAMIC_FIXTURES for _, code in expected_markers(path)}
    assert codes == {"RNN101", "RNN102", "RNN103", "RNN104", "RNN105"}


@pytest.mark.parametrize("path", DYNAMIC_FIXTURES, ids=fixture_id)
def test_no_unexpected_error(path: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[path]
    error = trace["error"]
    if error is None:
        return
    allowed = {line for line, code in expected_markers(path) if code in _ERROR_RULES}
    lines = error.get("stack") or [error.get("line")]
    assert any(line in allowed for line in lines), "unexpected error in %s: %s" % (fixture_id(path), error)


@pytest.mark.parametrize("path", DYNAMIC_FIXTURES, ids=fixture_id)
def test_marked_lines_are_confirmed(path: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[path]
    for line, code in sorted(expected_markers(path)):
        verdict, evidence = judge(_finding(path, line, code), trace)
        assert verdict == "confirmed", "%s line %d %s: %s (%s)" % (fixture_id(path), line, code, verdict, evidence)


@pytest.mark.parametrize("path", DYNAMIC_FIXTURES, ids=fixture_id)
def test_no_suspicious_sharing_off_the_marks(path: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = fixture_traces[path]
    marked = {code for _, code in expected_markers(path)}
    suspicious = [s for s in trace["sharing"] if s["kind"] == "suspicious"]
    assert all(s["code"] in marked for s in suspicious), suspicious
    if not marked:
        assert suspicious == []
        assert trace["error"] is None


@pytest.mark.parametrize("path", DYNAMIC_FIXTURES, ids=fixture_id)
def test_layers_own_or_borrow_every_variable(path: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    for run in fixture_traces[path]["runs"]:
        for layer in run["layers"]:
            assert sorted(layer["owns"] + layer["borrows"]) == sorted(layer["variables"])
            assert not any(name.endswith(":0") for name in layer["variables"])


def test_seed_answer_layer_i_reuses_layer_i(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    """The seed question, answered by the trace: lstm2's layer i borrows exactly lstm1's layer i."""
    trace = next(t for p, t in fixture_traces.items() if p.endswith("intended_seed_reuse_variables.py"))
    first, second = trace["runs"][0], trace["runs"][1]
    for i in (0, 1):
        assert second["layers"][i]["borrows"] == first["layers"][i]["owns"]
        assert "cell_%d" % i in first["layers"][i]["owns"][0]
    assert {s["kind"] for s in trace["sharing"]} == {"intended"}
    assert trace["synthesized"] == {"n_layers": 2, "nstates": 4, "x": "placeholder float32 [2, 3, 4]"}


def test_list_multiply_shows_cell_0_paths_on_every_layer(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = next(t for p, t in fixture_traces.items() if p.endswith("rnn101_char_rnn_list_multiply.py"))
    (run,) = trace["runs"]
    assert [layer["variables"] for layer in run["layers"]] == [
        ["rnnlm/multi_rnn_cell/cell_0/basic_lstm_cell/kernel", "rnnlm/multi_rnn_cell/cell_0/basic_lstm_cell/bias"]] * 3
    assert [len(layer["owns"]) for layer in run["layers"]] == [2, 0, 0]
    (rel,) = trace["sharing"]
    assert rel["code"] == "RNN101" and [p["layer"] for p in rel["between"]] == [0, 1, 2]


def test_tracing_stops_at_the_first_session_run(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = next(t for p, t in fixture_traces.items() if p.endswith("driver_session_loop_stops.py"))
    assert trace["stopped_at"] == {"what": "Session.run", "line": 17}
    assert trace["error"] is None and len(trace["runs"]) == 1


def test_unreached_functions_and_classes_run_with_synthesized_arguments(
        fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    trace = next(t for p, t in fixture_traces.items() if p.endswith("rnn101_ptb_model_class.py"))
    # the file's own config class, not a namespace of guessed sizes (issue 16 item 13)
    assert trace["synthesized"] == {"PTBModel(config)": "SmallConfig()",
                                    "PTBModel(inputs)": "placeholder float32 [2, 3, 4]"}
    assert [r["entry"] for r in trace["runs"]] == ["PTBModel"]
    library = next(t for p, t in fixture_traces.items() if p.endswith("driver_keras_functions_unreached.py"))
    assert [r["entry"] for r in library["runs"]] == ["build_char_encoder", "build_word_tagger"]


def test_every_driver_is_covered(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    drivers = {run["driver"] for trace in fixture_traces.values() for run in trace["runs"]}
    assert drivers >= {"dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "static_bidirectional_rnn",
                       "stack_bidirectional_dynamic_rnn", "raw_rnn", "cell_call", "keras_rnn", "keras_bidirectional"}


def test_one_warm_child_traced_everything(fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    versions = {t["tf_version"] for t in fixture_traces.values()}
    assert len(versions) == 1 and next(iter(versions)).startswith("2.")
