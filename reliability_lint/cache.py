"""The content cache: findings of unchanged files under unchanged configuration.

One small JSON entry per checked path, named by a hash of the path, holding the hash of
the content it was computed from, the fingerprint of the configuration in force for the
file and, for rules that read git state, a token of that state. An entry that does not
match, cannot be read or does not parse is ignored and rewritten: never trusted, never
fatal. Entries are written through a temporary file and a rename, so concurrent runs see
either a whole entry or none. Findings are stored as reported: secrets already redacted.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from datetime import date
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reliability_lint import __version__
from reliability_lint.findings import Edit, Finding, Fix

DEFAULT_DIR = ".reliability_lint_cache"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def config_fingerprint(*parts: Any) -> str:
    text = json.dumps([__version__, *parts], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def git_token(root: Path) -> str:
    """What git-reading rules depend on: HEAD, the index, the root .gitignore, and the
    date (an age limit passes without any change to the repository)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD", "--git-dir"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:
        return "no-git"
    if head.returncode != 0:
        return "no-repository"
    commit, _, git_dir = head.stdout.strip().partition("\n")
    parts = [commit, date.today().isoformat()]
    for path in (root / git_dir / "index", root / ".gitignore"):
        try:
            stat = path.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            parts.append("-")
    return "/".join(parts)


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False

    def _entry(self, path: Path) -> Path:
        name = hashlib.blake2b(str(path.absolute()).encode(), digest_size=16).hexdigest()
        return self.folder / name[:2] / f"{name}.json"

    def load(self, path: Path, digest: str, config: str, git: str | None) -> list[Finding] | None:
        try:
            with self._entry(path).open("rb") as handle:
                entry = json.load(handle)
            if (entry["content"], entry["config"], entry["git"]) != (digest, config, git):
                return None
            return [_finding(item) for item in entry["findings"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, truncated, corrupt or from another version

    def store(self, path: Path, digest: str, config: str, git: str | None, findings: list[Finding]) -> None:
        entry = {
            "content": digest,
            "config": config,
            "git": git,
            "findings": [_plain(finding) for finding in findings],
        }
        target = self._entry(path)
        try:
            self._prepare(target.parent)
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream)
            os.replace(temporary, target)
        except OSError:
            pass  # a read-only or full disk costs speed, not correctness

    def _prepare(self, folder: Path) -> None:
        if not self._ready:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by reliability-lint\n*\n", encoding="utf-8")
            self._ready = True
        folder.mkdir(exist_ok=True)


def _plain(finding: Finding) -> dict[str, Any]:
    data = asdict(finding)
    if finding.fix is not None:
        data["fix"].pop("compute", None)
    return data


def _finding(data: dict[str, Any]) -> Finding:
    fix = data.pop("fix")
    if fix is not None:
        edits = tuple(Edit(tuple(e["start"]), tuple(e["end"]), e["content"]) for e in fix["edits"])
        fix = Fix(fix["applicability"], fix["message"], edits, fix.get("diff", ""))
    data["noqa_lines"] = tuple(data["noqa_lines"])
    return Finding(fix=fix, **data)
