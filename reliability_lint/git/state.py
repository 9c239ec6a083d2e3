"""Facts about a repository's state: whether a file is tracked or ignored (REL303), and
the token of the state that git-reading rules depend on (the cache keys on it)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from reliability_lint.git.scratch import scratch_git_dir


def git_token(root: Path) -> str:
    """What git-reading rules depend on: HEAD, the index, the root .gitignore, and the
    date (an age limit passes without any change to the repository)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD", "--git-dir"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:
        return "no-git"
    if head.returncode != 0:
        return "no-repository"
    commit, _, git_dir = head.stdout.strip().partition("\n")
    parts = [commit, date.today().isoformat()]
    for path in (root / git_dir / "index", root / ".gitignore"):
        try:
            stat = path.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            parts.append("-")
    return "/".join(parts)


def git_status(path: Path) -> str:
    """"tracked", "ignored" or "untracked", by git (a scratch repository outside of one)."""
    folder, name = path.absolute().parent, path.name
    if not folder.is_dir():
        return "untracked"

    def git(*args: str, env: dict[str, str] | None = None) -> int:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, env=env, check=False)
        except OSError:
            return 128
        return done.returncode

    if git("ls-files", "--error-unmatch", "--", name) == 0:
        return "tracked"
    ignored = git("check-ignore", "-q", "--", name)
    if ignored == 128:  # not a repository: the .gitignore files of this folder still speak
        with scratch_git_dir(folder) as env:
            ignored = git("check-ignore", "-q", "--no-index", "--", name, env=env)
    return "ignored" if ignored == 0 else "untracked"
