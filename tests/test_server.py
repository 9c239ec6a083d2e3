"""`reliability-lint server` driven by a real LSP client process over stdio."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import run_tool
from tests.lsp_client import LspClient

CODE = 'import requests\n\n\ndef load():\n    try:\n        return requests.get("https://example.com")\n    except:\n        pass\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.reliability-lint]\nper-file-ignores = { "legacy/*" = ["REL102"] }\n', encoding="utf-8"
    )
    (tmp_path / "jobs").mkdir()
    (tmp_path / "legacy").mkdir()
    return tmp_path


@pytest.fixture
def client(project: Path):
    lsp = LspClient(project)
    capabilities = lsp.initialize(project)["capabilities"]
    assert capabilities["executeCommandProvider"]["commands"] == ["reliability-lint.applyFixAll"]
    yield lsp
    if lsp.process.poll() is None:
        lsp.process.kill()
        lsp.process.wait()


def _open(client: LspClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}})
    return uri


def _apply(text: str, edits: list[dict]) -> str:
    """Apply LSP text edits (UTF-16 columns) to text, last first."""
    lines = text.splitlines(keepends=True)

    def offset(position: dict) -> int:
        if position["line"] >= len(lines):
            return len(text)
        line = lines[position["line"]]
        units, chars = 0, 0
        while units < position["character"] and chars < len(line):
            units += len(line[chars].encode("utf-16-le")) // 2
            chars += 1
        return sum(len(item) for item in lines[: position["line"]]) + chars

    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        text = text[: offset(edit["range"]["start"])] + edit["newText"] + text[offset(edit["range"]["end"]) :]
    return text


def test_diagnostics_code_actions_fix_all_and_shutdown(client: LspClient, project: Path) -> None:
    path = project / "jobs" / "load.py"
    uri = _open(client, path, CODE)
    diagnostics = {d["code"]: d for d in client.diagnostics(uri, 1)}
    assert set(diagnostics) == {"REL101", "REL102", "REL204"}
    bare = diagnostics["REL101"]
    assert bare["range"] == {"start": {"line": 6, "character": 4}, "end": {"line": 6, "character": 10}}
    assert bare["severity"] == 1 and bare["source"] == "reliability-lint"
    page = bare["codeDescription"]["href"]
    assert page.startswith("file://") and page.endswith("REL101-bare-except.md") and Path(page[7:]).is_file()

    actions = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": diagnostics["REL204"]["range"], "context": {"diagnostics": [diagnostics["REL204"]]}},
    )
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert [a["title"] for a in quick] == ["REL204: Add `timeout=30`"]
    assert quick[0]["isPreferred"] is True
    fixed_call = _apply(CODE, quick[0]["edit"]["changes"][uri])
    assert 'requests.get("https://example.com", timeout=30)' in fixed_call

    at_except = client.request(
        "textDocument/codeAction",
        {"textDocument": {"uri": uri}, "range": bare["range"], "context": {"diagnostics": [bare]}},
    )
    unsafe = [a for a in at_except if a["kind"] == "quickfix"]
    assert unsafe and all(a["title"].endswith("(unsafe)") and a["isPreferred"] is False for a in unsafe)
    (fix_all,) = [a for a in at_except if a["kind"].startswith("source.fixAll")]

    result = client.request("workspace/executeCommand", fix_all["command"])
    assert result == {"applied": True}
    (apply,) = [r for r in client.server_requests if r["method"] == "workspace/applyEdit"]
    (change,) = apply["params"]["edit"]["documentChanges"]
    after = _apply(CODE, change["edits"])
    # The same text the command line gives for that file.
    expected = run_tool("fix", "--no-cache", "--stdin-filename", "jobs/load.py", "-", cwd=project, input=CODE).stdout
    assert after == expected != CODE
    assert not path.exists()  # the server edits the buffer, never the file

    assert client.close() == 0


def test_changes_are_debounced_and_saves_relint(client: LspClient, project: Path) -> None:
    uri = _open(client, project / "jobs" / "a.py", "x = 1\n")
    assert client.diagnostics(uri, 1) == []
    for version in (2, 3, 4):
        client.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": CODE[: 20 * version]}]},
        )
    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 5},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}, "text": CODE}],
        },
    )
    started = time.monotonic()
    diagnostics = client.diagnostics(uri, 5)
    assert time.monotonic() - started >= 0.25  # waited for the typing to pause
    assert {d["code"] for d in diagnostics} == {"REL101", "REL102", "REL204"}
    published = [n["params"].get("version") for n in client.notifications if n["method"] == "textDocument/publishDiagnostics"]
    assert published == [1, 5]  # the intermediate versions were never linted
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert {d["code"] for d in client.diagnostics(uri, 5)} == {"REL101", "REL102", "REL204"}
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert client.close() == 0


def test_the_configuration_nearest_the_document_applies(client: LspClient, project: Path, tmp_path: Path) -> None:
    uri = _open(client, project / "legacy" / "old.py", CODE)
    assert {d["code"] for d in client.diagnostics(uri, 1)} == {"REL101", "REL204"}  # per-file-ignores
    (project / "pyproject.toml").write_text('[tool.reliability-lint]\nunknown-key = 1\n', encoding="utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    (problem,) = client.diagnostics(uri, 1)
    assert "unknown key" in problem["message"] and "pyproject.toml" in problem["message"]
    assert client.close() == 0


def test_positions_are_utf16_code_units(client: LspClient, project: Path) -> None:
    text = 'import requests\nlabel = "🚀 données"; requests.get("u")\n'
    uri = _open(client, project / "jobs" / "emoji.py", text)
    (finding,) = client.diagnostics(uri, 1)
    start = finding["range"]["start"]
    # 🚀 is two UTF-16 code units: the call starts at character 20 in code units.
    assert start == {"line": 1, "character": len('label = "🚀 données"; '.encode("utf-16-le")) // 2}
    assert client.close() == 0


def test_a_resolving_client_gets_the_edit_when_it_chooses_the_fix(project: Path) -> None:
    lsp = LspClient(project)
    try:
        lsp.initialize(project, resolve=True)
        uri = _open(lsp, project / "jobs" / "lazy.py", CODE)
        bare = next(d for d in lsp.diagnostics(uri, 1) if d["code"] == "REL101")
        actions = lsp.request(
            "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": bare["range"], "context": {"diagnostics": [bare]}}
        )
        chosen = next(a for a in actions if a["title"].startswith("REL101"))
        assert "edit" not in chosen and chosen["title"].endswith("(unsafe)")
        resolved = lsp.request("codeAction/resolve", chosen)
        assert "except Exception:" in _apply(CODE, resolved["edit"]["changes"][uri])
        # After an edit the stored position is stale: no edit rather than a wrong one.
        lsp.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "\n" + CODE}]})
        assert "edit" not in lsp.request("codeAction/resolve", chosen)
        assert lsp.close() == 0
    finally:
        if lsp.process.poll() is None:
            lsp.process.kill()
            lsp.process.wait()


def test_code_actions_honour_the_kinds_asked_for(client: LspClient, project: Path) -> None:
    uri = _open(client, project / "jobs" / "kinds.py", CODE)
    found = client.diagnostics(uri, 1)
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}

    def kinds(only: list[str]) -> set[str]:
        actions = client.request(
            "textDocument/codeAction", {"textDocument": {"uri": uri}, "range": whole, "context": {"diagnostics": found, "only": only}}
        )
        return {action["kind"] for action in actions}

    assert kinds(["quickfix"]) == {"quickfix"}
    assert kinds(["source.fixAll"]) == {"source.fixAll.reliability-lint"}
    assert kinds(["source"]) == {"source.fixAll.reliability-lint"}
    assert kinds(["refactor"]) == set()
    assert client.close() == 0
