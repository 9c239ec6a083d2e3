"""Discovery: the files a run checks (git-aware: what git would consider, honouring every
.gitignore, outside a repository too), one Task per file with its kinds."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reliability_lint.config import DEFAULT_EXCLUDE
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
    tasks: dict[str, Task] = {}
    problems: list[Finding] = []
    for given in paths:
        if given.is_dir():
            listed, errors = _list_folder(given, settings)
            problems.extend(error(display_path(p), reason) for p, reason in errors)
            shown, absolute = display_path(given), str(given.absolute())
            files = [
                (given / name, name if shown == "." else os.path.join(shown, name), os.path.join(absolute, name))
                for name in listed
            ]
        elif given.exists() or given.is_symlink():
            own = settings.for_file(given)  # the configuration nearest the file decides
            if settings.force_exclude and own.is_excluded(own.relative(given)):
                continue
            files = [(given, display_path(given), str(given.absolute()))]
        else:
            problems.append(error(display_path(given), "no such file or directory"))
            continue
        for path, display, key in files:
            if key not in tasks:
                kinds = REGISTRY.kinds_of(path)
                if kinds:
                    tasks[key] = Task(path, display, kinds)
    # The tool's own baseline is not the project's text: its salted hashes look like secrets.
    baseline = settings.baseline_file.resolve()
    kept = [t for t in tasks.values() if t.path.name != baseline.name or t.path.resolve() != baseline]
    if len(kept) < len(tasks):
        from reliability_lint.baseline import is_baseline  # only when the file is there

        if not is_baseline(baseline):
            kept = list(tasks.values())  # a file with its name but other contents is checked
    return sorted(kept, key=lambda task: task.display), problems


def display_path(path: Path) -> str:
    """Relative to the current folder when under it, as given otherwise (no ../../ chains)."""
    relative = os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)
    return str(path) if relative.startswith("..") else relative


class CompiledGlobs:
    """The exclusion globs as config.GlobSet matches them (a bare name against every part
    of the path, a path glob against the whole path or a folder above it), compiled into
    two regular expressions: one match per path part, not one fnmatch per glob."""

    def __init__(self, patterns: list[str]) -> None:
        cleaned = [p.removeprefix("./").rstrip("/") for p in patterns]
        names = [fnmatch.translate(p) for p in cleaned if "/" not in p]
        paths = [fnmatch.translate(q) for p in cleaned if "/" in p for q in (p, p + "/*")]
        self._name = re.compile("|".join(names)).match if names else None
        self._path = re.compile("|".join(paths)).match if paths else None
        self._parts: dict[str, bool] = {}

    def matches(self, relative: str) -> bool:
        """Whether a "/"-separated path relative to the project root is excluded."""
        if self._name is not None:
            for part in relative.split("/"):
                hit = self._parts.get(part)
                if hit is None:
                    hit = self._parts[part] = self._name(part) is not None
                if hit:
                    return True
        return self._path is not None and self._path(relative) is not None


class _Excludes:
    """One configuration's excludes, matched against names relative to a listed folder."""

    def __init__(self, settings: Settings, folder: str, given_excluded: bool) -> None:
        self.root = str(settings.root).rstrip(os.sep) + os.sep
        self.all = CompiledGlobs(settings.exclude)
        # The default excludes keep generated and vendored code out; they must not hide a
        # `.env` committed under build/ (only the user's own excludes can).
        self.own = CompiledGlobs([pattern for pattern in settings.exclude if pattern not in DEFAULT_EXCLUDE])
        # A folder given on the command line is checked where the config excludes it; what
        # is excluded below it still is (matched from the folder down).
        self.below = folder if given_excluded else None

    def from_root(self, absolute: str) -> str:
        tail = absolute[len(self.root) :] if absolute.startswith(self.root) else absolute.lstrip(os.sep)
        return tail.replace(os.sep, "/")

    def excludes(self, absolute: str) -> bool:
        relative = absolute[len(self.below) :].replace(os.sep, "/") if self.below is not None else self.from_root(absolute)
        return self.all.matches(relative)


def _list_folder(folder: Path, settings: Settings) -> tuple[list[str], list[tuple[Path, str]]]:
    """The names (relative to the folder) of the files to check in it, each judged by the
    excludes of the configuration nearest it."""
    prefix = os.path.join(str(folder.absolute()), "")
    given_excluded = settings.is_excluded(settings.relative(folder))
    judges: dict[int, _Excludes] = {}
    by_folder: dict[str, _Excludes] = {}

    def judge(absolute: str) -> _Excludes:
        found = by_folder.get(os.path.dirname(absolute))
        if found is None:
            own = settings.for_file(Path(absolute))
            found = judges.get(id(own))
            if found is None:
                found = judges[id(own)] = _Excludes(own, prefix, given_excluded and own is settings)
            by_folder[os.path.dirname(absolute)] = found
        return found

    def is_excluded(name: str) -> bool:
        return judge(prefix + name).excludes(prefix + name)

    listed = git_listing(folder)
    if listed is None:
        return _walk(folder, is_excluded)
    names, errors = listed
    kept = []
    for name in names:
        absolute = prefix + name
        excludes = judge(absolute)
        if excludes.excludes(absolute) and (
            excludes.own.matches(excludes.from_root(absolute)) or not REGISTRY.is_always_checked(folder / name)
        ):
            continue
        if _is_checkable(absolute):
            kept.append(name)
    return kept, errors


def _is_checkable(path: str) -> bool:
    """A file, or a symbolic link that is not to a folder: a dangling one is kept so that
    it is reported, not silently skipped."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return os.path.islink(path)
    return stat.S_ISREG(mode) or (not stat.S_ISDIR(mode) and os.path.islink(path))


def _walk(folder: Path, excluded: Callable[[str], bool]) -> tuple[list[str], list[tuple[Path, str]]]:
    names: list[str] = []
    errors: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        errors.append((Path(exc.filename), f"cannot read directory: {exc.strerror}"))

    for current, dirs, files in os.walk(folder, onerror=on_error):
        below = os.path.relpath(current, folder)
        below = "" if below == "." else below.replace(os.sep, "/") + "/"
        dirs[:] = [d for d in dirs if not excluded(below + d)]
        names.extend(below + n for n in files if not excluded(below + n))
    return names, errors
