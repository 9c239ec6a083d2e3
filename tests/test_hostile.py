"""Hostile input: every file that cannot be checked gets one clear line naming it, every
file that can is checked and fixed without losing a byte it should keep, and the run goes
on. One tree holds the whole matrix; check and fix run over it once, as a user without the
privileges of root (so that permissions bite)."""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import as_unprivileged, run_tool

# A handler that re-raises (REL101, safe fix) and one that swallows (REL101 + REL102,
# unsafe fixes; both text edits, so no file's layout or size refuses them).
DEFECTS = "def f():\n\ttry:\n\t\tg()\n\texcept:\n\t\traise\n\n\ndef h():\n\ttry:\n\t\tg()\n\texcept:\n\t\tpass\n"
FOUR = "    "


def defects(indent: str = FOUR, newline: str = "\n") -> str:
    return DEFECTS.replace("\t", indent).replace("\n", newline)


@dataclass(frozen=True)
class Hostile:
    name: str
    content: bytes | None  # None: made by `make`
    diagnostic: str | None  # the REL000 message it must get, or None for a checkable file


def _huge_lines() -> bytes:
    body = "".join(f"value_{n} = {n}\n" for n in range(50_000))
    return (body + defects()).encode()


# A file no rule could report on is not parsed (REL000's page): the broken ones below each
# name something a rule reads (a TODO), so that their breakage is what is tested.
MATRIX = [
    Hostile("syntax_error.py", b"def f(:\n    pass  # TODO(#1)\n", "syntax error at line 1"),
    Hostile("null_bytes.py", b"x = 1\n\x00\x00y = 2\n", "binary file (contains NUL bytes)"),
    Hostile("invalid_utf8.py", b"x = 'caf\xc3'\ny = '\xff'\n", "cannot decode as utf-8 (line 1"),
    Hostile("unknown_cookie.py", b"# -*- coding: klingon -*-\nx = 1\n", "unknown encoding 'klingon'"),
    Hostile("deep_nesting.py", b"# TODO(#1)\nx = 1" + b" + 1" * 200_000 + b"\n", "too deeply nested"),
    Hostile("deep_brackets.py", b"# TODO(#1)\nx = " + b"(" * 5000 + b")" * 5000 + b"\n", "too many nested parentheses"),
    Hostile("png_named.py", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    Hostile("shell_named.py", b"#!/bin/sh\nset -e\nfor f in *; do echo $f; done  # TODO(#1)\n", "syntax error at line 3"),
    Hostile("latin1_cookie.py", "# -*- coding: latin-1 -*-\nname = 'Zoë'\n".encode("latin-1") + defects().encode(), None),
    Hostile("utf8_bom.py", codecs.BOM_UTF8 + ("name = 'Zoë'\n" + defects()).encode(), None),
    Hostile("crlf.py", defects(newline="\r\n").encode(), None),
    Hostile("cr_only.py", defects(newline="\r").encode(), None),
    Hostile("mixed_newlines.py", b"import os\r\nx = 1\n" + defects().encode().replace(b"\n", b"\r\n", 4), None),
    Hostile("tabs.py", defects(indent="\t").encode(), None),
    Hostile("form_feeds.py", ("\x0c\n" + defects().replace("\n\n\ndef h", "\n\n\x0c\n\x0cdef h")).encode(), None),
    Hostile("fifty_thousand_lines.py", None, None),
    Hostile("ten_mb_line.py", b"BLOB = '" + b"x" * 10_000_000 + b"'", None),
    Hostile("with space/ünïcödé name.py", defects().encode(), None),
    Hostile("symlink_loop_a.py", None, "Too many levels of symbolic links"),
    Hostile("unreadable.py", None, "Permission denied"),
    Hostile("read_only.py", None, None),
]
CHECKABLE = [h for h in MATRIX if h.diagnostic is None and h.name not in ("ten_mb_line.py",)]


def build(root: Path) -> None:
    for hostile in MATRIX:
        path = root / hostile.name
        path.parent.mkdir(parents=True, exist_ok=True)
        if hostile.content is not None:
            path.write_bytes(hostile.content)
    (root / "fifty_thousand_lines.py").write_bytes(_huge_lines())
    (root / "symlink_loop_a.py").symlink_to("symlink_loop_b.py")
    (root / "symlink_loop_b.py").symlink_to("symlink_loop_a.py")
    (root / "folder_loop").mkdir()
    (root / "folder_loop" / "up").symlink_to("..", target_is_directory=True)
    (root / "unreadable.py").write_text(defects())
    (root / "read_only.py").write_text(defects())
    (root / "private").mkdir()
    (root / "private" / "hidden.py").write_text(defects())
    (root / "notes.txt").write_text("except:\n")


def lock(root: Path) -> None:
    os.chmod(root / "unreadable.py", 0)
    os.chmod(root / "read_only.py", 0o444)
    os.chmod(root / "private", 0)


def unlock(root: Path) -> None:
    os.chmod(root / "unreadable.py", 0o644)
    os.chmod(root / "read_only.py", 0o644)
    os.chmod(root / "private", 0o755)


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = as_unprivileged([sys.executable, "-m", "reliability_lint", *args])
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    build(root)
    originals = {h.name: (root / h.name).read_bytes() for h in CHECKABLE if h.name != "read_only.py"}
    lock(root)
    try:
        results = {
            "check": tool("check", "--no-cache", "--output-format", "json", ".", cwd=root),
            "concise": tool("check", "--no-cache", "--output-format", "concise", ".", cwd=root),
            "fix": tool("fix", "--no-cache", "--unsafe-fixes", "--output-format", "json", ".", cwd=root),
            "again": tool("fix", "--no-cache", "--unsafe-fixes", "--diff", ".", cwd=root),
        }
    finally:
        unlock(root)
    return {"root": root, "originals": originals, **results}


def _rows(result: subprocess.CompletedProcess[str]) -> list[dict]:
    assert not result.stderr.strip() or "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def _errors(rows: list[dict], root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        if row["code"] == "REL000":
            found.setdefault(Path(row["filename"]).relative_to(root).as_posix(), []).append(row["message"])
    return found


@pytest.mark.slow
def test_the_run_finishes_with_findings_and_no_traceback(runs: dict) -> None:
    for name in ("check", "concise", "fix"):
        assert runs[name].returncode == 1, runs[name].stdout[-2000:] + runs[name].stderr
        assert runs[name].stderr == "", runs[name].stderr


@pytest.mark.slow
@pytest.mark.parametrize("hostile", [h for h in MATRIX if h.diagnostic], ids=lambda h: h.name)
def test_unreadable_input_gets_one_line_naming_it(runs: dict, hostile: Hostile) -> None:
    errors = _errors(_rows(runs["check"]), runs["root"])
    assert len(errors.get(hostile.name, [])) == 1, errors
    (message,) = errors[hostile.name]
    assert hostile.diagnostic in message and "\n" not in message
    lines = [line for line in runs["concise"].stdout.splitlines() if line.startswith(f"{hostile.name}:")]
    assert len(lines) == 1 and lines[0].endswith(f": REL000 {message}"), lines
    # A syntax error points at its line (and column); the other errors at the file's start.
    syntax = re.match(r"syntax error at line (\d+)", message)
    line = syntax.group(1) if syntax else "1"
    assert re.match(rf"{re.escape(hostile.name)}:{line}:\d+: ", lines[0]) and (syntax or ":1:1: " in lines[0]), lines


@pytest.mark.slow
def test_unreadable_folder_is_named_and_loops_are_not_followed(runs: dict) -> None:
    errors = _errors(_rows(runs["check"]), runs["root"])
    assert any(name.startswith("private") and "cannot read directory" in m[0] for name, m in errors.items())
    reported = {Path(row["filename"]).relative_to(runs["root"]).as_posix() for row in _rows(runs["check"])}
    assert not any(name.startswith("folder_loop") for name in reported)
    expected_errors = {h.name for h in MATRIX if h.diagnostic} | {"private", "symlink_loop_b.py"}
    errors.pop("ten_mb_line.py", None)
    assert set(errors) == expected_errors, "only the hostile files are file errors"


@pytest.mark.slow
@pytest.mark.parametrize("hostile", CHECKABLE, ids=lambda h: h.name)
def test_checkable_input_is_checked(runs: dict, hostile: Hostile) -> None:
    rows = [r for r in _rows(runs["check"]) if Path(r["filename"]) == runs["root"] / hostile.name]
    codes = sorted(r["code"] for r in rows)
    assert codes == ["REL101", "REL101", "REL102"], rows
    last = len(runs["originals"].get(hostile.name, b"").splitlines()) or None
    if hostile.name == "fifty_thousand_lines.py":
        assert {r["location"]["row"] for r in rows} == {50_004, 50_011}
        assert last is not None


@pytest.mark.slow
def test_the_ten_megabyte_line_is_read_and_not_echoed(runs: dict) -> None:
    rows = [r for r in _rows(runs["check"]) if r["filename"].endswith("ten_mb_line.py")]
    assert rows == []
    assert len(runs["concise"].stdout) < 100_000


def _fixed(runs: dict, name: str) -> bytes:
    return (runs["root"] / name).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("hostile", [h for h in CHECKABLE if h.name != "read_only.py"], ids=lambda h: h.name)
def test_fix_keeps_encoding_newlines_and_whitespace(runs: dict, hostile: Hostile) -> None:
    original, fixed = runs["originals"][hostile.name], _fixed(runs, hostile.name)
    assert fixed != original
    compile(fixed, hostile.name, "exec")
    assert fixed.startswith(codecs.BOM_UTF8) == original.startswith(codecs.BOM_UTF8)
    encoding = "latin-1" if b"latin-1" in original[:40] else "utf-8-sig"
    old, new = original.decode(encoding), fixed.decode(encoding)
    assert "except BaseException:" in new
    assert "except Exception:" in new and "logging.exception(" in new
    for character in "\x0céëüö":
        assert new.count(character) == old.count(character), f"{character!r} lost"
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    kept = [line for line in old_lines if "except" not in line and "pass" not in line]
    remaining = iter(new_lines)
    for line in kept:  # every untouched line survives byte for byte, in order
        assert any(line == candidate for candidate in remaining), f"{line!r} changed or lost"
    if "\r\n" in old and "\n" not in old.replace("\r\n", ""):
        assert "\n" not in new.replace("\r\n", ""), "a CRLF file got LF lines"
    if "\r" in old and "\n" not in old:
        assert "\n" not in new, "a CR file got LF lines"
    if hostile.name == "tabs.py":
        assert "\n\t\tlogging.exception(" in new


@pytest.mark.slow
def test_read_only_file_is_reported_and_untouched(runs: dict) -> None:
    errors = _errors(_rows(runs["fix"]), runs["root"])
    assert errors.get("read_only.py") == ["cannot write fixes: read_only.py is read-only; file left unchanged"]
    assert _fixed(runs, "read_only.py") == defects().encode()


@pytest.mark.slow
def test_a_second_fix_has_nothing_left_to_do(runs: dict) -> None:
    changed = [line[len("--- a/") :] for line in runs["again"].stdout.splitlines() if line.startswith("--- a/")]
    assert changed == ["read_only.py"], runs["again"].stdout[:3000]  # still read-only: not fixed yet
    leftovers = [p for p in runs["root"].rglob("*") if p.name.endswith(".rl-tmp") and not p.is_symlink()]
    assert leftovers == []


def test_a_file_deleted_during_the_run_is_named_and_not_recreated(tmp_path: Path, monkeypatch) -> None:
    """Between discovery and reading, and between reading and writing."""
    from reliability_lint import engine
    from reliability_lint.testing import settings_for

    for name in ("gone_before_read.py", "gone_before_write.py", "kept.py"):
        (tmp_path / name).write_text(defects())
    monkeypatch.chdir(tmp_path)
    settings = settings_for(None, unsafe_fixes=True, root=tmp_path)
    tasks, problems = engine.discover([Path(".")], settings)
    assert not problems and len(tasks) == 3
    (tmp_path / "gone_before_read.py").unlink()
    from reliability_lint import fixing

    real_fix_source = fixing.fix_source

    def deleting(src, task, *args, **kwargs):
        if task.path.name == "gone_before_write.py":
            task.path.unlink()
        return real_fix_source(src, task, *args, **kwargs)

    monkeypatch.setattr(fixing, "fix_source", deleting)
    results = {r.display: r for r in engine.run(tasks, settings, engine.FIX, jobs=1)}
    assert [f.message for f in results["gone_before_read.py"].findings] == ["no such file or directory"]
    messages = [f.message for f in results["gone_before_write.py"].findings if f.code == "REL000"]
    assert messages == ["cannot write fixes: No such file or directory; file left unchanged"]
    assert not (tmp_path / "gone_before_read.py").exists()
    assert not (tmp_path / "gone_before_write.py").exists()
    assert results["kept.py"].fixed == 3 and "logging" in (tmp_path / "kept.py").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.py"]


def test_explicit_hostile_paths_on_the_command_line(tmp_path: Path) -> None:
    (tmp_path / "loop.py").symlink_to("loop.py")
    (tmp_path / "dir.py").mkdir()
    (tmp_path / "good.py").write_text(defects())
    result = run_tool("check", "--no-cache", "--output-format", "concise", "loop.py", "dir.py", "good.py", "missing.py", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert "loop.py:1:1: REL000 Too many levels of symbolic links" in lines
    assert "missing.py:1:1: REL000 no such file or directory" in lines
    assert sum(": REL10" in line for line in lines) == 3
