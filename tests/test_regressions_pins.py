"""Regressions (issue 18, mutmut) for the pins REL206 reads: which dependency file decides
(the nearest folder that has any, a lock before a manifest), how each format spells a pin,
and whether the pinned google-cloud-bigquery takes a download timeout (3.40.1 on), through
`reliability_lint.testing` and the command line in this process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

CODE = "from google.cloud import bigquery\n\nrows = bigquery.Client().list_rows('t', timeout=5)\nframe = rows.to_dataframe()\n"


def reported(root: Path, files: dict[str, str], where: str = "m.py") -> bool:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    return [f.code for f in check_text(CODE, ["REL206"], path=str(root / where))] == ["REL206"]


@pytest.mark.parametrize(
    ("line", "accepted"),
    [
        ("google-cloud-bigquery==3.41.0", True),
        ("google-cloud-bigquery==3.40.1", True),
        ("google-cloud-bigquery==3.40.0", False),
        ("google-cloud-bigquery>=3.40.1", True),
        ("google-cloud-bigquery>=3.40", False),
        ("google-cloud-bigquery>3.40.1", True),
        ("google-cloud-bigquery>3.40.0", False),
        ("google-cloud-bigquery~=3.41", True),
        ("google-cloud-bigquery~=3.40.0", False),
        ("google-cloud-bigquery==3.41.*", True),
        ("google-cloud-bigquery===3.41.0", True),
        ("google-cloud-bigquery<4", False),
        ("google-cloud-bigquery!=3.41.0", False),
        ("google-cloud-bigquery", False),
        ("google_cloud.BigQuery==3.41.0", True),
        ("google-cloud-bigquery[pandas]==3.41.0  # pinned for the downloads", True),
        ("google-cloud-bigquery>=3.41,<4", True),
        ("google-cloud-bigquery<4,>=3.41", True),
        ("# google-cloud-bigquery==3.41.0", False),
        ("-r google-cloud-bigquery==3.41.0", False),
        ("google-cloud-bigquery-storage==3.41.0", False),
        ("google-cloud-bigquery==not a version", False),
    ],
)
def test_a_requirements_line(line: str, accepted: bool, tmp_path: Path) -> None:
    assert reported(tmp_path, {"requirements.txt": f"pandas>=2\n{line}\n"}) is accepted


def test_two_exact_pins_that_agree_or_not(tmp_path: Path) -> None:
    assert reported(
        tmp_path / "a",
        {
            "requirements.txt": "google-cloud-bigquery==3.41.0\n",
            "setup.cfg": "[options]\ninstall_requires =\n    google-cloud-bigquery>=3\n",
        },
    )
    assert not reported(
        tmp_path / "b",
        {"requirements.txt": "google-cloud-bigquery==3.39.0\n", "requirements-dev.txt": "google-cloud-bigquery>=3\n"},
    )


@pytest.mark.parametrize(
    ("files", "accepted"),
    [
        ({"requirements-prod.txt": "google-cloud-bigquery==3.41.0\n"}, True),
        ({"dev-requirements.txt": "google-cloud-bigquery==3.41.0\n"}, False),
        ({"requirements.in": "google-cloud-bigquery==3.41.0\n"}, False),
        ({"pyproject.toml": '[project]\ndependencies = ["google-cloud-bigquery>=3.41"]\n'}, True),
        ({"pyproject.toml": '[project]\ndependencies = ["google-cloud-bigquery>=3.39"]\n'}, False),
        ({"pyproject.toml": '[project.optional-dependencies]\nbq = ["google-cloud-bigquery==3.41.0"]\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "^3.41"\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "~3.41"\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "^3.39"\n'}, False),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "~=3.41"\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "3.41.0"\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = " >=3.41 "\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = "*"\n'}, False),
        ({"pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = ""\n'}, False),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = {version = "^3.41", extras = ["pandas"]}\n'
            },
            True,
        ),
        ({"pyproject.toml": '[tool.poetry.dependencies]\nGoogle_Cloud_BigQuery = "^3.41"\n'}, True),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npandas = "^3.41"\n'}, False),
        ({"pyproject.toml": "[project\n"}, False),
        ({"setup.cfg": "[options]\ninstall_requires =\n    pandas\n    google-cloud-bigquery>=3.41\n"}, True),
        ({"setup.cfg": "[metadata]\nname = x\n"}, False),
        ({"setup.cfg": "not an ini file\n"}, False),
        # a lock gives the exact version, and wins over a manifest
        ({"uv.lock": '[[package]]\nname = "google-cloud-bigquery"\nversion = "3.41.0"\n'}, True),
        (
            {
                "poetry.lock": '[[package]]\nname = "pandas"\nversion = "3.41.0"\n\n[[package]]\nname = "Google_Cloud_BigQuery"\nversion = "3.41.0"\n'
            },
            True,
        ),
        (
            {
                "uv.lock": '[[package]]\nname = "google-cloud-bigquery"\nversion = "3.39.0"\n',
                "requirements.txt": "google-cloud-bigquery>=3.41\n",
            },
            False,
        ),
        (
            {
                "poetry.lock": '[[package]]\nname = "google-cloud-bigquery"\n',
                "requirements.txt": "google-cloud-bigquery>=3.41\n",
            },
            True,
        ),
        ({"uv.lock": "[[package\n", "requirements.txt": "google-cloud-bigquery>=3.41\n"}, True),
        (
            {
                "uv.lock": '[[package]]\nname = "google-cloud-bigquery"\nversion = "x.y"\n',
                "requirements.txt": "google-cloud-bigquery>=3.41\n",
            },
            True,
        ),
        ({"Pipfile.lock": '{"default": {"google-cloud-bigquery": {"version": "==3.41.0"}}}'}, True),
        ({"Pipfile.lock": '{"develop": {"Google_Cloud_BigQuery": {"version": "==3.41.0"}}}'}, True),
        (
            {
                "Pipfile.lock": '{"default": {"google-cloud-bigquery": {"version": "==3.39.0"}}, "develop": {"google-cloud-bigquery": {"version": "==3.41.0"}}}'
            },
            False,
        ),
        (
            {
                "Pipfile.lock": '{"default": {"google-cloud-bigquery": {"version": "*"}}}',
                "requirements.txt": "google-cloud-bigquery>=3.41\n",
            },
            True,
        ),
        ({"Pipfile.lock": "not json", "requirements.txt": "google-cloud-bigquery>=3.41\n"}, True),
    ],
)
def test_each_dependency_file_format(files: dict[str, str], accepted: bool, tmp_path: Path) -> None:
    assert reported(tmp_path, files) is accepted


def test_the_nearest_folder_with_a_dependency_file_decides(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "google-cloud-bigquery==3.41.0\n",
        "sub/deeper/keep.txt": "",
        "other/setup.cfg": "[metadata]\n",
    }
    assert reported(tmp_path, files, "sub/deeper/m.py")  # up two folders
    assert not reported(tmp_path, {}, "other/m.py")  # its own folder has a dependency file, without the package
    # a folder named like a dependency file is not one
    (tmp_path / "pkg" / "requirements.txt").mkdir(parents=True)
    assert reported(tmp_path, {}, "pkg/m.py")


def test_a_changed_pin_is_seen_at_once_in_one_process(tmp_path: Path) -> None:
    assert not reported(tmp_path, {"requirements.txt": "google-cloud-bigquery==3.39.0\n"})
    assert reported(tmp_path, {"requirements.txt": "google-cloud-bigquery==3.41.0\n"})  # the same size
    assert not reported(tmp_path, {"requirements.txt": "google-cloud-bigquery==3.38.0\n"})
    (tmp_path / "uv.lock").write_text('[[package]]\nname = "google-cloud-bigquery"\nversion = "3.42.0"\n')
    assert reported(tmp_path, {})
    (tmp_path / "uv.lock").unlink()
    assert not reported(tmp_path, {})


def test_a_cached_run_follows_a_pin_added_nearer_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "m.py").write_text(CODE)
    monkeypatch.chdir(tmp_path)

    def run() -> list[str]:
        result = CliRunner().invoke(
            cli, ["check", "--no-progress", "--output-format", "concise", "--select", "REL206", "."]
        )
        return [line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line]

    assert run() == ["jobs/m.py:4:9: REL206"]
    (tmp_path / "jobs" / "setup.cfg").write_text("[options]\ninstall_requires =\n    google-cloud-bigquery==3.30.0\n")
    assert run() == []
    (tmp_path / "jobs" / "setup.cfg").write_text("[options]\ninstall_requires =\n    google-cloud-bigquery==3.50.0\n")
    assert run() == ["jobs/m.py:4:9: REL206"]
