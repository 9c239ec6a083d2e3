"""Notebook documents (LSP 3.17) in `reliability-lint server`: diagnostics per cell in the
cell's coordinates, as `check` places them in the saved notebook; quick fixes and "fix
all" as edits of the cells. Driven by a real LSP client process over stdio."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.conftest import run_tool
from tests.lsp_client import LspClient
from tests.test_server import _apply

SETUP = "%matplotlib inline\nimport requests\n"
LOAD = 'try:\n    r = requests.get("https://example.com/🙂")\nexcept:\n    pass\n!pip install x'
SECRET = "%env STRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nprint(1)\n"


def _cells(uri: str, texts: list[tuple[str, str]]) -> tuple[list[dict], list[dict]]:
    cells, documents = [], []
    for number, (language, text) in enumerate(texts):
        cell_uri = f"vscode-notebook-cell:{uri[len('file://'):]}#C{number}"
        cells.append({"kind": 1 if language == "markdown" else 2, "document": cell_uri})
        documents.append({"uri": cell_uri, "languageId": language, "version": 1, "text": text})
    return cells, documents


@pytest.fixture
def session(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n", encoding="utf-8")
    client = LspClient(tmp_path)
    capabilities = client.initialize(tmp_path)["capabilities"]
    selector = capabilities["notebookDocumentSync"]["notebookSelector"]
    assert selector == [{"notebook": "jupyter-notebook", "cells": [{"language": "python"}]}]
    yield client, tmp_path
    client.close()


def _open_notebook(client: LspClient, path: Path, texts: list[tuple[str, str]]) -> list[str]:
    uri = path.as_uri()
    cells, documents = _cells(uri, texts)
    notebook = {"uri": uri, "notebookType": "jupyter-notebook", "version": 1, "cells": cells}
    client.notify("notebookDocument/didOpen", {"notebookDocument": notebook, "cellTextDocuments": documents})
    return [cell["document"] for cell in cells]


def _cli_positions(folder: Path, texts: list[tuple[str, str]]) -> set[tuple[int, int, int, str]]:
    """(cell index, 0-based line, column, code) as `check` reports the saved notebook."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(text) if language == "markdown" else nbformat.v4.new_code_cell(text)
        for language, text in texts
    ]
    nbformat.write(notebook, folder / "saved.ipynb")
    output = run_tool("check", "--output-format", "concise", "saved.ipynb", cwd=folder).stdout
    found = re.findall(r"cell (\d+), line (\d+), col (\d+): (REL\d+)", output)
    return {(int(cell) - 1, int(line) - 1, int(col) - 1, code) for cell, line, col, code in found}


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_cells_get_the_diagnostics_check_gives_the_notebook(session) -> None:
    client, folder = session
    texts = [("python", SETUP), ("markdown", "# Loading\n\nrequests.get(url) in prose"), ("python", LOAD)]
    setup, prose, load = _open_notebook(client, folder / "explore.ipynb", texts)
    by_cell = {uri: client.diagnostics(uri, 1) for uri in (setup, prose, load)}
    assert by_cell[setup] == [] and by_cell[prose] == []  # magics masked, prose not code
    mine = {(2, d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"]) for d in by_cell[load]}
    assert mine == _cli_positions(folder, texts)
    assert {code for *_, code in mine} == {"REL101", "REL102", "REL204"}
    call = next(d for d in by_cell[load] if d["code"] == "REL204")
    line = LOAD.splitlines()[1]
    assert call["range"] == {
        "start": {"line": 1, "character": 8},
        "end": {"line": 1, "character": _utf16(line)},  # past the emoji: two UTF-16 units
    }
    handler = next(d for d in by_cell[load] if d["code"] == "REL102")
    assert handler["range"]["start"]["line"] == 2 and handler["range"]["end"]["line"] >= 2


def test_a_secret_on_a_magic_line_is_placed_in_its_cell(session) -> None:
    client, folder = session
    (cell,) = _open_notebook(client, folder / "keys.ipynb", [("python", SECRET)])
    (found,) = client.diagnostics(cell, 1)
    assert found["code"] == "REL302" and "sk_live_4eC39" not in found["message"]
    start = SECRET.index("sk_live")
    assert found["range"]["start"] == {"line": 0, "character": start}
    assert found["range"]["end"]["line"] == 0 and found["range"]["end"]["character"] > start


def test_changes_quick_fixes_fix_all_and_close(session) -> None:
    client, folder = session
    path = folder / "explore.ipynb"
    setup, load = _open_notebook(client, path, [("python", SETUP), ("python", LOAD)])
    client.diagnostics(setup, 1)
    diagnostics = {d["code"]: d for d in client.diagnostics(load, 1)}

    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": load}, "range": diagnostics["REL204"]["range"], "context": {"diagnostics": [diagnostics["REL204"]]}},
    )
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert [a["title"] for a in quick] == ["REL204: Add `timeout=30`"]
    assert list(quick[0]["edit"]["changes"]) == [load]
    fixed = _apply(LOAD, quick[0]["edit"]["changes"][load])
    assert 'requests.get("https://example.com/🙂", timeout=30)' in fixed
    assert "fix all" in actions[-1]["title"] and actions[-1]["command"]["arguments"] == [path.as_uri()]

    # The user applies it: the client sends the cell's new text, the diagnostics follow.
    change = {"cells": {"textContent": [{"document": {"uri": load, "version": 2}, "changes": [{"text": fixed}]}]}}
    client.notify("notebookDocument/didChange", {"notebookDocument": {"uri": path.as_uri(), "version": 2}, "change": change})
    assert {d["code"] for d in client.diagnostics(load, 2)} == {"REL101", "REL102"}

    # A cell inserted before it: positions stay per cell, the new cell gets its own.
    new_cell = f"vscode-notebook-cell:{path}#NEW"
    structure = {
        "array": {"start": 1, "deleteCount": 0, "cells": [{"kind": 2, "document": new_cell}]},
        "didOpen": [{"uri": new_cell, "languageId": "python", "version": 1, "text": "requests.post(URL)\n"}],
    }
    client.notify("notebookDocument/didChange", {"notebookDocument": {"uri": path.as_uri(), "version": 3}, "change": {"cells": {"structure": structure}}})
    (post,) = client.diagnostics(new_cell, 1)
    assert post["code"] == "REL204" and post["range"]["start"] == {"line": 0, "character": 0}
    assert {d["range"]["start"]["line"] for d in client.diagnostics(load, 2)} == {2}

    client.reply_to_requests = lambda message: {"applied": True}
    result = client.request("workspace/executeCommand", {"command": "reliability-lint.applyFixAll", "arguments": [load]})
    assert result == {"applied": True}
    (apply_edit,) = [m for m in client.server_requests if m["method"] == "workspace/applyEdit"]
    edits = {change["textDocument"]["uri"]: change["edits"] for change in apply_edit["params"]["edit"]["documentChanges"]}
    assert set(edits) == {new_cell}  # the only safe fix left; the other cells are not rewritten
    assert edits[new_cell][0]["newText"] == "requests.post(URL, timeout=30)\n"

    client.notify("notebookDocument/didClose", {"notebookDocument": {"uri": path.as_uri()}, "cellTextDocuments": [{"uri": load}]})
    cleared = {uri: client.diagnostics(uri) for uri in (setup, load, new_cell)}
    assert all(diagnostics == [] for diagnostics in cleared.values())


def test_a_notebook_reads_the_workspace_modules(session) -> None:
    client, folder = session
    (folder / "helpers.py").write_text("from google.cloud import bigquery\n\nclient = bigquery.Client()\n", encoding="utf-8")
    (cell,) = _open_notebook(client, folder / "q.ipynb", [("python", "from helpers import client\nclient.query('SELECT 1').result()\n")])
    assert {d["code"] for d in client.diagnostics(cell, 1)} == {"REL201", "REL202"}
    helpers = (folder / "helpers.py").as_uri()
    text = "client = None\n"
    client.notify("textDocument/didOpen", {"textDocument": {"uri": helpers, "languageId": "python", "version": 1, "text": text}})
    assert client.diagnostics(cell, 1, timeout=30) == []  # the helper's open buffer, not its file


def test_an_ipynb_opened_as_text_is_checked_as_the_file(session) -> None:
    import json

    client, folder = session
    texts = [("python", SETUP), ("python", LOAD)]
    _cli_positions(folder, texts)  # writes saved.ipynb
    path = folder / "saved.ipynb"
    reported = json.loads(run_tool("check", "--output-format", "json", "saved.ipynb", cwd=folder).stdout)
    expected = {(f["code"], f["location"]["row"] - 1, f["location"]["column"] - 1) for f in reported}
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8")
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
    found = {(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in client.diagnostics(uri, 1)}
    assert found == expected and len(found) == 3
