"""A throw-away bare repository, so that git's ignore rules apply outside a repository."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from reliability_lint.git.command import run_git


@contextlib.contextmanager
def scratch_git_dir(work_tree: Path) -> Iterator[dict[str, str]]:
    """The environment in which git sees `work_tree` as the work tree of an empty bare
    repository that is removed afterwards: the folder's .gitignore files still speak."""
    with tempfile.TemporaryDirectory(prefix="reliability-lint-git-") as scratch:
        # No template: the hooks and samples it would copy are never used, only written and removed.
        run_git(["git", "init", "-q", "--bare", "--template=", scratch], check=False, capture_output=True)
        yield dict(os.environ, GIT_DIR=scratch, GIT_WORK_TREE=str(work_tree))
