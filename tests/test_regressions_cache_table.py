"""Mutation survivors of the cache's table and journals (issue 18, tests/MUTATION.md): what
a run reads back, what a merge keeps, when it merges and what it leaves in the folder,
through `Table.get` / `Table.put` in this process (so that mutmut sees them) on real files."""

from __future__ import annotations

import gc
import json
import os
import time
from pathlib import Path

import cache_files
import pytest

from reliability_lint.cache import machine_key
from reliability_lint.cache_table import FORMAT, Table, line, prepare, sign

DAY = 24 * 3600


@pytest.fixture
def key() -> bytes:
    found = machine_key()
    assert found is not None
    return found


def journals(folder: Path) -> list[Path]:
    return sorted(folder.glob("journal-*.jsonl"))


def finished_writer(folder: Path, key: bytes, entries: dict[str, dict]) -> None:
    """A run that wrote these entries and ended (its journal's lock is released)."""
    writer = Table(folder, key)
    for name, entry in entries.items():
        writer.put(name, entry)
    del writer
    gc.collect()


def files_of(tmp_path: Path, count: int) -> list[str]:
    """Entry names of `count` files that exist (a merge keeps only those)."""
    names = []
    for index in range(count):
        path = tmp_path / f"m{index}.py"
        path.write_text("x = 1\n")
        names.append(f"findings:{path}")
    return names


def test_an_entry_is_read_back_by_this_run_and_the_next(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    table = Table(folder, key)
    assert table.get(name) is None
    table.put(name, {"n": 1, "text": "café ✓"})  # not ASCII: written escaped
    assert table.get(name) == {"n": 1, "text": "café ✓"}
    assert Table(folder, key).get(name) == {"n": 1, "text": "café ✓"}
    assert Table(folder, key).get(name + "x") is None
    (journal,) = journals(folder)
    assert journal.read_bytes().isascii() and journal.read_bytes().count(b"\n") == 1
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))
    assert (folder / ".gitignore").read_text() == "# Created by reliability-lint\n*\n"


def test_names_and_entries_with_spaces_are_read_back(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    path = tmp_path / "my project" / "a b.py"
    path.parent.mkdir()
    path.write_text("x = 1\n")
    Table(folder, key).put(f"findings:{path}", {"message": "a swallowed exception"})
    assert Table(folder, key).get(f"findings:{path}") == {"message": "a swallowed exception"}


def test_a_later_entry_replaces_an_earlier_one(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    table = Table(folder, key)
    table.put(name, {"n": 1})
    table.put(name, {"n": 2})
    assert table.get(name) == {"n": 2} and Table(folder, key).get(name) == {"n": 2}


def test_the_newest_journal_wins_over_an_older_one(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    first, second = Table(folder, key), Table(folder, key)
    first.put(name, {"n": 1})
    second.put(name, {"n": 2})
    new, old = journals(folder) if journals(folder)[0].read_bytes().endswith(b'{"n":2}\n') else journals(folder)[::-1]
    os.utime(old, ns=(time.time_ns(), time.time_ns() - 10**9 * DAY))
    os.utime(new, ns=(time.time_ns(), time.time_ns()))
    assert Table(folder, key).get(name) == {"n": 2}
    os.utime(new, ns=(time.time_ns(), time.time_ns() - 2 * 10**9 * DAY))  # now the older of the two
    assert Table(folder, key).get(name) == {"n": 1}


def test_a_signed_entry_that_is_not_a_json_object_is_ignored(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    prepare(folder)
    rows = {"findings:/a": b"{not json", "findings:/b": b"[1, 2]", "findings:/c": b'{"n": 3}'}
    data = b"".join(
        line(sign(key, json.dumps(n).encode(), body), json.dumps(n).encode(), body) for n, body in rows.items()
    )
    (folder / "table").write_bytes(FORMAT + data)
    table = Table(folder, key)
    assert [table.get(name) for name in rows] == [None, None, {"n": 3}]


def test_a_table_of_another_format_is_not_read(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    body = b'{"n": 1}'
    entry = line(sign(key, json.dumps(name).encode(), body), json.dumps(name).encode(), body)
    prepare(folder)
    (folder / "table").write_bytes(b"reliability-lint cache table 0\n" + entry)
    assert Table(folder, key).get(name) is None
    (folder / "table").write_bytes(FORMAT + entry)
    assert Table(folder, key).get(name) == {"n": 1}


def test_an_existing_gitignore_is_kept(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / ".gitignore").write_text("# mine\n")
    Table(folder, key).put("findings:/x", {})
    assert (folder / ".gitignore").read_text() == "# mine\n"


def test_a_folder_that_cannot_be_written_costs_the_cache_not_the_run(tmp_path: Path, key: bytes) -> None:
    (tmp_path / "file").write_text("not a folder\n")
    table = Table(tmp_path / "file" / "cache", key)
    table.put("findings:/x", {"n": 1})  # no journal can be made: no error
    assert table.get("findings:/x") == {"n": 1}  # still this run's


def test_a_cache_folder_below_folders_that_do_not_exist_yet_is_made(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "build" / "lint" / "cache"
    Table(folder, key).put("findings:/x", {"n": 1})
    assert Table(folder, key).get("findings:/x") == {"n": 1}


def test_a_forked_worker_writes_a_journal_of_its_own(tmp_path: Path, key: bytes) -> None:
    """The engine's pool forks workers from a run that already wrote: two processes never
    write one journal (their lines would interleave)."""
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 2)
    table = Table(folder, key)
    table.put(names[0], {"by": "parent"})
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            table.put(names[1], {"by": "worker"})
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert len(journals(folder)) == 2
    table.put(names[0], {"by": "parent again"})  # still into its own journal
    assert sorted(p.read_bytes().count(b"\n") for p in journals(folder)) == [1, 2]
    reader = Table(folder, key)
    assert [reader.get(n) for n in names] == [{"by": "parent again"}, {"by": "worker"}]


def test_a_lock_that_is_a_link_is_not_followed(tmp_path: Path, key: bytes) -> None:
    """A lock file a pull request committed as a link cannot make a run create a file
    where it points."""
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    (folder / "lock").symlink_to(tmp_path / "created-by-the-run")
    assert Table(folder, key).get(name) == {"n": 1}
    assert not (tmp_path / "created-by-the-run").exists()


# ------------------------------------------------------------------ reading only our own files


def test_a_table_that_is_a_link_a_fifo_or_too_large_is_not_read(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    Table(folder, key).get(name)  # merged: the journal's entry is in the table now
    table = folder / "table"
    assert not journals(folder)
    real = tmp_path / "real-table"
    table.rename(real)
    table.symlink_to(real)
    assert Table(folder, key).get(name) is None
    table.unlink()
    os.mkfifo(table)  # opening it to read must not block
    assert Table(folder, key).get(name) is None
    table.unlink()
    data = real.read_bytes()
    with open(table, "wb") as stream:
        stream.write(data)
        stream.truncate(256 * 1024 * 1024 + 1)  # sparse: nothing of this size is ours
    assert Table(folder, key).get(name) is None
    table.write_bytes(data)
    assert Table(folder, key).get(name) == {"n": 1}


# ------------------------------------------------------------------ merging the journals


def test_the_journals_of_finished_runs_are_merged_into_the_table(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 3)
    finished_writer(folder, key, {names[0]: {"n": 0}, names[1]: {"n": 1}})
    live = Table(folder, key)
    live.put(names[2], {"n": 2})  # its run goes on: its journal is read, not merged
    reader = Table(folder, key)
    assert [reader.get(n) for n in names] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert len(journals(folder)) == 1 and journals(folder)[0].read_bytes().count(b"\n") == 1
    assert (folder / "table").read_bytes().count(b"\n") == 3  # the format line and the two merged entries
    assert [Table(folder, key).get(n) for n in names] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_a_merge_drops_forged_entries_and_those_of_deleted_files(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    kept, gone = files_of(tmp_path, 2)
    colon = tmp_path / "a:b.py"  # the name's first colon ends the kind, not the path
    colon.write_text("x = 1\n")
    finished_writer(folder, key, {kept: {"n": 1}, gone: {"n": 2}, f"findings:{colon}": {"n": 3}})
    Path(gone.partition(":")[2]).unlink()
    (journal,) = journals(folder)
    forged_name = json.dumps(f"findings:{tmp_path / 'm0.py'}x").encode()
    odd_name = b"not json"
    with journal.open("ab") as stream:
        stream.write(line(b"0" * 64, forged_name, b"{}"))  # signed by no one
        stream.write(line(sign(key, odd_name, b"{}"), odd_name, b"{}"))
    Table(folder, key).get(kept)  # one journal, no table yet: merged
    assert list(cache_files.raw(folder)) == [kept, f"findings:{colon}"]
    assert Table(folder, key).get(kept) == {"n": 1}


def test_journals_are_merged_once_they_hold_a_quarter_of_the_table(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 2)
    finished_writer(folder, key, {names[0]: {"pad": "x" * 4000}})
    Table(folder, key).get(names[0])  # merged: the table holds it
    size = (folder / "table").stat().st_size
    assert not journals(folder)

    def journal_of(length: int) -> None:
        """A finished run's journal of exactly `length` bytes."""
        empty = len(line(b"0" * 64, json.dumps(names[1]).encode(), b'{"pad":""}'))
        finished_writer(folder, key, {names[1]: {"pad": "y" * (length - empty)}})
        assert sum(p.stat().st_size for p in journals(folder)) == length

    quarter = -(-size // 4)
    journal_of(quarter - 1)
    Table(folder, key).get(names[0])
    assert len(journals(folder)) == 1  # less than a quarter: left for later
    journals(folder)[0].unlink()
    journal_of(quarter)
    Table(folder, key).get(names[0])
    assert not journals(folder) and Table(folder, key).get(names[1]) is not None


def test_the_journals_count_together_toward_a_quarter_of_the_table(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 3)
    finished_writer(folder, key, {names[0]: {"pad": "x" * 4000}})
    Table(folder, key).get(names[0])
    third = (folder / "table").stat().st_size // 6  # two journals of a sixth: a third together
    for name in names[1:]:
        finished_writer(folder, key, {name: {"pad": "y" * third}})
    assert len(journals(folder)) == 2
    Table(folder, key).get(names[0])
    assert not journals(folder)


def test_eight_small_journals_are_merged(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    names = files_of(tmp_path, 9)
    finished_writer(folder, key, {names[0]: {"pad": "x" * 40000}})  # the share alone would not merge them
    Table(folder, key).get(names[0])
    for count in range(1, 9):
        finished_writer(folder, key, {names[count]: {}})
        Table(folder, key).get(names[0])
        assert len(journals(folder)) == (0 if count == 8 else count), count
    assert [Table(folder, key).get(n) for n in names[1:]] == [{}] * 8


def test_no_merge_while_another_run_merges(tmp_path: Path, key: bytes) -> None:
    import fcntl

    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    with open(folder / "lock", "w") as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # another run's merge holds the lock
        assert Table(folder, key).get(name) == {"n": 1}
        assert len(journals(folder)) == 1 and not (folder / "table").exists()
    Table(folder, key).get(name)
    assert not journals(folder) and (folder / "table").exists()


def test_a_table_that_cannot_be_replaced_loses_no_entry_and_leaves_no_temporary_file(
    tmp_path: Path, key: bytes
) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    finished_writer(folder, key, {name: {"n": 1}})
    (folder / "table").mkdir()  # a merge cannot rename over it
    assert Table(folder, key).get(name) == {"n": 1}
    assert len(journals(folder)) == 1  # not deleted: its entries were not merged
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert Table(folder, key).get(name) == {"n": 1}


def test_a_merge_removes_temporary_files_abandoned_a_day_ago(tmp_path: Path, key: bytes) -> None:
    folder = tmp_path / "cache"
    (name,) = files_of(tmp_path, 1)
    prepare(folder)
    now = time.time()
    ages = {".table-old.tmp": DAY + 10, ".journal-old.tmp": DAY + 10, ".table-young.tmp": DAY - 60, ".table-new.tmp": 0,
            "table-old.tmp": DAY + 10, ".table-old.txt": DAY + 10}  # fmt: skip
    for file, age in ages.items():
        (folder / file).write_bytes(b"x")
        os.utime(folder / file, (now - age, now - age))
    finished_writer(folder, key, {name: {"n": 1}})
    Table(folder, key).get(name)
    left = sorted(p.name for p in folder.iterdir())
    assert left == [
        ".gitignore",
        ".table-new.tmp",
        ".table-old.txt",
        ".table-young.tmp",
        "lock",
        "table",
        "table-old.tmp",
    ]
