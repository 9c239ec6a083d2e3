"""The content cache: findings of unchanged files under unchanged configuration.

One entry per checked path, holding the status (size, times, inode) and the hash of the
content it was computed from, the fingerprint of the configuration in force for the file
and, for rules that read git state, a token of that state. A file whose status is the
recorded one is not read at all; one whose status changed is read and hashed, and its
entry still serves when the content is the same. An entry that does not match, cannot be
read or does not parse is ignored and rewritten: never trusted, never fatal. The entries
of a folder are one table, read once per run (cache_table.py: how concurrent and killed
runs leave it whole). Findings are stored as reported: secrets already redacted.

The cache folder may sit where a pull request can write (a committed folder, or `cache-dir`
pointing into the tree), so no entry is trusted for what it says: each carries an HMAC
under a per-machine key kept in the user's cache directory, outside any repository, and
an entry whose MAC does not verify is ignored. The configuration fingerprint includes the
source of every loaded rule module (built-in families, installed packs, local rules) and
the versions of the detectors they call, so a changed rule never reuses old findings.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from reliability_lint import __version__
from reliability_lint.cache_table import Table
from reliability_lint.findings import Edit, Finding, Fix

DEFAULT_DIR = ".reliability_lint_cache"
_KEY_NAME = "cache-key"
_KEY_BYTES = 32
# Generous for the timestamp granularity of file systems (2 s on FAT, 1 s on HFS+ and
# some network mounts, a clock tick on ext4) and for a lagging file-system clock.
RACY_WINDOW_NS = 2_000_000_000
# The third-party detectors whose versions decide findings.
_DETECTORS = ("detect_secrets", "bandit", "libcst")


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def config_fingerprint(*parts: Any) -> str:
    text = json.dumps([__version__, code_fingerprint(_loaded_rules()), *parts], sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _loaded_rules() -> frozenset[str]:
    from reliability_lint.registry import REGISTRY

    return frozenset(REGISTRY.loaded)


@lru_cache(maxsize=8)
def code_fingerprint(loaded: frozenset[str]) -> str:
    """A hash of the code findings depend on: this package's source (the built-in rule
    families and the engine), every loaded rule pack's and local rule file's source, and
    the versions of the detectors the rules call."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py"), key=str):
        _hash_file(digest, path)
    for name in sorted(loaded):
        if name.endswith(".py") and os.path.isabs(name):  # a local rules file
            _hash_file(digest, Path(name))
        elif not name.startswith("reliability_lint"):  # an entry point: "module:attr"
            for path in _pack_files(name.partition(":")[0].strip()):
                _hash_file(digest, path)
    for module in _DETECTORS:
        digest.update(f"{module}={_installed_version(module)};".encode())
    return digest.hexdigest()


def _installed_version(module: str) -> str:
    """The installed version of a detector, without importing it (detect-secrets is imported
    only when a line needs it) nor reading every distribution's metadata: the name of its
    .dist-info folder beside the package, and the status of the package's __init__.py."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return "-"
    if spec is None or not spec.origin:
        return "-"
    origin = Path(spec.origin)
    try:
        status = origin.stat()
        prefix = module.lower() + "-"
        infos = sorted(n for n in os.listdir(origin.parent.parent) if n.lower().startswith(prefix) and n.endswith(".dist-info"))
    except OSError:
        return "-"
    return f"{','.join(infos)}:{origin}:{status.st_size}:{status.st_mtime_ns}"


def _pack_files(module: str) -> list[Path]:
    """The source files of the top-level package an entry point's module belongs to."""
    loaded = sys.modules.get(module.split(".")[0])
    origin = getattr(loaded, "__file__", None)
    if not origin:
        return []
    path = Path(origin).resolve()
    if path.name == "__init__.py":
        return sorted(path.parent.rglob("*.py"), key=str)
    return [path]


def _hash_file(digest: Any, path: Path) -> None:
    digest.update(os.fsencode(str(path)) + b"\0")
    try:
        digest.update(path.read_bytes())
    except OSError:
        digest.update(b"<unreadable>")


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/reliability-lint, else ~/.cache/reliability-lint: never in a repository."""
    base = os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "reliability-lint"


def machine_key() -> bytes | None:
    """The per-machine secret that authenticates cache entries, created (0600) on first use.
    None when it cannot be read or created: the cache is then not used at all."""
    folder = user_cache_dir()
    path = folder / _KEY_NAME
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    import secrets  # only the first run on a machine makes the key

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".key-")  # mode 0600
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(secrets.token_bytes(_KEY_BYTES))
            os.link(temporary, path)  # fails if another process created it first: use theirs
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid() or status.st_mode & 0o077:
            return None  # not ours alone: someone else could forge entries
        key = stream.read(_KEY_BYTES + 1)
    return key if len(key) == _KEY_BYTES else None


def _name(kind: str, path: Path) -> str:
    # as str(path.absolute()), without pathlib's parsing (a task's path is already normal)
    return f"{kind}:{path if path.is_absolute() else os.path.join(os.getcwd(), path)}"


def _status(status: os.stat_result) -> list[int]:
    """What stat-based validation compares: size, modification and change times, inode."""
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _trusted_status(entry: dict[str, Any], status: os.stat_result) -> bool:
    """Whether a file's status proves its content is the one the entry was made from: the
    status is the recorded one, and was not racy. A file changed again within the file
    system's timestamp granularity of when it was read can keep its status with new
    content (git's "racy git" problem), so an entry whose times are that close to the
    start of the run that made it is confirmed by its content hash instead."""
    recorded, made = entry.get("stat"), entry.get("at")
    if recorded != _status(status) or not isinstance(made, int):
        return False
    return max(status.st_mtime_ns, status.st_ctime_ns) < made - RACY_WINDOW_NS


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        key = machine_key()
        self._table = Table(folder, key) if key is not None else None
        # Before any file this process reads: the time against which racy entries are told.
        self._opened = time.time_ns()

    def load_unchanged(
        self, path: Path, config: str, git: str | None, current: Callable[[str], str] | None = None, display: str | None = None
    ) -> list[Finding] | None:
        """The findings stored for a file whose status (size, times, inode) is the one
        recorded with them, under this configuration and git state: nothing is read."""
        entry = self._table.get(_name("findings", path)) if self._table is not None else None
        if entry is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode) or not _trusted_status(entry, status):
            return None
        return _findings(entry, display) if _applies(entry, config, git, current) else None

    def load(
        self,
        path: Path,
        digest: str,
        config: str,
        git: str | None,
        current: Callable[[str], str] | None = None,
        status: os.stat_result | None = None,
        display: str | None = None,
    ) -> list[Finding] | None:
        """The findings stored for this content, configuration and git state, provided the
        summaries of the modules they were computed from are unchanged (`current(path)`
        gives a module's summary hash now). `status` is the file's when it was read: an
        entry found by its content is re-recorded under it, so the next run trusts it."""
        name = _name("findings", path)
        entry = self._table.get(name) if self._table is not None else None
        if entry is None or entry.get("content") != digest or not _applies(entry, config, git, current):
            return None
        if status is not None and self._table is not None and not _trusted_status(entry, status):
            refreshed = dict(entry, stat=_status(status), at=self._opened)
            if _trusted_status(refreshed, status):  # else it stays racy: no write that would not help
                self._table.put(name, refreshed)
        return _findings(entry, display)

    def store(
        self,
        path: Path,
        digest: str,
        config: str,
        git: str | None,
        findings: list[Finding],
        deps: dict[str, str] | None = None,
        status: os.stat_result | None = None,
    ) -> None:
        """Record a file's findings; `status` is the file's when it was read (None: the
        entry is found by content only)."""
        if self._table is None:
            return
        entry = {
            "stat": _status(status) if status is not None else None,
            "at": self._opened,
            "content": digest,
            "config": config,
            "git": git,
            "deps": deps or {},
            "findings": [_plain(finding) for finding in findings],
        }
        self._table.put(_name("findings", path), entry)

    def load_summary(self, path: Path, digest: str) -> dict[str, Any] | None:
        """A module's summary for the project index, when made from this content."""
        entry = self._table.get(_name("summary", path)) if self._table is not None else None
        return _summary_of(entry) if entry is not None and entry.get("content") == digest else None

    def trusted_summary(self, path: Path, status: os.stat_result) -> tuple[dict[str, Any], str] | None:
        """A module's summary and its hash, when the file's status proves it is the content
        the summary was made from (as for findings: _trusted_status)."""
        entry = self._table.get(_name("summary", path)) if self._table is not None else None
        if entry is None or not _trusted_status(entry, status) or not isinstance(entry.get("hash"), str):
            return None
        summary = _summary_of(entry)
        return (summary, entry["hash"]) if summary is not None and "auth" in summary else None

    def store_summary(
        self,
        path: Path,
        digest: str,
        summary: dict[str, Any],
        status: os.stat_result | None = None,
        summary_hash: str = "",
    ) -> None:
        """Record a module's summary; with the file's status when it was read, and the
        summary's hash, a later run trusts it without reading the file."""
        if self._table is not None:
            entry: dict[str, Any] = {"content": digest, "version": __version__, "summary": summary}
            if status is not None and summary_hash:
                entry.update(stat=_status(status), at=self._opened, hash=summary_hash)
            self._table.put(_name("summary", path), entry)


def _summary_of(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The summary an entry holds, if this version made it and it has the summary's shape."""
    summary = entry.get("summary")
    shape = {"names": dict, "classes": dict, "stars": list}
    if entry.get("version") != __version__ or not isinstance(summary, dict):
        return None
    return summary if all(isinstance(summary.get(k), t) for k, t in shape.items()) else None


def _applies(entry: dict[str, Any], config: str, git: str | None, current: Callable[[str], str] | None) -> bool:
    """The entry was made under this configuration and git state, from the summaries of
    other modules that are current."""
    if (entry.get("config"), entry.get("git")) != (config, git):
        return False
    deps = entry.get("deps") or {}
    if not isinstance(deps, dict):
        return False
    return not deps or (current is not None and all(current(p) == h for p, h in deps.items()))


def _findings(entry: dict[str, Any], display: str | None) -> list[Finding] | None:
    try:
        return [_finding(item, display) for item in entry["findings"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # from another version


def _plain(finding: Finding) -> dict[str, Any]:
    """What dataclasses.asdict gives (without a fix's compute), built directly: asdict's
    deep copy of every field was most of the cost of storing a file's entry."""
    data = dict(finding.__dict__)
    fix = finding.fix
    if fix is not None:
        edits = tuple({"start": edit.start, "end": edit.end, "content": edit.content} for edit in fix.edits)
        data["fix"] = {"applicability": fix.applicability, "message": fix.message, "edits": edits, "diff": fix.diff}
    return data


_FIELDS = frozenset(field.name for field in fields(Finding))


def _finding(data: dict[str, Any], display: str | None = None) -> Finding:
    """A stored finding, reported under `display` when given (the path as this run shows
    it). Restored as unpickling restores a dataclass, by its __dict__: the frozen __init__
    sets each of its 16 fields through object.__setattr__, which was a third of a warm run."""
    if data.keys() != _FIELDS:
        raise KeyError("fields")  # from another version
    if display is not None:
        data["path"] = display
    fix = data["fix"]
    if fix is not None:
        edits = tuple(Edit(tuple(e["start"]), tuple(e["end"]), e["content"]) for e in fix["edits"])
        data["fix"] = Fix(fix["applicability"], fix["message"], edits, fix.get("diff", ""))
    data["noqa_lines"] = tuple(data["noqa_lines"])
    data["changed_by"] = tuple(data["changed_by"])
    finding = object.__new__(Finding)
    finding.__dict__.update(data)
    return finding
