"""Mutation survivors of the cache (issue 18, tests/MUTATION.md): the per-machine key, the
entries a run trusts or refuses, and the module summaries, through the cache's public
functions (`Cache`, `machine_key`, `code_fingerprint`) and the command line, in this
process so that mutmut sees them. The table and its journals: test_regressions_cache_table.py."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import cache_files
import pytest
from click.testing import CliRunner

from reliability_lint.cache import (
    RACY_WINDOW_NS,
    Cache,
    content_hash,
    machine_key,
    user_cache_dir,
)
from reliability_lint.cli import cli
from reliability_lint.findings import Edit, Finding, Fix

SWALLOW = "def load():\n    try:\n        run()\n    except:\n        pass\n"


def finding(path: str = "a.py", message: str = "swallowed", fix: Fix | None = None) -> Finding:
    return Finding("REL101", message, path, 4, 4, 4, 11, fix=fix, noqa_lines=(4,), changed_by=(2, 5))


def concise(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        cli, ["check", "--output-format", "concise", "--no-progress", *args], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache directory of this test's own (the key is made there)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "reliability-lint"


def stored(
    tmp_path: Path, findings: list[Finding], made_after_ns: int = 3 * RACY_WINDOW_NS, **kw
) -> tuple[Path, Cache]:
    """A file a.py, and a cache that recorded `findings` for it as a run started
    `made_after_ns` after the file's last change would."""
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    cache = Cache(tmp_path / "cache")
    status = os.stat(path)
    cache._opened = max(status.st_mtime_ns, status.st_ctime_ns) + made_after_ns
    cache.store(path, content_hash(path.read_bytes()), "config", None, findings, status=status, **kw)
    return path, cache


# ------------------------------------------------------------------ the per-machine key


def test_the_user_cache_directory_is_an_absolute_xdg_cache_home_else_the_home_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "reliability-lint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")  # the spec says: ignored
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "reliability-lint"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "reliability-lint"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "reliability-lint"


def test_the_key_is_made_once_private_and_of_32_bytes(home: Path) -> None:
    key = machine_key()
    assert key is not None and len(key) == 32
    path = home / "cache-key"
    assert path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert machine_key() == key  # read again, not made again
    assert [p.name for p in home.iterdir()] == ["cache-key"]  # no temporary file left


def test_the_key_is_made_in_a_user_cache_directory_that_exists_already(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Made beside it and linked into place: never through the system's temporary folder
    (another file system, where a link cannot reach)."""
    import tempfile

    home.mkdir(parents=True)
    (home / "other-file").write_text("x\n")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    key = machine_key()
    assert key is not None and (home / "cache-key").read_bytes() == key


def test_two_machines_make_two_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keys = set()
    for name in ("one", "two"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name))
        keys.add(machine_key())
    assert len(keys) == 2 and None not in keys


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o610])
def test_a_key_others_can_read_or_use_is_not_used(home: Path, mode: int) -> None:
    assert machine_key() is not None
    (home / "cache-key").chmod(mode)
    assert machine_key() is None


@pytest.mark.parametrize("size", [31, 33, 0])
def test_a_key_of_another_length_is_not_used(home: Path, size: int) -> None:
    home.mkdir(parents=True)
    path = home / "cache-key"
    path.write_bytes(b"k" * size)
    path.chmod(0o600)
    assert machine_key() is None


def test_a_key_that_is_a_link_or_a_folder_is_not_used(home: Path, tmp_path: Path) -> None:
    home.mkdir(parents=True)
    target = tmp_path / "elsewhere"
    target.write_bytes(b"k" * 32)
    target.chmod(0o600)
    (home / "cache-key").symlink_to(target)
    assert machine_key() is None
    (home / "cache-key").unlink()
    (home / "cache-key").mkdir()
    assert machine_key() is None


def test_no_key_when_the_user_cache_directory_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xdg").write_text("a file, not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert machine_key() is None
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "job.py").write_text(SWALLOW)
    cache = Cache(folder / "cache")  # no key: nothing is stored, nothing is read
    cache.store(folder / "job.py", "digest", "config", None, [finding()])
    assert cache.load(folder / "job.py", "digest", "config", None) is None
    assert cache.load_unchanged(folder / "job.py", "config", None) is None
    cache.store_summary(folder / "job.py", "digest", {"names": {}, "classes": {}, "stars": []})
    assert cache.load_summary(folder / "job.py", "digest") is None
    assert not (folder / "cache").exists()


def test_without_a_key_the_command_line_checks_every_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xdg").write_text("a file, not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "job.py").write_text(SWALLOW)
    assert "job.py:4:" in concise(tmp_path, monkeypatch, ".")
    assert "job.py:4:" in concise(tmp_path, monkeypatch, ".")
    assert not (tmp_path / ".reliability_lint_cache" / "table").exists()
    assert not list((tmp_path / ".reliability_lint_cache").glob("journal-*"))


# ------------------------------------------------------------------ what an entry holds


def test_a_finding_comes_back_from_the_cache_as_it_was_stored(tmp_path: Path) -> None:
    fix = Fix("unsafe", "log it", (Edit((4, 4), (5, 12), "logging.exception('x')"),), "--- a\n+++ b\n", compute=len)
    path, _ = stored(tmp_path, [finding(fix=fix), finding(message="second")])
    found = Cache(tmp_path / "cache").load_unchanged(path, "config", None)
    assert found == [finding(fix=fix), finding(message="second")]
    assert found[0].fix is not None and found[0].fix.compute is None  # a closure is never stored
    assert found[0].fix.edits[0].start == (4, 4) and found[0].noqa_lines == (4,) and found[0].changed_by == (2, 5)
    assert found[0].fix.diff == "--- a\n+++ b\n"
    shown = Cache(tmp_path / "cache").load(path, content_hash(path.read_bytes()), "config", None, display="shown.py")
    assert [f.path for f in shown or []] == ["shown.py", "shown.py"]


def test_an_entry_written_by_another_version_of_the_findings_is_ignored(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    key = machine_key()
    assert key is not None

    def old(entry: dict) -> None:
        del entry["findings"][0]["cell"]  # a field this version has is missing

    cache_files.resign(tmp_path / "cache", key, old)
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None
    assert Cache(tmp_path / "cache").load(path, content_hash(path.read_bytes()), "config", None) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda entry: entry["findings"][0].update(extra=1),  # a field this version does not have
        lambda entry: entry["findings"][0]["fix"].pop("edits"),
        lambda entry: entry["findings"][0].update(noqa_lines=4),  # not a list
        lambda entry: entry.update(findings=None),
        lambda entry: entry["findings"].append("text"),
    ],
)
def test_a_damaged_entry_is_ignored(tmp_path: Path, change) -> None:
    path, _ = stored(tmp_path, [finding(fix=Fix("safe", "m", (Edit((1, 0), (1, 1), "x"),)))])
    key = machine_key()
    assert key is not None
    cache_files.resign(tmp_path / "cache", key, change)
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None


def test_an_entry_holds_the_configuration_and_git_state_it_was_made_under(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    cache = Cache(tmp_path / "cache")
    digest = content_hash(path.read_bytes())
    assert cache.load(path, digest, "config", None) == [finding()]
    assert cache.load(path, digest, "other", None) is None
    assert cache.load(path, digest, "config", "git") is None
    assert cache.load(path, content_hash(b"other"), "config", None) is None
    assert cache.load_unchanged(tmp_path / "missing.py", "config", None) is None
    assert cache.load_unchanged(path, "config", None, display="shown.py") == [finding("shown.py")]
    assert cache.load_unchanged(path, "other", None) is None
    assert cache.load_unchanged(path, "config", "git") is None


def test_an_entry_made_under_a_git_state_holds_for_that_state_only(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    cache = Cache(tmp_path / "cache")
    status = os.stat(path)
    cache._opened = max(status.st_mtime_ns, status.st_ctime_ns) + 3 * RACY_WINDOW_NS
    digest = content_hash(path.read_bytes())
    cache.store(path, digest, "config", "index 1", [finding()], status=status)
    again = Cache(tmp_path / "cache")
    assert again.load_unchanged(path, "config", "index 1") == [finding()]
    assert again.load(path, digest, "config", "index 1") == [finding()]
    assert again.load_unchanged(path, "config", "index 2") is None
    assert again.load_unchanged(path, "config", None) is None
    assert again.load(path, digest, "config", None) is None


def test_a_cached_finding_is_shown_under_the_path_this_run_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n")  # one project, one cache
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "job.py").write_text(SWALLOW)
    assert "sub/job.py:4:" in concise(tmp_path, monkeypatch, "sub/job.py")
    for _ in range(2):  # read by content, then by status
        out = concise(tmp_path / "sub", monkeypatch, "job.py")
        assert "job.py:4:" in out and "sub/job.py" not in out, out


def test_an_entry_made_from_other_modules_holds_only_while_they_are_unchanged(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()], deps={"/p/b.py": "h1", "/p/c.py": "h2"})
    digest = content_hash(path.read_bytes())
    cache = Cache(tmp_path / "cache")
    now = {"/p/b.py": "h1", "/p/c.py": "h2"}
    assert cache.load(path, digest, "config", None, now.get) == [finding()]
    assert cache.load_unchanged(path, "config", None, now.get) == [finding()]
    assert cache.load(path, digest, "config", None) is None  # no way to tell: not trusted
    assert cache.load_unchanged(path, "config", None) is None
    assert cache.load(path, digest, "config", None, dict(now, **{"/p/c.py": "h3"}).get) is None
    assert cache.load(path, digest, "config", None, dict(now, **{"/p/b.py": "h3"}).get) is None


def test_an_entry_whose_dependencies_are_not_a_table_is_ignored(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    key = machine_key()
    assert key is not None
    cache_files.resign(tmp_path / "cache", key, lambda entry: entry.update(deps=["/p/b.py"]))
    assert Cache(tmp_path / "cache").load(path, content_hash(path.read_bytes()), "config", None, {}.get) is None


# ------------------------------------------------------------------ trusting a file's status


def test_a_status_is_trusted_only_once_the_racy_window_has_passed(tmp_path: Path) -> None:
    for after, trusted in ((RACY_WINDOW_NS, False), (RACY_WINDOW_NS + 1, True), (RACY_WINDOW_NS // 2, False)):
        path, _ = stored(tmp_path, [], made_after_ns=after)
        assert (Cache(tmp_path / "cache").load_unchanged(path, "config", None) == []) is trusted, after


def test_the_change_time_counts_for_the_racy_window_too(tmp_path: Path) -> None:
    """A file whose modification time was set into the past (a checkout, `touch -d`)
    changed now: its change time says so."""
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    before = os.stat(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns - 10 * RACY_WINDOW_NS))
    status = os.stat(path)
    cache = Cache(tmp_path / "cache")
    cache._opened = status.st_ctime_ns + RACY_WINDOW_NS // 2  # long after mtime, not after ctime
    cache.store(path, content_hash(path.read_bytes()), "config", None, [], status=status)
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None


def test_an_entry_without_a_status_is_found_by_content_only(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    cache = Cache(tmp_path / "cache")
    cache.store(path, content_hash(path.read_bytes()), "config", None, [finding()])
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None
    assert Cache(tmp_path / "cache").load(path, content_hash(path.read_bytes()), "config", None) == [finding()]


def test_an_entry_made_at_an_unknown_time_is_not_trusted_by_status(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    key = machine_key()
    assert key is not None
    cache_files.resign(tmp_path / "cache", key, lambda entry: entry.update(at=str(entry["at"])))
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None
    assert Cache(tmp_path / "cache").load(path, content_hash(path.read_bytes()), "config", None) == [finding()]


def test_a_path_that_is_no_longer_a_file_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    path.unlink()
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None
    os.mkfifo(path)
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None


def test_a_hit_by_content_is_recorded_under_the_new_status_once_it_is_not_racy(tmp_path: Path) -> None:
    path, _ = stored(tmp_path, [finding()])
    before = os.stat(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns - 10 * RACY_WINDOW_NS))  # checked out again
    digest = content_hash(path.read_bytes())
    racy = Cache(tmp_path / "cache")  # a run that started now: the new change time is racy
    assert racy.load(path, digest, "config", None, status=os.stat(path)) == [finding()]
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) is None  # not re-recorded
    later = Cache(tmp_path / "cache")
    later._opened = os.stat(path).st_ctime_ns + 3 * RACY_WINDOW_NS
    assert later.load(path, digest, "config", None, status=os.stat(path)) == [finding()]
    assert Cache(tmp_path / "cache").load_unchanged(path, "config", None) == [finding()]  # re-recorded
    (entry,) = cache_files.entries(tmp_path / "cache").values()
    assert entry["findings"][0]["message"] == "swallowed" and entry["content"] == digest


def test_a_file_named_by_a_relative_path_has_the_entry_of_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = stored(tmp_path, [finding()])
    monkeypatch.chdir(tmp_path)
    assert Cache(tmp_path / "cache").load_unchanged(Path("a.py"), "config", None) == [finding()]
    assert Cache(Path("cache")).load(Path("a.py"), content_hash(path.read_bytes()), "config", None) == [finding()]


def test_an_entry_records_when_its_run_started_before_reading_the_file(tmp_path: Path) -> None:
    """What the next run weighs a file's times against (the racy window): the moment the
    cache was opened, which is before any file of the run was read."""
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    before = time.time_ns()
    cache = Cache(tmp_path / "cache")
    after = time.time_ns()
    cache.store(path, content_hash(path.read_bytes()), "config", None, [], status=os.stat(path))
    (entry,) = cache_files.entries(tmp_path / "cache").values()
    assert before <= entry["at"] <= after
