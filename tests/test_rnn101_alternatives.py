"""RNN101 reports a flag-chosen cell stacked by itself once, naming both objects; real second sharings stay."""
from __future__ import annotations

from pathlib import Path
from typing import List

from types import SimpleNamespace
from typing import Optional, Tuple

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.finding import Finding, Span
from rnn_reuse_lint.model import CellRef, Sharing, StackModel
from rnn_reuse_lint.rules.base import RuleContext
from rnn_reuse_lint.rules.rnn101_same_cell_in_several_layers import SameCellInSeveralLayers as RNN101
from rnn_reuse_lint.settings import Settings


def _findings(tmp_path: Path, source: str) -> List[Finding]:
    path = tmp_path / "model.py"
    path.write_text(source, encoding="utf-8")
    return [f for f in analyze_file(str(path), Settings(select=("RNN",))).findings if f.code == "RNN101"]


def _sharing(key: int, line: int, cls: str, layers: Optional[Tuple[int, ...]]) -> Sharing:
    cell = CellRef(key, cls, "lstm", "single", Span(line, 18, line, 40))
    return Sharing(cell, layers, layers is None, (Span(9, 40, 9, 60),), ("[cell] * num_layers",))


def test_one_finding_for_a_name_holding_one_of_two_cells(tmp_path: Path) -> None:
    # what a flag-chosen cell gives when one evaluation knows the layer count and another does not (seen in a
    # held-out captioning model): the GRUCell as layers 0-3, the LSTMCell of the other branch as every layer
    stack = StackModel("MultiRNNCell", None, Span(9, 20, 9, 60),
                       (_sharing(1, 4, "GRUCell", (0, 1, 2, 3)), _sharing(2, 6, "LSTMCell", None)))
    context = RuleContext(str(tmp_path / "model.py"), Settings(select=("RNN",)))
    (finding,) = RNN101().check(SimpleNamespace(stacks=(stack,)), context)   # type: ignore[arg-type]
    assert "layers 0, 1, 2 and 3" in finding.message
    assert [r.span.line for r in finding.related] == [4, 6], finding.related
    assert "or `single` is the object made here" in finding.related[1].message
    # disjoint layers of one name are two real sharings
    apart = StackModel("MultiRNNCell", None, Span(9, 20, 9, 60),
                       (_sharing(1, 4, "GRUCell", (0, 1)), _sharing(2, 6, "GRUCell", (2, 3))))
    assert len(list(RNN101().check(SimpleNamespace(stacks=(apart,)), context))) == 2   # type: ignore[arg-type]


def test_two_objects_under_one_name_in_different_layers_are_two_findings(tmp_path: Path) -> None:
    source = (
        "import tensorflow as tf\n"
        "cell = tf.nn.rnn_cell.GRUCell(8)\n"
        "low = [cell] * 2\n"
        "cell = tf.nn.rnn_cell.GRUCell(8)\n"
        "high = [cell] * 2\n"
        "stack = tf.nn.rnn_cell.MultiRNNCell(low + high)\n")
    findings = _findings(tmp_path, source)
    assert [f.span.line for f in findings] == [6, 6]
    assert len({f.message for f in findings}) == 2
