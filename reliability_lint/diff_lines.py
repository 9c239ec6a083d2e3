"""Lines added or changed since the merge base with a revision, for `check --diff-base`.

The working tree (staged or not) is compared with `git merge-base REV HEAD`, so a pull
request is judged on what it touches; untracked files that git does not ignore count as
wholly new.
"""

from __future__ import annotations

import codecs
import re
import subprocess
from pathlib import Path

from reliability_lint.findings import ERROR_CODE, Finding

# Changed line numbers by resolved path; None: every line (a new, untracked file).
Changes = dict[Path, frozenset[int] | None]
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git could not tell what changed; the message says why in one line."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise DiffError(f"--diff-base needs git: {exc.strerror or exc}") from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]} failed: {reason[-1] if reason else 'exit ' + str(result.returncode)}")
    return result.stdout.decode("utf-8", "surrogateescape")


def changed_lines(rev: str, cwd: Path) -> Changes:
    """The lines changed since the merge base of `rev` and HEAD, in the working tree."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    base = _git(["merge-base", rev, "HEAD"], cwd).strip()
    diff = _git(
        ["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--unified=0",
         "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", base, "--"],
        top,
    )  # fmt: skip
    changed: Changes = dict(parse_diff(diff, top))
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    for name in filter(None, untracked.split("\0")):
        changed[(top / name).resolve()] = None
    return changed


def parse_diff(diff: str, top: Path) -> dict[Path, frozenset[int]]:
    """The added lines of each file in a unified diff (paths relative to top)."""
    changed: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            current = None if name == "/dev/null" else changed.setdefault((top / name[2:]).resolve(), set())
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                current.update(range(start, start + count))
    return {path: frozenset(lines) for path, lines in changed.items() if lines}


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names ("a\\tb", octal escapes)."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    raw: bytes = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
    return raw.decode("utf-8", "surrogateescape")


def touches(finding: Finding, changed: Changes) -> bool:
    """Whether a finding lies on a changed line (any line of its span) of a changed file.

    A file error (REL000) counts wherever its file changed.
    """
    path = Path(finding.path).resolve()
    if path not in changed:
        return False
    lines = changed[path]
    if lines is None or finding.code == ERROR_CODE:
        return True
    return any(line in lines for line in range(finding.line, max(finding.line, finding.end_line) + 1))
