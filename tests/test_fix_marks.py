"""The text report's `[*]` and its summary counts come from fixes planned only as far as a verdict ("mark"):
on every fixture they must say what whole planning says, and flake8's mode ("off") plans nothing."""
from __future__ import annotations

import os
from typing import List

import pytest

from rnn_reuse_lint.commands.check import lint_file
from rnn_reuse_lint.finding import Finding
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES


def _fixtures() -> List[str]:
    found = []
    for folder, _, names in os.walk(FIXTURES):
        found.extend(os.path.relpath(os.path.join(folder, n), FIXTURES) for n in names if n.endswith((".py", ".ipynb")))
    return sorted(found)


def _verdict(finding: Finding) -> str:
    return "none" if finding.fix is None else "safe" if finding.fix.safe else "unsafe"


@pytest.mark.parametrize("name", _fixtures())
def test_marked_fix_agrees_with_the_planned_fix(name: str) -> None:
    path = os.path.join(FIXTURES, name)
    planned = lint_file(path, Settings(fixes="plan"))
    marked = lint_file(path, Settings(fixes="mark"))
    off = lint_file(path, Settings(fixes="off"))
    findings = [(f.code, f.span, f.message) for f in (*planned.findings, *planned.suppressed)]
    assert [(f.code, f.span, f.message) for f in (*marked.findings, *marked.suppressed)] == findings
    assert [(f.code, f.span, f.message) for f in (*off.findings, *off.suppressed)] == findings
    pairs = list(zip((*planned.findings, *planned.suppressed), (*marked.findings, *marked.suppressed)))
    # the `[*]` mark: a safe fix; the summary's "more with --unsafe-fixes": an unsafe one
    assert [_verdict(m) for _, m in pairs] == [_verdict(p) for p, _ in pairs]
    assert all(m.fix is None or (p.fix is not None and m.fix.edits == () and m.fix.description == p.fix.description)
               for p, m in pairs)
    assert all(f.fix is None for f in (*off.findings, *off.suppressed))


def test_the_fixtures_hold_safe_unsafe_and_unfixable_findings() -> None:
    """The agreement above is tested on every kind of verdict, not only on one."""
    verdicts = set()
    for name in _fixtures():
        result = lint_file(os.path.join(FIXTURES, name), Settings(fixes="plan"))
        verdicts |= {_verdict(f) for f in result.findings if f.code in ("RNN101", "RNN102")}
    assert verdicts == {"none", "safe", "unsafe"}
