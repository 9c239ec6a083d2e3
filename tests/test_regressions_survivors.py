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


# ------------------------------------------------------------------ baseline files


def baseline_error(root: Path, monkeypatch: pytest.MonkeyPatch, text: str | None = None, *args: str) -> str:
    if text is not None:
        (root / ".reliability-lint-baseline.json").write_text(text)
    code, out, err = run(root, monkeypatch, "check", "--no-cache", "--baseline", ".reliability-lint-baseline.json", *args, ".")
    assert code == 2, out + err
    assert err.count("\n") == 1, err
    return err.strip()


def test_a_broken_baseline_is_named_with_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    name = ".reliability-lint-baseline.json"
    assert baseline_error(tmp_path, monkeypatch) == f"error: {name}: no such baseline; create it with `reliability-lint baseline`"
    assert baseline_error(tmp_path, monkeypatch, "{").startswith(f"error: {name}: not a baseline (invalid JSON: ")
    good = {"version": 1, "salt": "ab", "findings": []}
    for salt in ("", 5, None):
        assert baseline_error(tmp_path, monkeypatch, json.dumps({**good, "salt": salt})) == f"error: {name}: baseline has no salt"
    text = json.dumps({**good, "findings": {}})
    assert baseline_error(tmp_path, monkeypatch, text) == f"error: {name}: baseline has no list of findings"
    row = {"code": "REL101", "path": "job.py", "fingerprint": "0" * 64}
    for bad in ({"code": "REL101", "path": "job.py"}, "REL101", {**row, "path": 3}):
        text = json.dumps({**good, "findings": [row, bad]})
        assert baseline_error(tmp_path, monkeypatch, text) == f"error: {name}: finding 2 needs string code, path and fingerprint"
    (tmp_path / "accepted").mkdir()  # named by the config, which click does not check
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nbaseline = 'accepted'\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", ".")
    assert code == 2, out + err
    assert err == f"error: {tmp_path / 'accepted'}: cannot read: Is a directory\n"


def test_a_baseline_that_cannot_be_written_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    (tmp_path / "file.txt").write_text("")
    code, out, err = run(tmp_path, monkeypatch, "baseline", "-o", "file.txt/b.json")
    assert code == 2, out + err
    assert err == "error: file.txt/b.json: cannot write: Not a directory\n"


def test_each_copy_of_an_identical_finding_is_baselined_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = SWALLOW.replace("def load():\n", "")
    job = tmp_path / "job.py"
    job.write_text("def load():\n" + copy + copy)
    assert run(tmp_path, monkeypatch, "baseline", "--select", "REL101")[0] == 0
    data = json.loads((tmp_path / ".reliability-lint-baseline.json").read_text())
    assert data["tool"] == "reliability-lint" and len(data["findings"]) == 2
    baselined = ("--no-cache", "--baseline", ".reliability-lint-baseline.json", "--select", "REL101", ".")
    assert concise(tmp_path, monkeypatch, *baselined) == []
    job.write_text("def load():\n" + copy + copy + copy)  # a third copy is new
    assert len(concise(tmp_path, monkeypatch, *baselined)) == 1
    job.write_text("def load():\n" + copy)
    assert concise(tmp_path, monkeypatch, *baselined) == []


def test_report_fingerprints_of_three_identical_findings_are_distinct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = SWALLOW.replace("def load():\n", "")
    (tmp_path / "job.py").write_text("def load():\n" + copy * 3)
    code, out, _ = run(tmp_path, monkeypatch, "check", "--no-cache", "--select", "REL101", "--output-format", "gitlab", ".")
    assert code == 1
    assert len({issue["fingerprint"] for issue in json.loads(out)}) == 3


def test_two_baselines_of_the_same_code_share_no_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    prints = []
    for name in ("a.json", "b.json"):
        assert run(tmp_path, monkeypatch, "baseline", "-o", name)[0] == 0
        prints.append({row["fingerprint"] for row in json.loads((tmp_path / name).read_text())["findings"]})
    assert len(prints[0]) == 2 and prints[0].isdisjoint(prints[1])  # salted: no lookup across baselines


def test_a_git_error_that_is_not_utf8_is_still_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    root = committed(tmp_path, {"job.py": SWALLOW})
    code, out, err = run(root, monkeypatch, "check", "--no-cache", "--diff-base", os.fsdecode(b"rev\xff"), ".")
    assert code == 2, out + err
    assert err.startswith("error: git merge-base failed: fatal: Not a valid object name rev\ufffd") and err.count("\n") == 1
