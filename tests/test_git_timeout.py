"""A git that does not answer: the run is bounded and says so in one line.

The repositories are real and so is git, behind a wrapper that hangs on one subcommand
(as a held lock or a credential prompt would make it hang) and runs the real git otherwise.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import git, run_tool

REAL_GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(REAL_GIT is None, reason="needs git")


@pytest.fixture
def hanging_git(tmp_path: Path):
    """env for run_tool in which `git <subcommand>` sleeps for a minute."""
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(
        "#!/bin/sh\n"
        'for word in "$@"; do [ "$word" = "$HANG_ON" ] && exec sleep 60; done\n'
        f'exec {REAL_GIT} "$@"\n'
    )
    wrapper.chmod(0o755)

    def env(subcommand: str) -> dict[str, str]:
        return dict(
            os.environ,
            PATH=f"{folder}{os.pathsep}{os.environ['PATH']}",
            HANG_ON=subcommand,
            RELIABILITY_LINT_GIT_TIMEOUT="1",
        )

    return env


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    (repo / "job.py").write_text("def f():\n    try:\n        g()\n    except:\n        pass\n")
    (repo / ".env").write_text("DEBUG=1\n")
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "start", cwd=repo)
    return repo


def test_a_hanging_listing_is_one_error_for_the_folder(tmp_path: Path, hanging_git) -> None:
    repo = _repository(tmp_path)
    started = time.monotonic()
    done = run_tool("check", "--no-cache", "--output-format", "concise", ".", cwd=repo, env=hanging_git("ls-files"))
    assert time.monotonic() - started < 30
    errors = [line for line in done.stdout.splitlines() if "REL000" in line]
    assert len(errors) == 1, done.stdout
    assert "cannot list files: `git ls-files` did not finish within 1 s" in errors[0]
    assert done.returncode == 1


def test_a_hanging_status_is_rel000_naming_the_file(tmp_path: Path, hanging_git) -> None:
    repo = _repository(tmp_path)
    done = run_tool("check", "--no-cache", "--output-format", "concise", ".env", "job.py", cwd=repo, env=hanging_git("ls-files"))
    lines = done.stdout.splitlines()
    assert any(line.startswith(".env:1:1: REL000") and "did not finish within 1 s" in line for line in lines), done.stdout
    assert any(line.startswith("job.py:") and "REL101" in line for line in lines), done.stdout  # the run went on


def test_a_hanging_diff_base_is_a_one_line_usage_error(tmp_path: Path, hanging_git) -> None:
    repo = _repository(tmp_path)
    done = run_tool("check", "--no-cache", "--diff-base", "HEAD", ".", cwd=repo, env=hanging_git("merge-base"))
    assert done.returncode == 2
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "`git merge-base` did not finish within 1 s" in message[0], done.stderr


def test_the_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from reliability_lint.git import command

    monkeypatch.setenv(command.ENVIRONMENT, "2.5")
    assert command.timeout() == 2.5
    for wrong in ("", "soon", "0", "-3"):
        monkeypatch.setenv(command.ENVIRONMENT, wrong)
        assert command.timeout() == command.DEFAULT_TIMEOUT


def test_without_git_a_dotenv_file_is_reported_as_not_ignored(tmp_path: Path) -> None:
    """No git on PATH: what REL303 cannot learn from git is "unknown", never a crash; the
    file is still reported (it may be committed next) and the rest of the run goes on."""
    empty = tmp_path / "bin"
    empty.mkdir()
    (tmp_path / ".env").write_text("DEBUG=1\n")
    (tmp_path / ".gitignore").write_text(".env\n")  # only git could read it
    (tmp_path / "job.py").write_text("try:\n    g()\nexcept:\n    pass\n")
    done = run_tool("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path, env=dict(os.environ, PATH=str(empty)))
    lines = done.stdout.splitlines()
    assert any(line.startswith(".env:1:1: REL303") and "is not ignored by .gitignore" in line for line in lines), done.stdout
    assert any(line.startswith("job.py:3:") and "REL101" in line for line in lines), done.stdout
    assert "REL000" not in done.stdout and "Traceback" not in done.stderr
