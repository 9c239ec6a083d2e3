"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit against this checkout.

`pre-commit try-repo` installs the hooks from a commit of this repository (HEAD: commit
the hooks before running this test) into a fresh environment, which needs PyPI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFECT = "def load(client):\n    try:\n        client.flush()\n    except:\n        client.close()\n        raise\n"
FIXED = DEFECT.replace("except:", "except BaseException:")


def _head() -> str | None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


HEAD = _head()
pytestmark = pytest.mark.skipif(HEAD is None, reason="needs a git checkout of reliability-lint")


def test_check_hook_fails_fix_hook_repairs_check_passes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=600)

    def try_repo(hook: str) -> subprocess.CompletedProcess[str]:
        return run(sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--ref", str(HEAD), "--color", "never")

    run("git", "init", "-q")
    (repo / "job.py").write_text(DEFECT, encoding="utf-8")
    (repo / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    run("git", "add", "job.py", "notes.txt")

    check = try_repo("reliability-lint")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "job.py:4:5: REL101" in check.stdout

    fix = try_repo("reliability-lint-fix")
    assert "files were modified by this hook" in fix.stdout, fix.stdout + fix.stderr
    assert (repo / "job.py").read_text(encoding="utf-8") == FIXED

    run("git", "add", "job.py")
    again = try_repo("reliability-lint")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reliability-lint" in again.stdout and "Passed" in again.stdout
