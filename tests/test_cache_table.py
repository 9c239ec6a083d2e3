"""The cache's table and journals, and the status that lets a run trust an entry without
reading the file: real files in temp folders, real processes for the concurrent cases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cache_files
import pytest
from conftest import run_tool

from reliability_lint.cache import RACY_WINDOW_NS, Cache, content_hash, machine_key
from reliability_lint.cache_table import FORMAT, Table
from reliability_lint.findings import Finding

SWALLOW = "def f():\n    try:\n        g()\n    except:\n        pass\n"


def finding(path: str, message: str = "swallowed") -> Finding:
    return Finding("REL101", message, path, 4, 4, 4, 11, noqa_lines=(4,), changed_by=(2, 5))


def recorded(tmp_path: Path, data: bytes, opened_after_mtime_ns: int) -> tuple[Path, Path, Cache]:
    """A file, and a cache that recorded a finding for it, as a run that started
    `opened_after_mtime_ns` after the file's last change would."""
    path = tmp_path / "a.py"
    path.write_bytes(data)
    folder = tmp_path / "cache"
    cache = Cache(folder)
    status = os.stat(path)
    cache._opened = max(status.st_mtime_ns, status.st_ctime_ns) + opened_after_mtime_ns
    cache.store(path, content_hash(data), "config", None, [finding("a.py")], status=status)
    return path, folder, cache


def test_an_unchanged_status_is_trusted_without_reading(tmp_path: Path) -> None:
    path, folder, _ = recorded(tmp_path, SWALLOW.encode(), 3 * RACY_WINDOW_NS)
    again = Cache(folder)
    assert again.load_unchanged(path, "config", None, display="shown.py") == [finding("shown.py")]
    assert again.load_unchanged(path, "other config", None) is None
    assert again.load_unchanged(path, "config", "a git state") is None


def test_a_changed_status_with_the_same_content_is_a_hit_and_is_recorded(tmp_path: Path) -> None:
    data = SWALLOW.encode()
    path, folder, _ = recorded(tmp_path, data, 3 * RACY_WINDOW_NS)
    status = os.stat(path)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns - 10 * RACY_WINDOW_NS))  # touched, checked out again
    second = Cache(folder)
    assert second.load_unchanged(path, "config", None) is None  # the status differs: not trusted
    second._opened = time.time_ns() + 3 * RACY_WINDOW_NS
    found = second.load(path, content_hash(data), "config", None, status=os.stat(path))
    assert found == [finding("a.py")]  # the same content: a hit
    assert Cache(folder).load_unchanged(path, "config", None) == [finding("a.py")]  # and trusted from now on


def test_the_same_status_within_the_racy_window_is_confirmed_by_content(tmp_path: Path) -> None:
    """An entry made from content B while the file now holds A with the very same status:
    what a change within one timestamp tick of the read leaves. Only the racy rule stands
    between it and a stale hit."""
    content_b = SWALLOW.replace("except:", "except ValueError:").encode()
    for after, trusted in ((RACY_WINDOW_NS // 2, False), (3 * RACY_WINDOW_NS, True)):
        path = tmp_path / f"{trusted}.py"
        path.write_bytes(SWALLOW.encode())  # A on disk
        cache = Cache(tmp_path / f"cache-{trusted}")
        status = os.stat(path)
        cache._opened = max(status.st_mtime_ns, status.st_ctime_ns) + after
        cache.store(path, content_hash(content_b), "config", None, [], status=status)  # recorded for B
        again = Cache(tmp_path / f"cache-{trusted}")
        assert (again.load_unchanged(path, "config", None) == []) is trusted
        assert again.load(path, content_hash(SWALLOW.encode()), "config", None, status=os.stat(path)) is None


def test_a_file_changed_right_after_a_check_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    for round_ in range(3):
        path.write_text(SWALLOW)
        assert "REL101" in run_tool("check", "--output-format", "concise", ".", cwd=tmp_path).stdout
        path.write_text(SWALLOW.replace("    except:\n        pass", "    except E:\n      pass"))  # the same size
        assert path.stat().st_size == len(SWALLOW)
        assert "REL101" not in run_tool("check", "--output-format", "concise", ".", cwd=tmp_path).stdout, round_


def test_an_entry_signed_elsewhere_or_moved_is_ignored(tmp_path: Path) -> None:
    path, folder, _ = recorded(tmp_path, SWALLOW.encode(), 3 * RACY_WINDOW_NS)
    other = tmp_path / "b.py"
    other.write_bytes(path.read_bytes())
    items = cache_files.raw(folder)
    ((name, (body, mac)),) = items.items()
    moved = f"findings:{other}"
    cache_files.rewrite(folder, {moved: [body.replace(str(path), str(other)), mac]})  # the MAC names a.py
    assert Cache(folder).load(other, content_hash(other.read_bytes()), "config", None) is None
    forged = cache_files.signed(b"k" * 32, name, json.loads(body))  # another machine's key
    cache_files.rewrite(folder, {name: forged})
    assert Cache(folder).load_unchanged(path, "config", None) is None
    cache_files.rewrite(folder, {name: [body, mac]})
    assert Cache(folder).load_unchanged(path, "config", None) == [finding("a.py")]  # the original verifies


def test_a_half_written_line_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path, folder, cache = recorded(tmp_path, SWALLOW.encode(), 3 * RACY_WINDOW_NS)
    other = tmp_path / "b.py"
    other.write_text("x = 1\n")
    cache.store(other, content_hash(other.read_bytes()), "config", None, [], status=os.stat(other))
    (journal,) = folder.glob("journal-*.jsonl")
    whole = journal.read_bytes()
    journal.write_bytes(whole[: -len(whole.splitlines()[-1]) // 2 - 1])  # killed inside the last line
    again = Cache(folder)
    assert again.load_unchanged(path, "config", None) == [finding("a.py")]
    assert again.load(other, content_hash(other.read_bytes()), "config", None) is None


WRITER = """
import sys
from pathlib import Path
from reliability_lint.cache_table import Table
Table(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])).put(sys.argv[3], {"n": 1})
"""


def test_journals_of_finished_writers_are_merged_and_live_ones_kept(tmp_path: Path) -> None:
    key = machine_key()
    assert key is not None
    folder = tmp_path / "cache"
    names = []
    for index in range(3):
        target = tmp_path / f"m{index}.py"
        target.write_text("x = 1\n")
        names.append(f"findings:{target}")
    live = Table(folder, key)
    live.put(names[0], {"n": 0})  # its journal stays locked while `live` exists
    finished = subprocess.run(
        [sys.executable, "-c", WRITER, str(folder), key.hex(), names[1]],
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=True,
    )  # fmt: skip
    assert finished.returncode == 0 and len(list(folder.glob("journal-*.jsonl"))) == 2
    reader = Table(folder, key)
    assert reader.get(names[0]) == {"n": 0} and reader.get(names[1]) == {"n": 1}  # both read
    journals = list(folder.glob("journal-*.jsonl"))
    assert len(journals) == 1 and journals[0].read_bytes().count(b"\n") == 1  # the live one only
    table = (folder / "table").read_bytes()
    assert table.startswith(FORMAT) and table.count(b"\n") == 2  # the format line and the merged entry
    assert Table(folder, key).get(names[1]) == {"n": 1}


def test_an_entry_of_a_deleted_file_is_dropped_when_merged(tmp_path: Path) -> None:
    key = machine_key()
    assert key is not None
    folder = tmp_path / "cache"
    kept, gone = tmp_path / "kept.py", tmp_path / "gone.py"
    for path in (kept, gone):
        path.write_text("x = 1\n")
    writer = Table(folder, key)
    writer.put(f"findings:{kept}", {"n": 1})
    writer.put(f"findings:{gone}", {"n": 2})
    del writer  # the writer is done: its journal closes
    gone.unlink()
    Table(folder, key).get("findings:x")  # reads, and merges
    assert list(cache_files.raw(folder)) == [f"findings:{kept}"]


@pytest.mark.slow
def test_a_run_killed_mid_way_leaves_a_cache_the_next_run_reads(tmp_path: Path) -> None:
    for index in range(120):
        (tmp_path / f"m{index:03}.py").write_text(SWALLOW if index % 3 else "x = 1\n")
    reference = run_tool("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path).stdout
    folder = tmp_path / ".reliability_lint_cache"
    command = [sys.executable, "-m", "reliability_lint", "check", "--output-format", "json", "--jobs", "1", "."]
    run = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size > 2000 for p in folder.glob("journal-*.jsonl")) and time.monotonic() < deadline:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait()
    (folder / ".table-killed.tmp").write_bytes(FORMAT + b"half a tab")  # a merge killed before its rename
    assert run_tool("check", "--output-format", "json", ".", cwd=tmp_path).stdout == reference
    assert run_tool("check", "--output-format", "json", ".", cwd=tmp_path).stdout == reference
    assert len(cache_files.entries(folder)) == 120


@pytest.mark.slow
def test_many_runs_keep_the_folder_small(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    for index in range(12):
        path.write_text(SWALLOW + f"# {index}\n")
        run_tool("check", ".", cwd=tmp_path)
    names = sorted(p.name for p in (tmp_path / ".reliability_lint_cache").iterdir())
    assert len([n for n in names if n.startswith("journal-")]) <= 2, names
    assert len(cache_files.entries(tmp_path / ".reliability_lint_cache")) == 1
