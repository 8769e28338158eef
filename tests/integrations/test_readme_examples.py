"""The README's `check` examples are what the tool prints: each `$ rnn-reuse-lint check ...` run in docs/examples/."""
from __future__ import annotations

import re
import shlex
from typing import List, Tuple

import pytest

from tests.integrations.helpers import ROOT, run_cli

EXAMPLES = ROOT / "docs" / "examples"


def _examples() -> List[Tuple[List[str], List[str]]]:
    """(argv after `rnn-reuse-lint`, the lines shown under it) for every static `check` example of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out: List[Tuple[List[str], List[str]]] = []
    for block in re.findall(r"```text\n(.*?)```", text, re.S):
        current: List[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                current = []
                out.append((shlex.split(line[2:])[1:], current))
            else:
                current.append(line)
    return [(argv, shown) for argv, shown in out
            if argv[0] == "check" and "--dynamic" not in argv and all((EXAMPLES / a).exists()
                                                                       for a in argv[1:] if a.endswith(".py"))]


def _matches(shown: str, actual: str) -> bool:
    """A line the README shortens with `...` matches by its beginning; any other line exactly."""
    if shown.endswith("..."):
        return actual.startswith(shown[:-3].rstrip(" ,;")) and len(actual) > len(shown) - 3
    return shown == actual


def test_the_readme_has_check_examples() -> None:
    assert len(_examples()) >= 4


@pytest.mark.parametrize("argv, shown", [pytest.param(a, s, id=" ".join(a)) for a, s in _examples()])
def test_readme_example(argv: List[str], shown: List[str]) -> None:
    _, out, err = run_cli(*argv, cwd=EXAMPLES)
    actual = out.splitlines()
    if "--diff" in argv:  # the README shows the diff in its own ```diff block
        block = re.search(r"```diff\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
        assert block is not None
        body = [line.rstrip() for line in actual]
        expected = block.group(1).splitlines()
        start = body.index(expected[0])
        assert body[start:start + len(expected)] == expected
        return
    assert len(actual) == len(shown), (out, err)
    for line, real in zip(shown, actual):
        assert _matches(line, real), (line, real)
