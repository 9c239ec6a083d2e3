"""The fix stage as a user meets it (tests/MUTATION.md, `fix` and `fixing`): what `fix`
writes and prints, `fix --diff`, the files it refuses to write and the fixes it cannot
make, through the click command in this process and `reliability_lint.testing`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from test_regressions_core import run

STUBS = "def f():\n    # TODO: x\n    pass\n\ndef g():\n    # TODO: y\n    pass\n"
FIXED = 'def f():\n    # TODO: x\n    raise NotImplementedError("f: x")\n\ndef g():\n    # TODO: y\n    raise NotImplementedError("g: y")\n'
FIX = ("fix", "--no-cache", "--unsafe-fixes", "--select", "REL402")


def test_fix_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(STUBS)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--diff", ".")
    assert code == 1, out + err
    assert out == (
        "--- a/job.py\n+++ b/job.py\n@@ -1,7 +1,7 @@\n def f():\n     # TODO: x\n"
        '-    pass\n+    raise NotImplementedError("f: x")\n \n def g():\n     # TODO: y\n'
        '-    pass\n+    raise NotImplementedError("g: y")\n'
    )
    assert "Would fix 2 problems." in err
    assert (tmp_path / "job.py").read_text() == STUBS


def test_fix_writes_the_fixed_file_whole_and_keeps_its_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(0o751)
    code, out, err = run(tmp_path, monkeypatch, *FIX, ".")
    assert code == 0, out + err
    assert "Fixed 2 problems." in out + err
    assert job.read_text() == FIXED
    assert stat.S_IMODE(job.stat().st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"]  # no temporary left


def test_fix_keeps_the_files_newlines_and_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_bytes(b"\xef\xbb\xbf" + STUBS.replace("\n", "\r\n").replace("# TODO: x", "# TODO: caf\xc3\xa9".encode("latin-1").decode("utf-8")).encode())
    assert run(tmp_path, monkeypatch, *FIX, ".")[0] == 0
    expected = FIXED.replace("\n", "\r\n").replace("# TODO: x", "# TODO: caf\u00e9").replace('"f: x"', '"f: caf\u00e9"')
    assert job.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_a_file_with_other_hard_links_is_not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    os.link(job, tmp_path / "copy.py")
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] not fixed: the file has 2 hard links; a fix (written by rename) would split them" in out
    assert out.count("REL402") == 2  # what remains is reported
    assert job.read_text() == STUBS


def test_a_symbolic_link_out_of_the_tree_is_not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "job.py").write_text(STUBS)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "job.py").symlink_to(outside / "job.py")
    code, out, err = run(tree, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert f"REL000 [P1] not fixed: job.py resolves to {outside / 'job.py'}, outside the checked tree {tree}" in out
    assert (outside / "job.py").read_text() == STUBS
    # a link inside the tree is followed: the file it points at is fixed
    (tree / "real.py").write_text(STUBS)
    (tree / "link.py").symlink_to(tree / "real.py")
    assert run(tree, monkeypatch, *FIX, "link.py")[0] == 0
    assert (tree / "real.py").read_text() == FIXED and (tree / "link.py").is_symlink()


def test_a_read_only_file_is_left_unchanged_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(0o444)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] cannot write fixes: job.py is read-only; file left unchanged" in out
    assert job.read_text() == STUBS


def test_a_fix_that_cannot_be_computed_is_named_and_the_others_still_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # libcst cannot parse a line continued into a blank line, which Python accepts
    job = tmp_path / "job.py"
    job.write_text("def f():\n    # TODO: x\n    pass \\\n\n" + STUBS.replace("f", "h", 1)[STUBS.index("\n\n") :])
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] fix for REL402 at line 1 not applied: libcst cannot parse the statement at line 1" in out
    assert "file left unchanged" not in out
    assert 'raise NotImplementedError("g: y")' in job.read_text()


def test_check_shows_each_fix_with_its_edits_and_drops_the_fixes_that_cannot_be_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "job.py").write_text("def f():\n    # TODO: x\n    pass \\\n\n\ndef g():\n    # TODO: y\n    pass\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--unsafe-fixes", "--select", "REL402", "--output-format", "json", ".")
    assert code == 1, out + err
    found = {f["location"]["row"]: f["fix"] for f in json.loads(out)}
    assert found[1] is None
    assert [(e["location"], e["end_location"], e["content"]) for e in found[6]["edits"]] == [
        ({"row": 8, "column": 5}, {"row": 8, "column": 9}, 'raise NotImplementedError("g: y")')
    ]
