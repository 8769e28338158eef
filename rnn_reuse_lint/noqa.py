"""`# noqa` in the CLI with flake8's semantics: the comment on the reported line (or its multi-line token)."""
from __future__ import annotations

import io
import re
import tokenize
from typing import Dict, List, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import Finding

# The same pattern as flake8.defaults.NOQA_INLINE_REGEXP (flake8 7): `# noqa`, `# noqa: RNN101`,
# `# NOQA:RNN101,RNN102`, `# noqa: RNN1` (a prefix). A bare `# noqa` silences every code on the line.
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
# flake8's file-level `# flake8: noqa` at the start of a line skips the whole file (flake8.defaults.NOQA_FILE).
NOQA_FILE = re.compile(r"\s*# flake8[:=]\s*noqa", re.IGNORECASE)


def _codes(text: str) -> Tuple[str, ...]:
    return tuple(c for c in re.split(r"[,\s]+", text.strip().upper()) if c)


def line_map(source: str) -> Dict[int, str]:
    """Line number -> the text flake8 searches for `noqa`: the line, or every line of a multi-line token
    (a triple-quoted string) it belongs to, joined, as flake8's FileProcessor._noqa_line_mapping does."""
    lines = source.splitlines(keepends=True)
    mapping = {i + 1: line for i, line in enumerate(lines)}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return mapping
    low, high = len(lines) + 2, -1
    for token in tokens:
        if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        low = min(low, token.start[0])
        high = max(high, token.end[0])
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            if high > low:
                joined = "".join(lines[low - 1: high])
                for number in range(low, high + 1):
                    mapping[number] = joined
            low, high = len(lines) + 2, -1
    return mapping


def file_is_skipped(source: str) -> bool:
    return any(NOQA_FILE.match(line) for line in source.splitlines())


def suppression(code: str, text: Optional[str]) -> Optional[str]:
    """The `# noqa` comment that silences `code` in `text`, or None."""
    if not text:
        return None
    match = NOQA_INLINE.search(text)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return match.group(0)
    wanted = _codes(codes)
    if code in wanted or code.startswith(wanted):
        return match.group(0)
    return None


def split(findings: Sequence[Finding], source: str) -> Tuple[List[Finding], List[Finding]]:
    """(findings still reported, findings silenced by a `# noqa` at their reported line)."""
    if not findings:
        return [], []
    if "noqa" not in source.lower():  # the common case: skip tokenizing the whole file
        return list(findings), []
    if file_is_skipped(source):
        return [], list(findings)
    mapping = line_map(source)
    kept: List[Finding] = []
    silenced: List[Finding] = []
    for finding in findings:
        (silenced if suppression(finding.code, mapping.get(finding.span.line)) else kept).append(finding)
    return kept, silenced
