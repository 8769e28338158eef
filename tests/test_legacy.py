"""Legacy normalization: Python 2 and indented fragments parse, and every kept name keeps its position."""
from __future__ import annotations

import ast
import textwrap
from typing import List, Tuple

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from rnn_reuse_lint.legacy import Normalized, normalize


def _names(source: str) -> List[Tuple[str, int, int]]:
    """(name, line, column) of every Name node, as libcst reports them for ``source``."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    return [(node.value, positions[node].start.line, positions[node].start.column)
            for node in positions if isinstance(node, cst.Name)]


def _assert_parses_at_original_positions(original: str, result: Normalized | None) -> Normalized:
    assert result is not None
    ast.parse(result.source)
    names = _names(result.source)  # libcst.parse_module raises if it does not parse
    assert names, "the case should contain names to check"
    assert result.source.count("\n") == original.count("\n")
    original_lines = original.splitlines()
    for name, line, column in names:
        column += result.column_offset
        assert original_lines[line - 1][column:column + len(name)] == name, (name, line, column)
    return result


LEGACY = [
    pytest.param("def show(cell):\n    print cell.name, cell.state_size\n", "print statement on line 2",
                 id="print statement with several operands"),
    pytest.param("print 'layer %d' % i,\n", "print statement on line 1",
                 id="print statement with trailing comma"),
    pytest.param("if debug: print outputs\nelse: print\n", "print statement on line 1",
                 id="print after a colon, bare print left as a name"),
    pytest.param("print >>sys.stderr, 'x'; print cell\n", "print statement on line 1",
                 id="print to a file stays, the next print is rewritten"),
    pytest.param("print not cell\n", "print statement on line 1", id="print of a not expression"),
    pytest.param("exec code in namespace\n", "exec statement on line 1", id="exec in namespace"),
    pytest.param("exec 'cell = make()' in ns, locals()\n", "exec statement on line 1",
                 id="exec with globals and locals"),
    pytest.param("try:\n    build()\nexcept ValueError, error:\n    pass\n",
                 "`except E, e` clause on line 3", id="except with comma"),
    pytest.param("try:\n    build()\nexcept (ValueError, TypeError), error:\n    pass\n",
                 "`except E, e` clause on line 3", id="except tuple with comma"),
    pytest.param("raise ValueError, 'bad cell %s' % cell\n", "`raise E, arg` statement on line 1",
                 id="raise with message"),
    pytest.param("raise ValueError, ('bad', cell), traceback\n", "`raise E, arg` statement on line 1",
                 id="raise with message and traceback"),
    pytest.param("scope = `layer` + '_cell'\n", "backtick repr on line 1", id="backticks"),
    pytest.param("names = `[`a`, cells]`\n", "backtick reprs on line 1", id="nested backticks"),
    pytest.param("if num_layers <> 1:\n    stack = MultiRNNCell(cells)\n", "`<>` operator on line 1",
                 id="not-equal diamond"),
    pytest.param("pattern = ur'\\d+_cell' + UR\"x\".upper()\n", "`ur` string literals on line 1",
                 id="ur and UR prefixes"),
    pytest.param("doc = ur'''multi\nline''' .strip()\n", "`ur` string literal on line 1",
                 id="ur prefix on a multi-line string"),
    pytest.param("os.chmod(path, 0755)\n", "octal literal on line 1 (`0755` written as 493)", id="octal"),
    pytest.param("mode = 0777L | flags\n", "octal literal on line 1", id="octal long"),
    pytest.param("steps = 10L * batch + 0xFFl\n", "long literals on line 1", id="long literals"),
    pytest.param("zero = 00 + 0L\n", "long literal on line 1", id="zeros are already valid, only L goes"),
    pytest.param("def step((state, output), inputs):\n    return state\n", "tuple parameter on line 1",
                 id="tuple parameter"),
    pytest.param("def f(a, ((b, c), d)=((1, 2), 3), e=(4, 5)): pass\n", "tuple parameter on line 1",
                 id="nested tuple parameter with defaults"),
    pytest.param("pairs = sorted(d.items(), key=lambda (k, v): (v, k))\n", "tuple parameter on line 1",
                 id="lambda tuple parameter"),
    pytest.param(
        textwrap.dedent("""\
            import tensorflow as tf
            def build(num_layers, size):
                cell = tf.nn.rnn_cell.BasicLSTMCell(size)
                print "building", num_layers, `size`
                if num_layers <> 1:
                    cell = tf.nn.rnn_cell.MultiRNNCell([cell] * num_layers)
                try:
                    exec setup in globals()
                except ImportError, e:
                    raise RuntimeError, "no setup: %s" % e
                return cell, 0777, 10L, ur"\\s"
            """),
        "print statement on line 4", id="Python 2 TensorFlow file"),
]


@pytest.mark.parametrize(("source", "change"), LEGACY)
def test_legacy_syntax_parses_at_original_positions(source: str, change: str) -> None:
    result = _assert_parses_at_original_positions(source, normalize(source))
    assert any(text.startswith(change) for text in result.changes), result.changes
    assert result.column_offset == 0


def test_changes_say_what_was_rewritten_and_where() -> None:
    source = "print a\nprint b\nif a <> b: x = `a`\n"
    result = normalize(source)
    assert result is not None
    assert result.changes == ("print statements on lines 1, 2", "backtick repr on line 3",
                              "`<>` operator on line 3")


@pytest.mark.parametrize("source", [
    pytest.param('print"glued"; x = cell\n', id="print glued to a string"),
    pytest.param("exec\"code\"; x = cell\n", id="exec glued to a string"),
])
def test_glued_statement_keeps_line_numbers(source: str) -> None:
    """Nothing to overwrite: one character is inserted, so only that line's later columns move."""
    result = normalize(source)
    assert result is not None
    cst.parse_module(result.source)
    ast.parse(result.source)
    assert result.source.count("\n") == source.count("\n")
    assert any("shift by 1" in change for change in result.changes)
    assert ("cell", 1, source.index("cell") + 1) in _names(result.source)


def test_strings_and_comments_are_never_touched() -> None:
    source = 'print "print x <> 0777 `y` 10L"  # exec code in ns, except E, e: ur""\n'
    result = normalize(source)
    assert result is not None
    assert result.source == source.replace("print ", "print;", 1)


FRAGMENTS = [
    pytest.param("    cell = LSTMCell(128)\n    stack = MultiRNNCell([cell] * 2)\n", 4, "4 spaces",
                 id="snippet indented by four spaces"),
    pytest.param("\tcell = LSTMCell(128)\n\n\tstack = MultiRNNCell([cell] * 2)\n", 1, "1 tab",
                 id="snippet indented by a tab, blank line inside"),
    pytest.param("        for i in range(2):\n            cells.append(cell)\n  \n", 8, "8 spaces",
                 id="nested snippet, short blank line at the end"),
    pytest.param('    doc = """a\n    b"""\n    cell = LSTMCell(1)\n', 4, "4 spaces",
                 id="snippet with a multi-line string that carries the indent"),
    pytest.param("    print cell\n    x = `cell`\n", 4, "4 spaces", id="indented Python 2 snippet"),
]


@pytest.mark.parametrize(("source", "offset", "removed"), FRAGMENTS)
def test_uniformly_indented_fragment_is_dedented(source: str, offset: int, removed: str) -> None:
    result = _assert_parses_at_original_positions(source, normalize(source))
    assert result.column_offset == offset
    assert result.changes[0] == f"uniformly indented fragment ({removed} removed)"


@pytest.mark.parametrize("source", [
    pytest.param('    doc = """a\nb"""\n    cell = LSTMCell(1)\n', id="string line without the indent"),
    pytest.param("    x = 1\n  y = 2\n", id="two different indents"),
    pytest.param("    # only a comment\n", id="indented comment only: already valid"),
])
def test_not_a_uniform_fragment(source: str) -> None:
    assert normalize(source) is None


MODERN = [
    pytest.param("print(cell.name, file=sys.stderr)\n", id="print function"),
    pytest.param("print\n", id="bare print name"),
    pytest.param("print >>f, x\n", id="print chevron is a valid tuple expression"),
    pytest.param("print (x), y\nprint -x\nprint [0]\nprint.x = 1\nprint = log\n", id="print continued"),
    pytest.param("print if a else b\nprint not in cells\nprint and x\n", id="print in expressions"),
    pytest.param("x: print = log\nf = lambda: print\nd = {print: 1}\n", id="print after other colons"),
    pytest.param("exec(code, ns)\nexec\n", id="exec function"),
    pytest.param("try:\n    pass\nexcept (A, B) as e:\n    raise C('m') from e\n",
                 id="except as, raise from"),
    pytest.param("x = 0o777 + 0x1F + 0b1 + 00 + 0 + 07.5 + 1e10 + 10j + 1_000\n", id="modern numbers"),
    pytest.param("x = r'\\d' + b'x' + rb'y' + f'{a!r:>{w}}' + u'z'\n", id="modern prefixes"),
    pytest.param("def f(a=(1, (2, 3)), *b, c=[(4)]): pass\ng = lambda x=(1, 2): (x, (x))\n",
                 id="brackets in defaults and lambda bodies"),
    pytest.param("if (n := len(cells)) != 1:\n    match n:\n        case 2: pass\n", id="walrus and match"),
    pytest.param("s = 'print x <> 0777 `y` 10L ur\"\"'  # exec x in y\n", id="legacy text in strings"),
    pytest.param("", id="empty file"),
]


@pytest.mark.parametrize("source", MODERN)
def test_modern_code_is_left_alone(source: str) -> None:
    ast.parse(source)
    assert normalize(source) is None


@pytest.mark.parametrize("source", [
    pytest.param("x = 1\x00\nprint y\n", id="NUL byte"),
    pytest.param("x = (1,\nprint y\n", id="unclosed bracket"),
    pytest.param("x = '''abc\nprint y\n", id="unterminated triple-quoted string"),
    pytest.param("if x:\n    a\n  b\n", id="inconsistent dedent"),
    pytest.param("x = `", id="lone backtick"),
    pytest.param("(" * 10_000, id="ten thousand open brackets"),
    pytest.param("\ufeff\x0c\x1c\u2028print x\n", id="BOM, form feed and unicode separators"),
    pytest.param("\udcff print x", id="lone surrogate"),
])
def test_broken_input_never_raises(source: str) -> None:
    result = normalize(source)
    assert result is None or isinstance(result, Normalized)


def test_old_mac_line_endings() -> None:
    source = "print a\rif a <> b:\r    x = 1\r"
    result = normalize(source)
    assert result is not None
    assert result.source == "print;a\rif a != b:\r    x = 1\r"
    cst.parse_module(result.source)


def test_windows_line_endings() -> None:
    source = "print a\r\nx = 0777L\r\n"
    result = normalize(source)
    assert result is not None
    assert result.source == "print;a\r\nx = 511  \r\n"
    cst.parse_module(result.source)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(source: str) -> None:
    result = normalize(source)
    if result is not None:
        assert result.source.count("\n") == source.count("\n")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("print exec except raise ur`<>0L7,:()[]{}'\"#\\\n\t x"))))
def test_never_raises_on_legacy_looking_text(source: str) -> None:
    result = normalize(source)
    if result is not None:
        assert result.source.count("\n") == source.count("\n")
