"""Who last changed a line, and when: one `git blame --porcelain` per file, files in parallel."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reliability_lint.git.command import GitTimeout, run_git

_UNCOMMITTED_SHA = "0" * 40
# git's messages when the path has no history yet: every line is new.
_NO_HISTORY = ("no such path", "does not exist", "bad revision", "no such ref", "bad default revision")


@dataclass(frozen=True)
class BlameLine:
    commit: str
    author: str
    time: datetime | None  # the author date, in UTC; None for uncommitted lines

    @property
    def committed(self) -> bool:
        return self.time is not None


UNCOMMITTED = BlameLine(_UNCOMMITTED_SHA, "Not Committed Yet", None)


def blame_file(path: Path, lines: Iterable[int] | None = None, contents: str | None = None) -> dict[int, BlameLine] | None:
    """Blame of `lines` (all when None) of a file, by line number.

    `contents` is the text to blame instead of the file on disk (lines that differ from
    HEAD come back uncommitted). None when the file is not in a git work tree or git is
    not installed; a file git does not track has only uncommitted lines.
    """
    wanted = sorted(set(lines)) if lines is not None else None
    if wanted == []:
        return {}
    command = ["git", "blame", "--porcelain"]
    for start, end in _ranges(wanted or []):
        command += ["-L", f"{start},{end}"]
    if contents is not None:
        command += ["--contents", "-"]
    command += ["--", path.name]
    env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        result = run_git(
            command,
            cwd=path.parent if str(path.parent) else ".",
            input=contents.encode("utf-8", "surrogateescape") if contents is not None else None,
            capture_output=True,
            env=env,
            check=False,
        )
    except OSError:  # no git, or the folder is gone
        return None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").lower()
        if "not a git repository" in message or wanted is None:
            return None
        if any(reason in message for reason in _NO_HISTORY):
            return {line: UNCOMMITTED for line in wanted}
        return None
    return parse_porcelain(result.stdout.decode("utf-8", "replace"))


def blame_files(
    requests: dict[Path, tuple[list[int], str | None]], jobs: int
) -> dict[Path, dict[int, BlameLine] | None]:
    """blame_file for each path: {path: (lines, contents)}, in up to `jobs` git processes."""
    if not requests:
        return {}
    paths = list(requests)
    from concurrent.futures import ThreadPoolExecutor  # a check that blames nothing does not load it

    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(paths)))) as pool:
        results = pool.map(lambda path: _blame_or_unknown(path, *requests[path]), paths)
        return dict(zip(paths, results))


def _blame_or_unknown(path: Path, lines: list[int], contents: str | None) -> dict[int, BlameLine] | None:
    """blame_file, where a git that hangs leaves the blame unknown (the team page shows it so)."""
    try:
        return blame_file(path, lines, contents)
    except GitTimeout:
        return None


def parse_porcelain(output: str) -> dict[int, BlameLine]:
    """Lines of `git blame --porcelain`: a header `<sha> <orig> <final> [<count>]` per line,
    the commit's `author`/`author-time` lines the first time it appears, then the content
    line after a tab."""
    commits: dict[str, dict[str, str]] = {}
    blamed: dict[int, BlameLine] = {}
    current: tuple[str, int] | None = None
    for row in output.split("\n"):
        if row.startswith("\t"):
            if current is not None:
                sha, line = current
                blamed[line] = _line(sha, commits.get(sha, {}))
            current = None
            continue
        key, _, value = row.partition(" ")
        if current is None and len(key) in (40, 64) and _is_hex(key):
            parts = value.split(" ")
            current = (key, int(parts[1]))
            commits.setdefault(key, {})
        elif current is not None and key in ("author", "author-time"):
            commits[current[0]][key] = value
    return blamed


def _line(sha: str, info: dict[str, str]) -> BlameLine:
    if set(sha) == {"0"}:
        return UNCOMMITTED
    seconds = info.get("author-time")
    time = datetime.fromtimestamp(int(seconds), timezone.utc) if seconds and seconds.isdigit() else None
    return BlameLine(sha, info.get("author", ""), time)


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def _ranges(lines: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], line)
        else:
            ranges.append((line, line))
    return ranges
