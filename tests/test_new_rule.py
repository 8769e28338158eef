"""A rule added as one module in rules/ works end to end: check, flake8, `rule`, `explain`, --fix and its reasons."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_reuse_lint.rules import rule_for
from tests.throwaway_rule import CODE, package_with_rule, run_with

SOURCE = ("import tensorflow as tf\n"
          "cell = tf.nn.rnn_cell.GRUCell(8)\n"
          "out = tf.nn.bidirectional_dynamic_rnn(cell, cell, x, dtype=tf.float32)\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert rule_for(CODE) is None  # the rule exists only in the copy
    return package_with_rule(tmp_path_factory.mktemp("pkg"))


def test_check_reports_it_as_fixable_and_fix_applies(site: Path, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    status, out, _ = run_with(site, tmp_path, "-m", "rnn_reuse_lint", "check", "--select", CODE, "m.py")
    assert status == 1
    assert f"m.py:3:7: {CODE} [*] twin directions: `cell` runs both ways in this `bidirectional_dynamic_rnn`" in out
    status, out, err = run_with(site, tmp_path, "-m", "rnn_reuse_lint", "check", "--select", CODE, "--fix", "m.py")
    assert status == 0, out + err
    fixed = (tmp_path / "m.py").read_text()
    assert fixed != SOURCE and "bidirectional_dynamic_rnn(cell, tf.nn.rnn_cell.GRUCell(8)" in fixed, fixed


def test_a_file_read_as_python_2_says_why_the_rule_offers_no_fix(site: Path, tmp_path: Path) -> None:
    # `fixable` is the rule's to say: the engine gives its findings the reason a normalized file gets no fixes.
    (tmp_path / "old.py").write_text("print 'building'\n" + SOURCE)
    status, out, _ = run_with(site, tmp_path, "-m", "rnn_reuse_lint", "check", "--select", CODE, "--show-fixes",
                              "old.py")
    assert status == 1 and f"{CODE} twin directions" in out and "[*]" not in out
    assert "no fix: the file was read after normalizing Python 2 syntax" in out, out


def test_flake8_reports_it(site: Path, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    status, out, _ = run_with(site, tmp_path, "-m", "flake8", "--isolated", "--select", CODE, "m.py")
    assert status == 1
    assert out.startswith(f"m.py:3:7: {CODE} twin directions"), out


def test_rule_command_and_explain_know_it(site: Path, tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(SOURCE)
    status, out, _ = run_with(site, tmp_path, "-m", "rnn_reuse_lint", "rule", CODE)
    assert status == 0 and "twin-directions" in out and "## What it does" in out, out
    status, out, _ = run_with(site, tmp_path, "-m", "rnn_reuse_lint", "explain", "--format", "markdown",
                              "--select", CODE, "m.py")
    assert status == 0
    # the arrow from the backward to the forward direction is named after the rule that reported it
    assert f'-->|"{CODE}"|' in out and f"**{CODE}** line 3: twin directions" in out, out


def test_every_fact_of_the_model_is_reported_by_a_rule() -> None:
    # a fact no rule reports would be computed for nothing, and its relations would carry no label
    from typing import get_args

    from rnn_reuse_lint.model import Fact
    from rnn_reuse_lint.rules import ALL_RULES, code_for

    assert {fact: code_for(fact) is not None for fact in get_args(Fact)} == {fact: True for fact in get_args(Fact)}
    assert all(rule.facts <= set(get_args(Fact)) for rule in ALL_RULES)


def test_two_modules_with_one_code_stop_the_import(tmp_path: Path) -> None:
    from tests.throwaway_rule import RULE_MODULE

    copy = package_with_rule(tmp_path)
    (copy / "rnn_reuse_lint" / "rules" / "rnn198_twin_again.py").write_text(RULE_MODULE)
    proc = subprocess.run([sys.executable, "-c", "import rnn_reuse_lint.rules"], cwd=str(tmp_path),
                          capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(copy)), timeout=60)
    assert proc.returncode != 0 and f"two rule modules define {CODE}" in proc.stderr, proc.stderr


def test_explain_labels_a_relation_with_the_enabled_rule_that_reports_its_fact(tmp_path: Path) -> None:
    from rnn_reuse_lint.explain import explain_file
    from rnn_reuse_lint.settings import Settings

    path = tmp_path / "m.py"
    path.write_text("import tensorflow as tf\ncell = tf.nn.rnn_cell.GRUCell(8)\n"
                    "a, s = tf.nn.dynamic_rnn(cell, x, scope='encoder', dtype=tf.float32)\n"
                    "b, _ = tf.nn.dynamic_rnn(cell, y, initial_state=s, scope='decoder')\n")
    labels = [(r["kind"], r["code"]) for r in explain_file(str(path), Settings())["sharing"]]
    assert labels == [("suspicious", "RNN103")]
    labels = [(r["kind"], r["code"]) for r in explain_file(str(path), Settings(ignore=("RNN103",)))["sharing"]]
    assert labels == [("suspicious", None)]  # still suspicious; no enabled rule names it
