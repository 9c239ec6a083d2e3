"""Which dependency files decide a file's pins, and a token of their content: what a cached
finding that read the pins depends on (`depend`, `current_token`). Apart from pins.py, which
parses the files with packaging and tomllib: a warm run checks the token of every folder
whose cached findings read pins, and needs neither."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock")
_MANIFESTS = ("pyproject.toml", "setup.cfg")
_REQUIREMENTS = re.compile(r"requirements.*\.txt")
DEPENDENCY = "<pins>"  # the prefix of the facts recorded with the project index (see depend)


@dataclass(frozen=True)
class Evidence:
    """The folder whose dependency files decide for a file (None: no folder has any), and a
    token of what it holds: the folder and each dependency file's name and content."""

    folder: Path | None
    names: tuple[str, ...]
    token: str


def evidence(folder: Path) -> Evidence:
    """The nearest folder with dependency files, from `folder` up to the root of its git
    repository (the files of the folders above it are not the project's)."""
    for current in (folder, *folder.parents):
        names, repository_root = _dependency_files(current)
        if names:
            ordered = tuple(sorted(names))
            parts = [str(current), *(f"{name}={_content_hash(current / name)}" for name in ordered)]
            token = hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()
            return Evidence(current, ordered, token)
        if repository_root:
            break
    return Evidence(None, (), "none")


def depend(project: Any, path: Path) -> None:
    """Record with the run's project index that findings of the file at `path` depend on its pins."""
    if project is not None and hasattr(project, "depend"):
        folder = path.absolute().parent
        project.depend(DEPENDENCY, str(folder), evidence(folder).token)


def current_token(folder: str) -> str:
    """The token of the pins that decide for files in `folder`, as it is now."""
    return evidence(Path(folder)).token


_NAMES = frozenset((*_LOCKS, *_MANIFESTS))
_LISTINGS: dict[Path, tuple[int, set[str], bool]] = {}
_HASHES: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _content_hash(path: Path) -> str:
    """A hash of the file's bytes, read again only when its size, mtime or inode changed."""
    try:
        status = path.stat()
    except OSError:
        return "-"
    stamp = (status.st_size, status.st_mtime_ns, status.st_ino)
    known = _HASHES.get(path)
    if known is None or known[0] != stamp:
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
        except OSError:
            digest = "-"
        known = _HASHES[path] = (stamp, digest)
    return known[1]


def _dependency_files(folder: Path) -> tuple[set[str], bool]:
    """The dependency files of a folder, and whether it is a git repository's root (it holds
    `.git`), listed again only when the folder's mtime changed (adding, removing or renaming
    an entry changes it)."""
    try:
        stamp = os.stat(folder).st_mtime_ns
        known = _LISTINGS.get(folder)
        if known is None or known[0] != stamp:
            entries = os.listdir(folder)
            names = {n for n in entries if n in _NAMES or (n.startswith("requirements") and _REQUIREMENTS.fullmatch(n))}
            known = _LISTINGS[folder] = (stamp, {n for n in names if (folder / n).is_file()}, ".git" in entries)
        return known[1], known[2]
    except OSError:
        return set(), False
