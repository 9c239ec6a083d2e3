"""Discovery: the files a run checks (git-aware: what git would consider, honouring every
.gitignore, outside a repository too), one Task per file with its kinds."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from reliability_lint.config import DEFAULT_EXCLUDE, GlobSet
from reliability_lint.findings import Finding, error
from reliability_lint.git import git_listing
from reliability_lint.registry import REGISTRY
from reliability_lint.settings import Settings


@dataclass(frozen=True)
class Task:
    path: Path
    display: str
    kinds: frozenset[str]
    data: bytes | None = field(default=None, compare=False, repr=False)  # read from stdin, not from path


def discover(paths: list[Path], settings: Settings) -> tuple[list[Task], list[Finding]]:
    """The files to check, and a REL000 finding for each path that cannot be listed."""
    tasks: dict[Path, Task] = {}
    problems: list[Finding] = []
    for given in paths:
        if given.is_dir():
            files, errors = _list_folder(given, settings)
            problems.extend(error(display_path(p), reason) for p, reason in errors)
        elif given.exists() or given.is_symlink():
            own = settings.for_file(given)
            if settings.force_exclude and own.is_excluded(own.relative(given)):
                continue
            files = [given]
        else:
            problems.append(error(display_path(given), "no such file or directory"))
            continue
        for path in files:
            kinds = REGISTRY.kinds_of(path)
            key = path.absolute()
            if kinds and key not in tasks:
                tasks[key] = Task(path, display_path(path), kinds)
    return sorted(tasks.values(), key=lambda task: task.display), problems


def display_path(path: Path) -> str:
    """Relative to the current folder when under it, as given otherwise (no ../../ chains)."""
    relative = os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)
    return str(path) if relative.startswith("..") else relative


def _list_folder(folder: Path, settings: Settings) -> tuple[list[Path], list[tuple[Path, str]]]:
    excluded = _exclusion(folder, settings)
    listed = git_listing(folder)
    if listed is None:
        return _walk(folder, excluded)
    files, errors = listed
    # The default excludes keep generated and vendored code out; they must not hide a
    # `.env` committed under build/ (only the user's own excludes can).
    kept = _user_exclusion(folder, settings)
    # A dangling symlink is kept so that it is reported, not silently skipped.
    return [
        p
        for p in files
        if (not excluded(p) or (REGISTRY.is_always_checked(p) and not kept(p)))
        and (p.is_file() or p.is_symlink() and not p.is_dir())
    ], errors


def _user_exclusion(folder: Path, settings: Settings) -> Callable[[Path], bool]:
    """The exclusion by the patterns the configuration or command line added to the defaults."""
    globs: dict[int, GlobSet] = {}

    def excluded(path: Path) -> bool:
        own = settings.for_file(path)
        found = globs.get(id(own))
        if found is None:
            found = globs[id(own)] = GlobSet([pattern for pattern in own.exclude if pattern not in DEFAULT_EXCLUDE])
        return found.matches(own.relative(path))

    return excluded


def _exclusion(folder: Path, settings: Settings) -> Callable[[Path], bool]:
    """Exclusion below a folder given on the command line, never of that folder itself:
    `check examples/demo` checks the demo even where the config excludes `examples`."""
    if not settings.is_excluded(settings.relative(folder)):

        def excluded(path: Path) -> bool:
            own = settings.for_file(path)  # the configuration nearest the file decides
            return own.is_excluded(own.relative(path))

        return excluded

    def excluded_below(path: Path) -> bool:
        return settings._exclude_globs.matches(PurePosixPath(path.relative_to(folder).as_posix()))

    return excluded_below


def _walk(folder: Path, excluded: Callable[[Path], bool]) -> tuple[list[Path], list[tuple[Path, str]]]:
    files: list[Path] = []
    errors: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        errors.append((Path(exc.filename), f"cannot read directory: {exc.strerror}"))

    for current, dirs, names in os.walk(folder, onerror=on_error):
        base = Path(current)
        dirs[:] = [d for d in dirs if not excluded(base / d)]
        files.extend(base / n for n in names if not excluded(base / n))
    return files, errors
