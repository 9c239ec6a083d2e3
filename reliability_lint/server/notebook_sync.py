"""LSP 3.17 notebook documents: a notebook's Python cells checked together as `check`
checks the .ipynb, each cell given its own diagnostics and quick fixes in its own
coordinates, "fix all safe" writing into the cells it changes."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from reliability_lint.server import notebooks
from reliability_lint.server.lsp import (
    FIX_ALL_KIND, ReliabilityServer, closed, config_check, config_problem, diagnostic, fix_all_action, lsp_range,
    overlaps, problems, relint, schedule, server, text_edits, wants_kind,
)  # fmt: skip


def notebook_path(notebook: types.NotebookDocument) -> Path:
    return Path(to_fs_path(notebook.uri) or notebook.uri).absolute()


def _cells(ls: ReliabilityServer, notebook: types.NotebookDocument) -> tuple[list[TextDocument], list[str | None]]:
    """Each cell's text document, and its text if it is a Python code cell (None if not)."""
    documents, sources = [], []
    for cell in notebook.cells:
        document = ls.workspace.get_text_document(cell.document)
        documents.append(document)
        python = cell.kind == types.NotebookCellKind.Code and document.language_id in (None, "python")
        sources.append(document.source if python else None)
    return documents, sources


def _cell_range(document: TextDocument, placed: notebooks.CellFinding) -> types.Range:
    return lsp_range(document, (placed.start[0] + 1, placed.start[1]), (placed.end[0] + 1, placed.end[1]))


async def publish_notebook(ls: ReliabilityServer, uri: str) -> None:
    notebook = ls.workspace.get_notebook_document(notebook_uri=uri)
    if notebook is None:
        return
    version = notebook.version
    documents, sources = _cells(ls, notebook)
    by_cell: dict[str, list[types.Diagnostic]] = {document.uri: [] for document in documents}
    stale: list[str] = []
    try:
        placed, outcome = await asyncio.to_thread(notebooks.diagnose, ls.linter, notebook_path(notebook), sources)
        for found in placed:
            document = documents[found.cell]
            by_cell[document.uri].append(diagnostic(document, found.finding, _cell_range(document, found), outcome.docs_url))
        stale = outcome.stale
    except problems() as exc:
        if documents:
            by_cell[documents[0].uri].append(config_problem(exc))
    current = ls.workspace.get_notebook_document(notebook_uri=uri)
    if current is None or current.version != version:
        return  # edited or closed meanwhile
    for gone in ls.published.get(uri, set()) - set(by_cell):  # cells deleted since
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=gone, diagnostics=[]))
    ls.published[uri] = set(by_cell)
    for document in documents:
        params = types.PublishDiagnosticsParams(uri=document.uri, version=document.version, diagnostics=by_cell[document.uri])
        ls.text_document_publish_diagnostics(params)
    relint(ls, stale)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
async def did_open_notebook(ls: ReliabilityServer, params: types.DidOpenNotebookDocumentParams) -> None:
    notebook = params.notebook_document
    ls.targets[str(notebook_path(notebook))] = notebook.uri
    schedule(ls, notebook.uri, 0)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
async def did_change_notebook(ls: ReliabilityServer, params: types.DidChangeNotebookDocumentParams) -> None:
    schedule(ls, params.notebook_document.uri, ls.debounce)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
async def did_save_notebook(ls: ReliabilityServer, params: types.DidSaveNotebookDocumentParams) -> None:
    schedule(ls, params.notebook_document.uri, 0)
    await config_check(ls)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
async def did_close_notebook(ls: ReliabilityServer, params: types.DidCloseNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    closed(ls, uri)
    cells = ls.published.pop(uri, set()) | {cell.uri for cell in params.cell_text_documents}
    for cell in sorted(cells):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=cell, diagnostics=[]))


async def cell_code_actions(ls: ReliabilityServer, notebook: types.NotebookDocument, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The quick fixes of a cell's findings in the range, their edits in the cells they
    change, and "fix all safe" for the notebook."""
    documents, sources = _cells(ls, notebook)
    position = next((i for i, d in enumerate(documents) if d.uri == params.text_document.uri), None)
    if position is None or sources[position] is None:
        return []
    document = documents[position]

    def in_range(found: notebooks.CellFinding) -> bool:
        return found.cell == position and overlaps(_cell_range(document, found), params.range)

    path = notebook_path(notebook)
    actions: list[types.CodeAction] = []
    try:
        docs_url = ls.linter.settings_for(path).docs_url
        if wants_kind(params.context.only, types.CodeActionKind.QuickFix):
            for found in await asyncio.to_thread(notebooks.with_fixes, ls.linter, path, sources, in_range):
                fix = found.finding.fix
                assert fix is not None
                unsafe = fix.applicability != "safe"
                changes = {documents[cell].uri: text_edits(documents[cell], edits) for cell, edits in found.edits.items() if edits}
                if not changes:
                    continue
                actions.append(
                    types.CodeAction(
                        title=f"{found.finding.code}: {fix.message}{' (unsafe)' if unsafe else ''}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic(document, found.finding, _cell_range(document, found), docs_url)],
                        is_preferred=not unsafe,
                        edit=types.WorkspaceEdit(changes=changes),
                    )
                )
        if wants_kind(params.context.only, FIX_ALL_KIND):
            placed, _ = await asyncio.to_thread(notebooks.diagnose, ls.linter, path, sources, False)
            if any(p.finding.fix is not None and p.finding.fix.applicability == "safe" for p in placed):
                actions.append(fix_all_action(notebook.uri))
    except problems():
        return []
    return actions


async def fix_notebook(ls: ReliabilityServer, notebook: types.NotebookDocument) -> dict[str, Any]:
    """Apply every safe fix to the notebook's cells: one edit of each cell it changes."""
    documents, sources = _cells(ls, notebook)
    fixed = await asyncio.to_thread(notebooks.fix_all, ls.linter, notebook_path(notebook), sources)
    if not fixed:
        return {"applied": False, "reason": "nothing to fix"}
    changes = []
    for cell, text in sorted(fixed.items()):
        document = documents[cell]
        whole = types.Range(types.Position(0, 0), types.Position(len(document.lines), 0))
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=document.uri, version=document.version),
                edits=[types.TextEdit(range=whole, new_text=text)],
            )
        )
    params = types.ApplyWorkspaceEditParams(edit=types.WorkspaceEdit(document_changes=changes), label="reliability-lint: fix all")
    response = await ls.workspace_apply_edit_async(params)
    return {"applied": bool(response.applied)}
