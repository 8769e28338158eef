"""Static vs dynamic agreement on every fixtures/dynamic file: same runs, same variable paths, same sharing.

The static side is `rnn_reuse_lint.explain.explain_file` (and the engine's findings); the dynamic side is the
real TensorFlow trace of the same file. A disagreement is a bug in one of the two: fix it, do not skip it.
"""
from __future__ import annotations

import re
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Set, Tuple

import pytest

from tests.dynamic.conftest import DYNAMIC_FIXTURES, fixture_id

pytestmark = pytest.mark.dynamic

# Disagreements found by this test where the trace is right and the static pass is not (yet). Each is a strict
# xfail: the day the static side is fixed the test passes, strict turns that into a failure, and the entry goes.
_FLAGS = "the static pass does not read tf.app.flags defaults (FLAGS.num_layers = 2), so it predicts no layers"
_BRANCHES = ("the static pass keeps every `if args.model == ...` branch's cell class as alternatives; the trace "
             "runs the one branch aimed at")
_ASSUMED = ("the static pass keeps a layer count that is a default of 1 or a flag's default symbolic (`once there "
            "is more than one layer`); the trace runs that assumption, 2 layers")
_CALL_LINES = ("the static pass places the run another module makes with a handed-over cell at the argument that "
               "hands it over (`sentence_cell=cell`, line 10); the trace at the call the run returns through (line "
               "8): two lines of one statement, which verify matches as one place")
_LEGACY_MODELS = ("the static pass does not predict the paths legacy_seq2seq's embedding_attention_seq2seq builds "
                  "(the encoder's deep copy under rnn/embedding_wrapper/, the decoder under "
                  "attention_decoder/output_projection_wrapper/)")
_JOINED_STEP = ("the static pass predicts no variables for a direct call of a name bound to a stack on one branch "
                "and to a plain cell on the other (`net = MultiRNNCell(...)` / `net = cell`, then `net(x, state)`); "
                "the trace runs the branch the settings table was aimed at")
_WRAPPED_STACK = ("the static pass predicts an OutputProjectionWrapper around a stack as a cell of its own "
                  "(`rnn/output_projection_wrapper/kernel`), not the stack's layers under it plus the projection")
_CONFIG_FILE = ("the static pass cannot read sizes from an .ini file that is not there (`n_layers = "
                "parser.getint(...)`), so it keeps the layer count symbolic; the trace gives the stepped-over read "
                "the count a synthesized size gets, 2")
KNOWN_STATIC_GAPS: Dict[Tuple[str, str], str] = {
    ("variable_paths", "rnn101_obstacle_sizes_from_missing_config"): _CONFIG_FILE,
    ("sharing", "rnn101_obstacle_sizes_from_missing_config"): _CONFIG_FILE,
    ("variable_paths", "rnn101_obstacle_tf0_ops_rnn_cell_wrappers"): _WRAPPED_STACK,
    ("sharing", "rnn101_obstacle_tf0_ops_rnn_cell_wrappers"): _WRAPPED_STACK,
    ("variable_paths", "rnn101_obstacle_settings_table"): _JOINED_STEP,
    ("sharing", "rnn101_obstacle_settings_table"): _JOINED_STEP,
    ("same_runs", "rnn103_obstacle_finding_inside_a_call"): _CALL_LINES,
    ("sharing", "rnn103_obstacle_finding_inside_a_call"): _CALL_LINES,
    ("variable_paths", "rnn101_obstacle_legacy_seq2seq_buckets"): _LEGACY_MODELS,
    ("variable_paths", "rnn101_obstacle_assumed_layers_and_cell"): _ASSUMED,
    ("sharing", "rnn101_obstacle_assumed_layers_and_cell"): _ASSUMED,
    ("variable_paths", "rnn101_obstacle_tf_app_run"): _FLAGS,
    ("sharing", "rnn101_obstacle_tf_app_run"): _FLAGS,
    ("variable_paths", "rnn101_obstacle_string_config"): _BRANCHES,
    ("symbolic_paths", "rnn101_obstacle_string_config"): _BRANCHES,
}


def cases(test: str) -> List[Any]:
    out = []
    for path in DYNAMIC_FIXTURES:
        reason = KNOWN_STATIC_GAPS.get((test, fixture_id(path)))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(path, id=fixture_id(path), marks=marks))
    return out

Place = Tuple[int, Optional[str], Optional[int]]          # (line, direction, layer index)


def _static(path: str, synthesized: Mapping[str, Any]) -> Dict[str, Any]:
    from rnn_reuse_lint.explain import explain_file
    from rnn_reuse_lint.settings import Settings

    # The values the trace synthesized for free names (`n_layers=2`) are given to the static pass as defines,
    # so both sides describe the same program.
    defines = [(name, str(value)) for name, value in synthesized.items() if isinstance(value, int)]
    for key, value in synthesized.items():
        # "build_encoder(num_layers)": 2 -> num_layers=2 (a parameter of a function nobody calls)
        param = re.fullmatch(r"[\w.]+\((\w+)\)", key)
        if param and isinstance(value, int):
            defines.append((param.group(1), str(value)))
        # "PTBModel(config)": "namespace(hidden_size=4, num_layers=2)" -> config.hidden_size=4, config.num_layers=2
        match = re.fullmatch(r"[\w.]+\((\w+)\)", key)
        fields = re.fullmatch(r"namespace\((.*)\)", str(value))
        if match and fields:
            for item in fields.group(1).split(","):
                attr, _, number = item.strip().partition("=")
                if number.strip().lstrip("-").isdigit():
                    defines.append((f"{match.group(1)}.{attr.strip()}", number.strip()))
        # "PTBModel(config)": "SmallConfig()" -> config.hidden_size=4 ... from the class's own integer attributes
        instance = re.fullmatch(r"(\w+)\(\)", str(value))
        if match and instance:
            defines.extend((f"{match.group(1)}.{attr}", str(number))
                           for attr, number in _class_ints(path, instance.group(1)).items())
    doc = explain_file(path, Settings(define=tuple(defines)))
    assert "error" not in doc, doc.get("error")
    return doc


def _class_ints(path: str, name: str) -> Dict[str, int]:
    """`class SmallConfig: hidden_size = 4` -> {"hidden_size": 4} (integer class attributes of a class in the file)."""
    import ast

    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    out: Dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and \
                        type(stmt.value.value) is int:
                    out.update((t.id, stmt.value.value) for t in stmt.targets if isinstance(t, ast.Name))
    return out


def _is_keras(run: Mapping[str, Any]) -> bool:
    return str(run.get("driver", "")).startswith("keras")


def _layer_key(layer: Mapping[str, Any]) -> Tuple[Optional[str], Optional[int]]:
    return layer.get("direction"), layer.get("index")


def _run_shape(run: Mapping[str, Any], dynamic: bool) -> Tuple[Any, ...]:
    """What must agree for one run: exact variable paths per layer and, for Keras, also which layers use the same
    weights (the static pass numbers unnamed Keras layers per graph the way tf_keras does: `rnn_1/gru_cell_2`)."""
    layers = [lay for lay in run.get("layers") or [] if not dynamic or lay.get("completed", True)]
    if _is_keras(run):
        shape = []
        for k, lay in enumerate(layers):
            if dynamic:
                names = tuple(lay.get("variables") or [])
                same = next(j for j, other in enumerate(layers) if tuple(other.get("variables") or []) == names)
            else:
                src = lay.get("borrows_from")
                same = next((j for j, other in enumerate(layers) if src is not None
                             and other.get("index") == src.get("layer")
                             and other.get("direction") == src.get("direction", other.get("direction"))), k)
            shape.append((_layer_key(lay), same, tuple(lay.get("variables") or [])))
        return tuple(shape)
    return tuple((_layer_key(lay), tuple(lay.get("variables") or [])) for lay in layers)


def _runs_by_line(doc: Mapping[str, Any], dynamic: bool) -> Dict[int, Set[Tuple[Any, ...]]]:
    out: Dict[int, Set[Tuple[Any, ...]]] = {}
    for run in doc.get("runs") or []:
        shape = _run_shape(run, dynamic)
        if dynamic and not shape:
            continue        # the run failed before any layer completed (RNN104 / RNN105 fixtures)
        out.setdefault(run["line"], set()).add(shape)
    return out


def _place(doc: Mapping[str, Any], run_index: Optional[int], layer: Optional[int],
           direction: Optional[str]) -> Optional[Place]:
    runs = doc.get("runs") or []
    if run_index is None or not 0 <= run_index < len(runs):
        return None
    return runs[run_index]["line"], direction, layer


def _edges(doc: Mapping[str, Any], dynamic: bool) -> Set[Tuple[FrozenSet[Place], Optional[str], str]]:
    """Sharing as unordered place pairs with (code, kind); pairs of a place with itself (a loop or a helper that
    runs twice) are dropped on both sides."""
    edges: Set[Tuple[FrozenSet[Place], Optional[str], str]] = set()

    def add(a: Optional[Place], b: Optional[Place], code: Optional[str], kind: str) -> None:
        if a is not None and b is not None and a != b:
            edges.add((frozenset((a, b)), code, kind))
    for rel in doc.get("sharing") or []:
        if rel.get("code") == "RNN104":
            continue        # a collision, not sharing: checked through the findings below
        places = [_place(doc, p.get("run"), p.get("layer"), p.get("direction")) for p in rel.get("between") or []]
        owner = places[0] if places else None
        for other in places[1:]:
            add(owner, other, rel.get("code"), rel.get("kind", ""))
    if not dynamic:   # the static explain lists sharing inside one run as `borrows_from` on the layer
        codes = _intra_run_codes(doc)
        for i, run in enumerate(doc.get("runs") or []):
            for lay in run.get("layers") or []:
                src = lay.get("borrows_from")
                if src is None or src.get("run") != i:
                    continue
                owner_layer = next((o for o in run["layers"] if o.get("index") == src.get("layer")
                                    and o.get("direction") == src.get("direction", o.get("direction"))
                                    and (o is not lay)), None)
                direction = owner_layer.get("direction") if owner_layer else None
                a = _place(doc, i, src.get("layer"), direction)
                b = _place(doc, i, lay.get("index"), lay.get("direction"))
                code = "RNN102" if owner_layer is not None and direction != lay.get("direction") else "RNN101"
                add(a, b, codes.get(code, code), "suspicious")
    return edges


def _intra_run_codes(doc: Mapping[str, Any]) -> Dict[str, str]:
    return {"RNN101": "RNN101", "RNN102": "RNN102"}


@pytest.fixture(scope="module")
def static_docs(fixture_traces: Dict[str, Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    return {path: _static(path, fixture_traces[path].get("synthesized") or {}) for path in DYNAMIC_FIXTURES}


@pytest.mark.parametrize("path", cases("same_runs"))
def test_same_runs(path: str, static_docs: Dict[str, Dict[str, Any]],
                   fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    static = {r["line"] for r in static_docs[path]["runs"]}
    dynamic = {r["line"] for r in fixture_traces[path]["runs"]}
    assert static == dynamic, "runs at lines: static %s, traced %s" % (sorted(static), sorted(dynamic))


@pytest.mark.parametrize("path", cases("variable_paths"))
def test_variable_paths_agree(path: str, static_docs: Dict[str, Dict[str, Any]],
                              fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    static = _runs_by_line(static_docs[path], dynamic=False)
    dynamic = _runs_by_line(fixture_traces[path], dynamic=True)
    for line, traced in sorted(dynamic.items()):
        predicted = static.get(line, set())
        for shape in traced:
            assert shape in predicted, "line %d: traced %s, predicted %s" % (line, shape, sorted(predicted))


@pytest.mark.parametrize("path", cases("sharing"))
def test_sharing_relations_agree(path: str, static_docs: Dict[str, Dict[str, Any]],
                                 fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    static = _edges(static_docs[path], dynamic=False)
    dynamic = _edges(fixture_traces[path], dynamic=True)
    assert {(pair, code) for pair, code, _ in static} == {(pair, code) for pair, code, _ in dynamic}
    assert static == dynamic


@pytest.mark.parametrize("path", DYNAMIC_FIXTURES, ids=fixture_id)
def test_every_static_finding_is_confirmed(path: str, fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    from rnn_reuse_lint.dynamic.api import verify
    from rnn_reuse_lint.engine import analyze_file
    from rnn_reuse_lint.settings import Settings

    result = analyze_file(path, Settings())
    assert result.error is None, result.error
    verified = verify(result.findings, {path: fixture_traces[path]})
    unconfirmed = [(f.code, f.span.line, f.dynamic) for f in verified if f.dynamic and f.dynamic.verdict != "confirmed"]
    assert unconfirmed == []
    # and the trace has no suspicious sharing the static pass missed
    found = {(f.code, f.span.line) for f in result.findings}
    for rel in fixture_traces[path]["sharing"]:
        if rel["kind"] != "suspicious":
            continue
        assert any(code == rel["code"] for code, _ in found), "traced %s %s, no static finding" % (
            rel["code"], rel["between"])


# ----- symbolic layers: the static pass without the trace's values for free names, `cell_N` normalised -----
_CELL_N = re.compile(r"/cell_(\d+|\{i\})/")


def _normalised(variables: Any) -> Tuple[str, ...]:
    return tuple(_CELL_N.sub("/cell_N/", v) for v in variables or [])


def _symbolic_lines(doc: Mapping[str, Any]) -> Set[int]:
    return {run["line"] for run in doc.get("runs") or [] if any(lay.get("index") == "i" for lay in run["layers"])}


@pytest.fixture(scope="module")
def undefined_docs() -> Dict[str, Dict[str, Any]]:
    from rnn_reuse_lint.explain import explain_file
    from rnn_reuse_lint.settings import Settings

    return {path: explain_file(path, Settings()) for path in DYNAMIC_FIXTURES}


SYMBOLIC_FIXTURES = ["intended_seed_reuse_variables"]  # the seed as pasted must keep its symbolic answer


@pytest.mark.parametrize("path", cases("symbolic_paths"))
def test_symbolic_paths_agree(path: str, undefined_docs: Dict[str, Dict[str, Any]],
                              fixture_traces: Dict[str, Dict[str, Any]]) -> None:
    """Where the layer count is a free name, the one symbolic layer (`cell_{i}`) names what every traced layer
    uses, and its sharing is the traced sharing with layer indices dropped."""
    static = undefined_docs[path]
    lines = _symbolic_lines(static)
    if fixture_id(path) in SYMBOLIC_FIXTURES:
        assert lines, "no symbolic layer predicted"
    traced = fixture_traces[path]
    for line in sorted(lines):
        predicted = {_normalised(lay["variables"]) for run in static["runs"] if run["line"] == line
                     for lay in run["layers"]} - {()}
        if not predicted:
            continue  # nothing claimed (a name built from the layer index: `"lstm_%d" % i`)
        seen = {_normalised(lay.get("variables")) for run in traced["runs"] if run["line"] == line
                for lay in run.get("layers") or [] if lay.get("completed", True)}
        assert seen and seen == predicted, "line %d: traced %s, predicted %s" % (line, seen, predicted)

    def flat(edges: Set[Tuple[FrozenSet[Place], Optional[str], str]]) -> Set[Tuple[FrozenSet[Any], Optional[str]]]:
        out = set()
        for pair, code, _ in edges:
            places = frozenset((place[0], place[1]) for place in pair)
            if len(places) == 2 and any(place[0] in lines for place in places):
                out.add((places, code))
        return out
    assert flat(_edges(static, dynamic=False)) == flat(_edges(traced, dynamic=True))
