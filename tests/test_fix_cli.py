"""`check --fix / --diff / --unsafe-fixes / --show-fixes` as a user runs them (real subprocesses)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import BAD, GOOD, run

UNSAFE = ("import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"
          "stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\nprint(cell.output_size)\n")
REFUSED = ("import tensorflow as tf\ndef build(cell):\n"
           "    return tf.nn.rnn_cell.MultiRNNCell([cell] * 2)\nstack = build(tf.nn.rnn_cell.GRUCell(4))\n")
FIXED_BAD = ("import tensorflow as tf\n"
             "stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8)\n"  # within 79 columns (fixes/wrap.py)
             "                                     for _ in range(2)])\n")


def test_fix_writes_the_file_reports_what_is_left_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(BAD)
    code, out, err = run("check", "--isolated", "--fix", "m.py", cwd=str(tmp_path))
    assert (code, out) == (0, ""), err
    assert (tmp_path / "m.py").read_text() == FIXED_BAD
    assert "0 findings in 1 file checked; 1 fixed" in err
    code, out, err = run("check", "--isolated", "--fix", "m.py", cwd=str(tmp_path))
    assert code == 0 and "0 fixed" in err and (tmp_path / "m.py").read_text() == FIXED_BAD


def test_diff_prints_a_patch_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(BAD)
    code, out, err = run("check", "--isolated", "--diff", "m.py", cwd=str(tmp_path))
    assert code == 1, err
    assert out.startswith("--- a/m.py\n+++ b/m.py\n@@")
    assert "-cell = tf.nn.rnn_cell.LSTMCell(8)\n" in out
    assert ("+stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.LSTMCell(8)\n"
            "+                                     for _ in range(2)])\n") in out
    assert "would fix 1 finding in 1 file" in err
    assert (tmp_path / "m.py").read_text() == BAD
    # nothing to fix: no patch, exit 0
    (tmp_path / "g.py").write_text(GOOD)
    code, out, _ = run("check", "--isolated", "--diff", "g.py", cwd=str(tmp_path))
    assert (code, out) == (0, "")


def test_unsafe_fixes_need_the_flag_and_say_why(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(UNSAFE)
    code, out, err = run("check", "--isolated", "--fix", "--show-fixes", "m.py", cwd=str(tmp_path))
    assert code == 1 and (tmp_path / "m.py").read_text() == UNSAFE
    assert "RNN101 `cell`" in out  # no [*]: --fix does not apply it
    assert "    unsafe fix (--unsafe-fixes; `cell` is also used at line 4, which would keep the old object)" in out
    assert "1 more with --unsafe-fixes" in err
    code, out, err = run("check", "--isolated", "--fix", "--unsafe-fixes", "m.py", cwd=str(tmp_path))
    assert code == 0, err
    assert "[tf.nn.rnn_cell.LSTMCell(8)\n" + " " * 37 + "for _ in range(2)]" in (tmp_path / "m.py").read_text()


def test_json_carries_fix_safety_and_refusal_reasons(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(UNSAFE)
    (tmp_path / "c.py").write_text(REFUSED)
    code, out, _ = run("check", "--isolated", "--format", "json", ".", cwd=str(tmp_path))
    findings = {f["path"]: f for f in json.loads(out)["findings"]}
    a, b, c = findings["a.py"], findings["b.py"], findings["c.py"]
    assert a["fix"]["safe"] is True and a["no_fix"] is None
    # the dead line 2 goes and line 3 changes (one edit, as the layout folds the line break in: fixes/layout.py)
    assert [(e["line"], e["end_line"]) for e in a["fix"]["edits"]] == [(2, 3)]
    assert b["fix"]["safe"] is False and "also used at line 4" in b["fix"]["unsafe_because"]
    assert c["fix"] is None and "parameter of `build`" in c["no_fix"]


def test_show_fixes_text_and_fixable_marker(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "c.py").write_text(REFUSED)
    code, out, err = run("check", "--isolated", "--output-format", "concise", "--show-fixes", ".", cwd=str(tmp_path))
    lines = out.splitlines()
    assert lines[0].startswith("a.py:3:9: RNN101 [*] ")
    assert lines[1] == "    fix: Build a new `LSTMCell` for every layer"
    assert lines[2].startswith("c.py:3:12: RNN101 `tf.nn.rnn_cell.GRUCell(4)` (line 4)")
    assert lines[3].startswith("    no fix: `cell` comes from outside the function")
    assert "1 fixable with --fix" in err


def test_fix_keeps_encoding_and_line_endings(tmp_path: Path) -> None:
    latin = ("# -*- coding: latin-1 -*-\n# Größe\n" + BAD).replace("\n", "\r\n").encode("latin-1")
    (tmp_path / "m.py").write_bytes(latin)
    code, _, err = run("check", "--isolated", "--fix", "m.py", cwd=str(tmp_path))
    assert code == 0, err
    data = (tmp_path / "m.py").read_bytes()
    assert data.startswith("# -*- coding: latin-1 -*-\r\n# Größe\r\n".encode("latin-1"))
    assert b"for _ in range(2)])\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_fix_refuses_diff_base_and_skips_broken_files(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(BAD)
    code, _, err = run("check", "--isolated", "--fix", "--diff-base", "HEAD", "m.py", cwd=str(tmp_path))
    assert code == 2 and "cannot be combined with --diff-base" in err
    broken = "import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2\n"
    (tmp_path / "broken.py").write_text(broken)
    code, out, err = run("check", "--isolated", "--fix", "broken.py", cwd=str(tmp_path))
    assert code == 1 and "RNN000" in out and "Traceback" not in err  # the bad line is reported, nothing fixed
    assert (tmp_path / "broken.py").read_text() == broken


def test_fix_leaves_notebooks_alone(tmp_path: Path) -> None:
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                           "source": BAD.splitlines(keepends=True)}],
                "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    text = json.dumps(notebook)
    (tmp_path / "nb.ipynb").write_text(text)
    code, out, _ = run("check", "--isolated", "--fix", "nb.ipynb", cwd=str(tmp_path))
    assert code == 1 and "RNN101" in out and "[*]" not in out
    assert (tmp_path / "nb.ipynb").read_text() == text


def test_fix_writes_through_symlinks_and_keeps_the_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.py"
    real.write_text(BAD)
    real.chmod(0o640)
    (tmp_path / "link.py").symlink_to(real)
    code, _, err = run("check", "--isolated", "--fix", "link.py", cwd=str(tmp_path))
    assert code == 0, err
    assert (tmp_path / "link.py").is_symlink() and real.read_text() == FIXED_BAD
    assert real.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]  # no temporary left behind


def test_rdjson_and_sarif_say_whether_a_fix_is_safe(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(BAD)
    (tmp_path / "b.py").write_text(UNSAFE)
    (tmp_path / "c.py").write_text(REFUSED)
    _, out, _ = run("check", "--isolated", "--format", "rdjson", ".", cwd=str(tmp_path))
    by_path = {d["location"]["path"]: d for d in json.loads(out)["diagnostics"]}
    assert "suggestions" in by_path["a.py"] and "not proven safe" not in by_path["a.py"]["message"]
    assert by_path["b.py"]["message"].endswith(
        "(the suggested fix is not proven safe: `cell` is also used at line 4, which would keep the old object)")
    assert "suggestions" not in by_path["c.py"]
    _, out, _ = run("check", "--isolated", "--format", "sarif", ".", cwd=str(tmp_path))
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r
               for r in json.loads(out)["runs"][0]["results"]}
    assert results["a.py"]["properties"]["fixSafe"] is True and results["a.py"]["fixes"]
    assert results["b.py"]["properties"]["fixSafe"] is False
    assert "also used at line 4" in results["b.py"]["properties"]["fixUnsafeBecause"]
    assert "fixes" not in results["c.py"] and "parameter of `build`" in results["c.py"]["properties"]["noFix"]
