"""The atomic write of a fixed file: the original is either untouched or fully replaced."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path


class FileChangedError(OSError):
    """The file is no longer the one the fixes were computed from (an editor saved it)."""


def file_origin(status: os.stat_result, data: bytes) -> tuple[int, int, str]:
    """What identifies the version of a file a fix was computed from."""
    import hashlib

    return status.st_size, status.st_mtime_ns, hashlib.blake2b(data, digest_size=20).hexdigest()


def _verify_unchanged(target: Path, expected: tuple[int, int, str]) -> None:
    try:
        status = target.stat()
        if (status.st_size, status.st_mtime_ns) == expected[:2]:
            if file_origin(status, target.read_bytes()) == expected:
                return
    except OSError:
        pass
    raise FileChangedError(0, "the file changed on disk while it was being fixed (run again)")


def write_atomic(path: Path, data: bytes, expected: tuple[int, int, str] | None = None) -> None:
    """Write through a temporary file in the same folder and rename it over the original,
    keeping the file's mode; the original is either untouched or fully replaced.

    Where the system has O_TMPFILE the new content is written to a file without a name, so
    a run killed while writing leaves nothing behind; the file gets its temporary name
    only for the two system calls that link and rename it. SIGINT and SIGTERM wait until
    the file is whole (or the temporary is gone).

    With `expected` (file_origin of the version the fixes were computed from), the file is
    read again right before the rename, and left alone with FileChangedError if it changed.
    """
    target = path.resolve()  # through a symlink, replace the file it points at
    status = target.stat()
    if not os.access(target, os.W_OK) or not (status.st_mode & 0o222):
        raise PermissionError(f"{path.name} is read-only")
    with _signals_deferred():
        temporary = _write_anonymous(target, data, status) or _write_named(target, data, status)
        try:
            if expected is not None:
                _verify_unchanged(target, expected)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _keep_owner_and_mode(descriptor: int, status: os.stat_result) -> None:
    """The new file gets the old one's owner (where allowed: a root codemod run must not
    hand a user's files to root) and mode (after the owner: chown can clear set-id bits)."""
    if (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, status.st_uid, status.st_gid)
    os.fchmod(descriptor, status.st_mode & 0o7777)


def _write_anonymous(target: Path, data: bytes, status: os.stat_result) -> str | None:
    """Write data to an O_TMPFILE file, then name it next to target; None where unsupported."""
    anonymous = getattr(os, "O_TMPFILE", None)
    if anonymous is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        descriptor = os.open(target.parent, anonymous | os.O_WRONLY, 0o600)
    except OSError:
        return None  # a file system without O_TMPFILE
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        _keep_owner_and_mode(descriptor, status)
        os.fsync(descriptor)
        # With a folder descriptor os.link calls linkat(AT_SYMLINK_FOLLOW); plain link()
        # would link the /proc symbolic link itself.
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for _ in range(100):
                name = f".{target.name}.{secrets.token_hex(4)}.rl-tmp"
                try:
                    os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=folder, follow_symlinks=True)
                    return str(target.parent / name)
                except FileExistsError:
                    continue
                except OSError:
                    return None  # linkat through /proc refused: write a named file instead
        finally:
            os.close(folder)
    return None


def _write_named(target: Path, data: bytes, status: os.stat_result) -> str:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".rl-tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            _keep_owner_and_mode(descriptor, status)
            os.fsync(descriptor)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in the main thread) until the block is done."""
    deferrable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if not deferrable:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
