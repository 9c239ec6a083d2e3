"""Baselines (`reliability-lint baseline`, `check --baseline`) and changed-lines gating
(`check --diff-base`), through the real command line and, for the latter, real git."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reliability_lint.baseline import BASELINE_NAME
from reliability_lint.diff_lines import parse_diff

HANDLER = "try:\n    run()\nexcept:\n    pass\n"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def reported(result: subprocess.CompletedProcess[str]) -> list[str]:
    """`path:line: CODE` of each finding in concise output."""
    return [line.split(": ")[0].rsplit(":", 1)[0] + ": " + line.split()[1] for line in result.stdout.splitlines() if ": REL" in line]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL1']\n", encoding="utf-8")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "load.py").write_text("import os\n\n" + HANDLER, encoding="utf-8")
    (tmp_path / "jobs" / "other.py").write_text("def f():\n    " + HANDLER.replace("\n", "\n    ").rstrip() + "\n", encoding="utf-8")
    return tmp_path


def check(project: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("check", "--output-format", "concise", "--baseline", BASELINE_NAME, *extra, ".", cwd=project)


def test_baseline_hides_recorded_findings_where_the_code_moves(project: Path) -> None:
    made = run_cli("baseline", ".", cwd=project)
    assert made.returncode == 0, made.stderr
    assert "Recorded 4 findings" in made.stderr
    assert check(project).returncode == 0

    load = project / "jobs" / "load.py"
    load.write_text("import sys\nimport json\n\n# moved down\n" + load.read_text(encoding="utf-8") + "\nx = 1\n", encoding="utf-8")
    other = project / "jobs" / "other.py"
    other.write_text(other.read_text(encoding="utf-8").replace("run()", "run(retries=3)"), encoding="utf-8")
    result = check(project)
    assert result.returncode == 0, result.stdout

    # A second identical handler in the same file is new; the first stays baselined.
    load.write_text(load.read_text(encoding="utf-8") + HANDLER, encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert reported(result) == ["jobs/load.py:15: REL101", "jobs/load.py:15: REL102"]


def test_baseline_is_used_from_config_and_stores_only_salted_hashes(project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + "baseline = 'ci/accepted.json'\n", encoding="utf-8")
    (project / "ci").mkdir()
    assert run_cli("baseline", cwd=project).returncode == 0
    stored = (project / "ci" / "accepted.json").read_text(encoding="utf-8")
    assert "except" not in stored and "run()" not in stored
    data = json.loads(stored)
    assert {row["path"] for row in data["findings"]} == {"jobs/load.py", "jobs/other.py"}
    assert all(len(row["fingerprint"]) == 64 for row in data["findings"])
    assert run_cli("check", ".", cwd=project).returncode == 0
    assert run_cli("check", "--select", "REL1", ".", cwd=project).returncode == 0

    # The same findings under another salt hash differently.
    assert run_cli("baseline", "-o", "again.json", cwd=project).returncode == 0
    again = json.loads((project / "again.json").read_text(encoding="utf-8"))
    assert again["salt"] != data["salt"]
    assert {r["fingerprint"] for r in again["findings"]}.isdisjoint({r["fingerprint"] for r in data["findings"]})


def test_update_drops_entries_that_no_longer_match(project: Path) -> None:
    assert run_cli("baseline", cwd=project).returncode == 0
    (project / "jobs" / "other.py").write_text("def f():\n    run()\n", encoding="utf-8")
    (project / "jobs" / "new.py").write_text(HANDLER, encoding="utf-8")
    updated = run_cli("baseline", "--update", cwd=project)
    assert updated.returncode == 0, updated.stderr
    assert "Dropped 2 entries that no longer match; 2 remain" in updated.stderr
    # Update prunes, it does not accept the new findings.
    assert reported(check(project)) == ["jobs/new.py:3: REL101", "jobs/new.py:3: REL102"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such baseline"),
        ("{not json", "invalid JSON"),
        ('{"version": 1, "salt": "ab", "findings": [{"code": "REL101"}]}', "finding 1 needs"),
    ],
)
def test_a_bad_baseline_is_a_one_line_error(project: Path, content: str | None, message: str) -> None:
    if content is not None:
        (project / BASELINE_NAME).write_text(content, encoding="utf-8")
    result = check(project)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and BASELINE_NAME in result.stderr and message in result.stderr


# ---------------------------------------------------------------------------- --diff-base


def git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(cwd), "PATH": "/usr/bin:/bin"}  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env).stdout


def test_diff_base_reports_only_the_new_defect(project: Path) -> None:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "legacy")
    git(project, "checkout", "-qb", "feature")
    load = project / "jobs" / "load.py"
    # Old defect moved down, a new one added below it; committed on the branch.
    load.write_text("import os\nimport sys\n\n" + HANDLER + "\n" + HANDLER.replace("run()", "fetch()"), encoding="utf-8")
    git(project, "commit", "-qam", "feature work")
    # Uncommitted and untracked changes count too.
    other = project / "jobs" / "other.py"
    other.write_text(other.read_text(encoding="utf-8") + "\n\ndef g():\n    " + HANDLER.replace("\n", "\n    ").rstrip() + "\n", encoding="utf-8")
    (project / "jobs" / "fresh.py").write_text(HANDLER, encoding="utf-8")
    result = run_cli("check", "--output-format", "concise", "--diff-base", "main", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    assert reported(result) == [
        "jobs/fresh.py:3: REL101", "jobs/fresh.py:3: REL102",
        "jobs/load.py:11: REL101", "jobs/load.py:11: REL102",
        "jobs/other.py:11: REL101", "jobs/other.py:11: REL102",
    ]  # fmt: skip
    full = run_cli("check", "--output-format", "concise", ".", cwd=project)
    assert len(reported(full)) == 10

    # Against the branch's own tip only the uncommitted work counts.
    result = run_cli("check", "--output-format", "concise", "--diff-base", "HEAD", ".", cwd=project)
    assert {line.split(":")[0] for line in reported(result)} == {"jobs/fresh.py", "jobs/other.py"}


def test_diff_base_errors_are_one_line(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("not-a-repo")
    result = run_cli("check", "--diff-base", "main", ".", cwd=outside)
    assert result.returncode == 2 and result.stderr.startswith("error: git ") and result.stderr.count("\n") == 1
    git(project, "init", "-q", "-b", "main")
    git(project, "add", ".")
    git(project, "commit", "-qm", "legacy")
    result = run_cli("check", "--diff-base", "no-such-branch", ".", cwd=project)
    assert result.returncode == 2 and "merge-base" in result.stderr and result.stderr.count("\n") == 1


def test_parse_diff_takes_added_lines_only(tmp_path: Path) -> None:
    diff = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n"
        "@@ -3,0 +4,2 @@\n+a\n+b\n@@ -10 +12 @@\n-c\n+d\n@@ -20,3 +21,0 @@\n-e\n-f\n-g\n"
        'diff --git "a/sp ace\\tt\\303\\251.py" "b/sp ace\\tt\\303\\251.py"\n'
        '--- "a/sp ace\\tt\\303\\251.py"\n+++ "b/sp ace\\tt\\303\\251.py"\n@@ -1 +1 @@\n-x\n+y\n'
        "diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n"
    )
    changed = parse_diff(diff, tmp_path)
    assert changed == {
        (tmp_path / "x.py").resolve(): frozenset({4, 5, 12}),
        (tmp_path / "sp ace\tté.py").resolve(): frozenset({1}),
    }
