"""Tests written for mutants that survived `python scripts/mutation.py diff_lines baseline`
(tests/MUTATION.md): behaviour the other suites did not pin down in this process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_regressions_core import SWALLOW, committed, concise, git, run


def test_a_finding_on_an_unchanged_line_of_a_changed_file_is_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path, {"job.py": SWALLOW + "\n\n" + SWALLOW.replace("load", "save")})
    (root / "job.py").write_text(SWALLOW.replace("run()", "run(1)") + "\n\n" + SWALLOW.replace("load", "save"))
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".") == []
    (root / "job.py").write_text(SWALLOW + "\n\n" + SWALLOW.replace("load", "save").replace("except:", "except:  # x"))
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".") == ["job.py:11: REL101"]


def test_an_untracked_file_is_wholly_new_from_any_folder_of_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path, {"pkg/old.py": SWALLOW, "docs/readme.txt": "x\n"})
    (root / "pkg" / "new.py").write_text(SWALLOW)
    found = concise(root / "docs", monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", str(root))
    assert [line.rsplit("/", 1)[-1] for line in found] == ["new.py:4: REL101"]
    git("add", "pkg/new.py", cwd=root)  # staged, not committed: still changed lines
    found = concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".")
    assert found == ["pkg/new.py:4: REL101"]


def test_baseline_update_drops_only_the_entries_that_no_longer_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text(SWALLOW)
    (tmp_path / "b.py").write_text(SWALLOW)
    assert run(tmp_path, monkeypatch, "baseline", "--select", "REL101")[0] == 0
    file = tmp_path / ".reliability-lint-baseline.json"
    salt = json.loads(file.read_text())["salt"]
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "c.py").write_text(SWALLOW)  # new: --update records nothing new
    code, _, err = run(tmp_path, monkeypatch, "baseline", "--update", "--select", "REL101")
    assert code == 0
    assert "Dropped 1 entry that no longer match; 1 remain" in err
    data = json.loads(file.read_text())
    assert data["salt"] == salt
    assert [row["path"] for row in data["findings"]] == ["b.py"]
    assert concise(tmp_path, monkeypatch, "--no-cache", "--baseline", file.name, "--select", "REL101") == ["c.py:4: REL101"]


def test_report_fingerprints_are_stable_and_tell_identical_findings_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(SWALLOW + "\n\n" + SWALLOW.replace("load", "save"))

    def prints() -> list[str]:
        code, out, _ = run(tmp_path, monkeypatch, "check", "--no-cache", "--select", "REL101", "--output-format", "gitlab", ".")
        assert code == 1
        return [issue["fingerprint"] for issue in json.loads(out)]

    first = prints()
    assert len(first) == 2 and len(set(first)) == 2 and all(len(p) == 64 for p in first)
    job.write_text("\n\n" + job.read_text())  # moved down: the same findings
    assert prints() == first
    job.write_text(SWALLOW.replace("except:", "except:  # other code"))
    assert set(prints()).isdisjoint(first)


# ------------------------------------------------------------------ diff lines, as git reports them


def test_diff_base_without_git_or_outside_a_repository_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--diff-base", "main", ".")
    assert code == 2, out + err
    assert err.startswith("error: git rev-parse failed: fatal: not a git repository") and err.count("\n") == 1
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-folder"))
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--diff-base", "main", ".")
    assert code == 2, out + err
    assert err == "error: --diff-base needs git: No such file or directory\n"


def test_diff_base_names_the_git_command_that_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path, {"job.py": SWALLOW})
    code, out, err = run(root, monkeypatch, "check", "--no-cache", "--diff-base", "no-such-branch", ".")
    assert code == 2, out + err
    assert err.startswith("error: git merge-base failed: fatal: Not a valid object name no-such-branch"), err


def test_a_pull_request_cannot_hide_its_lines_from_the_diff_with_gitattributes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path, {"job.py": "x = 1\n"})
    (root / ".gitattributes").write_text("*.py -diff\n")
    git("add", ".gitattributes", cwd=root)
    git("commit", "-qm", "binary python", cwd=root)
    (root / "job.py").write_text("x = 1\n" + SWALLOW)
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD~1", ".") == ["job.py:5: REL101"]


def test_a_renamed_file_counts_only_its_changed_lines_and_unusual_names_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = SWALLOW + "\n\n" + SWALLOW.replace("load", "save") + "".join(f"x{n} = {n}\n" for n in range(8))
    root = committed(tmp_path, {"old.py": old, "café one.py": "x = 1\n"})
    git("mv", "old.py", "new.py", cwd=root)
    (root / "new.py").write_text(old.replace("except:\n        pass\n\n\ndef save", "except:  # kept\n        pass\n\n\ndef save"))
    (root / "café one.py").write_text("x = 1\n" + SWALLOW)
    user_config = tmp_path / "user.gitconfig"  # a user who turned rename detection off
    user_config.write_text("[diff]\n\trenames = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    found = concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".")
    assert found == ["café one.py:5: REL101", "new.py:4: REL101"]


def test_a_file_name_that_is_not_utf8_can_be_baselined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    try:
        (Path(os.fsdecode(bytes(tmp_path) + b"/job\xff.py"))).write_text(SWALLOW)
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take a file name that is not UTF-8")
    assert run(tmp_path, monkeypatch, "baseline", "--select", "REL101")[0] == 0
    assert concise(tmp_path, monkeypatch, "--no-cache", "--baseline", ".reliability-lint-baseline.json", "--select", "REL101") == []
    (tmp_path / "other.py").write_text(SWALLOW)
    found = concise(tmp_path, monkeypatch, "--no-cache", "--baseline", ".reliability-lint-baseline.json", "--select", "REL101")
    assert found == ["other.py:4: REL101"]


def test_diff_base_reads_file_names_that_are_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    root = committed(tmp_path, {"old.py": "x = 1\n"})
    try:  # a finding in it could not be printed by CliRunner (the real executable can): none
        (root / os.fsdecode(b"new\xff.py")).write_text("x = 2\n")
    except (OSError, UnicodeError):
        pytest.skip("this file system does not take a file name that is not UTF-8")
    (root / "old.py").write_text("x = 1\n" + SWALLOW)
    # untracked, listed by git ls-files
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".") == ["old.py:5: REL101"]
    git("add", ".", cwd=root)  # staged: now in the diff itself, named raw (core.quotePath=false)
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".") == ["old.py:5: REL101"]


def test_a_change_to_the_last_line_of_a_file_without_a_final_newline_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # git marks both sides with "\ No newline at end of file" inside the hunk
    root = committed(tmp_path, {"job.py": SWALLOW + "x = 1"})
    (root / "job.py").write_text(SWALLOW + "x = 2\n\n" + SWALLOW.replace("load", "save").rstrip("\n"))
    found = concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".")
    assert found == ["job.py:11: REL101"]


def test_every_line_of_a_long_added_block_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path, {"job.py": "x = 1\n", "other.py": "y = 1\n"})
    (root / "job.py").write_text("x = 1\n" + "".join(f"a{n} = {n}\n" for n in range(6)) + SWALLOW + "z = 1\n")
    (root / "other.py").write_text("y = 2\n" + SWALLOW)  # a hunk that replaces a line, then adds
    found = concise(root, monkeypatch, "--no-cache", "--select", "REL101", "--diff-base", "HEAD", ".")
    assert found == ["job.py:11: REL101", "other.py:5: REL101"]
