"""The one entry the commands call: documents (explain or trace) -> an HTML page or a Markdown summary."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Dict, List, Mapping, Optional, Sequence

from rnn_reuse_lint.settings import Settings


def picture(fmt: str, files: Sequence[str], docs: Sequence[Mapping[str, Any]], settings: Optional[Settings],
            title: str) -> str:
    """`fmt` is "html" or "markdown"; with `settings`, each file's findings name the suspicious arrows."""
    from rnn_reuse_lint.views.html import render_findings, render_html
    from rnn_reuse_lint.views.markdown import render_markdown

    findings: List[List[Dict[str, Any]]] = []
    for path, doc in zip(files, docs):
        if settings is None or doc.get("error"):
            findings.append([])
            continue
        from rnn_reuse_lint.engine import analyze_file

        findings.append(render_findings(analyze_file(path, replace(settings, fixes="off")).findings))  # no fixes shown
    if fmt == "markdown":
        return render_markdown(docs, findings)
    return render_html(docs, findings, [source_lines(path) for path in files], title)


def source_lines(path: str) -> List[str]:
    """The file's lines for the page's click panel (undecodable bytes shown as U+FFFD)."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []
