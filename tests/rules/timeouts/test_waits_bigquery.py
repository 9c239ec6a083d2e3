"""REL206: RowIterator downloads, reported only where the pinned google-cloud-bigquery
accepts their `timeout`; the pin read from each kind of dependency file, nearest first."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_tool
from packaging.version import Version

from reliability_lint.rules.timeouts.pins import accepts, pinned

CODE = """\
from google.cloud import bigquery
from pkg.rows import fetch

client = bigquery.Client()


def a(sql):
    return client.query(sql).result(timeout=60).to_dataframe()


def b(sql):
    return fetch(sql).to_arrow_iterable(max_queue_size=2)


def c(sql, **options):
    rows = client.query_and_wait(sql, wait_timeout=60)
    rows.to_dataframe(**options)
    rows.to_geodataframe(timeout=None)
    return rows.to_dataframe_iterable(timeout=30)


def d(df):
    return df.to_dataframe()
"""

ROWS = """\
from google.cloud import bigquery
from google.cloud.bigquery.table import RowIterator


def fetch(sql) -> RowIterator:
    return bigquery.Client().query(sql).result(timeout=60)
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def rows(root: Path, *paths: str) -> list[tuple[str, int]]:
    result = run_tool("check", "--no-cache", "--select", "REL206", "--output-format", "json", *paths, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted((Path(f["filename"]).name, f["location"]["row"]) for f in json.loads(result.stdout))


PINS = {
    "requirements.txt": ("google-cloud-bigquery[pandas]>=3.41", "google-cloud-bigquery==3.30.0"),
    "requirements-prod.txt": ("google_cloud_bigquery ~= 3.40.1  # pinned", "google-cloud-bigquery<3.41"),
    "pyproject.toml": (
        '[project]\nname = "p"\ndependencies = ["google-cloud-bigquery>=3.41,<4"]\n',
        '[project]\nname = "p"\ndependencies = ["google-cloud-bigquery>=3.11"]\n',
    ),
    "setup.cfg": (
        "[options]\ninstall_requires =\n    requests\n    google-cloud-bigquery>=3.41\n",
        "[options]\ninstall_requires =\n    google-cloud-bigquery\n",
    ),
    "uv.lock": (
        'version = 1\n[[package]]\nname = "google-cloud-bigquery"\nversion = "3.41.0"\n',
        'version = 1\n[[package]]\nname = "google-cloud-bigquery"\nversion = "3.25.0"\n',
    ),
    "poetry.lock": (
        '[[package]]\nname = "google-cloud-bigquery"\nversion = "3.42.1"\n',
        '[[package]]\nname = "google-cloud-bigquery"\nversion = "2.34.4"\n',
    ),
    "Pipfile.lock": (
        json.dumps({"default": {"google-cloud-bigquery": {"version": "==3.41.0"}}}),
        json.dumps({"default": {"google-cloud-bigquery": {"version": "==3.40.0"}}}),
    ),
}


@pytest.mark.parametrize("name", sorted(PINS))
def test_each_dependency_file_decides(tmp_path: Path, name: str) -> None:
    new, old = PINS[name]
    write(tmp_path, {"pkg/__init__.py": "", "pkg/rows.py": ROWS, "pkg/job.py": CODE})
    (tmp_path / name).write_text(new, encoding="utf-8")
    assert rows(tmp_path, "pkg/job.py") == [("job.py", 8), ("job.py", 12), ("job.py", 18)]
    (tmp_path / name).write_text(old, encoding="utf-8")
    assert rows(tmp_path, "pkg/job.py") == []


def test_the_nearest_folder_with_dependency_files_wins(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery>=3.41\n", encoding="utf-8")
    service = tmp_path / "services" / "etl"
    service.mkdir(parents=True)
    (service / "pyproject.toml").write_text('[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "^3.20"\n', encoding="utf-8")
    assert not accepts(pinned(service / "main.py", "google-cloud-bigquery"), Version("3.40.1"))
    assert accepts(pinned(tmp_path / "main.py", "google-cloud-bigquery"), Version("3.40.1"))
    (service / "poetry.lock").write_text('[[package]]\nname = "google-cloud-bigquery"\nversion = "3.45.0"\n', encoding="utf-8")
    assert pinned(service / "main.py", "google-cloud-bigquery") == Version("3.45.0")


def test_dependency_files_above_the_repository_root_are_not_the_project_s(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.45.0\n", encoding="utf-8")
    repository = tmp_path / "repo"
    (repository / "jobs").mkdir(parents=True)
    assert pinned(repository / "jobs" / "main.py", "google-cloud-bigquery") == Version("3.45.0")
    (repository / ".git").mkdir()
    assert pinned(repository / "jobs" / "main.py", "google-cloud-bigquery") is None
    (repository / "requirements.txt").write_text("google-cloud-bigquery==3.20.0\n", encoding="utf-8")
    assert pinned(repository / "jobs" / "main.py", "google-cloud-bigquery") == Version("3.20.0")  # at the root itself


def test_unreadable_or_unrelated_files_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nbroken", encoding="utf-8")
    (tmp_path / "uv.lock").write_text("not toml at all [", encoding="utf-8")
    assert pinned(tmp_path / "x.py", "google-cloud-bigquery") is None
    other = tmp_path / "other"
    other.mkdir()
    (other / "requirements.txt").write_text("-r base.txt\npandas==2.2\n", encoding="utf-8")
    assert pinned(other / "x.py", "google-cloud-bigquery") is None


def test_rel201_fix_bounds_the_download_too_only_where_the_pin_allows(tmp_path: Path) -> None:
    code = "from google.cloud import bigquery\n\n\ndef f(sql):\n    return bigquery.Client().query(sql, timeout=30).to_dataframe(max_results=5)\n"
    for pin, expected in (
        ("google-cloud-bigquery>=3.41\n", ".result(timeout=600, max_results=5).to_dataframe(timeout=600)"),
        ("google-cloud-bigquery==3.25.0\n", ".result(timeout=600, max_results=5).to_dataframe()\n"),
    ):
        (tmp_path / "requirements.txt").write_text(pin, encoding="utf-8")
        (tmp_path / "job.py").write_text(code, encoding="utf-8")
        result = run_tool("fix", "--no-cache", "--select", "REL201,REL206", "job.py", cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        fixed = (tmp_path / "job.py").read_text(encoding="utf-8")
        assert expected in fixed, fixed
        assert rows(tmp_path, "job.py") == []


def _cached(root: Path, *args: str) -> list[dict]:
    result = run_tool("check", "--output-format", "json", *args, cwd=root)  # the cache: .reliability_lint_cache
    assert (root / ".reliability_lint_cache").is_dir()
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_a_changed_pin_invalidates_the_cached_findings_and_fixes(tmp_path: Path) -> None:
    """The cache keys a file's findings on the pins that decided them: editing the pin,
    adding a lock nearer the file, or removing it re-checks the file; an unrelated
    change to another folder's pins does not."""
    project = tmp_path / "project"
    write(project, {"pkg/__init__.py": "", "pkg/rows.py": ROWS, "pkg/job.py": CODE})
    requirements = project / "requirements.txt"
    requirements.write_text("google-cloud-bigquery==3.30.0\n", encoding="utf-8")
    select = ("--select", "REL206", "pkg/job.py")
    assert _cached(project, *select) == []
    requirements.write_text("google-cloud-bigquery==3.41.0\n", encoding="utf-8")
    assert [f["location"]["row"] for f in _cached(project, *select)] == [8, 12, 18]
    (project / "pkg" / "uv.lock").write_text('[[package]]\nname = "google-cloud-bigquery"\nversion = "3.25.0"\n', encoding="utf-8")
    assert _cached(project, *select) == []
    (project / "pkg" / "uv.lock").unlink()
    assert len(_cached(project, *select)) == 3
    # REL201's fix (carried by the JSON output) also follows the pin
    job = "from google.cloud import bigquery\n\n\ndef f(sql):\n    return bigquery.Client().query(sql).to_dataframe()\n"
    (project / "pkg" / "wait.py").write_text(job, encoding="utf-8")

    def fix_of_wait() -> str:
        (finding,) = _cached(project, "--select", "REL201", "pkg/wait.py")
        return "".join(edit["content"] for edit in finding["fix"]["edits"])

    assert fix_of_wait().count("timeout=600") == 2  # the wait and the download
    requirements.write_text("google-cloud-bigquery==3.30.0\n", encoding="utf-8")
    assert fix_of_wait().count("timeout=600") == 1  # the wait alone
