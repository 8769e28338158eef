"""`# noqa` in the CLI behaves as in flake8: at the reported line, blanket or with codes/prefixes, any case;
`--show-suppressed` lists what was silenced. Checked against the real flake8 running our plugin."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Set, Tuple

import pytest

from tests.integrations.helpers import BAD, check_json, codes_at, run_cli, write

HEAD = "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
STACK = "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)"


@pytest.mark.parametrize("comment, silenced", [
    pytest.param("  # noqa", True, id="blanket"),
    pytest.param("  # NOQA", True, id="blanket-upper-case"),
    pytest.param("  # noqa: RNN101", True, id="exact-code"),
    pytest.param("  # noqa:RNN101", True, id="no-space-after-colon"),
    pytest.param("  # NoQA: rnn101", True, id="mixed-case"),
    pytest.param("  # noqa: RNN1", True, id="prefix"),
    pytest.param("  # noqa: RNN102,RNN101", True, id="several-codes-comma"),
    pytest.param("  # noqa: RNN102 RNN101", True, id="several-codes-space"),
    pytest.param("  # noqa: RNN102", False, id="other-code"),
    pytest.param("  # noqa: E501", False, id="foreign-code"),
    pytest.param("  # some text # noqa: RNN101 because reasons", True, id="after-other-comment"),
    pytest.param("  #noqa", False, id="no-space-is-not-noqa"),
    pytest.param("  # no qa", False, id="not-noqa"),
])
def test_noqa_at_the_reported_line(tmp_path: Path, comment: str, silenced: bool) -> None:
    write(tmp_path, {"m.py": HEAD + STACK + comment + "\n"})
    code, doc = check_json("--show-suppressed", "m.py", cwd=tmp_path)
    assert (codes_at(doc), codes_at(doc, "suppressed")) == (
        ([], [("m.py", 3, "RNN101")]) if silenced else ([("m.py", 3, "RNN101")], []))
    assert code == (0 if silenced else 1)


def test_noqa_elsewhere_does_not_silence(tmp_path: Path) -> None:
    """Only the reported line counts: not the line creating the cell (a related location), not the last
    line of a multi-line call (flake8 maps noqa per physical line, except inside multi-line strings)."""
    source = (HEAD.replace("(8)\n", "(8)  # noqa\n")
              + "stack = tf.nn.rnn_cell.MultiRNNCell(\n    [cell] * 2,\n)  # noqa\n")
    write(tmp_path, {"m.py": source})
    assert codes_at(check_json("m.py", cwd=tmp_path)[1]) == [("m.py", 3, "RNN101")]


def test_file_level_flake8_noqa(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": "# flake8: noqa\n" + BAD})
    code, doc = check_json("--show-suppressed", "m.py", cwd=tmp_path)
    assert (code, codes_at(doc), codes_at(doc, "suppressed")) == (0, [], [("m.py", 4, "RNN101")])


def test_show_suppressed_in_text(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": HEAD + STACK + "  # noqa: RNN101\n"})
    code, out, err = run_cli("check", "m.py", cwd=tmp_path)
    assert (code, out) == (0, "")
    assert "1 suppressed by # noqa" in err
    code, out, _ = run_cli("check", "--show-suppressed", "m.py", cwd=tmp_path)
    assert code == 0 and out.startswith("m.py:3:9: RNN101 (suppressed by # noqa) `cell` (line 2)")


def test_json_has_suppressed_list_only_when_asked(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": BAD})
    assert "suppressed" not in check_json("m.py", cwd=tmp_path)[1]
    assert check_json("--show-suppressed", "m.py", cwd=tmp_path)[1]["suppressed"] == []


CORPUS = {
    "a.py": HEAD + STACK + "  # noqa\n",
    "b.py": HEAD + STACK + "  # noqa: RNN102\n",
    "c.py": HEAD + STACK + "  # noqa:RNN1\n",
    "d.py": HEAD + STACK + "  # NOQA: RNN101,RNN102\n",
    "e.py": HEAD + "s = tf.nn.rnn_cell.MultiRNNCell(\n    [cell] * 2)  # noqa\n",
    "f.py": HEAD + STACK + "  #noqa\n",
    "g.py": HEAD + "s = tf.nn.rnn_cell.MultiRNNCell([cell] * 2); t = '''\n'''  # noqa\n",
    "h.py": "# flake8: noqa\n" + HEAD + STACK + "\n",
    "i.py": HEAD + STACK + "  # noqa: RNN101 the tied layers are intended\n",
}


def _ours(tmp_path: Path) -> Set[Tuple[str, int, str]]:
    return set(codes_at(check_json(*sorted(CORPUS), cwd=tmp_path)[1]))


def _flake8(tmp_path: Path) -> Set[Tuple[str, int, str]]:
    done = subprocess.run([sys.executable, "-m", "flake8", "--select", "RNN", "--format",
                           "%(path)s|%(row)d|%(code)s", *sorted(CORPUS)], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=300)
    found = set()
    for line in done.stdout.splitlines():
        path, row, code = line.split("|")
        found.add((Path(path).name, int(row), code))
    return found


def test_same_lines_silenced_as_real_flake8(tmp_path: Path) -> None:
    pytest.importorskip("flake8")
    write(tmp_path, CORPUS)
    ours, theirs = _ours(tmp_path), _flake8(tmp_path)
    assert ours == theirs
    assert {name for name, _, _ in ours} == {"b.py", "e.py", "f.py"}
