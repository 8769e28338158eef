"""Python 2 files that indent with tabs and spaces together are read with Python 2's tab stops of 8."""
from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst

from rnn_reuse_lint.engine import analyze_file
from rnn_reuse_lint.legacy import normalize
from rnn_reuse_lint.settings import Settings

# `build` is indented with spaces, its body with one tab (8 columns in Python 2): Python 3 raises TabError.
MIXED = (
    "import tensorflow as tf\n"
    "\n"
    "\n"
    "class Model(object):\n"
    "    def build(self, inputs, layers):\n"
    "\tcell = tf.nn.rnn_cell.BasicLSTMCell(32)\n"
    "\tstack = tf.nn.rnn_cell.MultiRNNCell([cell] * layers)\n"
    "\tdoc = '''a string\n"
    "\tits tab stays'''\n"
    "        return tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)\n"
)


def test_mixed_indentation_parses_as_python_2_read_it() -> None:
    try:
        cst.parse_module(MIXED)
        raise AssertionError("libcst should refuse tabs mixed with spaces")
    except cst.ParserSyntaxError:
        pass
    result = normalize(MIXED)
    assert result is not None
    tree = ast.parse(result.source)
    build = tree.body[1].body[0]  # the tab-indented lines are the body of `build`, as in Python 2
    assert isinstance(build, ast.FunctionDef) and len(build.body) == 4
    assert result.source.count("\n") == MIXED.count("\n")
    assert "\tits tab stays" in result.source  # a multi-line string's own text is not indentation
    assert any("tab and space indentation on line 6" in change for change in result.changes)


def test_tabs_alone_are_left_alone() -> None:
    # Python 3 accepts consistent tab indentation: nothing to rewrite, columns keep their places.
    tabs_only = MIXED.replace("    def build", "\tdef build").replace("\tcell", "\t\tcell").replace(
        "\tstack", "\t\tstack").replace("\tdoc", "\t\tdoc").replace("        return", "\t\treturn")
    cst.parse_module(tabs_only)
    assert normalize(tabs_only + "print 'x'\n") is not None
    assert all("tab" not in change for change in normalize(tabs_only + "print 'x'\n").changes)


def test_a_sharing_bug_in_a_mixed_file_is_found(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(MIXED, encoding="utf-8")
    result = analyze_file(str(path), Settings(select=("RNN",)))
    assert result.error is None, result.error
    assert [(f.span.line, f.code) for f in result.findings] == [(7, "RNN101")]


def test_continuation_rows_keep_their_whitespace() -> None:
    # Inside brackets whitespace means nothing: a tab there neither makes the file "mixed" nor gets expanded.
    source = (
        "def f(a,\n"
        "\tb):\n"
        "    print a\n"
    )
    result = normalize(source)
    assert result is not None
    assert "\tb):" in result.source
    assert all("tab" not in change for change in result.changes)
