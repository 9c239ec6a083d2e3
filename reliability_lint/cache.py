"""The content cache: findings of unchanged files under unchanged configuration.

One small JSON entry per checked path, named by a hash of the path, holding the hash of
the content it was computed from, the fingerprint of the configuration in force for the
file and, for rules that read git state, a token of that state. An entry that does not
match, cannot be read or does not parse is ignored and rewritten: never trusted, never
fatal. Entries are written through a temporary file and a rename, so concurrent runs see
either a whole entry or none. Findings are stored as reported: secrets already redacted.

The cache folder may sit where a pull request can write (a committed folder, or `cache-dir`
pointing into the tree), so no entry is trusted for what it says: each carries an HMAC
under a per-machine key kept in the user's cache directory, outside any repository, and
an entry whose MAC does not verify is ignored. The configuration fingerprint includes the
source of every loaded rule module (built-in families, installed packs, local rules) and
the versions of the detectors they call, so a changed rule never reuses old findings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reliability_lint import __version__
from reliability_lint.findings import Edit, Finding, Fix

DEFAULT_DIR = ".reliability_lint_cache"
_KEY_NAME = "cache-key"
_KEY_BYTES = 32
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


def _mac(key: bytes, name: str, entry: dict[str, Any]) -> str:
    """The MAC of everything an entry says (findings, dependencies or a summary) under its name."""
    body = json.dumps([name, {k: v for k, v in entry.items() if k != "mac"}], sort_keys=True)
    return hmac.new(key, body.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._ready = False
        self._key = machine_key()

    def _entry(self, path: Path, kind: str = "findings") -> Path:
        # fsencode: a file name that is not valid UTF-8 (surrogate escapes) still has a key
        name = hashlib.blake2b(kind.encode() + b":" + os.fsencode(str(path.absolute())), digest_size=16).hexdigest()
        return self.folder / name[:2] / f"{name}.json"

    def load(
        self,
        path: Path,
        digest: str,
        config: str,
        git: str | None,
        current: Callable[[str], str] | None = None,
    ) -> list[Finding] | None:
        """The findings stored for this content, configuration and git state, provided the
        summaries of the modules they were computed from are unchanged (`current(path)`
        gives a module's summary hash now)."""
        entry = self._read(self._entry(path))
        try:
            if entry is None or (entry["content"], entry["config"], entry["git"]) != (digest, config, git):
                return None
            deps = entry.get("deps") or {}
            if deps and (current is None or any(current(p) != h for p, h in deps.items())):
                return None
            return [_finding(item) for item in entry["findings"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # from another version

    def store(
        self,
        path: Path,
        digest: str,
        config: str,
        git: str | None,
        findings: list[Finding],
        deps: dict[str, str] | None = None,
    ) -> None:
        entry = {
            "content": digest,
            "config": config,
            "git": git,
            "deps": deps or {},
            "findings": [_plain(finding) for finding in findings],
        }
        self._write(self._entry(path), entry)

    def load_summary(self, path: Path, digest: str) -> dict[str, Any] | None:
        """A module's summary for the project index, when made from this content."""
        entry = self._read(self._entry(path, "summary"))
        if entry is None or entry.get("content") != digest or entry.get("version") != __version__:
            return None
        summary = entry.get("summary")
        shape = {"names": dict, "classes": dict, "stars": list}
        if not isinstance(summary, dict) or any(not isinstance(summary.get(k), t) for k, t in shape.items()):
            return None
        return summary

    def store_summary(self, path: Path, digest: str, summary: dict[str, Any]) -> None:
        self._write(self._entry(path, "summary"), {"content": digest, "version": __version__, "summary": summary})

    def _read(self, target: Path) -> dict[str, Any] | None:
        """An entry this machine's runs wrote, or None: missing, truncated, corrupt, or not
        authenticated by the machine key (forged, committed, or from elsewhere)."""
        if self._key is None:
            return None
        try:
            with target.open("rb") as handle:
                entry = json.load(handle)
            if not isinstance(entry, dict) or not hmac.compare_digest(str(entry["mac"]), _mac(self._key, target.stem, entry)):
                return None
            return entry
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write(self, target: Path, entry: dict[str, Any]) -> None:
        if self._key is None:
            return
        entry["mac"] = _mac(self._key, target.stem, json.loads(json.dumps(entry)))
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
    data["changed_by"] = tuple(data.get("changed_by", (0, 0)))
    return Finding(fix=fix, **data)
