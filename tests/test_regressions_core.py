"""Regressions from issue 18 for the baseline, the cache, changed-lines gating, the
configuration and the TODO rules: each test fails with one planted bug (tests/MUTATION.md
names it) and passes without it. All through the command line, on real git repositories.

Most run the click command in this process (so that mutation testing sees them); the few
that need another clock start the real executable, with this copy of the package first on
its path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cache_files
import pytest
from click.testing import CliRunner

import reliability_lint
from reliability_lint.cli import cli

SWALLOW = "def load():\n    try:\n        run()\n    except:\n        pass\n"
PACKAGE_ROOT = str(Path(reliability_lint.__file__).resolve().parent.parent)


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def concise(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """`path:line: CODE` of each finding of a check."""
    code, out, err = run(cwd, monkeypatch, "check", "--output-format", "concise", "--no-progress", *args)
    assert code in (0, 1), out + err
    found = []
    for line in out.splitlines():
        if ": REL" in line:
            where, rest = line.split(": ", 1)
            found.append(f"{where.rsplit(':', 1)[0]}: {rest.split()[0]}")
    return found


def git(*args: str, cwd: Path, when: datetime | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")  # fmt: skip
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def repository(path: Path) -> Path:
    git("init", "-q", "-b", "main", cwd=path)
    return path


# ------------------------------------------------------------------ baseline


def test_a_baseline_entry_matches_only_the_code_it_was_recorded_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    handler = SWALLOW.replace("except:", "except Exception:")
    job.write_text(handler)
    baseline = ("--baseline", ".reliability-lint-baseline.json", "--select", "REL102")
    assert run(tmp_path, monkeypatch, "baseline", "--select", "REL102")[0] == 0
    assert concise(tmp_path, monkeypatch, *baseline) == []
    job.write_text("\n\n" + handler)  # moved: still the accepted finding
    assert concise(tmp_path, monkeypatch, *baseline) == []
    # the accepted handler is gone; another one of the same rule in the same file is new
    job.write_text(handler.replace("except Exception:", "except BaseException:"))
    assert concise(tmp_path, monkeypatch, *baseline) == ["job.py:4: REL102"]


def test_a_baseline_of_another_version_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    assert run(tmp_path, monkeypatch, "baseline")[0] == 0
    file = tmp_path / ".reliability-lint-baseline.json"
    data = json.loads(file.read_text())
    for version in (2, "1", None):
        file.write_text(json.dumps({**data, "version": version}))
        code, out, err = run(tmp_path, monkeypatch, "check", "--baseline", file.name, ".")
        assert code == 2, (version, out, err)
        assert f"{file.name}: not a version 1 reliability-lint baseline" in err


def test_a_file_error_is_never_recorded_in_a_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n    pass  # TODO(#1)\n")
    (tmp_path / "job.py").write_text(SWALLOW)
    code, _, err = run(tmp_path, monkeypatch, "baseline")
    assert code == 0
    assert "REL000" in err and "(not recorded)" in err
    recorded = json.loads((tmp_path / ".reliability-lint-baseline.json").read_text())["findings"]
    assert recorded and "REL000" not in {row["code"] for row in recorded}
    assert concise(tmp_path, monkeypatch, "--baseline", ".reliability-lint-baseline.json") == ["broken.py:1: REL000"]


# ------------------------------------------------------------------ cache


def plant_marker(root: Path) -> None:
    """Change the message of every cached finding (and sign it again, as only this
    machine can), to see whether a run reads the entry."""
    from reliability_lint.cache import machine_key

    key = machine_key()
    assert key is not None

    def mark(entry: dict) -> None:
        for finding in entry["findings"]:
            finding["message"] = "FROM THE CACHE"

    assert cache_files.resign(root / ".reliability_lint_cache", key, mark)


def text_of(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    code, out, err = run(root, monkeypatch, "check", "--no-progress", *args)
    assert code in (0, 1), out + err
    return out


def test_a_cache_written_by_another_version_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    text_of(tmp_path, monkeypatch, ".")
    plant_marker(tmp_path)
    assert "FROM THE CACHE" in text_of(tmp_path, monkeypatch, ".")  # the same version reads it
    import reliability_lint.cache

    monkeypatch.setattr(reliability_lint.cache, "__version__", reliability_lint.__version__ + ".post1")
    assert "FROM THE CACHE" not in text_of(tmp_path, monkeypatch, ".")


def test_staging_a_file_is_seen_through_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(tmp_path)
    (tmp_path / "README.md").write_text("x\n")
    git("add", "README.md", cwd=tmp_path)
    git("commit", "-qm", "start", cwd=tmp_path)
    (tmp_path / ".env").write_text("DEBUG=1\n")
    assert "is not ignored by .gitignore" in text_of(tmp_path, monkeypatch, "--select", "REL303", ".")
    git("add", ".env", cwd=tmp_path)  # only the index changes: no commit, no .gitignore
    out = text_of(tmp_path, monkeypatch, "--select", "REL303", ".")
    assert "is staged, not yet committed" in out
    assert "is not ignored" not in out


SAFE, UNSAFE = "(1 fixable)", "1 more fixable with `--unsafe-fixes`"


@pytest.mark.parametrize(
    ("key", "code", "source", "before", "after"),
    [
        ("extend-safe-fixes", "REL101", SWALLOW, UNSAFE, SAFE),
        ("extend-unsafe-fixes", "REL204", "import requests\n\nrequests.get(URL)\n", SAFE, UNSAFE),
    ],
)
def test_changing_a_fix_class_is_seen_through_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: str, code: str, source: str, before: str, after: str
) -> None:
    (tmp_path / "job.py").write_text(source)
    (tmp_path / "pyproject.toml").write_text(f"[tool.reliability-lint]\nselect = ['{code}']\n")
    first = text_of(tmp_path, monkeypatch, ".")
    assert before in first and after not in first, first
    (tmp_path / "pyproject.toml").write_text(f"[tool.reliability-lint]\nselect = ['{code}']\n{key} = ['{code}']\n")
    second = text_of(tmp_path, monkeypatch, ".")
    assert after in second and before not in second, second


def test_a_cache_file_is_replaced_whole_never_rewritten_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    folder = tmp_path / ".reliability_lint_cache"
    for source in (SWALLOW, SWALLOW.replace("except:", "except ValueError:"), SWALLOW):
        job.write_text(source)
        before = {path: path.read_bytes() for path in cache_files.files(folder)}
        readers = [path.open("rb") for path in before]  # a concurrent run that opened them first
        text_of(tmp_path, monkeypatch, ".")
        for reader, old in zip(readers, before.values()):
            assert reader.read() == old  # what it reads is the whole old file
            reader.close()
        (entry,) = cache_files.entries(folder).values()  # and the new entry is in place
        assert bool(entry["findings"]) == (source == SWALLOW)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


# ------------------------------------------------------------------ changed lines


def committed(tmp_path: Path, files: dict[str, str]) -> Path:
    repository(tmp_path)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "start", cwd=tmp_path)
    return tmp_path


def test_a_file_error_counts_wherever_its_file_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "".join(f"x{n} = {n}\n" for n in range(10))
    root = committed(tmp_path, {"job.py": "def f(:\n    pass  # TODO(#1)\n" + body, "other.py": "def g(:\n    pass\n"})
    (root / "job.py").write_text("def f(:\n    pass  # TODO(#1)\n" + body + "y = 1\n")  # a change far from the error
    assert concise(root, monkeypatch, "--no-cache", "--diff-base", "HEAD", ".") == ["job.py:1: REL000"]


def test_a_finding_counts_when_any_line_of_its_span_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "from google.cloud import bigquery\n\nclient = bigquery.Client()\n"
        "job = client.query('select 1', timeout=60)\n"
        "job.result(\n    page_size=10,\n)\n"
    )
    root = committed(tmp_path, {"job.py": text})
    (root / "job.py").write_text(text.replace("page_size=10", "page_size=20"))  # line 6 of 5-7
    assert concise(root, monkeypatch, "--no-cache", "--select", "REL201", "--diff-base", "HEAD", ".") == [
        "job.py:5: REL201"
    ]


# ------------------------------------------------------------------ configuration


def test_an_ignore_as_specific_as_a_select_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(SWALLOW)
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL101", "--ignore", "REL101", ".") == []
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL1", "--ignore", "REL1", ".") == []
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL101", "--ignore", "REL1", ".") == ["job.py:4: REL101"]
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL101']\nignore = ['REL101']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", ".") == []


def test_an_excluded_folder_path_excludes_everything_below_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("pkg/gen/models.py", "pkg/gen/deep/more.py", "pkg/general.py", "pkg/main.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(SWALLOW)
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nexclude = ['pkg/gen']\n")
    found = concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL101", ".")
    assert found == ["pkg/general.py:4: REL101", "pkg/main.py:4: REL101"]
    found = concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL101", "--exclude", "./pkg/gen/", ".")
    assert found == ["pkg/general.py:4: REL101", "pkg/main.py:4: REL101"]


def test_per_file_ignores_match_bare_names_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("app/migrations/0001_init.py", "tests/conftest.py", "src/legacy/old/x.py", "src/main.py", "src/legacy_io.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(SWALLOW)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.reliability-lint.per-file-ignores]\n"
        "migrations = ['REL1']\n'conftest.py' = ['REL101']\n'src/legacy' = ['REL1']\n"
    )
    found = concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL101", ".")
    assert found == ["src/legacy_io.py:4: REL101", "src/main.py:4: REL101"]


# ------------------------------------------------------------------ TODOs


def test_a_reference_on_any_continuation_line_of_a_todo_tracks_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "def load(rows):\n"
        "    # TODO: batch the inserts,\n"
        "    # the warehouse rejects more than\n"
        "    # 500 rows per request\n"
        "    # https://github.com/acme/pipeline/issues/412\n"
        "    return rows\n"
    )
    (tmp_path / "job.py").write_text(text)
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == []
    (tmp_path / "job.py").write_text(text.replace("    # https", "    x = 1\n    # https"))
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:2: REL401"]


def child_env(*paths: Path) -> dict[str, str]:
    """The environment of a child Python that imports this copy of the package (under
    mutation testing: the mutated copy, and the mutant under test, but not mutmut's
    coverage pass, which cannot work outside mutmut's own process)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*map(str, paths), PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")]))
    if env.get("MUTANT_UNDER_TEST") == "stats":
        del env["MUTANT_UNDER_TEST"]
    return env


def shifted_clock(folder: Path, days: float) -> dict[str, str]:
    """An environment whose Python sees the clock `days` ahead (a sitecustomize on its path)."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import datetime as _d\n"
        f"_SHIFT = _d.timedelta(days={days})\n"
        "_real = _d.datetime\n"
        "class _DateTime(_real):\n"
        "    @classmethod\n"
        "    def now(cls, tz=None):\n"
        "        return _real.now(tz) + _SHIFT\n"
        "class _Date(_d.date):\n"
        "    @classmethod\n"
        "    def today(cls):\n"
        "        return (_real.now() + _SHIFT).date()\n"
        "_d.datetime, _d.date = _DateTime, _Date\n"
    )
    return child_env(folder)


def tool(root: Path, env: dict[str, str], *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "check", "--output-format", "concise", *args, "."],
        cwd=root, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return [line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if ": REL" in line]


def aged_todo(tmp_path: Path, age: timedelta) -> Path:
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    repository(root)
    (root / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL401']\n[tool.reliability-lint.todos]\nmax-age = 30\n")
    (root / "job.py").write_text("def load(rows):\n    # TODO: batch the inserts\n    return rows\n")
    git("add", ".", cwd=root)
    git("commit", "-qm", "start", cwd=root, when=datetime.now(timezone.utc) - age)
    return root


def test_max_age_reports_a_todo_only_once_it_is_older_than_the_limit(tmp_path: Path) -> None:
    env = child_env()
    exactly = aged_todo(tmp_path / "a", timedelta(days=30, hours=2))
    assert tool(exactly, env, "--no-cache") == []  # 30 whole days: not more than 30
    older = aged_todo(tmp_path / "b", timedelta(days=31, hours=2))
    assert tool(older, env, "--no-cache") == ["REL401"]


def test_a_todo_that_ages_past_the_limit_is_reported_through_the_cache(tmp_path: Path) -> None:
    root = aged_todo(tmp_path, timedelta(days=29, hours=12))
    assert tool(root, child_env()) == []
    # two days later nothing in the repository changed, but the TODO is 31 days old
    assert tool(root, shifted_clock(tmp_path / "clock", 2)) == ["REL401"]


def test_an_analysis_after_a_run_in_the_same_process_does_not_read_that_run_s_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The project index is the run's: reliability_lint.testing checks a text on its own
    afterwards, as it does before any run (a module of another run's tree is unknown)."""
    from reliability_lint.testing import check_text

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text("from google.cloud import bigquery\n\nshared_client = bigquery.Client()\n")
    user = "from pkg.base import shared_client\n\n\ndef g(q):\n    return shared_client.query(q, timeout=30).result()\n"
    (tmp_path / "pkg" / "sub.py").write_text(user)
    assert concise(tmp_path, monkeypatch, "--no-cache", "pkg/sub.py") == ["pkg/sub.py:5: REL201"]
    assert check_text(user, ["REL201"], path=str(tmp_path / "pkg" / "sub.py")) == []
