"""Each rule's VALID and INVALID examples, and the fixed sections of its documentation."""
from __future__ import annotations

from typing import List

import pytest

from rnn_reuse_lint.engine import analyze_bytes
from rnn_reuse_lint.fixes.apply import apply_edits
from rnn_reuse_lint.rules import ALL_RULES
from rnn_reuse_lint.rules.base import DOC_SECTIONS
from rnn_reuse_lint.settings import Settings


def _params(kind: str) -> List[object]:
    params = []
    for rule in ALL_RULES:
        for example in getattr(rule, kind):
            params.append(pytest.param(rule, example, id=f"{rule.code}-{example.id}"))
    return params


@pytest.mark.parametrize("rule, example", _params("VALID"))
def test_valid_example_is_quiet(rule, example) -> None:  # type: ignore[no-untyped-def]
    result = analyze_bytes(example.code.encode(), "example.py", Settings(select=(rule.code,)))
    assert result.error is None
    assert [f.message for f in result.findings] == []


@pytest.mark.parametrize("rule, example", _params("INVALID"))
def test_invalid_example_is_reported(rule, example) -> None:  # type: ignore[no-untyped-def]
    result = analyze_bytes(example.code.encode(), "example.py", Settings(select=(rule.code,)))
    assert result.error is None
    assert [(f.code, f.span.line) for f in result.findings] == [(rule.code, example.line)]
    assert example.contains in result.findings[0].message


@pytest.mark.parametrize("rule, example", _params("INVALID"))
def test_invalid_example_is_fixed_as_it_says(rule, example) -> None:  # type: ignore[no-untyped-def]
    """A rule's fix is visible in the rule file: the example after its fix (as one --fix pass writes it), or
    no fix at all when `expected_fix` is None (then the finding says why)."""
    (finding,) = analyze_bytes(example.code.encode(), "example.py", Settings(select=(rule.code,))).findings
    if not rule.fixable:
        assert example.expected_fix is None and finding.fix is None
        return
    if example.expected_fix is None:
        assert finding.fix is None and finding.no_fix
    else:
        assert finding.fix is not None, finding.no_fix
        assert apply_edits(example.code, finding.fix.edits) == example.expected_fix


def test_fixable_rules_show_their_fix_in_an_example() -> None:
    for rule in ALL_RULES:
        if rule.fixable:
            assert any(example.expected_fix is not None for example in rule.INVALID), rule.code


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.code) for r in ALL_RULES])
def test_rule_docs_have_the_fixed_sections(rule) -> None:  # type: ignore[no-untyped-def]
    doc = rule.doc()
    headings = [line[3:].strip() for line in doc.splitlines() if line.startswith("## ")]
    for section in DOC_SECTIONS:
        assert section in headings, f"{rule.code} lacks '## {section}'"
    assert rule.VALID and rule.INVALID
    assert rule.code.startswith("RNN") and len(rule.code) == 6


def test_codes_are_unique() -> None:
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)


def test_readme_rules_table_matches_the_rules() -> None:
    import os

    from tests.conftest import ROOT

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for rule in ALL_RULES:
        assert f"| `{rule.code}` | `{rule.name}` | {rule.summary} |" in readme, rule.code
