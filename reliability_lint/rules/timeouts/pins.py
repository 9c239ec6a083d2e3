"""The version of a dependency a project pins, read from the dependency files nearest to a
file: lock files (uv.lock, poetry.lock, Pipfile.lock) give the exact version; pyproject.toml,
requirements*.txt and setup.cfg give a specifier. The first folder, going up from the file,
that holds any of these files decides; nothing found, or nothing about the package, is
unknown (None).

What decides is also what a finding depends on: pin_files.evidence names the deciding folder
and the content of its dependency files, and pin_files.depend records it with the project
index, so a cached finding or fix is used again only while the pins that shaped it are
unchanged (an edited pin, a lock file added nearer the file). Nothing is remembered by folder
alone: a long-running process (the language server) sees a changed pin at once.
"""

from __future__ import annotations

import configparser
import json
import sys
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from reliability_lint.rules.timeouts.pin_files import _LOCKS, evidence

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

def pinned(path: Path, package: str) -> Version | SpecifierSet | None:
    """The pinned version (a lock) or specifier (a manifest) of `package` for the file at `path`."""
    found = evidence(path.absolute().parent)
    if found.folder is None:
        return None
    key = (found.token, canonicalize_name(package))
    if key not in _PINS:
        _PINS[key] = _pinned_in(found.folder, found.names, key[1])
    return _PINS[key]


_PINS: dict[tuple[str, str], Version | SpecifierSet | None] = {}


def _pinned_in(current: Path, names: tuple[str, ...], package: str) -> Version | SpecifierSet | None:
    for name in _LOCKS:
        if name in names:
            found = _from_lock(current / name, package)
            if found is not None:
                return found
    specifiers = [s for name in names if name not in _LOCKS for s in _from_manifest(current / name, package)]
    if specifiers:
        combined = SpecifierSet()
        for specifier in specifiers:
            combined &= specifier
        exact = [s.version for s in combined if s.operator in ("==", "===") and "*" not in s.version]
        if len(exact) == 1:
            try:
                return Version(exact[0])
            except InvalidVersion:
                return None
        return combined
    return None


def _from_lock(path: Path, package: str) -> Version | None:
    try:
        if path.name == "Pipfile.lock":
            data = json.loads(path.read_text(encoding="utf-8"))
            for section in ("default", "develop"):
                packages = {canonicalize_name(k): v for k, v in data.get(section, {}).items()}
                entry = packages.get(canonicalize_name(package))
                if entry and str(entry.get("version", "")).startswith("=="):
                    return Version(entry["version"][2:])
            return None
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("package", []):
            if canonicalize_name(str(entry.get("name", ""))) == package and entry.get("version"):
                return Version(str(entry["version"]))
    except (OSError, ValueError, InvalidVersion, AttributeError, TypeError):
        return None  # an unreadable lock says nothing
    return None


def _from_manifest(path: Path, package: str) -> list[SpecifierSet]:
    try:
        text = path.read_text(encoding="utf-8")
        if path.name == "pyproject.toml":
            lines = _pyproject_requirements(tomllib.loads(text), package)
        elif path.name == "setup.cfg":
            parser = configparser.ConfigParser(interpolation=None)
            parser.read_string(text)
            lines = parser.get("options", "install_requires", fallback="").splitlines()
        else:
            lines = [line.split(" #", 1)[0] for line in text.splitlines()]
    except (OSError, ValueError, configparser.Error):
        return []
    found = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) == package:
            found.append(requirement.specifier)
    return found


def _pyproject_requirements(data: dict[str, Any], package: str) -> list[str]:
    project = data.get("project", {})
    lines = [str(item) for item in project.get("dependencies", [])]
    for group in project.get("optional-dependencies", {}).values():
        lines.extend(str(item) for item in group)
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for name, value in poetry.items():
        if canonicalize_name(name) == package:
            constraint = value.get("version", "") if isinstance(value, dict) else str(value)
            lines.append(f"{name}{_poetry_specifier(constraint)}")
    return lines


def _poetry_specifier(constraint: str) -> str:
    """Poetry's `^3.41` and `~3.41` as PEP 440 lower bounds (the upper bound does not matter here)."""
    constraint = constraint.strip()
    if constraint in ("", "*"):
        return ""
    if constraint[0] in "^~" and constraint[1:2] != "=":
        return f">={constraint[1:]}"
    if constraint[0].isdigit():
        return f"=={constraint}"
    return constraint


def accepts(pin: Version | SpecifierSet | None, since: Version) -> bool:
    """Whether every version the pin allows is `since` or later (unknown: False)."""
    if isinstance(pin, Version):
        return pin >= since
    if isinstance(pin, SpecifierSet):
        for specifier in pin:
            try:
                bound = Version(specifier.version.rstrip(".*"))
            except InvalidVersion:
                continue
            if specifier.operator in (">=", "~=", "==", "===") and bound >= since:
                return True
            if specifier.operator == ">" and bound >= since:
                return True
    return False
