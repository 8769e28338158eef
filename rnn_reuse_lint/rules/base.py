"""What a rule is: code, name, docs with fixed sections, VALID/INVALID examples, and a check over the model."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar, Iterator, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import Finding, Fix, Related, Severity, Span
from rnn_reuse_lint.model import CellRef, ModuleModel
from rnn_reuse_lint.settings import Settings

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


@dataclass(frozen=True)
class Valid:
    """Code the rule must stay quiet on."""

    id: str
    code: str


@dataclass(frozen=True)
class Invalid:
    """Code the rule must report: at `line` (1-based, within the example) with a message containing `contains`."""

    id: str
    code: str
    line: int
    contains: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the model."""

    path: str
    settings: Settings


class Rule:
    """Base class: subclasses set the class attributes, write the docstring and implement check()."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line, used in tables and SARIF shortDescription
    severity: ClassVar[Severity] = "error"
    default_enabled: ClassVar[bool] = True
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def check(self, model: ModuleModel, context: RuleContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        context: RuleContext,
        span: Span,
        message: str,
        related: Tuple[Related, ...] = (),
        fix: Optional[Fix] = None,
        no_fix: Optional[str] = None,
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            path=context.path,
            span=span,
            message=message,
            related=related,
            fix=fix,
            no_fix=no_fix,
        )

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")


def created_here(context: RuleContext, cell: CellRef, what: Optional[str] = None) -> Related:
    """The related location every sharing finding carries: where the shared object is made."""
    if what is None and cell.assumes is not None:
        what = f"`{cell.label}` comes from here (its class is not visible to the analysis)"
    return Related(cell.path or context.path, cell.span, what or f"`{cell.label}` ({cell.cls}) is created here")


def at(cell: CellRef, context: RuleContext) -> str:
    """`line 12`, or `nets/cells.py line 12` for an object made in another module of the project."""
    return line_in(cell.span, cell.path, context)


def line_in(span: Span, path: Optional[str], context: RuleContext) -> str:
    """`line 12` in the linted file, `nets/decoding.py line 12` in another module of the project."""
    if path is None or path == context.path:
        return f"line {span.line}"
    here = os.path.dirname(os.path.abspath(context.path))
    return f"{os.path.relpath(path, here)} line {span.line}"


def unless(*cells: CellRef) -> str:
    """What a finding about objects of unknown class assumes, as a clause: ` unless `make_cell` returns ...`."""
    clauses = list(dict.fromkeys(c.assumes for c in cells if c.assumes is not None))
    return f" unless {' or '.join(clauses)}" if clauses else ""


def ordinal_list(indices: Sequence[int]) -> str:
    """`0 and 1`, `0, 1 and 2`."""
    words = [str(i) for i in indices]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
