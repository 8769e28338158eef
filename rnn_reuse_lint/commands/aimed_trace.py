"""Trace files as `check --dynamic` does: aimed at their findings, under the findings' assumptions, TF 1.x if needed."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from rnn_reuse_lint.finding import FileResult, Finding
from rnn_reuse_lint.settings import Settings


def findings_of(paths: Sequence[str], settings: Settings) -> List[FileResult]:
    """What `check` reports for each path, in order: each file under its own settings (its project's TensorFlow pin),
    per-file-ignores applied, `# noqa` findings kept apart as suppressed."""
    from rnn_reuse_lint.commands.check import lint_file
    from rnn_reuse_lint.file_settings import FileSettings

    settings_of = FileSettings(settings)
    return [lint_file(path, settings_of(path)) for path in paths]


def trace_aimed(paths: Sequence[str], results: Sequence[FileResult], settings: Settings, *,
                timeout: Optional[float] = None, python: Optional[str] = None,
                defines: Optional[Mapping[str, str]] = None,
                progress: Optional[Callable[[int, str], None]] = None) -> List[Dict[str, Any]]:
    """One trace per path, in order (dynamic.api.trace_files). A path's findings in `results`, reported or silenced,
    give the lines its synthesized values aim at and the assumptions given to those lines (two or more layers, a
    standard cell from the caller: assumptions.forced_lines); a file stopped by a TF-1-only API is traced again under
    settings.tf1_python when one is configured. timeout, python, defines: the settings' unless given."""
    from rnn_reuse_lint.dynamic.api import trace_files
    from rnn_reuse_lint.dynamic.assumptions import forced_lines

    lines: Dict[str, List[int]] = {}
    force: Dict[str, List[Dict[str, object]]] = {}
    for result in results:
        found: Sequence[Finding] = (*result.findings, *result.suppressed)
        if found:
            lines[result.path] = sorted({f.span.line for f in found})
            force[result.path] = forced_lines(found)
    return trace_files(paths, timeout=settings.timeout if timeout is None else timeout,
                       python=python or settings.python,
                       defines=settings.defines if defines is None else defines,
                       targets=lines, force=force, tf1_python=settings.tf1_python, progress=progress)
