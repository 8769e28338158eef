"""Issue 21: no input makes the analyzer super-linear; limits (work, seconds, size) answer with a note or RNN000."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Callable, List

import libcst as cst
import pytest

from rnn_reuse_lint import deep, heap
from rnn_reuse_lint.budget import Budget, Spent, units_for
from rnn_reuse_lint.commands.check import lint_bytes
from rnn_reuse_lint.fixes import layout, nodes, scope_facts, syntax
from rnn_reuse_lint.guards import estimate_tokens
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES, ROOT
from tests.test_robustness import run_cli, run_flake8

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import growth  # noqa: E402  (the benchmark's generators: one definition of each family)

pytestmark = pytest.mark.slow  # generated inputs at growing sizes, timed (up to ~20 s a test)


def write(tmp_path, name: str, text: str) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ----- the work budget -----------------------------------------------------------------------------

def test_fan_out_stops_at_the_budget_with_a_note_naming_the_function(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # F = 60: 13 million lambda calls without the budget (the issue measured 44 s and 1.8 GB at F = 60).
    path = write(tmp_path, "fan.py", growth.fanout(60))
    cli = run_cli(path, timeout=120)
    assert cli.errors == [] and cli.findings == []
    notes = [n["message"] for n in cli.doc.get("notes", [])]
    assert len(notes) == 1 and notes[0].startswith("analysis budget spent (more than 10,000 units of work) "
                                                   "while evaluating `<lambda>` (line ")
    assert "--max-work" in notes[0]
    assert cli.seconds < 30, f"took {cli.seconds:.1f} s"


def test_fan_out_through_flake8_finishes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "fan.py", growth.fanout(60))
    started = time.monotonic()
    assert run_flake8(path, timeout=120) == []
    assert time.monotonic() - started < 30


def test_text_output_prints_the_budget_note(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "fan.py", growth.fanout(30))
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", path], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "analysis budget spent" in proc.stderr and "Traceback" not in proc.stderr


def test_max_work_flag_and_config_raise_or_lower_the_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = growth.findings_in_one_scope(4)
    path = write(tmp_path, "many.py", source)
    default = run_cli(path)
    assert len(default.findings) == 128 and "notes" not in default.doc
    # 1 unit per line (500 at least) is not enough for 128 stacks and drivers: later values are unknown.
    low = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", "--max-work", "1",
                          path], capture_output=True, text=True, timeout=120)
    assert "analysis budget spent (more than 500 units of work) while evaluating the module's top level" in low.stdout
    assert 0 < low.stdout.count('"code": "RNN101"') < 128
    (tmp_path / "pyproject.toml").write_text("[tool.rnn-reuse-lint]\nmax-work = 1\n", encoding="utf-8")
    configured = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", "many.py"],
                                capture_output=True, text=True, timeout=120, cwd=str(tmp_path))
    assert "analysis budget spent" in configured.stdout


def test_max_file_seconds_stops_evaluation_by_the_clock(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "fan.py", growth.fanout(60))
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", "--max-work",
                           "100000000", "--max-file-seconds", "0.05", path], capture_output=True, text=True,
                          timeout=120)
    assert "analysis budget spent (more than 0.05 s) while evaluating `<lambda>`" in proc.stdout, proc.stdout


@pytest.mark.parametrize("flag", ["--max-work=0", "--max-work=-3", "--max-file-seconds=0", "--max-file-size=0"])
def test_bad_limits_are_usage_errors(tmp_path, flag: str) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "a.py", "import tensorflow as tf\n")
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", flag, path], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and flag.split("=")[0] in proc.stderr and "Traceback" not in proc.stderr


def test_budget_counts_and_stays_spent() -> None:
    budget = Budget(max_work=3, max_seconds=None)
    budget.spend("a", 2)
    budget.spend("b")
    with pytest.raises(Spent):
        budget.spend("c")
    assert budget.where == "c" and budget.spent
    with pytest.raises(Spent):
        budget.spend("d")  # spent stays spent: the rest of the file is not evaluated piecemeal
    assert budget.where == "c"
    assert units_for(10) == units_for(500) == 10_000 and units_for(1000) == 20_000


# ----- linear joins and deep elif chains ----------------------------------------------------------

def test_long_elif_chain_keeps_its_finding_and_fix(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 1,500 branches: libcst's codegen recursed past Python's limit at ~500 and the file became RNN000.
    path = write(tmp_path, "chain.py", growth.elif_chain(32))
    cli = run_cli(path, timeout=120)
    assert cli.errors == []
    assert [code for code, _, _ in cli.findings] == ["RNN101"]
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--diff", path], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1 and "+    return MultiRNNCell([" in proc.stdout, proc.stderr


def test_run_deep_returns_raises_and_restores_the_limit() -> None:
    limit = sys.getrecursionlimit()

    def recurse(n: int) -> int:
        return 0 if n == 0 else 1 + recurse(n - 1)

    assert deep.run_deep(lambda: recurse(20_000)) == 20_000  # far past the default limit of 1000
    with pytest.raises(ZeroDivisionError):
        deep.run_deep(lambda: 1 // 0)
    assert sys.getrecursionlimit() == limit


# ----- linear fix planning -------------------------------------------------------------------------

def _cpu(function: Callable[[], object]) -> float:
    start = time.process_time()
    function()
    return time.process_time() - start


def test_findings_in_one_scope_cost_linear_time() -> None:
    """Fix planning walked the whole scope per finding: 4x the findings cost 16x. Now about 4x."""
    small, large = growth.findings_in_one_scope(2).encode(), growth.findings_in_one_scope(8).encode()
    lint_bytes(small, "a.py", Settings())  # warm-up
    ratios: List[float] = []
    for _ in range(3):
        ratios.append(_cpu(lambda: lint_bytes(large, "a.py", Settings())) /
                      _cpu(lambda: lint_bytes(small, "a.py", Settings())))
    assert sorted(ratios)[1] < 8, ratios


def _scopes(module: cst.Module) -> List[cst.CSTNode]:
    found: List[cst.CSTNode] = [module]
    stack: List[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        for child in nodes.children(node):
            if isinstance(child, nodes.SCOPES):
                found.append(child)
            stack.append(child)
    return found


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(FIXTURES) if n.endswith(".py")))
def test_indexed_reads_equal_the_walk_they_replace(name: str) -> None:
    """_ScopeFacts answers, from one walk, what _reads(scope, name) walks the scope for, name by name."""
    with open(os.path.join(FIXTURES, name), encoding="utf-8", errors="surrogateescape") as handle:
        try:
            module = cst.parse_module(handle.read())
        except cst.ParserSyntaxError:
            pytest.skip("a fragment Python rejects (the engine repairs it before any fix is planned)")
    index = syntax.SyntaxIndex(module)
    for scope in _scopes(module):
        facts = index._facts(scope)
        for identifier in sorted(index.names):
            walked = [(id(ref), nested) for ref, nested in scope_facts._reads(scope, identifier)]
            indexed = [(id(ref), nested) for ref, nested in facts.reads_of(identifier)]
            assert sorted(walked) == sorted(indexed), (name, identifier)


# ----- size limit before parsing -------------------------------------------------------------------

def test_size_limit_is_checked_before_parsing_and_names_the_flag(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "big.py", growth.functions(4))
    size = os.path.getsize(path)
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", f"--max-file-size={size - 1}", path],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"RNN000 file too large to analyse ({size:,} bytes > {size - 1:,}); raise with --max-file-size" \
        in proc.stdout
    raised = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", f"--max-file-size={size}", path],
                            capture_output=True, text=True, timeout=60)
    assert raised.returncode == 0 and "RNN000" not in raised.stdout


def test_size_limit_does_not_parse(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file above the size limit")

    monkeypatch.setattr(cst, "parse_module", refuse)
    result = lint_bytes(b"cell = tf.nn.rnn_cell.LSTMCell(2)\n" * 100, "a.py", Settings(max_file_size=1000))
    assert result.error is not None and "too large to analyse" in result.error.message


def test_statistics_say_which_function_spent_the_budget(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "fan.py", growth.fanout(30))
    proc = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "-q", "--statistics", path],
                          capture_output=True, text=True, timeout=120)
    assert f"{path}: analysis budget spent (more than 10,000 units of work) while evaluating `<lambda>` (line " \
        in proc.stdout, proc.stdout


# ----- memory: what the size limit counts ----------------------------------------------------------

def test_dense_code_is_refused_by_its_tokens_before_parsing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed a file whose tokens are above the size limit")

    monkeypatch.setattr(cst, "parse_module", refuse)
    dense = growth.fanout(5_000).encode()  # 200 KB of one-call lines
    assert len(dense) < 300_000
    result = lint_bytes(dense, "a.py", Settings(max_file_size=300_000))
    assert result.error is not None and result.error.code == "RNN000"
    assert "file too large to analyse (dense code: about" in result.error.message
    assert result.error.message.endswith("raise with --max-file-size")


def fanout_of_lists(width: int, leaf: str) -> str:
    """The fan-out family with a 256-layer list at its leaves: each leaf call builds or copies that list."""
    lines = list(growth.HEADER) + ["c = LSTMCell(8)", "big = [" + ", ".join(["c"] * 256) + "]", f"f0 = lambda: {leaf}"]
    for level in range(1, 5):
        lines += [f"f{level} = lambda: ["] + [f"    f{level - 1}()," for _ in range(width)] + ["]"]
    return "\n".join(lines + ["stack = MultiRNNCell(f4())"]) + "\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
@pytest.mark.parametrize("source", [
    pytest.param(growth.fanout_family(16), id="fanout x16, the densest family"),
    # a list's layers count against the budget (evaluate/context.py, PARTS_PER_UNIT): before, this kept ~600
    # bytes per unit of work, 3.1 KB per token
    pytest.param(fanout_of_lists(384, "big + []"), id="a 256-layer list copied at every leaf"),
    pytest.param(fanout_of_lists(384, "MultiRNNCell(big)"), id="a stack of 256 layers at every leaf"),
])
def test_peak_memory_per_token_is_within_the_documented_figure(source: str) -> None:
    """The figure the size limit is derived from (guards.py: 1.2 MB stands for 400,000 tokens, ~1 GB)."""
    per_token = growth.peak_above_baseline(source) / estimate_tokens(source.encode())
    assert per_token <= growth.MAX_BYTES_PER_TOKEN, per_token


@pytest.mark.skipif(heap.resident_bytes() is None, reason="no /proc/self/statm")
def test_the_parsers_freed_pages_go_back_before_the_evaluation() -> None:
    # libcst's native parser frees ~55 MB on the fan-out file at x64 (60 KB) that glibc would keep: engine.parse
    # trims, a bare parse does not. In fresh processes, so that no earlier heap is reused.
    probe = ("import sys\n"
             "sys.path.insert(0, 'benchmarks')\n"
             "import growth, libcst\n"
             "from rnn_reuse_lint import engine, heap\n"
             "text = growth.fanout_family(64)\n"
             "libcst.parse_module('x = 1\\n')\n"
             "before = heap.resident_bytes()\n"
             "engine.parse(text, 'a.py') if sys.argv[1] == 'engine' else libcst.parse_module(text)\n"
             "print(heap.resident_bytes() - before)\n")
    grown = {how: int(subprocess.run([sys.executable, "-c", probe, how], capture_output=True, text=True, check=True,
                                     cwd=ROOT, timeout=120).stdout) for how in ("engine", "bare")}
    if grown["bare"] < heap.RELEASE_AFTER_BYTES:
        pytest.skip(f"this C library keeps no freed parser pages ({grown})")
    assert grown["engine"] < 8 * 2**20 < heap.RELEASE_AFTER_BYTES < grown["bare"], grown


# ----- fix layout: only the fixes that need it ------------------------------------------------------

def _laid_out_everywhere(monkeypatch, data: bytes, path: str, settings: Settings):  # type: ignore[no-untyped-def]
    """lint_bytes with every fix laid out over the whole text (what lay_out_fixes did before its fast path)."""
    monkeypatch.setattr(layout, "_needs_layout", lambda *args: True)
    try:
        return lint_bytes(data, path, settings)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(FIXTURES) if n.endswith(".py")))
def test_fixes_laid_out_only_where_needed_equal_laying_out_every_fix(  # type: ignore[no-untyped-def]
        name: str, monkeypatch) -> None:
    path = os.path.join(FIXTURES, name)
    with open(path, "rb") as handle:
        data = handle.read()
    fast = lint_bytes(data, path, Settings())
    assert fast.findings == _laid_out_everywhere(monkeypatch, data, path, Settings()).findings


def test_fixes_that_need_a_layout_still_get_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # an inserted factory (blank lines around it) and a line made longer than the file's longest (broken)
    source = ("import tensorflow as tf\n\n\n"
              "def build(config, is_training):\n"
              "    cell = tf.nn.rnn_cell.LSTMCell(config.hidden_size, forget_bias=0.0, state_is_tuple=True)\n"
              "    if is_training and config.keep_prob < 1:\n"
              "        cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=config.keep_prob)\n"
              "    return tf.nn.rnn_cell.MultiRNNCell([cell] * config.num_layers, state_is_tuple=True)\n").encode()
    fast = lint_bytes(source, "a.py", Settings())
    assert [f.code for f in fast.findings if f.fix is not None] == ["RNN101"]
    assert fast.findings == _laid_out_everywhere(monkeypatch, source, "a.py", Settings()).findings
    fix = next(f.fix for f in fast.findings if f.fix is not None)
    assert any("def " in e.replacement for e in fix.edits)
    assert all(len(line) <= 100 for e in fix.edits for line in e.replacement.splitlines())


def test_fix_marks_of_many_findings_cost_linear_time() -> None:
    """The text report's `[*]` marks laid out each fix over the whole text: 4x the findings cost ~9x."""
    small, large = growth.findings_in_one_scope(4).encode(), growth.findings_in_one_scope(16).encode()
    marks = Settings(fixes="mark")
    lint_bytes(small, "a.py", marks)  # warm-up
    ratios: List[float] = []
    for _ in range(3):
        ratios.append(_cpu(lambda: lint_bytes(large, "a.py", marks)) / _cpu(lambda: lint_bytes(small, "a.py", marks)))
    assert sorted(ratios)[1] < 6.5, ratios
