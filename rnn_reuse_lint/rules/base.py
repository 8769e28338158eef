"""What a rule is: code, name, docs, examples, the model facts it reports, its fixability and its dynamic evidence."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar, FrozenSet, Iterator, Literal, Optional, Sequence, Tuple

from rnn_reuse_lint.finding import Finding, Fix, Related, Severity, Span
from rnn_reuse_lint.model import CellRef, Fact, ModuleModel
from rnn_reuse_lint.settings import Settings

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


@dataclass(frozen=True)
class Valid:
    """Code the rule must stay quiet on."""

    id: str
    code: str


@dataclass(frozen=True)
class Invalid:
    """Code the rule must report: at `line` (1-based, within the example) with a message containing `contains`.

    `expected_fix` (as Fixit's `expected_replacement`): the whole example after its finding's fix, or None when
    no fix is offered; tests/test_rule_examples.py checks it for the rules whose findings may carry fixes."""

    id: str
    code: str
    line: int
    contains: str = ""
    expected_fix: Optional[str] = None


@dataclass(frozen=True)
class TraceError:
    """A TensorFlow error that confirms a finding when graph construction stops at the finding's line."""

    contains: Tuple[str, ...]  # any of these in the error message
    says: str  # the evidence, formatted with {tf} (the traced version) and {message} (the error, cut to `limit`)
    limit: int = 300


# TF 1.1 refuses a cell object used in a second scope (TF_RNN_SEMANTICS.md §5.2): evidence for every rule about
# one object in two places.
REFUSED = TraceError(("Attempt to reuse RNNCell", "Attempt to have a second RNNCell"),
                     "TF {tf} refuses to share the cell: {message}")


@dataclass(frozen=True)
class Evidence:
    """What in a trace of real TensorFlow confirms a rule's finding, and where the finding sits (dynamic/verify.py).

    A finding the trace reached without any of this is refuted."""

    sharing: FrozenSet[Fact] = frozenset()  # traced sharing facts that confirm it (the child's names)
    # Which lines of a traced relation the finding answers to: a stack constructor's ("stack"; then a traced stack
    # that holds one object twice confirms it too), any run's ("run") or the second run's ("second_run").
    where: Literal["stack", "run", "second_run"] = "run"
    errors: Tuple[TraceError, ...] = ()


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
    facts: ClassVar[FrozenSet[Fact]] = frozenset()  # the model facts it reports; `explain` and `trace` label them
    # with its code
    severity: ClassVar[Severity] = "error"
    default_enabled: ClassVar[bool] = True
    # Its findings may carry a fix; when a file gets none (read after normalizing Python 2...), they say why.
    fixable: ClassVar[bool] = False
    no_fix_by_design: ClassVar[str] = ""  # for a rule that never fixes: why, shown by --show-fixes
    evidence: ClassVar[Evidence] = Evidence()
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
