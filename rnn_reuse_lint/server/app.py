"""The pygls server: document sync, debounced diagnostics that are never stale, code actions and hover."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from rnn_reuse_lint import __version__
from rnn_reuse_lint.finding import FileResult, Span
from rnn_reuse_lint.server import actions, hover
from rnn_reuse_lint.server.analysis import Analyzer, Explained, FileSettings, affects_settings
from rnn_reuse_lint.server.diagnostics import RuleDocs, diagnostics
from rnn_reuse_lint.server.documents import Snapshot, notebook_snapshot, path_of, python_snapshot
from rnn_reuse_lint.server.positions import from_client, split_lines

NAME = "rnn-reuse-lint"
DEFAULT_DEBOUNCE = 0.15  # seconds of quiet after a keystroke before the file is analysed again
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Linted:
    """The last analysis of a document: which snapshot, with which settings, and what it found."""

    snapshot: Snapshot
    settings: FileSettings
    result: FileResult


class RnnReuseServer(LanguageServer):
    """One document (or notebook) is one key; each key has at most one pending analysis."""

    def __init__(self, flags: argparse.Namespace, debounce: float = DEFAULT_DEBOUNCE) -> None:
        notebooks = types.NotebookDocumentSyncOptions(
            notebook_selector=[types.NotebookDocumentFilterWithCells(
                notebook="*", cells=[types.NotebookCellLanguage(language="python")])],
            save=True,
        )
        super().__init__(NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=notebooks)
        self.analyzer = Analyzer(flags)
        self.debounce = debounce
        self.docs = RuleDocs()
        # One analysis at a time, off the event loop, so requests and new edits are read while it runs.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rnn-reuse-lint")
        self.pending: Dict[str, "asyncio.Task[None]"] = {}
        self.linted: Dict[str, Linted] = {}
        self.published: Dict[str, Set[str]] = {}  # key -> the URIs it last published diagnostics for
        self.problems_shown: Set[str] = set()
        self.explained: Dict[str, Tuple[Snapshot, Optional[Explained]]] = {}  # key -> the model hover last read

    # ----------------------------------------------------------------------------------------------
    # Documents

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def key_of(self, uri: str) -> str:
        """A notebook cell is analysed as part of its notebook: the notebook's URI is the key."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        return notebook.uri if notebook is not None else uri

    def snapshot(self, key: str) -> Optional[Snapshot]:
        """The current version of an open document or notebook; None once it is closed."""
        notebook = self.workspace.get_notebook_document(notebook_uri=key)
        if notebook is not None:
            texts: Dict[str, str] = {}
            languages: Dict[str, str] = {}
            for cell in notebook.cells:
                document = self.workspace.text_documents.get(cell.document)
                if document is not None:
                    texts[cell.document] = document.source
                    languages[cell.document] = document.language_id or "python"
            return notebook_snapshot(notebook, texts, languages)
        document = self.workspace.text_documents.get(key)
        if document is None:
            return None
        return python_snapshot(key, document.source, document.version)

    # ----------------------------------------------------------------------------------------------
    # Analysis

    def schedule(self, key: str, delay: float) -> None:
        """Analyse `key` after `delay` seconds; whatever was pending or running for it is cancelled."""
        previous = self.pending.pop(key, None)
        if previous is not None:
            previous.cancel()
        self.pending[key] = asyncio.get_running_loop().create_task(self._lint_and_publish(key, delay))

    def lint_now(self, snapshot: Snapshot) -> Linted:
        """Runs in the worker thread."""
        settings = self.analyzer.settings_for(snapshot.path)
        if settings.excluded:
            return Linted(snapshot, settings, FileResult(snapshot.path))
        return Linted(snapshot, settings, self.analyzer.lint(snapshot, settings.settings))

    async def linted_now(self, key: str) -> Optional[Linted]:
        """The analysis of the current version of `key`, from the last publication when it is current."""
        snapshot = self.snapshot(key)
        if snapshot is None:
            return None
        known = self.linted.get(key)
        if known is not None and known.snapshot == snapshot:
            return known
        return await asyncio.get_running_loop().run_in_executor(self.worker, self.lint_now, snapshot)

    async def _lint_and_publish(self, key: str, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            snapshot = self.snapshot(key)
            if snapshot is None:
                return
            linted = await asyncio.get_running_loop().run_in_executor(self.worker, self.lint_now, snapshot)
            if self.snapshot(key) != snapshot:
                return  # the document changed (or closed) meanwhile: a newer analysis publishes
            self.linted[key] = linted
            self._show_problem(linted.settings)
            self.publish(key, linted)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in one analysis must not take the server down; the next edit retries
            logger.exception("analysing %s failed", key)
        finally:
            if self.pending.get(key) is asyncio.current_task():
                del self.pending[key]

    def _show_problem(self, settings: FileSettings) -> None:
        if settings.problem and settings.problem not in self.problems_shown:
            self.problems_shown.add(settings.problem)
            self.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Error,
                message=f"rnn-reuse-lint: {settings.problem} (linting without that configuration)"))

    def publish(self, key: str, linted: Linted) -> None:
        by_uri = diagnostics(linted.snapshot, linted.result, self.encoding, self.docs)
        for uri in self.published.get(key, set()) - set(by_uri):
            by_uri[uri] = []  # a cell that left the notebook keeps no diagnostics
        for uri, found in by_uri.items():
            document = self.workspace.text_documents.get(uri)
            version = document.version if document is not None else None
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))
        self.published[key] = set(by_uri)

    def clear(self, key: str) -> None:
        task = self.pending.pop(key, None)
        if task is not None:
            task.cancel()
        self.linted.pop(key, None)
        self.explained.pop(key, None)
        for uri in self.published.pop(key, set()):
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def settings_changed(self) -> None:
        self.analyzer.forget_settings()
        self.problems_shown.clear()
        for key in list(self.published):
            self.schedule(key, 0)

    # ----------------------------------------------------------------------------------------------
    # Requests

    async def code_actions(self, params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        key = self.key_of(params.text_document.uri)
        linted = await self.linted_now(key)
        if linted is None:
            return None
        settings = linted.settings.settings

        def fix_all() -> Tuple[str, str]:
            return self.analyzer.fix_all(linted.snapshot, settings)

        def compute() -> List[types.CodeAction]:
            # The published diagnostics were linted without fixes: the quick fixes are planned on request.
            result = linted.result if linted.settings.excluded else \
                self.analyzer.lint(linted.snapshot, settings, fixes="plan")
            return actions.code_actions(linted.snapshot, result, params.text_document.uri, params.range,
                                        params.context.only, self.encoding, self.docs, fix_all)

        return await asyncio.get_running_loop().run_in_executor(self.worker, compute) or None

    async def hover(self, params: types.HoverParams) -> Optional[types.Hover]:
        uri = params.text_document.uri
        key = self.key_of(uri)
        snapshot = self.snapshot(key)
        if snapshot is None:
            return None
        if snapshot.cells is None:
            cell, lines = 1, split_lines(snapshot.text)
        else:
            numbers = [i for i, c in enumerate(snapshot.cells, start=1) if c.uri == uri]
            if not numbers:
                return None
            cell, lines = numbers[0], split_lines(snapshot.cells[numbers[0] - 1].text)
        point = from_client(lines, params.position, self.encoding)
        if point is None:
            return None

        def compute() -> Optional[str]:
            settings = self.analyzer.settings_for(snapshot.path).settings
            known = self.explained.get(key)
            if known is not None and known[0] == snapshot:
                explained = known[1]  # moving the mouse over one text builds its model once
            else:
                explained = self.analyzer.explained(snapshot, settings)
                self.explained[key] = (snapshot, explained)
            if explained is None:
                return None
            line = hover.engine_line(explained.notebook, cell, point.line)
            if line is None:
                return None
            runs = hover.runs_at(explained.model, Span(line, point.column, line, point.column),
                                 explained.column_offset)
            return hover.render(explained, runs, settings.tf_version) if runs else None

        text = await asyncio.get_running_loop().run_in_executor(self.worker, compute)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))


def create(flags: argparse.Namespace, debounce: float = DEFAULT_DEBOUNCE) -> RnnReuseServer:
    """A server with every feature registered; `flags` are the `server` command's (rule selection, config)."""
    server = RnnReuseServer(flags, debounce)

    @server.feature(types.INITIALIZE)
    def initialize(ls: RnnReuseServer, params: types.InitializeParams) -> None:
        options = params.initialization_options
        if isinstance(options, dict) and isinstance(options.get("ruleDocsUrl"), str):
            ls.docs = RuleDocs(options["ruleDocsUrl"])
        root = ls.workspace.root_path
        if root and os.path.isdir(root):
            os.chdir(root)  # as if `check` ran in the project: relative --exclude flags and paths shown

    @server.feature(types.INITIALIZED)
    def initialized(ls: RnnReuseServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            patterns = ["**/pyproject.toml", "**/setup.cfg", "**/requirements*.txt", "**/requirements*.in",
                        "**/environment.yml", "**/environment.yaml"]
            ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
                id="rnn-reuse-lint-settings-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=p) for p in patterns]))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RnnReuseServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(ls.key_of(params.text_document.uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RnnReuseServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(ls.key_of(params.text_document.uri), ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: RnnReuseServer, params: types.DidSaveTextDocumentParams) -> None:
        if affects_settings(path_of(params.text_document.uri, "")):
            ls.settings_changed()
        else:
            ls.schedule(ls.key_of(params.text_document.uri), 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RnnReuseServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(ls: RnnReuseServer, params: types.DidOpenNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(ls: RnnReuseServer, params: types.DidChangeNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, ls.debounce)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(ls: RnnReuseServer, params: types.DidSaveNotebookDocumentParams) -> None:
        ls.schedule(params.notebook_document.uri, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(ls: RnnReuseServer, params: types.DidCloseNotebookDocumentParams) -> None:
        ls.clear(params.notebook_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(ls: RnnReuseServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(affects_settings(path_of(change.uri, "")) for change in params.changes):
            ls.settings_changed()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=list(actions.KINDS)))
    async def code_action(ls: RnnReuseServer, params: types.CodeActionParams) -> Optional[List[types.CodeAction]]:
        return await ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: RnnReuseServer, params: types.HoverParams) -> Optional[types.Hover]:
        return await ls.hover(params)

    return server


def serve(flags: argparse.Namespace, debounce: float = DEFAULT_DEBOUNCE) -> int:
    """Speak LSP on stdin/stdout until the client says exit."""
    create(flags, debounce).start_io()
    return 0
