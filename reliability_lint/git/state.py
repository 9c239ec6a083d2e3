"""Facts about a repository's state: whether a file is tracked or ignored (REL303), and
the token of the state that git-reading rules depend on (the cache keys on it)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from reliability_lint.git.command import GitTimeout, run_git
from reliability_lint.git.scratch import scratch_git_dir


def git_token(root: Path) -> str:
    """What git-reading rules depend on: HEAD, the index, the root .gitignore, and the
    date (an age limit passes without any change to the repository)."""
    try:
        head = run_git(["git", "-C", str(root), "rev-parse", "HEAD", "--git-dir"], capture_output=True, text=True, check=False)
    except OSError:
        return "no-git"
    except GitTimeout:
        return "git-timeout"  # the rules that read git then report the hang themselves, file by file
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


@dataclass(frozen=True)
class FileState:
    """What REL303 asks of git about one file."""

    status: str  # "tracked", "ignored" or "untracked"
    repository_path: str | None  # from the top of its repository (as `git status` shows it); None outside one
    committed: bool  # a commit reachable from HEAD holds it (else, if tracked, it is only staged)


def file_state(path: Path) -> FileState:
    """The file's state by git, in as few calls as the answer needs (a text tree can hold
    many .env files): outside a repository, a scratch one applies the folder's .gitignore."""
    folder, name = path.absolute().parent, path.name
    if not folder.is_dir():
        return FileState("untracked", None, False)

    def git(*args: str, env: dict[str, str] | None = None) -> int:
        try:
            done = run_git(["git", "-C", str(folder), *args], capture_output=True, env=env, check=False)
        except OSError:
            return 128
        return done.returncode

    prefix = None if _outside_any_repository(folder) else _output(folder, "rev-parse", "--show-prefix")
    if prefix is None:  # not a repository, or no git
        if not (folder / ".gitignore").exists():
            ignored = _ignored_by_global_excludes(name, _git_environment())
        else:
            try:
                with scratch_git_dir(folder) as env:
                    ignored = git("check-ignore", "-q", "--no-index", "--", name, env=env) == 0
            except OSError:
                ignored = False
        return FileState("ignored" if ignored else "untracked", None, False)
    if git("ls-files", "--error-unmatch", "--", name) == 0:
        return FileState("tracked", prefix + name, bool(_output(folder, "log", "-1", "--format=%H", "--", name)))
    ignored = git("check-ignore", "-q", "--", name) == 0
    return FileState("ignored" if ignored else "untracked", prefix + name, False)


def _outside_any_repository(folder: Path) -> bool:
    """True when git's discovery from `folder` cannot find a repository, told by stat alone
    (a text tree can hold many .env files, each a git call otherwise): no GIT_DIR, and no
    folder from it up to the root holds `.git` or is laid out as a bare repository. False
    means only that git must be asked."""
    if "GIT_DIR" in os.environ:
        return False
    for current in (folder, *folder.parents):
        if (current / ".git").exists() or all((current / part).exists() for part in ("HEAD", "objects", "refs")):
            return False
    return True


def _git_environment() -> tuple[tuple[str, str], ...]:
    """What decides which global configuration git reads."""
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("GIT_") or k in ("HOME", "XDG_CONFIG_HOME")))


@lru_cache(maxsize=64)
def _ignored_by_global_excludes(name: str, environment: tuple[tuple[str, str], ...]) -> bool:
    """Whether the user's excludes file (core.excludesFile) ignores a file of this name
    outside any repository, in a folder with no .gitignore: the name alone decides (with
    the environment that picks git's configuration), so one git call answers every such
    folder of a run."""
    with tempfile.TemporaryDirectory(prefix="reliability-lint-empty-") as empty:
        try:
            with scratch_git_dir(Path(empty)) as env:
                done = run_git(["git", "-C", empty, "check-ignore", "-q", "--no-index", "--", name],
                               capture_output=True, env=env, check=False)
        except OSError:
            return False
    return done.returncode == 0


def _output(folder: Path, *args: str) -> str | None:
    try:
        done = run_git(["git", "-C", str(folder), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def head_state(root: Path) -> tuple[str, str, bool] | None:
    """(branch, short commit, whether tracked files differ from it) of the repository at
    `root`; the branch is "(detached)" at a bare commit. None outside a repository."""
    try:
        commit = _output(root, "rev-parse", "--short=12", "HEAD")
        if commit is None:
            return None
        branch = _output(root, "symbolic-ref", "--short", "-q", "HEAD") or "(detached)"
        dirty = bool(_output(root, "status", "--porcelain", "--untracked-files=no"))
    except GitTimeout:
        return None  # the team page then names no commit
    return branch, commit, dirty
