"""The data every adapter shares: source spans, findings, file errors and fixes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence, Tuple


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based line/column range inside one file (end column exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Related:
    """Another place involved in a finding (where the shared cell was created, the other use...)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` by `replacement`."""

    span: Span
    replacement: str


@dataclass(frozen=True)
class Fix:
    """A proposed rewrite; `safe` fixes are applied by --fix, the others only by --unsafe-fixes."""

    description: str
    edits: Tuple[Edit, ...]
    safe: bool
    reason: str = ""  # why it is not safe


Verdict = Literal["confirmed", "refuted", "not-reached", "error"]
# "plain": the program as written got there; "synthesized": only through a stub, a stepped-over failure, a
# synthesized value or entry
ReachedVia = Literal["plain", "synthesized"]
Severity = Literal["error", "warning"]


class Because:
    """Why a fix is not offered or not safe, with line numbers filled in once positions are known: `text`
    holds `{0}`, `{1}`... for the lines of `nodes` (syntax nodes of the analysed module)."""

    def __init__(self, text: str, *nodes: object) -> None:
        self.text = text
        self.nodes = nodes

    def format(self, lines: Sequence[int]) -> str:
        return self.text.format(*lines)

    def __str__(self) -> str:
        return self.text.format(*("?" for _ in self.nodes))


@dataclass(frozen=True)
class Dynamic:
    """What the dynamic tracer said about a finding."""

    verdict: Verdict
    evidence: str
    reached_via: Optional[ReachedVia] = None  # None when there is no verdict to qualify


@dataclass(frozen=True)
class Finding:
    """One reported problem, with every place involved."""

    code: str
    name: str
    severity: Severity
    path: str
    span: Span
    message: str
    related: Tuple[Related, ...] = ()
    fix: Optional[Fix] = None
    no_fix: Optional[str] = None  # why no fix is offered, for rules that offer fixes
    dynamic: Optional[Dynamic] = None

    @property
    def sort_key(self) -> Tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)


@dataclass(frozen=True)
class FileError:
    """A file that could not be analysed (RNN000): unreadable, undecodable, not Python."""

    path: str
    line: int
    column: int
    message: str
    code: str = "RNN000"


@dataclass(frozen=True)
class CellPosition:
    """Where one line of a notebook's concatenated code comes from (see notebook.py)."""

    cell: int  # 1-based position among all the notebook's cells (markdown included), as ruff counts
    line: int  # 1-based line inside that cell
    raw_line: Optional[int] = None  # 1-based line of the .ipynb file holding this source line, when known
    raw_prefix: str = ""  # the raw .ipynb line up to where this source line's text starts
    raw_text: str = ""  # this source line's text as it is escaped inside the .ipynb JSON


@dataclass(frozen=True)
class NotebookIndex:
    """Line i (1-based) of a notebook's concatenated code is `lines[i - 1]`."""

    lines: Tuple[CellPosition, ...]


@dataclass(frozen=True)
class FileResult:
    """Everything the engine says about one file."""

    path: str
    findings: Tuple[Finding, ...] = ()
    error: Optional[FileError] = None
    notes: Tuple[str, ...] = ()
    # Added by the CLI pipeline (commands/check.py), never by the engine:
    suppressed: Tuple[Finding, ...] = ()  # silenced by `# noqa`; kept only for --show-suppressed
    notebook: Optional[NotebookIndex] = None  # set for .ipynb files: positions are in the concatenated code
