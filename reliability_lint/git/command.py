"""Running git with a bound: a git that does not answer (a held lock, a credential helper
waiting for a password, a hung network file system) must not hang the run.

Every git call of the tool goes through `run_git`. A call that takes longer than
`RELIABILITY_LINT_GIT_TIMEOUT` seconds (120 by default) is killed and raises `GitTimeout`,
a `SourceError`: where a rule asked (REL303, REL401's max-age), the file gets the one-line
REL000 error naming the command; discovery, the diff of `--diff-base` and the team page
turn it into their own one-line error or an unknown.
"""

from __future__ import annotations

import os
import subprocess
from typing import Any

from reliability_lint.source import SourceError

DEFAULT_TIMEOUT = 120.0
ENVIRONMENT = "RELIABILITY_LINT_GIT_TIMEOUT"


class GitTimeout(SourceError):
    """git did not finish within the timeout; the message names the command and the bound."""


def timeout() -> float:
    """The bound in seconds: the environment's positive number, else the default."""
    try:
        value = float(os.environ.get(ENVIRONMENT, ""))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def run_git(command: list[str], **options: Any) -> subprocess.CompletedProcess[Any]:
    """`subprocess.run(command, **options)` within the timeout (OSError when git is missing)."""
    bound = timeout()
    try:
        return subprocess.run(command, timeout=bound, **options)
    except subprocess.TimeoutExpired:
        raise GitTimeout(f"`{_shown(command)}` did not finish within {bound:g} s (is git waiting for a lock or a password?)") from None


def _shown(command: list[str]) -> str:
    """`git <subcommand>`: the options before it (-C folder, -c key=value) are left out."""
    words = iter(command[1:])
    for word in words:
        if word in ("-C", "-c"):
            next(words, None)
        elif not word.startswith("-"):
            return f"git {word}"
    return "git"
