"""The project index and module summaries (issue 18, mutmut survivors of
reliability_lint.semantic.index, .summary, .roots and .types, tests/MUTATION.md). Through the
command line in this process (CliRunner), on a package written to a temporary folder:
REL204 reports `x.get(url)` without a timeout only where `x` is known to be a
`requests.Session`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], *args: str) -> list[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = ["check", "--select", "REL204", "--output-format", "concise", "--no-cache", "--no-progress", *args]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted(line.split(": ")[0] for line in result.stdout.splitlines() if "REL204" in line)


def test_a_session_made_by_a_function_of_another_module_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/clients.py": "import requests\n\ndef make():\n    return requests.Session()\n",
        "pkg/use.py": "from pkg.clients import make\n\nmake().get('u')\n",
    }
    assert run(tmp_path, monkeypatch, files) == ["pkg/use.py:3:1"]
