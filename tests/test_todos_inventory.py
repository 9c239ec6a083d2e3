"""`reliability-lint todos` and REL401's max-age on a real git repository with two authors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.git import blame_file
from reliability_lint.cli import cli
from reliability_lint.testing import check_text

NOW = datetime.now(timezone.utc).replace(microsecond=0)
ALICE_DATE = NOW - timedelta(days=3000)
BOB_DATE = NOW - timedelta(days=400)
CAROL_DATE = NOW - timedelta(days=2)


def _git(repo: Path, *args: str, author: str = "", date: datetime | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if author:
        email = f"{author.lower()}@example.com"
        stamp = date.isoformat() if date else ""
        env.update(
            GIT_AUTHOR_NAME=author, GIT_AUTHOR_EMAIL=email, GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_NAME=author, GIT_COMMITTER_EMAIL=email, GIT_COMMITTER_DATE=stamp,
        )  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture(autouse=True)
def _no_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "b").mkdir(parents=True)
    _git(root, "init", "-q")
    (root / "a.py").write_text("# TODO: old note\n# FIXME(PIPE-9): tracked\nx = 1\n")
    _git(root, "add", "a.py")
    _git(root, "commit", "-qm", "first", author="Alice", date=ALICE_DATE)
    (root / "b" / "c.py").write_text('def f():\n    pass  # TODO: newer\nS = "# TODO: a string"\n')
    _git(root, "add", "b/c.py")
    _git(root, "commit", "-qm", "second", author="Bob", date=BOB_DATE)
    with (root / "a.py").open("a") as handle:
        handle.write("y = 2  # XXX: fresh\n")
    _git(root, "commit", "-qam", "third", author="Carol", date=CAROL_DATE)
    with (root / "a.py").open("a") as handle:
        handle.write("# HACK: not committed\n")
    return root


def _todos(where: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(where)
    result = CliRunner().invoke(cli, ["todos", ".", "-j", "2", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_reports_authors_and_dates_oldest_first(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(_todos(repo, monkeypatch, "--format", "json"))
    rows = [(t["path"], t["line"], t["tag"], t["author"], (t["date"] or "")[:10]) for t in data["todos"]]
    assert rows == [
        ("a.py", 1, "TODO", "Alice", ALICE_DATE.date().isoformat()),
        ("a.py", 2, "FIXME", "Alice", ALICE_DATE.date().isoformat()),
        (os.path.join("b", "c.py"), 2, "TODO", "Bob", BOB_DATE.date().isoformat()),
        ("a.py", 4, "XXX", "Carol", CAROL_DATE.date().isoformat()),
        ("a.py", 5, "HACK", "Not Committed Yet", ""),
    ]
    first = data["todos"][0]
    assert first["text"] == "old note" and first["reference"] is None and not first["tracked"]
    assert data["todos"][1]["reference"] == "PIPE-9" and data["todos"][1]["tracked"]
    assert first["age_days"] in (2999, 3000) and len(first["commit"]) == 40
    assert data["todos"][4]["commit"] is None and data["todos"][4]["age_days"] is None
    assert data["summary"]["total"] == 5 and data["summary"]["untracked"] == 4
    assert data["summary"]["by_tag"]["TODO"] == {"total": 2, "untracked": 2}
    assert data["summary"]["by_folder"] == {".": {"total": 4, "untracked": 3}, "b": {"total": 1, "untracked": 1}}


def test_untracked_csv_markdown_and_table(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = list(csv.DictReader(io.StringIO(_todos(repo, monkeypatch, "--format", "csv", "--untracked"))))
    assert [(r["path"], r["line"], r["author"]) for r in rows] == [
        ("a.py", "1", "Alice"),
        (os.path.join("b", "c.py"), "2", "Bob"),
        ("a.py", "4", "Carol"),
        ("a.py", "5", "Not Committed Yet"),
    ]
    assert rows[0]["tracked"] == "False" and rows[3]["date"] == ""
    markdown = _todos(repo, monkeypatch, "--format", "markdown")
    assert f"| {BOB_DATE.date().isoformat()} | Bob | `{os.path.join('b', 'c.py')}` | 2 | TODO | - | newer |" in markdown
    assert "| FIXME | 1 | 0 |" in markdown
    table = _todos(repo, monkeypatch)
    assert table.splitlines()[1].startswith(f"{ALICE_DATE.date().isoformat()}  Alice")
    assert "5 tagged comments, 4 untracked." in table
    assert "(uncommitted)" in table


def test_plain_results_without_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "m.py").write_text("# TODO: no history\n")
    (plain / "broken.py").write_text("def (:\n")
    monkeypatch.chdir(plain)
    result = CliRunner().invoke(cli, ["todos", ".", "--format", "json"])
    assert result.exit_code == 0
    assert "broken.py: syntax error at line 1" in result.stderr
    [todo] = json.loads(result.stdout)["todos"]
    assert (todo["path"], todo["author"], todo["date"]) == ("m.py", None, None)


def test_bad_config_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint.todos]\nreference-pattern = "("\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["todos", "."])
    assert result.exit_code == 2
    assert "reference-pattern is not a valid regular expression" in result.stderr


# ------------------------------------------------------------------------------ max-age


def _untracked_lines(path: Path, **options: object) -> list[int]:
    found = check_text(path.read_text(), ["REL401"], path=str(path), options={"todos": options})
    return [f.line for f in found]


def test_max_age_reports_only_stale_untracked_todos(repo: Path) -> None:
    a, c = repo / "a.py", repo / "b" / "c.py"
    assert _untracked_lines(a) == [1, 4, 5]
    assert _untracked_lines(a, **{"max-age": 30}) == [1]  # line 4 is 2 days old, 5 uncommitted
    assert _untracked_lines(c, **{"max-age": 30}) == [2]
    assert _untracked_lines(c, **{"max-age": 1000}) == []
    assert _untracked_lines(a, **{"max-age": 1000}) == [1]


def test_max_age_blames_the_text_being_checked(repo: Path) -> None:
    path = repo / "a.py"
    edited = "# TODO: rewritten today\n" + path.read_text().split("\n", 1)[1]
    found = check_text(edited, ["REL401"], path=str(path), options={"todos": {"max-age": 30}})
    assert found == []


def test_max_age_without_git_reports_everything(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("# TODO: unknown age\n")
    assert _untracked_lines(path, **{"max-age": 30}) == [1]


def test_blame_of_an_untracked_file_is_uncommitted(repo: Path) -> None:
    new = repo / "new.py"
    new.write_text("# TODO: brand new\n")
    blamed = blame_file(new, [1])
    assert blamed is not None and not blamed[1].committed
    assert blame_file(repo / "a.py", []) == {}


def test_secrets_in_todo_text_are_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "AKIA" + "IOSFODNN7REDACTME"[:16]
    (tmp_path / "m.py").write_text(f"# TODO: rotate {key} before launch\n")
    for fmt in ("json", "csv", "markdown", "table"):
        output = _todos(tmp_path, monkeypatch, "--format", fmt)
        assert key not in output and key[4:] not in output
        assert f"rotate AKIA\u2026({len(key)} chars) before launch" in output


def test_many_files_are_scanned_in_parallel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(20):
        (tmp_path / f"m{index:02}.py").write_text(f"x = 1\n# FIXME: file {index}\n")
    data = json.loads(_todos(tmp_path, monkeypatch, "--format", "json", "-j", "2"))
    assert sorted(t["text"] for t in data["todos"]) == [f"file {i}" for i in sorted(range(20), key=str)]
    assert {t["line"] for t in data["todos"]} == {2}


def test_the_inventory_lists_every_marker_rel402_acts_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A function whose whole body is a tagged docstring is a REL402 stub: the inventory
    must list its marker too, once, beside the comment TODOs (issue 11)."""
    (tmp_path / "alerts.py").write_text(
        'def send_to_sentry(event):\n'
        '    """TODO: send to Sentry."""\n'
        '\n'
        '\n'
        'class Slack:\n'
        '    async def post(self):\n'
        '        """Post the alert.\n'
        '\n'
        '        FIXME(#42): retry on 429.\n'
        '        """\n'
        '\n'
        '\n'
        'def documented():\n'
        '    """Only words about a TODO list, no tag at the start."""\n'
        '    return 1\n'
        '\n'
        '\n'
        '# TODO: a plain comment\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["todos", "--format", "json", "."], catch_exceptions=False)
    rows = {(row["line"], row["tag"], row["text"], row["tracked"]) for row in json.loads(result.stdout)["todos"]}
    assert rows == {
        (2, "TODO", "send to Sentry.", False),
        (9, "FIXME", "retry on 429.", True),
        (18, "TODO", "a plain comment", False),
    }
    check = CliRunner().invoke(cli, ["check", "--no-cache", "--select", "REL402", "--output-format", "concise", "."])
    assert "alerts.py:1:1: REL402" in check.stdout  # the same marker the rule acts on
