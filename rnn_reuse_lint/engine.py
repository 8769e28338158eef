"""Source in, findings out: prefilter, decode, guard, parse once, build the model, run the enabled rules."""
from __future__ import annotations

import codecs
import io
import os
import stat
import tokenize
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Tuple, Type, Union

from rnn_reuse_lint.finding import FileError, FileResult, Finding, Span
from rnn_reuse_lint.prefilter import might_have_rnn
from rnn_reuse_lint.reach import imports_rnn
from rnn_reuse_lint.settings import DEFAULT_TF_VERSION, FixMode, Settings

if TYPE_CHECKING:  # libcst is imported lazily: a run that meets no RNN file never loads it
    import libcst as cst

    from rnn_reuse_lint.model import ModuleModel
    from rnn_reuse_lint.rules.base import Rule

LEGACY_NOTE = "normalized legacy syntax"
REPAIR_NOTE = "lines Python rejects were skipped or re-indented; fixes are not offered"
COOKIE_NOTE = "the coding cookie names the wrong encoding; fixes are not offered"
_NO_FIX_LEGACY = "the file was read after normalizing Python 2 syntax; fixes are offered for Python 3 code only"


def fixable(code: str) -> bool:
    """Whether findings of `code` may carry a fix: the rule that owns the code says so."""
    from rnn_reuse_lint.rules import rule_for

    return _fixable(rule_for(code))


@dataclass(frozen=True)
class Parsed:
    """A successfully parsed module, with the notes about how it was read (e.g. legacy normalization)."""

    module: "cst.Module"
    notes: Tuple[str, ...]
    column_offset: int = 0
    repairs: Tuple[Tuple[int, str, int], ...] = ()  # (line, why, column shift) of lines skipped or re-indented


def decode(data: bytes, path: str) -> Union[str, FileError]:
    """Bytes to text the way Python does it (BOM, coding cookie, UTF-8 default)."""
    if b"\0" in data:
        return FileError(path, 1, 1, "file contains NUL bytes; not a Python source file")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        return FileError(path, 1, 1, f"cannot determine the source encoding: {exc}")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        try:
            # `# coding: gbk` above UTF-8 text (a lying cookie, common in pasted Chinese-commented code): Python
            # would refuse the file, but its text is plain UTF-8; read it and say so beside the findings.
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return FileError(path, line, 1, f"cannot decode as {encoding}: {exc}")
        cookie = next((i for i, first in enumerate(data.split(b"\n", 2)[:2], 1) if b"coding" in first), line)
        return _Misdeclared(text[1:] if text.startswith("\ufeff") else text, encoding, cookie)
    return text[1:] if text.startswith("\ufeff") else text


class _Misdeclared(str):
    """Text whose coding cookie names an encoding it is not in; it was read as UTF-8 (see decode)."""

    declared: str
    line: int

    def __new__(cls, text: str, declared: str, line: int) -> "_Misdeclared":
        self = super().__new__(cls, text)
        self.declared, self.line = declared, line
        return self

    def warning(self) -> Tuple[int, str, int]:
        return (self.line, f"the coding cookie says {self.declared}, but the text is not {self.declared}; it was "
                           f"read as UTF-8 (Python itself would refuse this file)", 0)


def parse(text: str, path: str, max_bytes: Optional[int] = None) -> Union[Parsed, FileError]:
    """Parse with libcst; on a syntax error retry once after normalizing legacy (Python 2) syntax."""
    from rnn_reuse_lint import heap

    before = heap.resident_bytes()
    parsed = _parse(text, path, max_bytes)
    heap.release_after_parse(before)  # the native parser's dead pages, before the evaluation allocates its own
    return parsed


def _parse(text: str, path: str, max_bytes: Optional[int]) -> Union[Parsed, FileError]:
    import libcst as cst

    from rnn_reuse_lint import guards, legacy

    problem = guards.check_source(text, max_bytes=max_bytes if max_bytes is not None else guards.MAX_BYTES)
    if problem is not None:
        return FileError(path, 1, 1, problem)
    try:
        return Parsed(cst.parse_module(text), ())
    except cst.ParserSyntaxError as exc:
        first_error = FileError(path, exc.raw_line, exc.raw_column + 1, f"syntax error: {exc.message}")
    except (RecursionError, MemoryError, ValueError) as exc:
        return FileError(path, 1, 1, f"cannot parse: {type(exc).__name__}: {exc}")
    normalized = legacy.normalize(text)
    notes: Tuple[str, ...] = ()
    if normalized is not None:
        notes = (f"{LEGACY_NOTE}: " + "; ".join(normalized.changes),)
        try:
            return Parsed(cst.parse_module(normalized.source), notes, column_offset=normalized.column_offset)
        except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
            pass
    # A pasted fragment with a bad line or a ragged indent: read the rest, and report those lines beside it.
    from rnn_reuse_lint import repair

    repaired = repair.repair(normalized.source if normalized is not None else text)
    if repaired is None:
        return first_error
    try:
        module = cst.parse_module(repaired.source)
    except (cst.ParserSyntaxError, RecursionError, MemoryError, ValueError):
        return first_error
    return Parsed(module, notes + (REPAIR_NOTE,), column_offset=normalized.column_offset if normalized else 0,
                  repairs=tuple((r.line, r.message, r.shift) for r in repaired.repairs))


def build(
    data: bytes,
    path: str,
    tf_version: str = DEFAULT_TF_VERSION,
    defines: Optional[Dict[str, str]] = None,
    fixes: FixMode = "plan",
    describe_runs: bool = True,
    limits: Optional[Settings] = None,
) -> Union[Tuple["ModuleModel", int], FileError, None]:
    """The ModuleModel of a file with the column offset to add back (dedented fragments), its RNN000
    error, or None when the prefilter rules it out. `fixes`: what to plan of its fixes (settings.FixMode);
    `describe_runs` is for `explain` (see builder); `limits` carries max_file_size, max_work and
    max_file_seconds (defaults: Settings())."""
    wide = wide_encoding(data)
    wide_notes: Tuple[str, ...] = ()
    if wide is not None:
        # The byte prefilter looks for ASCII tokens, which UTF-16/32 spells with NULs between: decode first.
        try:
            data = data.decode(wide).encode("utf-8", "surrogatepass")
        except UnicodeDecodeError as exc:
            return FileError(path, 1, 1, f"cannot decode as {wide} (it starts with a {wide} byte order mark): {exc}")
        wide_notes = (f"read as {wide.upper()} (byte order mark); Python itself only runs UTF-8 or an 8-bit "
                      "encoding named in a coding cookie, and no fixes are offered for this file",)
        fixes = "off"
    limits = limits if limits is not None else Settings()
    if not might_have_rnn(data) and not (limits.project and imports_rnn(data, path)):
        return None
    # Before anything that costs memory per line: libcst's tree takes ~25 KB of memory per source line.
    too_large = too_large_error(len(data), limits.max_file_size, path)
    if too_large is not None:
        return too_large
    text = decode(data, path)
    if isinstance(text, FileError):
        return text
    parsed = parse(text, path, limits.max_file_size)
    if isinstance(parsed, FileError):
        return parsed
    from rnn_reuse_lint.budget import Budget, units_for
    from rnn_reuse_lint.builder import build_model
    from rnn_reuse_lint.deep import run_deep

    budget = Budget(units_for(text.count("\n") + 1, limits.max_work), limits.max_file_seconds)
    module = parsed.module
    # Fix positions would be positions in the normalized text, not in the file: no fixes there.
    # A misdeclared file would be written back in the encoding its cookie names: no fixes there either.
    mode: FixMode = fixes if not parsed.notes and not wide_notes and not isinstance(text, _Misdeclared) else "off"

    def model_with_fixes() -> "ModuleModel":
        built, evaluation = build_model(module, path, tf_version, defines, describe_runs=describe_runs, source=text,
                                        budget=budget, project=limits.project)
        if mode == "off":
            return built
        from rnn_reuse_lint.fixes.attach import with_fixes  # the fixer loads only when an output needs fixes

        return with_fixes(built, evaluation, mode)

    # libcst recurses once per `elif` when positioning and generating code: see deep.py.
    model = run_deep(model_with_fixes)
    if parsed.notes or wide_notes:
        model = replace(model, notes=model.notes + wide_notes + parsed.notes, repairs=parsed.repairs)
    if isinstance(text, _Misdeclared):
        model = replace(model, repairs=(text.warning(),) + model.repairs, notes=model.notes + (COOKIE_NOTE,))
    return model, parsed.column_offset


# UTF-32 first: its little-endian mark begins with UTF-16's.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
              (codecs.BOM_UTF16_BE, "utf-16"))


def wide_encoding(data: bytes) -> Optional[str]:
    """"utf-16" / "utf-32" for bytes that start with that byte order mark (editors on Windows save such files)."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return name
    return None


def analyze_bytes(data: bytes, path: str, settings: Settings) -> FileResult:
    """All findings the enabled rules report on one file's bytes; never raises."""
    try:
        model = build(data, path, settings.tf_version, dict(settings.define), settings.fixes, describe_runs=False,
                      limits=settings)
    except RecursionError:
        return FileResult(path, error=FileError(path, 1, 1, "too deeply nested to analyse"))
    except Exception as exc:  # an analyzer bug must not hide the other files' results
        return FileResult(path, error=FileError(path, 1, 1, f"internal error: {type(exc).__name__}: {exc}"))
    if model is None:
        return FileResult(path)
    if isinstance(model, FileError):
        return FileResult(path, error=model)
    module_model, column_offset = model
    findings = run_rules(module_model, path, settings)
    no_fix = _no_fix_reason(module_model.notes)
    if no_fix is not None:
        findings = [replace(f, no_fix=no_fix) if fixable(f.code) and f.fix is None else f for f in findings]
    if column_offset:
        findings = [_shift(f, column_offset) for f in findings]
    shifts = {line: shift for line, _, shift in module_model.repairs if shift}
    if shifts:
        findings = [_unshift(f, shifts) for f in findings]
    # (not in a notebook: its edits are mapped into cells, where blank lines across a cell boundary have no place)
    if not path.endswith(".ipynb") and any(f.fix is not None for f in findings):
        findings = _spaced_fixes(findings, data, path)
    for line, why, _ in module_model.repairs:
        findings.append(Finding("RNN000", "unreadable-line", "error", path, Span(line, 1, line, 1), why))
    findings.sort(key=lambda f: f.sort_key)
    return FileResult(path, findings=tuple(findings), notes=module_model.notes)


def _spaced_fixes(findings: List[Finding], data: bytes, path: str) -> List[Finding]:
    """The layout --fix writes (blank lines around an inserted factory, long lines broken) is part of each
    fix's edits, so every consumer (--fix, json, sarif, rdjson, the editor's code action) applies the same text."""
    from rnn_reuse_lint.fixes.layout import lay_out_fixes

    text = decode(data, path)
    return lay_out_fixes(findings, text) if isinstance(text, str) else findings


def too_large_error(size: int, max_bytes: int, path: str) -> Optional[FileError]:
    """RNN000 for a file above the size limit, decided on its byte count alone (before decoding or parsing)."""
    if size <= max_bytes:
        return None
    return FileError(path, 1, 1, f"file too large to analyse ({size:,} bytes > {max_bytes:,}); "
                                 f"raise with --max-file-size")


def _fixable(rule: Optional[Type["Rule"]]) -> bool:
    return rule is not None and rule.fixable


def _no_fix_reason(notes: Tuple[str, ...]) -> Optional[str]:
    """Why a file read in a special way gets no fixes (the text analysed is not the text on disk)."""
    for note in notes:
        if note.startswith(LEGACY_NOTE):
            return _NO_FIX_LEGACY
        if note in (REPAIR_NOTE, COOKIE_NOTE):
            return note.split("; ")[0] + ": fixes are offered only for files Python itself reads"
    return None


def read_source(path: str) -> Union[bytes, FileError]:
    """A file's bytes, or why it cannot be read; never blocks on a FIFO or a device."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return FileError(path, 1, 1, "not a regular file")
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return FileError(path, 1, 1, f"cannot read: {exc.strerror or exc}")


def analyze_file(path: str, settings: Settings) -> FileResult:
    data = read_source(path)
    if isinstance(data, FileError):
        return FileResult(path, error=data)
    return analyze_bytes(data, path, settings)


def run_rules(model: "ModuleModel", path: str, settings: Settings) -> List[Finding]:
    from rnn_reuse_lint.rules import ALL_RULES
    from rnn_reuse_lint.rules.base import RuleContext

    context = RuleContext(path, settings)
    findings: List[Finding] = []
    for rule_class in ALL_RULES:
        if not settings.enabled(rule_class.code):
            continue
        findings.extend(rule_class().check(model, context))
    return sorted(_unique(findings), key=lambda f: f.sort_key)


def _unique(findings: Iterable[Finding]) -> List[Finding]:
    seen = set()
    out = []
    for finding in findings:
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _unshift(finding: Finding, shifts: Dict[int, int]) -> Finding:
    """Put columns on re-indented lines (see repair.py) back where the file has them."""

    def move(span: Span) -> Span:
        if span.line not in shifts:
            return span
        end = span.end_column - shifts[span.line] if span.end_line == span.line else span.end_column
        return Span(span.line, max(1, span.column - shifts[span.line]), span.end_line, max(1, end))

    related = tuple(replace(r, span=move(r.span)) for r in finding.related)
    return replace(finding, span=move(finding.span), related=related)


def _shift(finding: Finding, columns: int) -> Finding:
    """Put a finding from a dedented fragment back at the columns of the original text."""

    def move(span: Span) -> Span:
        return Span(span.line, span.column + columns, span.end_line, span.end_column + columns)

    related = tuple(replace(r, span=move(r.span)) for r in finding.related)
    return replace(finding, span=move(finding.span), related=related)
