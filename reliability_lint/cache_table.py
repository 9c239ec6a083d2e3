"""The cache's storage: one table per cache folder, read once per run, and one journal per
process that writes. Both hold one line per entry:

    MAC <tab> NAME <tab> BODY

NAME is "kind:absolute path" and BODY the entry, each as JSON text (so neither holds a tab
or a line break); the table opens with a line naming its format. The MAC (HMAC-SHA256
under the per-machine key, over name and body) is checked before a body is parsed, so an
entry that this machine's runs did not write is never read: a committed or forged table
or journal is ignored entry by entry, as is a body moved under another name. Only the
bodies of the entries a run asks for are parsed.

No process rewrites a file that another may be reading. Each appends to a journal of its
own, made under a temporary name and locked before it gets its journal name; a run that
finds journals merges them, under the folder's lock, into a new table written to a
temporary file and renamed over the old one, then deletes the journals it merged: only
those whose writer is gone (their lock is free). A line a killed run left half-written
does not verify and is skipped; a table being replaced is read whole, the old or the new.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import stat
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # no advisory locks: a journal is merged once it is a day old
    fcntl = None  # type: ignore[assignment]

FORMAT = b"reliability-lint cache table 1\n"
TABLE = "table"
_LOCK = "lock"
_JOURNAL_PREFIX, _JOURNAL_SUFFIX = "journal-", ".jsonl"
_MAX_BYTES = 256 * 1024 * 1024  # a bigger file in the cache folder is not ours: not read
_STALE_SECONDS = 24 * 3600  # a temporary file (or, without locks, a journal) this old is abandoned
# Merge when the journals hold this share of the table, or when there are this many.
_MERGE_SHARE, _MERGE_COUNT = 0.25, 8


def sign(key: bytes, name: bytes, body: bytes) -> bytes:
    return hmac.digest(key, name + b"\n" + body, "sha256").hex().encode("ascii")  # one call into OpenSSL


def line(mac: bytes, name: bytes, body: bytes) -> bytes:
    return b"\t".join((mac, name, body)) + b"\n"


class Table:
    """The entries of one cache folder, by name; an entry is a JSON object."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._key = key
        self._entries: dict[bytes, tuple[bytes, bytes]] | None = None  # name -> (mac, body), as read
        self._journal: int | None = None
        self._journal_pid = 0

    def get(self, name: str) -> dict[str, Any] | None:
        """The entry stored under `name`, or None: missing, damaged or not authenticated."""
        if self._entries is None:
            self._entries = self._read()
        encoded = _encode(name)
        item = self._entries.get(encoded)
        if item is None or not hmac.compare_digest(item[0], sign(self._key, encoded, item[1])):
            return None
        try:
            entry = json.loads(item[1])
        except ValueError:
            return None
        return entry if isinstance(entry, dict) else None

    def put(self, name: str, entry: dict[str, Any]) -> None:
        """Store an entry: at once in this process's journal (a full or read-only disk
        costs speed, not correctness)."""
        encoded = _encode(name)
        body = json.dumps(entry, separators=(",", ":")).encode("ascii")  # ensure_ascii: no encoding errors
        mac = sign(self._key, encoded, body)
        if self._entries is None:
            self._entries = self._read()
        self._entries[encoded] = (mac, body)
        data = line(mac, encoded, body)
        try:
            descriptor = self._journal_descriptor()
            while data:
                data = data[os.write(descriptor, data) :]
        except OSError:
            pass

    # ------------------------------------------------------------------ reading

    def _read(self) -> dict[bytes, tuple[bytes, bytes]]:
        entries, size = _table_entries(self.folder / TABLE)
        journals = _journals(self.folder)
        journal_bytes = 0
        for path in journals:
            data = _read_file(path) or b""
            journal_bytes += len(data)
            entries.update(_lines(data))
        if journals and (len(journals) >= _MERGE_COUNT or journal_bytes >= size * _MERGE_SHARE):
            self._merge()
        return entries

    # ------------------------------------------------------------------ writing

    def _journal_descriptor(self) -> int:
        if self._journal is None or self._journal_pid != os.getpid():  # a forked worker writes its own
            prepare(self.folder)
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".journal-", suffix=".tmp")
            if fcntl is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)  # held while this process lives
            final = self.folder / (_JOURNAL_PREFIX + Path(temporary).stem.removeprefix(".journal-") + _JOURNAL_SUFFIX)
            os.rename(temporary, final)
            self._journal, self._journal_pid = descriptor, os.getpid()
            weakref.finalize(self, _close, descriptor, os.getpid())
        return self._journal

    def _merge(self) -> None:
        """Fold the journals of finished writers into a new table (one merge at a time)."""
        lock = _lock(self.folder / _LOCK)
        if lock is None:
            return  # another run is merging
        try:
            merged, _ = _table_entries(self.folder / TABLE)  # again, under the lock
            finished = []
            for path in _journals(self.folder):
                descriptor = _finished(path)
                if descriptor is not None:  # else its writer still runs: read, not merged
                    finished.append((path, descriptor))
                    merged.update(_lines(_read_descriptor(descriptor) or b""))
            kept = [line(mac, name, body) for name, (mac, body) in merged.items() if self._worth_keeping(name, mac, body)]
            _write_atomic(self.folder / TABLE, FORMAT + b"".join(kept))
            for path, descriptor in finished:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                os.close(descriptor)
            _remove_abandoned(self.folder)
        except OSError:
            pass
        finally:
            _unlock(self.folder / _LOCK, lock)

    def _worth_keeping(self, name: bytes, mac: bytes, body: bytes) -> bool:
        """Authentic, and of a file that still exists."""
        if not hmac.compare_digest(mac, sign(self._key, name, body)):
            return False
        try:
            return os.path.lexists(json.loads(name).partition(":")[2])
        except (ValueError, AttributeError):
            return False


def prepare(folder: Path) -> None:
    """The cache folder, with the .gitignore that keeps it out of commits."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by reliability-lint\n*\n", encoding="utf-8")


def _encode(name: str) -> bytes:
    return json.dumps(name).encode("ascii")


def _table_entries(path: Path) -> tuple[dict[bytes, tuple[bytes, bytes]], int]:
    data = _read_file(path)
    if not data or not data.startswith(FORMAT):
        return {}, 0
    return _lines(data[len(FORMAT) :]), len(data)


def _lines(data: bytes) -> dict[bytes, tuple[bytes, bytes]]:
    """name -> (mac, body) of each line; a later line replaces an earlier one. A damaged
    line (the last one of a killed run) is kept as it is: its MAC does not verify."""
    entries = {}
    for text in data.split(b"\n"):
        parts = text.split(b"\t", 2)
        if len(parts) == 3:
            entries[parts[1]] = (parts[0], parts[2])
    return entries


def _journals(folder: Path) -> list[Path]:
    """The journals in the folder, oldest first (a later entry replaces an earlier one)."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(_JOURNAL_PREFIX) and n.endswith(_JOURNAL_SUFFIX)]
    except OSError:
        return []
    dated = []
    for name in names:
        try:
            dated.append((os.lstat(folder / name).st_mtime_ns, name))
        except OSError:
            continue
    return [folder / name for _, name in sorted(dated)]


def _open_regular(path: Path) -> int | None:
    """A descriptor on a regular file of ours to read (never a link, a FIFO or a device a
    pull request put in the folder), or None."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_BYTES:
        os.close(descriptor)
        return None
    return descriptor


def _read_file(path: Path) -> bytes | None:
    descriptor = _open_regular(path)
    if descriptor is None:
        return None
    try:
        return _read_descriptor(descriptor)
    finally:
        os.close(descriptor)


def _read_descriptor(descriptor: int) -> bytes | None:
    try:
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            return stream.read(_MAX_BYTES + 1)
    except OSError:
        return None


def _finished(path: Path) -> int | None:
    """A descriptor on a journal whose writer is gone (holding the journal's lock until
    it is deleted), or None while it may still write."""
    descriptor = _open_regular(path)
    if descriptor is None:
        return None
    if fcntl is not None:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return descriptor
        except OSError:
            pass
    elif time.time() - os.fstat(descriptor).st_mtime > _STALE_SECONDS:
        return descriptor
    os.close(descriptor)
    return None


def _lock(path: Path) -> int | None:
    """The folder's merge lock, or None when another process holds it."""
    if fcntl is None:  # a lock file made exclusively; one left by a killed run expires
        with contextlib.suppress(OSError):
            if time.time() - os.lstat(path).st_mtime > _STALE_SECONDS:
                os.unlink(path)
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            return None
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _unlock(path: Path, descriptor: int) -> None:
    if fcntl is None:
        with contextlib.suppress(OSError):
            os.unlink(path)
    os.close(descriptor)


def _write_atomic(target: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".table-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _remove_abandoned(folder: Path) -> None:
    """Temporary files of runs killed before their rename."""
    now = time.time()
    for name in os.listdir(folder):
        if name.startswith(".") and name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if now - os.lstat(folder / name).st_mtime > _STALE_SECONDS:
                    os.unlink(folder / name)


def _close(descriptor: int, pid: int) -> None:
    if os.getpid() == pid:
        with contextlib.suppress(OSError):
            os.close(descriptor)
