"""The language server end to end: a real LSP client (pytest-lsp) drives `rnn-reuse-lint server` over stdio."""
from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, List, Optional, Sequence

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient, register_lsp_features  # noqa: E402

pytestmark = pytest.mark.slow  # each test starts a server process and drives it over stdio (4-6 s each)

SHARED = """\
import tensorflow as tf
cell = tf.nn.rnn_cell.LSTMCell(8)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)
outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)
"""
CLEAN = SHARED.replace("[cell] * 3", "[tf.nn.rnn_cell.LSTMCell(8) for _ in range(3)]")
TIMEOUT = 60.0  # generous: the shared CI machine may be busy


class Client(LanguageClient):
    """pytest-lsp's client, also keeping every publication (the stock one keeps only the last per URI)."""

    published: List[types.PublishDiagnosticsParams]


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    client.published = []

    def record(client: Client, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)

    features: Dict[str, Any] = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    register_lsp_features(client, features)
    return client


@contextlib.asynccontextmanager
async def session(root: Path, *flags: str, debounce: int = 50,
                  options: Optional[Dict[str, Any]] = None) -> AsyncIterator[Client]:
    client = make_client()
    await client.start_io(sys.executable, "-m", "rnn_reuse_lint", "server", "--debounce", str(debounce), *flags)
    try:
        await client.initialize_session(types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        ))
        yield client
        assert client.error is None, client.error
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            server.kill()  # a failed test never said `exit`: do not wait for the server forever
        await client.stop()


async def wait_for(client: Client, what: Callable[[], Any], timeout: float = TIMEOUT) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = what()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.02)


def publications(client: Client, uri: str) -> List[types.PublishDiagnosticsParams]:
    return [p for p in client.published if p.uri == uri]


async def diagnostics_for(client: Client, uri: str, version: Optional[int] = None) -> List[types.Diagnostic]:
    def latest() -> Optional[List[types.PublishDiagnosticsParams]]:
        found = [p for p in publications(client, uri) if version is None or p.version == version]
        return found or None

    found = await wait_for(client, latest)
    return list(found[-1].diagnostics)


def open_file(client: Client, path: Path, text: Optional[str] = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
        uri=uri, language_id="python", version=version, text=path.read_text() if text is None else text)))
    return uri


def change(client: Client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions, as VS Code counts) the way an editor does."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(position: types.Position) -> int:
        before = sum(len(line) for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for i, char in enumerate(line):
            if units >= position.character:
                return before + i
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line.rstrip("\r\n")) if position.line < len(lines) else len(text)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


def edits_of(action: types.CodeAction) -> List[types.TextEdit]:
    assert action.edit is not None and action.edit.document_changes
    out: List[types.TextEdit] = []
    for change in action.edit.document_changes:
        assert isinstance(change, types.TextDocumentEdit)
        out.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    return out


def check_json(path: Path) -> Dict[str, Any]:
    run = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "check", "--format", "json", path.name],
                         check=False, cwd=path.parent, capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1, 2) and run.stdout, run.stderr  # 2: no file could be analysed
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def same_as_check(diagnostics: Sequence[types.Diagnostic], report: Dict[str, Any]) -> None:
    """Codes, messages, start positions and related places equal `check --format json`'s (ASCII sources)."""
    expected = [(e["code"], e["message"], e["line"] - 1, e["column"] - 1, ()) for e in report["errors"]]
    expected += [(f["code"], f["message"], f["line"] - 1, f["column"] - 1,
                  tuple((r["message"], r["line"] - 1) for r in f["related"])) for f in report["findings"]]
    got = [(d.code, d.message, d.range.start.line, d.range.start.character,
            tuple((r.message, r.location.range.start.line) for r in d.related_information or ()))
           for d in diagnostics]
    assert sorted(got, key=str) == sorted(expected, key=str)


# --------------------------------------------------------------------------------------------------
# Diagnostics


@pytest.mark.asyncio
async def test_diagnostics_are_checks_findings_with_links_and_related_places(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path) as client:
        found = await diagnostics_for(client, open_file(client, path))
    same_as_check(found, check_json(path))
    (diagnostic,) = found
    assert diagnostic.severity == types.DiagnosticSeverity.Error and diagnostic.source == "rnn-reuse-lint"
    assert diagnostic.range == types.Range(types.Position(2, 8), types.Position(2, 47))
    (related,) = diagnostic.related_information or []
    assert related.location.uri == path.as_uri() and related.location.range.start == types.Position(1, 7)
    assert diagnostic.code_description is not None
    docs = Path(diagnostic.code_description.href.replace("file://", ""))
    text = docs.read_text()
    assert text.startswith("# RNN101 same-cell-in-several-layers") and "## Why is this bad?" in text


@pytest.mark.asyncio
async def test_rule_docs_link_template_from_initialization_options(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path, options={"ruleDocsUrl": "https://example.invalid/rules/{code}-{name}"}) as client:
        (diagnostic,) = await diagnostics_for(client, open_file(client, path))
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == "https://example.invalid/rules/RNN101-same-cell-in-several-layers"


@pytest.mark.asyncio
async def test_config_pin_and_noqa_apply_as_in_check(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.rnn-reuse-lint]\nignore = ["RNN103", "RNN104"]\n')
    (project / "requirements.txt").write_text("tensorflow==1.0.1\n")
    path = project / "model.py"
    path.write_text(SHARED + "cell2 = tf.nn.rnn_cell.GRUCell(4)\n"
                    "again = tf.nn.rnn_cell.MultiRNNCell([cell2] * 2)  # noqa: RNN101\n"
                    "o2, s2 = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)\n")
    report = check_json(path)
    assert [f["code"] for f in report["findings"]] == ["RNN101"]  # RNN103/RNN104 ignored by config, one noqa'd
    async with session(tmp_path) as client:
        found = await diagnostics_for(client, open_file(client, path))
    same_as_check(found, report)
    assert "TF 1.0" in found[0].message  # the pin in requirements.txt, as `check` reads it


@pytest.mark.asyncio
async def test_a_bad_config_is_shown_once_and_the_file_still_linted(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rnn-reuse-lint]\nselect = "RNN1"\ntf-version = "7"\n')
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text(SHARED)
    second.write_text(SHARED)
    async with session(tmp_path) as client:
        assert [d.code for d in await diagnostics_for(client, open_file(client, first))] == ["RNN101"]
        assert [d.code for d in await diagnostics_for(client, open_file(client, second))] == ["RNN101"]
        shown = [m.message for m in client.messages if m.type == types.MessageType.Error]
    assert len(shown) == 1 and "tf-version" in shown[0] and "linting without that configuration" in shown[0]


@pytest.mark.asyncio
async def test_a_changed_config_file_relints_open_files(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    config = tmp_path / "pyproject.toml"
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        assert [d.code for d in await diagnostics_for(client, uri)] == ["RNN101"]
        config.write_text('[tool.rnn-reuse-lint]\nignore = ["RNN101"]\n')
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]))
        await wait_for(client, lambda: not publications(client, uri)[-1].diagnostics)


@pytest.mark.asyncio
async def test_flags_are_the_base_settings(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path, "--ignore", "RNN101") as client:
        assert await diagnostics_for(client, open_file(client, path)) == []


@pytest.mark.asyncio
async def test_a_file_that_does_not_parse_gets_what_check_gives_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text(SHARED + "def broken(:\n    pass\n")
    report = check_json(path)
    # The line Python rejects is skipped and reported as RNN000 beside the findings of the rest (issue 14).
    assert [f["code"] for f in report["findings"]] == ["RNN101", "RNN000"] and not report["errors"]
    async with session(tmp_path) as client:
        found = await diagnostics_for(client, open_file(client, path))
    same_as_check(found, report)
    assert any(d.code == "RNN000" for d in found)


@pytest.mark.asyncio
async def test_edits_publish_only_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(CLEAN)
    async with session(tmp_path, debounce=400) as client:
        uri = open_file(client, path)
        assert await diagnostics_for(client, uri, version=1) == []
        for version in range(2, 8):  # keystrokes closer together than the debounce
            change(client, uri, version, SHARED if version % 2 == 0 else CLEAN)
        change(client, uri, 8, SHARED)
        found = await diagnostics_for(client, uri, version=8)
        assert [d.code for d in found] == ["RNN101"]
        await asyncio.sleep(0.6)  # nothing older may arrive after the newest
        versions = [p.version for p in publications(client, uri)]
    assert versions == [1, 8]


@pytest.mark.asyncio
async def test_without_debounce_an_analysis_overtaken_by_an_edit_is_dropped(tmp_path: Path) -> None:
    filler = "".join(f"def helper_{i}(x):\n    return x + {i}\n" for i in range(400))  # slows each analysis
    texts = {True: SHARED + filler, False: CLEAN + filler}
    path = tmp_path / "model.py"
    path.write_text(texts[False])
    async with session(tmp_path, debounce=0) as client:
        uri = open_file(client, path)
        for version in range(2, 13):
            change(client, uri, version, texts[version % 2 == 0])
            await asyncio.sleep(0.01)
        found = await diagnostics_for(client, uri, version=12)
        await asyncio.sleep(0.5)
        seen = publications(client, uri)
    assert [d.code for d in found] == ["RNN101"]
    versions = [p.version for p in seen]
    assert len(versions) <= 5  # most of the 11 analyses were cancelled or dropped, not published late
    assert versions == sorted(versions) and versions[-1] == 12  # nothing older after anything newer
    for published in seen:  # and each publication describes the text of its own version
        assert published.version is not None
        assert [d.code for d in published.diagnostics] == (["RNN101"] if published.version % 2 == 0 else [])


@pytest.mark.asyncio
async def test_closing_cancels_pending_work_and_clears(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path, debounce=300) as client:
        uri = open_file(client, path)
        assert await diagnostics_for(client, uri, version=1)
        change(client, uri, 2, SHARED + "\n")
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
        await wait_for(client, lambda: not publications(client, uri)[-1].diagnostics)
        await asyncio.sleep(0.5)
        assert not publications(client, uri)[-1].diagnostics  # the pending analysis never published


@pytest.mark.asyncio
async def test_columns_are_utf16_code_units(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    text = SHARED.replace("stack = ", 's = "\U0001F600"; stack = ')
    path.write_text(text, encoding="utf-8")
    async with session(tmp_path) as client:
        (diagnostic,) = await diagnostics_for(client, open_file(client, path))
    line = text.splitlines()[2]
    start = line.index("tf.nn.rnn_cell.MultiRNNCell")
    assert diagnostic.range.start == types.Position(2, start + 1)  # the emoji is two UTF-16 units


# --------------------------------------------------------------------------------------------------
# Code actions


async def actions_at(client: Client, uri: str, diagnostic: types.Diagnostic,
                     only: Optional[List[str]] = None) -> List[types.CodeAction]:
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=only)))
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


@pytest.mark.asyncio
async def test_safe_fix_is_the_preferred_quick_fix_and_lints_clean(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        (diagnostic,) = await diagnostics_for(client, uri)
        actions = await actions_at(client, uri, diagnostic)
        assert [a.title for a in actions] == ["Build a new `LSTMCell` for every layer (RNN101)",
                                              "Add `# noqa: RNN101` on this line"]  # fix-all only when asked
        assert actions[0].is_preferred and actions[0].kind == types.CodeActionKind.QuickFix
        assert actions[0].diagnostics and actions[0].diagnostics[0].code == "RNN101"
        fixed = apply(SHARED, edits_of(actions[0]))
        ast.parse(fixed)
        change(client, uri, 2, fixed)
        assert await diagnostics_for(client, uri, version=2) == []
    path.write_text(fixed)
    assert check_json(path)["findings"] == []


@pytest.mark.asyncio
async def test_unsafe_fix_is_a_second_action_that_says_why(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text("import tensorflow as tf\n"
                    "def build(x, layers):\n"
                    "    cell = tf.nn.rnn_cell.LSTMCell(8)\n"
                    "    stack = tf.nn.rnn_cell.MultiRNNCell([cell] * layers)\n"
                    "    size = cell.output_size\n"
                    "    return stack, size\n")
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        (diagnostic,) = await diagnostics_for(client, uri)
        actions = await actions_at(client, uri, diagnostic)
        unsafe = actions[0]
        assert not unsafe.is_preferred
        assert "unsafe: " in unsafe.title and "`cell` is also used at line 5" in unsafe.title
        fixed = apply(path.read_text(), edits_of(unsafe))
        ast.parse(fixed)
        change(client, uri, 2, fixed)
        assert await diagnostics_for(client, uri, version=2) == []
        # fix-all applies safe fixes only: nothing to offer here
        assert await actions_at(client, uri, diagnostic, only=["source.fixAll"]) == []


@pytest.mark.asyncio
async def test_noqa_action_silences_the_finding(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    text = SHARED.replace("[cell] * 3)", "[cell] * 3)  # noqa: E501")
    path.write_text(text)
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        (diagnostic,) = await diagnostics_for(client, uri)
        (noqa,) = [a for a in await actions_at(client, uri, diagnostic) if "noqa" in a.title]
        (edit,) = edits_of(noqa)
        assert "# noqa: E501, RNN101\n" in apply(text, [edit])
        # sent back as an incremental change (a range and its new text), as editors do
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)]))
        assert await diagnostics_for(client, uri, version=2) == []


@pytest.mark.asyncio
async def test_fix_all_source_action_fixes_every_safe_finding(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    text = SHARED + ("fw = tf.nn.rnn_cell.GRUCell(4)\n"
                     "out, st = tf.nn.bidirectional_dynamic_rnn(fw, fw, inputs, dtype=tf.float32, scope='bi')\n"
                     "print('done')\n")
    path.write_text(text)
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        found = await diagnostics_for(client, uri)
        assert {d.code for d in found} == {"RNN101", "RNN102"}
        (fix_all,) = await actions_at(client, uri, found[0], only=["source.fixAll"])
        assert fix_all.kind == "source.fixAll.rnn-reuse-lint"
        fixed = apply(text, edits_of(fix_all))
        ast.parse(fixed)
        assert fixed.endswith("print('done')\n")
        change(client, uri, 2, fixed)
        assert await diagnostics_for(client, uri, version=2) == []
    path.write_text(fixed)
    assert check_json(path)["findings"] == []


# --------------------------------------------------------------------------------------------------
# Hover


async def hover_text(client: Client, uri: str, line: int, character: int) -> Optional[str]:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=types.Position(line, character)))
    if result is None:
        return None
    assert isinstance(result.contents, types.MarkupContent) and result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


@pytest.mark.asyncio
async def test_hover_on_driver_stack_and_cell_shows_the_explain_table(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text(SHARED)
    async with session(tmp_path) as client:
        uri = open_file(client, path)
        on_driver = await hover_text(client, uri, 3, 22)
        on_stack = await hover_text(client, uri, 2, 20)
        on_cell = await hover_text(client, uri, 1, 12)
        on_import = await hover_text(client, uri, 0, 3)
    assert on_driver is not None and on_driver == on_stack == on_cell
    assert "**run 0**: `dynamic_rnn` at line 4, scope `rnn` (create)" in on_driver
    assert "| layer | cell | built at | variables | borrows from |" in on_driver
    assert "| 0 | `LSTMCell` | line 2 | `rnn/multi_rnn_cell/cell_0/lstm_cell/kernel`<br>" in on_driver
    assert "| 2 | `LSTMCell` | line 2 |" in on_driver and "| run 0 layer 0 |" in on_driver
    assert on_import is None


# --------------------------------------------------------------------------------------------------
# Notebooks


def open_notebook(client: Client, root: Path, cells: Sequence[tuple]) -> List[str]:
    uri = (root / "book.ipynb").as_uri()
    cell_uris = [f"vscode-notebook-cell:{root / 'book.ipynb'}#cell{i}" for i in range(len(cells))]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=uri, notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=kind, document=cell_uri) for (kind, _), cell_uri in zip(cells, cell_uris)]),
        cell_text_documents=[
            types.TextDocumentItem(uri=cell_uri, language_id="python" if kind == types.NotebookCellKind.Code
                                   else "markdown", version=1, text=text)
            for (kind, text), cell_uri in zip(cells, cell_uris)]))
    return cell_uris


@pytest.mark.asyncio
async def test_notebook_cells_get_their_diagnostics_actions_and_hover(tmp_path: Path) -> None:
    code, markdown = types.NotebookCellKind.Code, types.NotebookCellKind.Markup
    cells = [(code, "import tensorflow as tf\ncell = tf.nn.rnn_cell.LSTMCell(8)\n"),
             (markdown, "# A stack\nof `[cell] * 3`"),
             (code, "%matplotlib inline\nstack = tf.nn.rnn_cell.MultiRNNCell([cell] * 3)\n"
                    "outputs, state = tf.nn.dynamic_rnn(stack, inputs, dtype=tf.float32)\n")]
    async with session(tmp_path) as client:
        first, _, third = open_notebook(client, tmp_path, cells)
        (diagnostic,) = await diagnostics_for(client, third)
        assert await diagnostics_for(client, first) == []
        assert diagnostic.code == "RNN101" and "`cell` (cell 1, line 2)" in diagnostic.message
        assert diagnostic.range.start == types.Position(1, 8)
        (related,) = diagnostic.related_information or []
        assert related.location.uri == first and related.location.range.start.line == 1
        actions = await actions_at(client, third, diagnostic)
        assert [a.title for a in actions] == ["Add `# noqa: RNN101` on this line"]  # notebooks: no rewrites
        (edit,) = edits_of(actions[0])
        hover = await hover_text(client, third, 2, 20)
        assert hover is not None and "at cell 3, line 3" in hover and "| 0 | `LSTMCell` | cell 1, line 2 |" in hover
        # The user accepts the noqa action in cell 3: its diagnostics go away.
        new_text = apply(cells[2][1], [edit])
        book = types.VersionedNotebookDocumentIdentifier(uri=(tmp_path / "book.ipynb").as_uri(), version=2)
        client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=book,
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
                types.NotebookDocumentCellContentChanges(
                    document=types.VersionedTextDocumentIdentifier(uri=third, version=2),
                    changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)])]))))
        assert await diagnostics_for(client, third, version=2) == []


# --------------------------------------------------------------------------------------------------
# Robustness


@pytest.mark.asyncio
async def test_bad_input_never_kills_the_server(tmp_path: Path) -> None:
    garbage = "".join(chr(c) for c in range(0, 0xD7FF, 37)) + "\x00\x00import tensorflow LSTMCell"
    huge = SHARED + "x = 1\n" * 1_000_000  # ~6 MB: over the engine's size guard
    async with session(tmp_path) as client:
        bad = open_file(client, tmp_path / "garbage.py", garbage)
        big = open_file(client, tmp_path / "huge.py", huge)
        found = await diagnostics_for(client, bad)
        assert [d.code for d in found] == ["RNN000"] and "NUL" in found[0].message
        (too_big,) = await diagnostics_for(client, big)
        assert too_big.code == "RNN000"
        # Positions and ranges outside the document, documents nobody opened:
        assert await hover_text(client, bad, 10**6, 10**6) is None
        assert await hover_text(client, (tmp_path / "never-opened.py").as_uri(), 0, 0) is None
        assert await actions_at(client, bad, types.Diagnostic(
            types.Range(types.Position(10**6, 0), types.Position(10**6 + 3, 5)), "?")) == []
        change(client, (tmp_path / "never-opened.py").as_uri(), 2, "x")  # a change to an unknown document
        # Bytes no typed client would send: a body that is not JSON, a hover without a position.
        server = client._server
        assert server is not None and server.stdin is not None
        no_position = {"jsonrpc": "2.0", "id": 999, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": bad}}}
        for body in (b"{not json", json.dumps(no_position).encode()):
            server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await server.stdin.drain()
        # ... and the server still answers:
        path = tmp_path / "model.py"
        path.write_text(SHARED)
        assert [d.code for d in await diagnostics_for(client, open_file(client, path))] == ["RNN101"]


def test_bad_debounce_is_a_usage_error() -> None:
    run = subprocess.run([sys.executable, "-m", "rnn_reuse_lint", "server", "--debounce", "soon"], check=False,
                         capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert run.returncode == 2 and "not a number of milliseconds" in run.stderr
