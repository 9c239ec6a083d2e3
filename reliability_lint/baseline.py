"""Baselines: the findings a team has accepted, so that a check reports only new ones.

A finding is identified by its rule, its file and the code it points at (the rule's
`fingerprint_text`, never its line number), so code moving up or down keeps matching.
Identical findings in one file are counted: a second copy of a baselined one is new.
The file stores salted hashes only, never the code itself, so a secret cannot leak
through it (rules already redact secrets in `fingerprint_text`; the salt also keeps a
short redacted form from being looked up).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability_lint.findings import ERROR_CODE, Finding
from reliability_lint.settings import BASELINE_NAME
from reliability_lint.source import SourceError, read_bytes

__all__ = ["BASELINE_NAME", "Baseline", "BaselineError", "load"]
FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing or malformed; the message names the file."""


@dataclass(frozen=True, order=True)
class Entry:
    path: str  # posix, relative to the project root (the folder of the config)
    code: str
    fingerprint: str


def relative_to(finding: Finding, root: Path) -> str:
    """The finding's path relative to root (posix), or absolute when it lies outside."""
    absolute = Path(finding.path).absolute()
    try:
        return absolute.relative_to(root.absolute()).as_posix()
    except ValueError:
        return absolute.as_posix()


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints(findings: list[Finding], root: Path) -> list[str]:
    """Stable, unsalted identifiers for report formats (SARIF, GitLab), unique in one run:
    identical findings in one file are told apart by their order of appearance."""
    seen: Counter[tuple[str, str, str]] = Counter()
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    result = [""] * len(findings)
    paths: dict[str, str] = {}  # a file's findings share its relative path
    for index in order:
        finding = findings[index]
        path = paths.get(finding.path)
        if path is None:
            path = paths[finding.path] = relative_to(finding, root)
        key = (finding.code, path, finding.fingerprint_text)
        result[index] = digest(*key, str(seen[key]))
        seen[key] += 1
    return result


@dataclass
class Baseline:
    file: Path
    root: Path  # paths are recorded relative to it, so the baseline works from any folder
    salt: str = field(default_factory=lambda: secrets.token_hex(16))
    entries: list[Entry] = field(default_factory=list)

    def entry(self, finding: Finding) -> Entry:
        path = relative_to(finding, self.root)
        return Entry(path, finding.code, digest(self.salt, finding.code, path, finding.fingerprint_text))

    def split(self, findings: list[Finding]) -> tuple[list[Finding], list[Entry]]:
        """(the findings not in the baseline, the entries that matched a finding).

        File errors (REL000) are never baselined: a file that cannot be checked hides
        whatever it holds.
        """
        available = Counter(self.entries)
        new: list[Finding] = []
        matched: list[Entry] = []
        for finding in sorted(findings, key=lambda f: f.sort_key()):
            entry = self.entry(finding) if finding.code != ERROR_CODE else None
            if entry is not None and available[entry] > 0:
                available[entry] -= 1
                matched.append(entry)
            else:
                new.append(finding)
        return new, matched

    def record(self, findings: list[Finding]) -> None:
        """Replace the entries with these findings."""
        self.entries = sorted(self.entry(f) for f in findings if f.code != ERROR_CODE)

    def prune(self, findings: list[Finding]) -> int:
        """Keep only the entries that still match a finding; return how many were dropped."""
        _, matched = self.split(findings)
        dropped = len(self.entries) - len(matched)
        self.entries = sorted(matched)
        return dropped

    def write(self) -> None:
        data = {
            "version": FORMAT_VERSION,
            "tool": "reliability-lint",
            "salt": self.salt,
            "findings": [
                {"code": e.code, "path": e.path, "fingerprint": e.fingerprint} for e in self.entries
            ],
        }
        text = json.dumps(data, indent=2) + "\n"
        try:
            self.file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise BaselineError(f"{self.file}: cannot write: {exc.strerror or exc}") from None


def load(file: Path, root: Path) -> Baseline:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{file}: no such baseline; create it with `reliability-lint baseline`") from None
    except OSError as exc:
        raise BaselineError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{file}: not a baseline (invalid JSON: {exc})") from None
    return Baseline(file, root, _salt(data, file), _entries(data, file))


def _salt(data: Any, file: Path) -> str:
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(f"{file}: not a version {FORMAT_VERSION} reliability-lint baseline")
    salt = data.get("salt")
    if not isinstance(salt, str) or not salt:
        raise BaselineError(f"{file}: baseline has no salt")
    return salt


def _entries(data: dict[str, Any], file: Path) -> list[Entry]:
    rows = data.get("findings")
    if not isinstance(rows, list):
        raise BaselineError(f"{file}: baseline has no list of findings")
    entries = []
    for number, row in enumerate(rows, 1):
        values = [row.get(key) for key in ("path", "code", "fingerprint")] if isinstance(row, dict) else []
        strings = [value for value in values if isinstance(value, str)]
        if len(strings) != 3:
            raise BaselineError(f"{file}: finding {number} needs string code, path and fingerprint")
        entries.append(Entry(*strings))
    return entries


_TOP_KEYS = frozenset({"version", "tool", "salt", "findings"})
_ROW_KEYS = frozenset({"code", "path", "fingerprint"})
_HASH = re.compile(r"[0-9a-f]{32,64}")
_CODE = re.compile(r"[A-Z]+[0-9]+")
_PATH = re.compile(r"[^\s\x00]+")


def is_baseline(file: Path) -> bool:
    """Whether a file is exactly what `reliability-lint baseline` writes: no key, value or
    row besides the format's, hashes that are hashes, codes that are codes. Only such a file
    is left out of the check (its hashes would look like secrets); a file that merely has
    the baseline's name is checked like any other, so a pull request cannot hide text in it."""
    try:
        data = json.loads(read_bytes(file).decode("utf-8"))
    except (SourceError, UnicodeDecodeError, ValueError):
        return False
    if not isinstance(data, dict) or set(data) - _TOP_KEYS or data.get("version") != FORMAT_VERSION:
        return False
    if data.get("tool", "reliability-lint") != "reliability-lint" or not _hash(data.get("salt")):
        return False
    rows = data.get("findings")
    return isinstance(rows, list) and all(
        isinstance(row, dict) and set(row) == _ROW_KEYS and _hash(row["fingerprint"])
        and isinstance(row["code"], str) and _CODE.fullmatch(row["code"]) is not None
        and isinstance(row["path"], str) and _PATH.fullmatch(row["path"]) is not None
        for row in rows
    )  # fmt: skip


def _hash(value: Any) -> bool:
    return isinstance(value, str) and _HASH.fullmatch(value) is not None
