"""Mutation survivors of the cache table's upkeep (issue 18, tests/MUTATION.md): merging
without advisory locks, and what a run killed mid-way leaves for the next day's merge,
through `Table.get` / `Table.put` in this process (and forked ones) on real files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_regressions_cache_table import DAY, files_of, finished_writer, journals

from reliability_lint import cache_table
from reliability_lint.cache import machine_key
from reliability_lint.cache_table import Table


@pytest.fixture
def key() -> bytes:
    found = machine_key()
    assert found is not None
    return found


# ------------------------------------------------------------------ without advisory locks


def test_without_locks_a_journal_is_merged_once_it_is_a_day_old(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_table, "fcntl", None)
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    assert Table(folder, key).get(name) == {"n": 1}
    assert len(journals(folder)) == 1  # its writer may still run
    young = time.time() - DAY + 60
    os.utime(journals(folder)[0], (young, young))
    assert Table(folder, key).get(name) == {"n": 1}
    assert len(journals(folder)) == 1  # nearly a day: still kept
    old = time.time() - DAY - 10
    os.utime(journals(folder)[0], (old, old))
    assert Table(folder, key).get(name) == {"n": 1}
    assert not journals(folder) and not (folder / "lock").exists()  # merged; the lock file removed
    assert Table(folder, key).get(name) == {"n": 1}


def test_without_locks_a_lock_file_blocks_a_merge_until_it_is_a_day_old(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_table, "fcntl", None)
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    old, young = time.time() - DAY - 10, time.time() - DAY + 60
    os.utime(journals(folder)[0], (old, old))
    (folder / "lock").write_bytes(b"")  # another run merges
    Table(folder, key).get(name)
    assert len(journals(folder)) == 1
    os.utime(folder / "lock", (young, young))
    Table(folder, key).get(name)
    assert len(journals(folder)) == 1
    os.utime(folder / "lock", (old, old))  # a run killed while merging
    Table(folder, key).get(name)
    assert not journals(folder) and not (folder / "lock").exists()


def killed_before(call: str, action) -> None:
    """Run `action` in a forked process that is killed as it reaches `os.<call>`."""
    pid = os.fork()
    if pid == 0:
        try:
            setattr(os, call, lambda *args, **kwargs: os._exit(9))
            action()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9  # it was killed there


def age(folder: Path, seconds: float) -> None:
    for path in folder.iterdir():
        then = time.time() - seconds
        os.utime(path, (then, then), follow_symlinks=False)


@pytest.mark.parametrize("call", ["rename", "replace"])
def test_the_temporary_file_of_a_run_killed_before_its_rename_is_removed_a_day_later(
    tmp_path: Path, key: bytes, call: str
) -> None:
    """A journal is renamed into place once made; a merged table replaces the old one."""
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 2)
    finished_writer(folder, key, {names[0]: {"n": 0}})
    if call == "replace":  # the next merge is the one killed
        Table(folder, key).get(names[0])
        finished_writer(folder, key, {names[1]: {"n": 1}})
    killed_before(
        call,
        lambda: Table(folder, key).put(names[1], {"n": 1}) if call == "rename" else Table(folder, key).get(names[0]),
    )
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1 and leftovers[0].startswith("."), leftovers
    age(folder, DAY + 10)
    finished_writer(folder, key, {names[1]: {"n": 2}})
    assert Table(folder, key).get(names[1]) == {"n": 2}  # merges, and removes what was abandoned
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_merge_writes_its_table_beside_the_old_one_not_in_the_system_temporary_folder(
    tmp_path: Path, key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renamed over the old table, so it must be on the same file system."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    assert len(journals(folder)) == 1  # a journal too is made in the folder, then renamed
    Table(folder, key).get(name)
    assert not journals(folder) and (folder / "table").exists()


def test_the_empty_journal_of_a_run_killed_before_writing_is_merged_away(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    killed_before("write", lambda: Table(folder, key).put(name, {"n": 1}))
    (journal,) = journals(folder)
    assert journal.stat().st_size == 0
    assert Table(folder, key).get(name) is None
    assert not journals(folder)


def test_only_journals_are_merged_and_deleted(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    for other in ("notes.jsonl", "journal-notes.txt"):
        (folder / other).write_text("kept\n")
    assert Table(folder, key).get(name) == {"n": 1}
    assert not journals(folder)
    assert (folder / "notes.jsonl").exists() and (folder / "journal-notes.txt").exists()
