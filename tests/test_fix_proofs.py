"""Proof obligations of every fix on every fixture: the result parses, re-lints without that finding and
without new ones, and a second --fix changes nothing."""
from __future__ import annotations

import glob
import os
from collections import Counter

import pytest

from rnn_reuse_lint.commands.check import lint_bytes
from rnn_reuse_lint.finding import FileResult
from rnn_reuse_lint.fixes.apply import applicable, fix_text
from rnn_reuse_lint.settings import Settings
from tests.conftest import FIXTURES

FILES = sorted(glob.glob(os.path.join(FIXTURES, "*.py")) + glob.glob(os.path.join(FIXTURES, "dynamic", "*.py")))
FIXABLE = ("RNN101", "RNN102")


def _lint(path: str):  # type: ignore[no-untyped-def]
    settings = Settings()
    return lambda text: lint_bytes(text.encode("utf-8"), path, settings)


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.relpath(p, FIXTURES))
def test_fixes_remove_their_finding_and_add_none(path: str, unsafe: bool) -> None:
    lint = _lint(path)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    before: FileResult = lint(source)
    outcome = fix_text(source, lint, unsafe, first=before)
    assert outcome.problem == ""
    after = outcome.result
    assert after.error is None  # the fixed text parses
    # every finding left is one the original had; the fixed ones are gone (a fix may also settle another finding
    # about the same object: `[fw] * 2` rebuilt per layer leaves `[bw, fw]` with nothing shared either)
    left = Counter(f.code for f in before.findings) - Counter(f.code for f in outcome.fixed)
    assert not Counter(f.code for f in after.findings) - left
    assert not any(applicable(f, unsafe) for f in after.findings), [f.message for f in after.findings]
    # idempotent: a second run finds nothing more to do
    again = fix_text(outcome.text, lint, unsafe, first=after)
    assert again.text == outcome.text and again.fixed == ()


def test_every_fixable_rule_is_exercised() -> None:
    """The fixtures hold safe fixes, unsafe fixes and refusals with reasons for both rules."""
    safe, unsafe, refused = Counter(), Counter(), Counter()  # type: ignore[var-annotated]
    for path in FILES:
        with open(path, encoding="utf-8") as handle:
            result = _lint(path)(handle.read())
        for f in result.findings:
            if f.code not in FIXABLE:
                assert f.fix is None and f.no_fix is None
            elif f.fix is None:
                assert f.no_fix, f"{path}:{f.span.line}: no fix and no reason"
                refused[f.code] += 1
            elif f.fix.safe:
                safe[f.code] += 1
            else:
                assert f.fix.reason, f"{path}:{f.span.line}: unsafe fix without a reason"
                unsafe[f.code] += 1
    assert safe["RNN101"] >= 20 and safe["RNN102"] >= 10
    assert unsafe["RNN101"] >= 1 and refused["RNN101"] >= 5 and refused["RNN102"] >= 1
