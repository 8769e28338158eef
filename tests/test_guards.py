"""Pre-parse guards: absurd nesting and huge files get a clean message, real code never does."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
import time
from typing import Callable, Iterator, List

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_reuse_lint.guards import (MAX_BYTES, MAX_DEPTH, NEWLINE_TOKENS, TOKEN_BYTES, check_source,
                                   estimate_tokens)

TOO_DEEP = f"too deeply nested to analyse (more than {MAX_DEPTH} levels of brackets or blocks)"


def _nested(opening: str, closing: str, depth: int) -> str:
    return "x = " + opening * depth + "1" + closing * depth + "\n"


def _blocks(depth: int, body: str = "pass") -> str:
    return "".join(" " * level + f"if x{level}:\n" for level in range(depth)) + " " * depth + body + "\n"


@pytest.mark.parametrize("source", [
    pytest.param(_nested("(", ")", 10_000), id="ten thousand parentheses"),
    pytest.param(_nested("[", "]", MAX_DEPTH + 1), id="one list too many"),
    pytest.param(_nested("{1: ", "}", 5_000), id="dicts"),
    pytest.param(_nested("f(", ")", 5_000), id="calls"),
    pytest.param("x = " + "([{" * 100 + "1" + "}])" * 100 + "\n", id="mixed bracket kinds"),
    pytest.param("x = " + "([" * 150 + "1" + "])" * 150 + "\n", id="alternating kinds, no plain run"),
    pytest.param("x = " + "(" * 10_000, id="unclosed"),
    pytest.param(_blocks(99, "y = " + "[" * 102 + "]" * 102), id="blocks plus brackets"),
    pytest.param("x = ')' + ')'\n" * 50 + _nested("(", ")", 300), id="closers in strings do not hide depth"),
    pytest.param(")))]]]}}}\n" * 100 + _nested("(", ")", 300), id="stray closers do not hide depth"),
    pytest.param("# a comment \\\n" * 300 + _nested("(", ")", 300),
                 id="a backslash does not continue a comment"),
    pytest.param("s = '\"' + \"'\" + '\"\"\"'\n" + _nested("(", ")", 300), id="quotes of the other kind"),
    pytest.param("s = '\x02' + '\x03'\n" + _nested("(", ")", 300), id="control bytes that look like markers"),
    pytest.param("x = 1\r" + _nested("(", ")", 300).replace("\n", "\r"), id="old Mac line ends"),
])
def test_deep_nesting_is_rejected(source: str) -> None:
    assert check_source(source) == TOO_DEEP


@pytest.mark.parametrize("source", [
    pytest.param(_nested("(", ")", MAX_DEPTH), id="exactly the limit"),
    pytest.param("s = '" + "(" * 10_000 + "'\n", id="brackets in a string"),
    pytest.param('s = """\n' + "[\n" * 10_000 + '"""\n', id="brackets in a triple-quoted string"),
    pytest.param("s = r'''" + "{" * 10_000 + "'''\n", id="brackets in a raw triple-quoted string"),
    pytest.param("# " + "(" * 10_000 + "\n", id="brackets in a comment"),
    pytest.param("s = '\\'" + "(" * 10_000 + "'\n", id="escaped quote inside a string"),
    pytest.param("s = 'a\\\n" + "(" * 10_000 + "'\n", id="backslash-newline continues a string"),
    pytest.param("s = \"(a)\" \"b\" '''" + "(" * 300 + "'''\n", id="adjacent strings are not a triple quote"),
    pytest.param("s = f'{x[(1)]}' + '" + "(" * 300 + "'\n", id="f-string"),
    # 50,000 elements: 100,000 would be 400,000 tokens, which parsing takes ~0.9 GB for (refused as too large)
    pytest.param("x = [" + "(1), " * 50_000 + "]\n", id="wide, not deep"),
    pytest.param(_blocks(99), id="the most blocks libcst accepts"),
    pytest.param(_blocks(50, "y = " + "[" * 101 + "]" * 101), id="blocks under brackets, within the limit"),
    pytest.param("", id="empty"),
    pytest.param("\x00\udcff\ufeff", id="NUL, lone surrogate, BOM"),
])
def test_ordinary_or_harmless_input_passes(source: str) -> None:
    assert check_source(source) is None


def test_deeper_blocks_are_refused_by_libcst_itself() -> None:
    """Blocks alone are left to libcst's tokenizer, which stops at 100 levels before parsing."""
    import libcst

    source = _blocks(MAX_DEPTH + 1)
    assert check_source(source) is None
    with pytest.raises(libcst.ParserSyntaxError, match="too many indentation levels"):
        libcst.parse_module(source)


def _stdlib_files() -> Iterator[str]:
    root = sysconfig.get_paths()["stdlib"]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__"))
        yield from (os.path.join(dirpath, name) for name in sorted(filenames) if name.endswith(".py"))


def test_no_standard_library_file_is_rejected() -> None:
    """Every .py of the running interpreter's stdlib, test suites and lib2to3 data included."""
    rejected: List[str] = []
    checked = 0
    for path in _stdlib_files():
        with open(path, "rb") as handle:
            data = handle.read()
        if len(data) > MAX_BYTES:  # genuinely huge: allowed to be refused, none exist today
            continue
        checked += 1
        message = check_source(data.decode("utf-8", "surrogateescape"))
        if message is not None:
            rejected.append(f"{path}: {message}")
    assert checked > 500
    assert rejected == []


@pytest.mark.parametrize(("source", "message"), [
    pytest.param("x = 1\n" * 2_000_000, "file too large to analyse (12.0 MB > 1.2 MB); raise with --max-file-size",
                 id="12 MB of ASCII"),
    pytest.param("é" * 1_000_000, "file too large to analyse (2.0 MB > 1.2 MB); raise with --max-file-size",
                 id="size counts UTF-8 bytes, not characters"),
])
def test_huge_file_is_rejected(source: str, message: str) -> None:
    assert check_source(source) == message


def test_limits_are_options() -> None:
    source = _nested("(", ")", 10)
    assert check_source(source, max_depth=9) is not None
    assert check_source(source, max_depth=10) is None
    assert check_source(source, max_bytes=10) == \
        "file too large to analyse (0.0 MB > 0.0 MB); raise with --max-file-size"


@pytest.mark.parametrize(("source", "tokens"), [
    pytest.param("", 0, id="nothing"),
    pytest.param("x = f(a, b)\n", 8 + NEWLINE_TOKENS, id="names, operators, brackets, one newline"),
    pytest.param("total_count += 10", 4, id="a run of word characters is one token; += is two"),
    pytest.param("\n\n", 2 * NEWLINE_TOKENS, id="blank lines"),
    pytest.param("   \t x", 1, id="spaces count nothing"),
    pytest.param("s = 'two words'", 6, id="inside strings words and quotes count (the safe side)"),
    pytest.param("größe = 1", 3, id="non-ASCII letters are word characters"),
])
def test_estimate_tokens(source: str, tokens: int) -> None:
    assert estimate_tokens(source.encode()) == tokens


def test_dense_code_is_refused_by_its_tokens_below_the_byte_limit() -> None:
    # one short call per line, ~7 estimated tokens per 10 bytes (the growth benchmark's fan-out, 20 times)
    dense = "x = [\n" + "    f0(),\n" * 90_000 + "]\n"
    data = dense.encode()
    assert len(data) < MAX_BYTES
    tokens = estimate_tokens(data)
    assert tokens * TOKEN_BYTES > MAX_BYTES
    assert check_source(dense) == (
        f"file too large to analyse (dense code: about {tokens:,} tokens, counted as {TOKEN_BYTES} bytes each, "
        f"{tokens * TOKEN_BYTES / 1e6:.1f} MB > 1.2 MB); raise with --max-file-size")
    assert check_source(dense, max_bytes=tokens * TOKEN_BYTES) is None  # the flag raises the token count too


def test_ordinary_code_near_the_byte_limit_is_not_refused_by_its_tokens() -> None:
    # model code at 0.3 estimated tokens per byte (the stdlib's median), just under 1.2 MB
    block = textwrap.dedent("""\
        def model_{k}(inputs, hidden=64, layers=2):
            # one encoder per task: the cells are built here, the driver below runs them
            with tf.variable_scope('model_{k}'):
                cells = [tf.nn.rnn_cell.LSTMCell(hidden) for _ in range(layers)]
                stack = tf.nn.rnn_cell.MultiRNNCell(cells)
                outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
            return outputs, state

        """)
    source = ""
    k = 0
    while len(source) < MAX_BYTES - 1000:
        source += block.format(k=k)
        k += 1
    assert estimate_tokens(source.encode()) * TOKEN_BYTES <= MAX_BYTES
    assert check_source(source) is None


def _clamped_depth(brackets: str) -> int:
    """Reference: depth with stray closers ignored, one character at a time."""
    depth = deepest = 0
    for char in brackets:
        depth = depth + 1 if char in "([{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="()[]{}", max_size=300), st.integers(min_value=0, max_value=20))
def test_bracket_depth_matches_a_reference(brackets: str, limit: int) -> None:
    """The fast path (pair removal, run search, accumulate) agrees with a plain loop."""
    rejected = check_source("x = " + brackets + "\n", max_depth=limit) is not None
    assert rejected == (_clamped_depth(brackets) > limit)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(source: str) -> None:
    assert check_source(source) in (None, TOO_DEEP)


def _cpu_ms_per_mb(check: Callable[[str], object], source: str) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        check(source)
        best = min(best, time.process_time() - start)
    return best * 1000 / (len(source.encode()) / 1e6)


def test_speed_is_reported_not_asserted(record_property: Callable[[str, object], None]) -> None:
    """Timing sanity for the record (``pytest -rP`` prints it), never a pass/fail criterion.

    The guard runs on every file the prefilter lets through; the behaviour that matters here is
    that pathological shapes are no slower per byte than ordinary code by orders of magnitude.
    """
    ordinary = "".join(open(path, encoding="utf-8", errors="surrogateescape").read()
                       for path, _ in zip(_stdlib_files(), range(60)))
    shapes = {
        "ordinary": ordinary,
        "deep": "x = " + "(" * 500_000 + ")" * 500_000,
        "zigzag": "x = " + "(()" * 300_000 + ")" * 300_000,
        "strings": "x = '(' + \"[\"\n" * 100_000,
        "comments": "# ((( ''' \"\"\" \\\n" * 100_000,
    }
    for name, source in shapes.items():
        speed = round(_cpu_ms_per_mb(check_source, source), 2)
        record_property(f"guard_ms_per_mb_{name}", speed)
        print(f"check_source, {name} input: {speed} ms of CPU per MB")  # shown by pytest -rP


@pytest.mark.slow
def test_libcst_survives_the_deepest_nesting_the_guard_allows() -> None:
    """Re-measures the margin behind MAX_DEPTH on the installed libcst, in a child process,
    because running out of native stack is a SIGSEGV that would take pytest down with it."""
    program = textwrap.dedent(f"""
        import libcst
        for opening, closing in (("(", ")"), ("[", "]"), ("{{1: ", "}}"), ("f(", ")")):
            source = "x = " + opening * {MAX_DEPTH} + "1" + closing * {MAX_DEPTH} + "\\n"
            assert {check_source.__module__!r} and source
            libcst.parse_module(source)
        libcst.parse_module("".join(" " * i + "if x:\\n" for i in range(99)) + " " * 99 + "x = "
                            + "[" * {MAX_DEPTH} + "]" * {MAX_DEPTH} + "\\n")
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


TOO_LONG_CHAIN = "expression too deeply nested to analyse (a chain of more than 300 calls, subscripts or attribute accesses)"


@pytest.mark.parametrize("source", [
    pytest.param("x = f" + "()" * 8_000 + "\n", id="eight thousand chained calls"),
    pytest.param("x = f" + "[0]" * 8_000 + "\n", id="eight thousand subscripts"),
    pytest.param("x = (f\n" + "  ()\n" * 400 + ")\n", id="one trailer per line"),
    pytest.param("x = f" + "().a" * 400 + "\n", id="calls and attributes"),
    pytest.param("x = f" + "(g(1))[h[0]]" * 200 + "\n", id="trailers with brackets inside"),
])
def test_long_trailer_chains_are_rejected(source: str) -> None:
    assert check_source(source) == TOO_LONG_CHAIN


@pytest.mark.parametrize("source", [
    pytest.param("x = f" + "()" * 300 + "\n", id="exactly the limit"),
    pytest.param("x = f()\n" * 5_000, id="many short chains"),
    pytest.param("s = '" + "()" * 5_000 + "'\n", id="in a string"),
    pytest.param("y = a[0][1].b(c)(d)\n" * 1_000, id="ordinary chains, many lines"),
])
def test_short_trailer_chains_pass(source: str) -> None:
    assert check_source(source) is None
