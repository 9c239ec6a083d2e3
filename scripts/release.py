"""Cut a release: `python scripts/release.py X.Y.Z`.

Bumps `__version__` in reliability_lint/__init__.py, turns CHANGELOG.md's Unreleased
section into `## [X.Y.Z] - <today>` under a fresh empty Unreleased, commits both files and
tags `vX.Y.Z` (the tag the CI examples' `rev:` pins name). It refuses to run on a dirty
tree, on a version that is not newer, or with an empty Unreleased section.
"""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
from pathlib import Path

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_INIT = Path("reliability_lint/__init__.py")
_CHANGELOG = Path("CHANGELOG.md")
_ASSIGNMENT = re.compile(r'^__version__ = "(?P<version>[^"]+)"$', re.M)
_UNRELEASED = "## [Unreleased]"


class ReleaseError(Exception):
    """The release cannot be made; the message says why."""


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise ReleaseError(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def bump_version(text: str, version: str) -> str:
    match = _ASSIGNMENT.search(text)
    if match is None:
        raise ReleaseError(f"{_INIT}: no __version__ assignment")
    current = match.group("version")
    if VERSION.match(current) and _as_tuple(version) <= _as_tuple(current):
        raise ReleaseError(f"version {version} is not newer than {current}")
    return text[: match.start("version")] + version + text[match.end("version") :]


def move_unreleased(text: str, version: str, today: datetime.date) -> str:
    """The changelog with Unreleased's entries under the new version's heading."""
    start = text.find(_UNRELEASED)
    if start == -1:
        raise ReleaseError(f"{_CHANGELOG}: no '{_UNRELEASED}' section")
    body_start = start + len(_UNRELEASED)
    following = re.search(r"^## \[", text[body_start:], re.M)
    body_end = body_start + following.start() if following else len(text)
    if not text[body_start:body_end].strip():
        raise ReleaseError(f"{_CHANGELOG}: the Unreleased section is empty")
    heading = f"{_UNRELEASED}\n\n## [{version}] - {today.isoformat()}"
    return text[:start] + heading + text[body_start:]


def release(root: Path, version: str, today: datetime.date | None = None) -> None:
    if not VERSION.match(version):
        raise ReleaseError(f"{version!r} is not X.Y.Z")
    if _git(root, "status", "--porcelain", "--untracked-files=no").strip():
        raise ReleaseError("the work tree has uncommitted changes")
    if _git(root, "tag", "--list", f"v{version}").strip():
        raise ReleaseError(f"tag v{version} exists")
    init, changelog = root / _INIT, root / _CHANGELOG
    new_init = bump_version(init.read_text(encoding="utf-8"), version)
    new_changelog = move_unreleased(changelog.read_text(encoding="utf-8"), version, today or datetime.date.today())
    init.write_text(new_init, encoding="utf-8")
    changelog.write_text(new_changelog, encoding="utf-8")
    _git(root, "add", str(_INIT), str(_CHANGELOG))
    _git(root, "commit", "-q", "-m", f"Release {version}")
    _git(root, "tag", "-a", f"v{version}", "-m", f"reliability-lint {version}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, X.Y.Z")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    arguments = parser.parse_args(argv)
    try:
        release(arguments.root, arguments.version)
    except ReleaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Tagged v{arguments.version}; push with `git push --follow-tags`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
