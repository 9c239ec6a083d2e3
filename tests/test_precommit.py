"""The hooks of .pre-commit-hooks.yaml, run by the real pre-commit against this checkout.

`pre-commit try-repo` installs the hooks from a commit of this repository (HEAD: commit
the hooks before running this test) into a fresh environment each time, which needs the
package index; so the test runs every hook in one call, twice, rather than once per hook.
"""

from __future__ import annotations

import os
import re
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
pytestmark = [pytest.mark.network, pytest.mark.skipif(HEAD is None, reason="needs a git checkout of reliability-lint")]


def _status(output: str, hook_name: str) -> str:
    match = re.search(rf"^{re.escape(hook_name)}\.+(Passed|Failed)$", output, re.M)
    assert match, output
    return match.group(1)


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

    def try_repo() -> str:
        """Both hooks on the staged files, in id order: the check, then the fix."""
        result = run(sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--ref", str(HEAD), "--color", "never")
        return result.stdout + result.stderr

    run("git", "init", "-q")
    (repo / "job.py").write_text(DEFECT, encoding="utf-8")
    (repo / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    run("git", "add", "job.py", "notes.txt")

    first = try_repo()
    assert _status(first, "reliability-lint") == "Failed"
    assert "job.py:4:5: REL101" in first
    assert _status(first, "reliability-lint (fix)") == "Failed"
    assert "files were modified by this hook" in first
    assert (repo / "job.py").read_text(encoding="utf-8") == FIXED

    run("git", "add", "job.py")
    second = try_repo()
    assert _status(second, "reliability-lint") == "Passed"
    assert _status(second, "reliability-lint (fix)") == "Passed"
