"""The language server: diagnostics on open, change (debounced) and save; a quick fix per
finding that has one; "fix all safe" as a source action and as a command. Notebook
documents are handled in notebook_sync; both share `publish` and `schedule`.

A document is linted with the project index of its project, the open buffers standing
for their modules: an edit in one buffer re-lints the open documents that read it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from collections.abc import Sequence
from enum import Enum
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition, ServerTextRange

from reliability_lint import __version__
from reliability_lint.findings import Edit, Finding
from reliability_lint.registry import REGISTRY
from reliability_lint.server.linting import Linter

NAME = "reliability-lint"
FIX_ALL_COMMAND = "reliability-lint.applyFixAll"
FIX_ALL_KIND = "source.fixAll.reliability-lint"
DEBOUNCE_SECONDS = 0.3
SEVERITY = {
    "P0": types.DiagnosticSeverity.Error,
    "P1": types.DiagnosticSeverity.Error,
    "P2": types.DiagnosticSeverity.Warning,
    "P3": types.DiagnosticSeverity.Information,
}


NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")])
    ],
    save=True,
)
WATCHED = ("**/*.py", "**/*.pyi", "**/pyproject.toml")


class ReliabilityServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental, notebook_document_sync=NOTEBOOK_SYNC
        )
        self.linter = Linter(self.folder_paths)
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.debounce = DEBOUNCE_SECONDS
        self.targets: dict[str, str] = {}  # an open document's absolute path -> its URI (a notebook's for its cells)
        self.published: dict[str, set[str]] = {}  # notebook URI -> the cell URIs last given diagnostics

    def folder_paths(self) -> list[Path]:
        if self.protocol._workspace is None:  # before initialize
            return []
        workspace = self.workspace
        uris = [folder.uri for folder in workspace.folders.values()]
        if workspace.root_uri:
            uris.append(workspace.root_uri)
        return [Path(path) for path in map(to_fs_path, uris) if path]


server = ReliabilityServer()


def document_path(document: TextDocument) -> Path:
    return Path(to_fs_path(document.uri) or document.uri)


def rule_url(code: str, docs_url: str | None = None) -> str | None:
    """The rule's page under the configured `docs-url`, else as shipped with the package (a
    file URI: it opens without network), else wherever its pack documents it."""
    from reliability_lint.pages import page_path
    from reliability_lint.report.links import rule_url as published

    rule = REGISTRY.rules.get(code)
    if rule is None:
        return None
    page = page_path(rule) if docs_url is None and not rule.url else None
    return page.as_uri() if page is not None else published(rule, docs_url)


def lsp_range(document: TextDocument, start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    server_range = ServerTextRange(ServerTextPosition(start[0] - 1, start[1]), ServerTextPosition(end[0] - 1, end[1]))
    return document.range_to_client_units(server_range)


def diagnostic(
    document: TextDocument, finding: Finding, where: types.Range | None = None, docs_url: str | None = None
) -> types.Diagnostic:
    """`where`: the range in the document, when it is not the finding's own (a cell);
    `docs_url`: the configuration's."""
    rule = REGISTRY.rules.get(finding.code)
    url = rule_url(finding.code, docs_url)
    return types.Diagnostic(
        range=where or lsp_range(document, (finding.line, finding.col), (finding.end_line, finding.end_col)),
        message=finding.message,
        severity=SEVERITY.get(rule.severity if rule else "P1", types.DiagnosticSeverity.Error),
        code=finding.code,
        code_description=types.CodeDescription(href=url) if url else None,
        source=NAME,
    )


def config_problem(exc: Exception) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"reliability-lint cannot read its configuration: {exc}",
        severity=types.DiagnosticSeverity.Error,
        code="REL000",
        source=NAME,
    )


def problems() -> tuple[type[Exception], ...]:
    from reliability_lint.config import ConfigError
    from reliability_lint.registry import RegistryError

    return (ConfigError, RegistryError)


async def publish(ls: ReliabilityServer, uri: str) -> None:
    if ls.workspace.get_notebook_document(notebook_uri=uri) is not None:
        from reliability_lint.server.notebook_sync import publish_notebook

        await publish_notebook(ls, uri)
        return
    document = ls.workspace.get_text_document(uri)
    version, text = document.version, document.source
    stale: list[str] = []
    try:
        outcome = await asyncio.to_thread(ls.linter.diagnose, document_path(document), text)
        diagnostics = [diagnostic(document, finding, docs_url=outcome.docs_url) for finding in outcome.findings]
        stale = outcome.stale
    except problems() as exc:
        diagnostics = [config_problem(exc)]
    if uri not in ls.workspace.text_documents or ls.workspace.get_text_document(uri).version != version:
        return  # edited meanwhile (the next run publishes) or closed
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics))
    relint(ls, stale)


def relint(ls: ReliabilityServer, documents: list[str]) -> None:
    """Lint again the open documents (by path) whose modules read something that changed."""
    for path in documents:
        uri = ls.targets.get(path)
        if uri is not None:
            schedule(ls, uri, 0)


def schedule(ls: ReliabilityServer, uri: str, delay: float) -> None:
    """Lint after `delay`, replacing a run still waiting for the same document."""
    previous = ls.pending.pop(uri, None)
    if previous is not None:
        previous.cancel()

    async def later() -> None:
        await asyncio.sleep(delay)
        await publish(ls, uri)

    ls.pending[uri] = asyncio.ensure_future(later())


def _is_module(path: Path) -> bool:
    return path.suffix in (".py", ".pyi")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ReliabilityServer, params: types.DidOpenTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    path = document_path(document).absolute()
    ls.targets[str(path)] = document.uri
    if _is_module(path):
        ls.linter.set_buffer(path, document.source)
    schedule(ls, params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: ReliabilityServer, params: types.DidChangeTextDocumentParams) -> None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    if _is_module(document_path(document)):
        ls.linter.set_buffer(document_path(document), document.source)  # for the dependents' next runs
    schedule(ls, params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ReliabilityServer, params: types.DidSaveTextDocumentParams) -> None:
    schedule(ls, params.text_document.uri, 0)
    await config_check(ls)


async def config_check(ls: ReliabilityServer) -> None:
    """A save may have been a configuration's (a client without file watching): lint again
    the documents whose configuration changed."""
    relint(ls, await asyncio.to_thread(ls.linter.config_changed))


def closed(ls: ReliabilityServer, uri: str) -> Path:
    """Forget a closed document (its pending lint, its target, what it read): its path."""
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    path = Path(to_fs_path(uri) or uri).absolute()
    ls.targets.pop(str(path), None)
    ls.linter.forget_document(path)
    return path


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: ReliabilityServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = closed(ls, uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    if _is_module(path):
        ls.linter.set_buffer(path, None)  # the file on disk again: its dependents may read it differently
        relint(ls, await asyncio.to_thread(ls.linter.dependents, path))


@server.feature(types.INITIALIZED)
async def initialized(ls: ReliabilityServer, params: types.InitializedParams) -> None:
    """Ask the client to report changes to modules and configurations on disk (a git
    checkout, another tool), when it can; without it, saves and each run's look at the
    files it read catch them."""
    try:
        dynamic = ls.client_capabilities.workspace.did_change_watched_files.dynamic_registration  # type: ignore[union-attr]
    except AttributeError:
        dynamic = False
    if not dynamic:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
    registration = types.Registration(id="reliability-lint-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
    ls.client_register_capability(types.RegistrationParams(registrations=[registration]))


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
async def folders_changed(ls: ReliabilityServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    """A file without a config has its project in the innermost folder: that may have moved."""
    for uri in list(ls.targets.values()):
        schedule(ls, uri, 0)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def watched_files_changed(ls: ReliabilityServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [Path(to_fs_path(change.uri) or change.uri).absolute() for change in params.changes]
    modules = [path for path in paths if _is_module(path)]
    layout = any(c.type != types.FileChangeType.Changed for c, p in zip(params.changes, paths) if _is_module(p))
    if modules:
        relint(ls, await asyncio.to_thread(ls.linter.files_changed, modules, layout))
    if len(modules) < len(paths):
        await config_check(ls)


def text_edits(document: TextDocument, edits: tuple[Edit, ...] | list[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=lsp_range(document, edit.start, edit.end), new_text=edit.content) for edit in edits]


def overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def _resolves_edits(ls: ReliabilityServer) -> bool:
    """Whether the client asks for a code action's edit only when it is chosen."""
    try:
        support = ls.client_capabilities.text_document.code_action.resolve_support  # type: ignore[union-attr]
    except AttributeError:
        return False
    return support is not None and "edit" in support.properties


def _quick_fix(document: TextDocument, finding: Finding, found: types.Diagnostic) -> types.CodeAction:
    assert finding.fix is not None
    unsafe = finding.fix.applicability != "safe"
    return types.CodeAction(
        title=f"{finding.code}: {finding.fix.message}{' (unsafe)' if unsafe else ''}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=not unsafe,
        edit=types.WorkspaceEdit(changes={document.uri: text_edits(document, finding.fix.edits)}) if finding.fix.edits else None,
        data={"uri": document.uri, "version": document.version, "at": [finding.code, finding.line, finding.col]},
    )


def _kind(kind: str) -> str:
    return kind.value if isinstance(kind, Enum) else kind  # str() of lsprotocol's enums is their name


def wants_kind(wanted: Sequence[str] | None, kind: str) -> bool:
    """Whether a request's `only` kinds ask for `kind` (a kind covers its sub-kinds)."""
    kind = _kind(kind)
    return not wanted or any(kind == w or kind.startswith(w + ".") or w.startswith(kind + ".") for w in map(_kind, wanted))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL_KIND],
        resolve_provider=True,
    ),
)
async def code_action(ls: ReliabilityServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Quick fixes for the findings in the range (their edits computed now, or when chosen
    if the client resolves code actions) and "fix all safe" as a command."""
    notebook = ls.workspace.get_notebook_document(cell_uri=params.text_document.uri)
    if notebook is not None:
        from reliability_lint.server.notebook_sync import cell_code_actions

        return await cell_code_actions(ls, notebook, params)
    document = ls.workspace.get_text_document(params.text_document.uri)
    wanted = params.context.only
    lazy = _resolves_edits(ls)

    def in_range(finding: Finding) -> bool:
        return overlaps(diagnostic(document, finding).range, params.range)

    path = document_path(document)
    try:
        docs_url = ls.linter.settings_for(path).docs_url
        if lazy:
            findings = (await asyncio.to_thread(ls.linter.diagnose, path, document.source, False)).findings
        else:
            findings = await asyncio.to_thread(ls.linter.with_fixes, path, document.source, in_range)
    except problems():
        return []
    actions: list[types.CodeAction] = []
    if wants_kind(wanted, types.CodeActionKind.QuickFix):
        for finding in findings:
            if finding.fix is None or not (lazy or finding.fix.edits) or not in_range(finding):
                continue
            actions.append(_quick_fix(document, finding, diagnostic(document, finding, docs_url=docs_url)))
    if wants_kind(wanted, FIX_ALL_KIND) and any(f.fix is not None and f.fix.applicability == "safe" for f in findings):
        actions.append(fix_all_action(document.uri))
    return actions


def fix_all_action(uri: str) -> types.CodeAction:
    title = "reliability-lint: fix all safe problems"
    return types.CodeAction(title=title, kind=FIX_ALL_KIND, command=types.Command(title=title, command=FIX_ALL_COMMAND, arguments=[uri]))


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: ReliabilityServer, action: types.CodeAction) -> types.CodeAction:
    """The edit of the quick fix the user chose, computed against the current text."""
    data = action.data if isinstance(action.data, dict) else {}
    uri, at = data.get("uri"), data.get("at")
    if not isinstance(uri, str) or not isinstance(at, list) or len(at) != 3:
        return action
    document = ls.workspace.get_text_document(uri)
    if document.version != data.get("version"):
        return action  # the text changed: no edit is better than a misplaced one
    code, line, col = at

    def chosen(finding: Finding) -> bool:
        return (finding.code, finding.line, finding.col) == (code, line, col)

    try:
        findings = await asyncio.to_thread(ls.linter.with_fixes, document_path(document), document.source, chosen)
    except problems():
        return action
    for finding in findings:
        if chosen(finding) and finding.fix is not None and finding.fix.edits:
            action.edit = types.WorkspaceEdit(changes={uri: text_edits(document, finding.fix.edits)})
    return action


@server.command(FIX_ALL_COMMAND)
async def fix_all(ls: ReliabilityServer, *args: Any) -> dict[str, Any]:
    """Apply every safe fix to the document named by the first argument (its URI)."""
    uri = args[0] if args and isinstance(args[0], str) else None
    if uri is None:
        return {"applied": False, "reason": "expects the document's URI"}
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri) or ls.workspace.get_notebook_document(cell_uri=uri)
    if notebook is not None:
        from reliability_lint.server.notebook_sync import fix_notebook

        return await fix_notebook(ls, notebook)
    document = ls.workspace.get_text_document(uri)
    text = document.source
    fixed = await asyncio.to_thread(ls.linter.fix_all, document_path(document), text)
    if fixed is None:
        return {"applied": False, "reason": "nothing to fix"}
    whole = types.Range(types.Position(0, 0), types.Position(len(document.lines), 0))
    edit = types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=document.version),
                edits=[types.TextEdit(range=whole, new_text=fixed)],
            )
        ]
    )
    response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="reliability-lint: fix all"))
    return {"applied": bool(response.applied)}


def main() -> None:
    from reliability_lint.server import notebook_sync  # noqa: F401 (registers the notebook features)

    server.start_io()
