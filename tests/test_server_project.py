"""The language server and the project index: a buffer whose client comes from another
module of the workspace gets the findings `check` reports, the open buffers stand for
their modules, and changes on disk or to the configuration re-lint the open documents.
Driven by a real LSP client process over stdio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_tool
from tests.lsp_client import LspClient

BASE = """from google.cloud import bigquery


class BaseProcessor:
    def __init__(self) -> None:
        self.bq_client = bigquery.Client()
"""
NOT_BIGQUERY = BASE.replace("bigquery.Client()", "make_client()  # no longer BigQuery")
JOB = """from lib.base import BaseProcessor


class Job(BaseProcessor):
    def run(self):
        return self.bq_client.query("SELECT 1").result()
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Two modules, no package and no config: only the workspace root makes `lib` importable."""
    root = tmp_path / "ws"
    (root / "lib").mkdir(parents=True)
    (root / "jobs").mkdir()
    (root / "lib" / "base.py").write_text(BASE, encoding="utf-8")
    (root / "jobs" / "job.py").write_text(JOB, encoding="utf-8")
    return root


def _start(workspace: Path, tmp_path: Path, **options) -> LspClient:
    elsewhere = tmp_path / "elsewhere"  # an editor's server rarely starts in the project
    elsewhere.mkdir(exist_ok=True)
    client = LspClient(elsewhere)
    client.initialize(workspace, **options)
    return client


def _open(client: LspClient, path: Path, text: str | None = None) -> str:
    uri = path.as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri


def _replace_all(client: LspClient, uri: str, version: int, text: str) -> None:
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})


def _codes(diagnostics: list[dict]) -> list[str]:
    return sorted(d["code"] for d in diagnostics)


def test_a_client_from_another_module_is_found_as_check_finds_it(workspace: Path, tmp_path: Path) -> None:
    checked = run_tool("check", "--output-format", "json", "jobs/job.py", cwd=workspace)
    expected = sorted(f["code"] for f in json.loads(checked.stdout))
    assert expected == ["REL201", "REL202"]
    client = _start(workspace, tmp_path)
    try:
        uri = _open(client, workspace / "jobs" / "job.py")
        diagnostics = client.diagnostics(uri, 1)
        assert _codes(diagnostics) == expected
        result = next(d for d in diagnostics if d["code"] == "REL201")
        assert result["range"]["start"] == {"line": 5, "character": 15}
    finally:
        client.close()


def test_an_unsaved_base_class_buffer_updates_its_open_dependents(workspace: Path, tmp_path: Path) -> None:
    client = _start(workspace, tmp_path)
    try:
        job = _open(client, workspace / "jobs" / "job.py")
        assert _codes(client.diagnostics(job, 1)) == ["REL201", "REL202"]
        base = _open(client, workspace / "lib" / "base.py")
        assert client.diagnostics(base, 1) == []

        _replace_all(client, base, 2, NOT_BIGQUERY)  # typed, not saved
        assert client.diagnostics(job, 1, timeout=30) == []  # the dependent, at its own version
        assert (workspace / "lib" / "base.py").read_text(encoding="utf-8") == BASE

        _replace_all(client, base, 3, BASE + "\n\n# a comment changes nothing the job reads\n")
        assert _codes(client.diagnostics(job, 1, timeout=30)) == ["REL201", "REL202"]
        _replace_all(client, base, 4, BASE + "\n\n# still nothing\n")
        client.diagnostics(base, 4)
        with pytest.raises(TimeoutError):
            client.diagnostics(job, timeout=1.5)  # an edit that leaves the summary alone re-lints no dependent
        published = [m for m in client.notifications if m["method"] == "textDocument/publishDiagnostics" and m["params"]["uri"] == job]
        assert len(published) == 3

        _replace_all(client, base, 5, NOT_BIGQUERY)
        assert client.diagnostics(job, 1, timeout=30) == []
        client.notify("textDocument/didClose", {"textDocument": {"uri": base}})  # discarded: the disk counts again
        assert _codes(client.diagnostics(job, 1, timeout=30)) == ["REL201", "REL202"]
    finally:
        client.close()


def test_a_change_on_disk_reaches_the_open_dependents(workspace: Path, tmp_path: Path) -> None:
    client = _start(workspace, tmp_path, watch=True)
    try:
        registration = client.wait(lambda m: m.get("method") == "client/registerCapability", timeout=30)
        watchers = registration["params"]["registrations"][0]["registerOptions"]["watchers"]
        assert {"globPattern": "**/*.py"} in watchers and {"globPattern": "**/pyproject.toml"} in watchers
        job = _open(client, workspace / "jobs" / "job.py")
        assert _codes(client.diagnostics(job, 1)) == ["REL201", "REL202"]

        (workspace / "lib" / "base.py").write_text(NOT_BIGQUERY, encoding="utf-8")  # a git checkout
        change = {"uri": (workspace / "lib" / "base.py").as_uri(), "type": 2}
        client.notify("workspace/didChangeWatchedFiles", {"changes": [change]})
        assert client.diagnostics(job, 1, timeout=30) == []

        other_uri = _open(client, workspace / "jobs" / "other.py", JOB.replace("lib.base", "lib.extra"))
        assert client.diagnostics(other_uri, 1) == []  # lib.extra does not exist yet
        extra = workspace / "lib" / "extra.py"
        extra.write_text(BASE, encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": extra.as_uri(), "type": 1}]})
        assert _codes(client.diagnostics(other_uri, 1, timeout=30)) == ["REL201", "REL202"]
    finally:
        client.close()


def test_a_disk_change_is_seen_without_file_watching(workspace: Path, tmp_path: Path) -> None:
    client = _start(workspace, tmp_path)
    try:
        job = _open(client, workspace / "jobs" / "job.py")
        assert _codes(client.diagnostics(job, 1)) == ["REL201", "REL202"]
        (workspace / "lib" / "base.py").write_text(NOT_BIGQUERY, encoding="utf-8")
        _replace_all(client, job, 2, JOB + "\n")
        assert client.diagnostics(job, 2, timeout=30) == []
    finally:
        client.close()


def test_a_configuration_change_re_lints_the_open_documents(workspace: Path, tmp_path: Path) -> None:
    client = _start(workspace, tmp_path, watch=True)
    try:
        job = _open(client, workspace / "jobs" / "job.py")
        assert _codes(client.diagnostics(job, 1)) == ["REL201", "REL202"]
        config = workspace / "pyproject.toml"
        config.write_text('[tool.reliability-lint]\nignore = ["REL202"]\n', encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 1}]})
        assert _codes(client.diagnostics(job, 1, timeout=30)) == ["REL201"]

        # Without watching, saving any document is when the server looks.
        config.write_text('[tool.reliability-lint]\nignore = ["REL201"]\n', encoding="utf-8")
        client.notify("textDocument/didSave", {"textDocument": {"uri": job}})
        assert _codes(client.diagnostics(job, 1, timeout=30)) == ["REL202"]

        config.write_text("[tool.reliability-lint]\nignore = 3\n", encoding="utf-8")
        client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
        (problem,) = client.diagnostics(job, 1, timeout=30)
        assert problem["code"] == "REL000" and "pyproject.toml" in problem["message"]
    finally:
        client.close()


def test_the_innermost_workspace_folder_is_the_project_root(workspace: Path, tmp_path: Path) -> None:
    outer = tmp_path  # holds `ws`, where `lib` is not importable from
    client = LspClient(tmp_path)
    client.initialize(outer, folders=[outer])
    try:
        job = _open(client, workspace / "jobs" / "job.py")
        assert client.diagnostics(job, 1) == []  # unknown from there: not reported
        added = {"event": {"added": [{"uri": workspace.as_uri(), "name": "ws"}], "removed": []}}
        client.notify("workspace/didChangeWorkspaceFolders", added)
        assert _codes(client.diagnostics(job, 1, timeout=30)) == ["REL201", "REL202"]
    finally:
        client.close()


def test_rule_links_follow_the_configured_docs_url(workspace: Path, tmp_path: Path) -> None:
    (workspace / "pyproject.toml").write_text('[tool.reliability-lint]\ndocs-url = "https://docs.example.com/rules/"\n', encoding="utf-8")
    client = _start(workspace, tmp_path)
    try:
        job = _open(client, workspace / "jobs" / "job.py")
        links = {d["code"]: d["codeDescription"]["href"] for d in client.diagnostics(job, 1)}
        assert links["REL201"].startswith("https://docs.example.com/rules/REL201-") and links["REL201"].endswith(".md")
        actions = client.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": job}, "range": {"start": {"line": 5, "character": 15}, "end": {"line": 5, "character": 16}}, "context": {"diagnostics": []}},
        )
        attached = {d["code"]: d["codeDescription"]["href"] for a in actions for d in a.get("diagnostics", [])}
        assert attached and all(attached[code] == links[code] for code in attached)
    finally:
        client.close()


def test_the_summaries_check_cached_are_read_not_remade(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reliability_lint.semantic.index import Index
    from reliability_lint.server.linting import Linter

    (workspace / "pyproject.toml").write_text("[tool.reliability-lint]\n", encoding="utf-8")
    assert run_tool("check", ".", cwd=workspace).returncode == 1  # fills the cache, summaries included
    assert (workspace / ".reliability_lint_cache").is_dir()

    def remade(self: Index, src: object) -> None:
        raise AssertionError(f"summary of {getattr(src, 'path', src)} made again")

    monkeypatch.setattr(Index, "_make", remade)
    job = workspace / "jobs" / "job.py"
    linter = Linter(lambda: [workspace])
    outcome = linter.diagnose(job, job.read_text(encoding="utf-8"))
    assert sorted(f.code for f in outcome.findings) == ["REL201", "REL202"]

    linter.set_buffer(workspace / "lib" / "base.py", NOT_BIGQUERY)  # the unsaved buffer, read instead of the file
    monkeypatch.undo()
    assert linter.diagnose(job, job.read_text(encoding="utf-8")).findings == []
    assert linter.dependents(workspace / "lib" / "base.py") == []  # the job's last run read the buffer
