"""The files git would consider under a folder (engine discovery asks this)."""

from __future__ import annotations

import os
from pathlib import Path

from reliability_lint.git.command import GitTimeout, run_git
from reliability_lint.git.scratch import scratch_git_dir

# `git check-ignore -q .`: 0 the folder is ignored, 1 it is not, 128 not in a work tree.
_NOT_IGNORED = 1


def git_listing(folder: Path) -> tuple[list[str], list[tuple[Path, str]]] | None:
    """Files git would consider (tracked, or untracked and not ignored), honouring every
    .gitignore, as names relative to `folder` ("/"-separated). Outside a repository a
    throw-away git dir gives the same ignore rules. None when git cannot list; a git that
    hangs lists nothing and says so: one error for the folder."""
    try:
        return _listing(folder)
    except OSError:
        return None  # no git: plain walk
    except GitTimeout as exc:
        return [], [(folder, f"cannot list files: {exc}")]


def _listing(folder: Path) -> tuple[list[str], list[tuple[Path, str]]] | None:
    # One call says both whether the folder is in a work tree and whether the repository
    # ignores it: a folder the repository ignores, given explicitly, is listed on its own
    # terms (with the .gitignore files inside it), not as empty.
    probe = run_git(["git", "-C", str(folder), "check-ignore", "-q", "."], capture_output=True, check=False)
    if probe.returncode == _NOT_IGNORED:
        command = ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        result = run_git(command, capture_output=True, env=dict(os.environ), check=False)
    else:
        with scratch_git_dir(folder.absolute()) as env:
            command = ["git", "-C", str(folder), "ls-files", "-z", "--others", "--exclude-standard"]
            result = run_git(command, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        return None
    names = [os.fsdecode(name) for name in result.stdout.split(b"\0") if name]
    errors = []
    for line in result.stderr.decode("utf-8", "replace").splitlines():
        # git warns about folders it cannot open and goes on; so do we.
        if "could not open directory" in line:
            name = line.split("'")[1] if "'" in line else line
            errors.append((folder / name, "cannot read directory: permission denied"))
    return names, errors
