"""scripts/release.py on a temporary clone of a real git repository."""

from __future__ import annotations

import datetime
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "release.py"
CHANGELOG = """# Changelog

## [Unreleased]

### Fixed

- A bug.

## [0.1.0]

- First.
"""


def _load():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("release_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(where: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    origin = tmp_path / "origin"
    (origin / "reliability_lint").mkdir(parents=True)
    (origin / "reliability_lint" / "__init__.py").write_text('"""Doc."""\n\n__version__ = "0.1.0"\n')
    (origin / "CHANGELOG.md").write_text(CHANGELOG)
    _git(tmp_path, "init", "-q", str(origin))
    _git(origin, "-c", "user.name=A", "-c", "user.email=a@example.com", "add", ".")
    _git(origin, "-c", "user.name=A", "-c", "user.email=a@example.com", "commit", "-qm", "start")
    _git(tmp_path, "clone", "-q", str(origin), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    _git(clone, "config", "user.name", "Releaser")
    _git(clone, "config", "user.email", "releaser@example.com")
    return clone


def test_release_bumps_moves_unreleased_commits_and_tags(clone: Path) -> None:
    _load().release(clone, "0.2.0", today=datetime.date(2026, 12, 2))
    assert '__version__ = "0.2.0"' in (clone / "reliability_lint" / "__init__.py").read_text()
    changelog = (clone / "CHANGELOG.md").read_text()
    assert "## [Unreleased]\n\n## [0.2.0] - 2026-12-02\n\n### Fixed\n\n- A bug.\n\n## [0.1.0]" in changelog
    assert _git(clone, "tag", "--list").split() == ["v0.2.0"]
    assert _git(clone, "log", "-1", "--format=%s").strip() == "Release 0.2.0"
    assert _git(clone, "status", "--porcelain").strip() == ""


def test_release_refuses_an_older_version_a_dirty_tree_and_an_empty_unreleased(clone: Path) -> None:
    script = [sys.executable, str(SCRIPT), "--root", str(clone)]
    older = subprocess.run([*script, "0.0.9"], capture_output=True, text=True)
    assert older.returncode == 2 and "not newer than 0.1.0" in older.stderr
    (clone / "CHANGELOG.md").write_text(CHANGELOG + "\nedited\n")
    dirty = subprocess.run([*script, "0.2.0"], capture_output=True, text=True)
    assert dirty.returncode == 2 and "uncommitted changes" in dirty.stderr
    _git(clone, "checkout", "-q", "CHANGELOG.md")
    assert subprocess.run([*script, "0.2.0"], capture_output=True, text=True).returncode == 0
    again = subprocess.run([*script, "0.3.0"], capture_output=True, text=True)
    assert again.returncode == 2 and "Unreleased section is empty" in again.stderr
    assert _git(clone, "tag", "--list").split() == ["v0.2.0"]
