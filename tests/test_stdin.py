"""`check/fix --stdin-filename PATH -`: an editor's buffer, checked as the file it will be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_tool

BUFFER = 'import requests\ntry:\n    requests.get("https://example.com")\nexcept:\n    pass\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "jobs").mkdir(parents=True)
    (root / "generated").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.reliability-lint]\nextend-exclude = ["generated"]\n'
        'per-file-ignores = { "jobs/legacy_*.py" = ["REL101"] }\n',
        encoding="utf-8",
    )
    return root


def test_check_reports_the_buffer_as_the_named_file(project: Path) -> None:
    result = run_tool("check", "--no-cache", "--stdin-filename", "project/jobs/load.py", "-", cwd=project.parent, input=BUFFER)
    assert result.returncode == 1
    assert "project/jobs/load.py:3:5: REL204" in result.stdout
    assert "project/jobs/load.py:4:1: REL101" in result.stdout
    assert not (project / "jobs" / "load.py").exists()


def test_the_config_nearest_the_named_file_applies(project: Path, tmp_path: Path) -> None:
    # Run from elsewhere: the per-file-ignores of the project's config still apply.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    named = str(project / "jobs" / "legacy_load.py")
    result = run_tool("check", "--no-cache", "--output-format", "json", "--stdin-filename", named, "-", cwd=elsewhere, input=BUFFER)
    codes = {finding["code"] for finding in json.loads(result.stdout)}
    assert "REL204" in codes and "REL101" not in codes


def test_force_exclude_silences_an_excluded_path(project: Path) -> None:
    args = ("check", "--no-cache", "--stdin-filename", "generated/api.py")
    excluded = run_tool(*args, "--force-exclude", "-", cwd=project, input=BUFFER)
    assert excluded.returncode == 0 and "REL" not in excluded.stdout
    named = run_tool(*args, "-", cwd=project, input=BUFFER)
    assert named.returncode == 1 and "generated/api.py:3:5: REL204" in named.stdout


def test_fix_writes_the_fixed_text_to_stdout_and_what_remains_to_stderr(project: Path) -> None:
    result = run_tool("fix", "--no-cache", "--stdin-filename", "jobs/load.py", "-", cwd=project, input=BUFFER)
    assert result.stdout == BUFFER.replace('"https://example.com")', '"https://example.com", timeout=30)')
    assert "jobs/load.py:4:1: REL101" in result.stderr and "Fixed 1 problem." in result.stderr
    assert result.returncode == 1
    assert not (project / "jobs" / "load.py").exists()


def test_fix_of_clean_or_broken_text_gives_it_back_unchanged(project: Path) -> None:
    clean = "x = 1\n"
    result = run_tool("fix", "--no-cache", "--stdin-filename", "jobs/ok.py", "-", cwd=project, input=clean)
    assert (result.returncode, result.stdout) == (0, clean)
    broken = "def f(:  # TODO(#1)\n"
    result = run_tool("fix", "--no-cache", "--stdin-filename", "jobs/bad.py", "-", cwd=project, input=broken)
    assert result.stdout == broken and "jobs/bad.py:1:" in result.stderr and "REL000" in result.stderr


def test_a_notebook_from_stdin(project: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbformat.v4 import new_code_cell, new_notebook

    text = nbformat.writes(new_notebook(cells=[new_code_cell("import requests\nrequests.get('u')\n")]))
    result = run_tool("fix", "--no-cache", "--stdin-filename", "jobs/explore.ipynb", "-", cwd=project, input=text)
    assert result.stdout == text.replace("requests.get('u')", "requests.get('u', timeout=30)")


def test_stdin_filename_wants_the_dash_alone(project: Path) -> None:
    result = run_tool("check", "--stdin-filename", "a.py", "jobs", cwd=project, input=BUFFER)
    assert result.returncode == 2 and "give `-` as the only path" in result.stderr


def test_a_dash_alone_reads_python_from_stdin(project: Path) -> None:
    result = run_tool("check", "--no-cache", "-", cwd=project, input=BUFFER)
    assert "-:3:5: REL204" in result.stdout
