"""Configuration per file (issue 11): each checked file gets the `[tool.reliability-lint]`
nearest it, as ruff does for nested projects; `--config` applies one to every file.

Every test runs the real executable on a real monorepo in a temp folder: a root config,
two services with their own pyproject.toml, and files under each and at the root.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_tool

SWALLOWED = """\
def bare():
    try:
        work()
    except:
        pass


def specific():
    try:
        work()
    except ValueError:
        pass
"""

CONFIGS = {
    # the root selects the whole family
    "pyproject.toml": """\
        [tool.reliability-lint]
        select = ["REL1"]
        """,
    # svc_a: only bare excepts
    "svc_a/pyproject.toml": """\
        [tool.reliability-lint]
        select = ["REL101"]
        """,
    # svc_b: no REL101, specific handlers too, its own excludes and per-file-ignores
    "svc_b/pyproject.toml": """\
        [project]
        name = "svc-b"

        [tool.reliability-lint]
        select = ["REL1"]
        ignore = ["REL101"]
        extend-exclude = ["generated"]

        [tool.reliability-lint.per-file-ignores]
        "jobs/*.py" = ["REL102"]

        [tool.reliability-lint.exceptions]
        include-specific = true
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    files = dict(CONFIGS)
    for name in ("m.py", "svc_a/m.py", "svc_b/m.py", "svc_b/jobs/m.py", "svc_b/generated/m.py", "plain/m.py"):
        files[name] = SWALLOWED
    write(tmp_path, files)
    return tmp_path


def check(root: Path, *args: str, cwd: Path | None = None) -> list[tuple[str, int, str]]:
    """(path relative to `root`, line, code) of every finding of `check`."""
    result = run_tool("check", "--output-format", "json", *args, cwd=cwd or root)
    assert result.returncode in (0, 1), result.stderr
    rows = json.loads(result.stdout)
    return sorted((Path(f["filename"]).resolve().relative_to(root.resolve()).as_posix(), f["location"]["row"], f["code"]) for f in rows)


ROOT_FILE = [("m.py", 4, "REL101"), ("m.py", 4, "REL102")]
SVC_A = [("svc_a/m.py", 4, "REL101")]
SVC_B = [("svc_b/m.py", 4, "REL102"), ("svc_b/m.py", 11, "REL102")]
PLAIN = [("plain/m.py", 4, "REL101"), ("plain/m.py", 4, "REL102")]  # no config of its own: the root's


def test_each_file_gets_the_configuration_nearest_it_whatever_the_order(monorepo: Path) -> None:
    expected = sorted(ROOT_FILE + SVC_A + SVC_B)
    assert check(monorepo, "--no-cache", "svc_a/m.py", "svc_b/m.py", "m.py") == expected
    assert check(monorepo, "--no-cache", "svc_b/m.py", "m.py", "svc_a/m.py") == expected
    assert check(monorepo, "--no-cache", "m.py", "svc_b/m.py", "svc_a/m.py") == expected


def test_a_folder_walk_applies_each_configs_excludes_and_per_file_ignores(monorepo: Path) -> None:
    # svc_b/generated is excluded by svc_b's config (relative to svc_b); svc_b/jobs/*.py
    # ignores REL102 by svc_b's per-file-ignores (relative to svc_b), and REL101 is not
    # selected there: nothing of svc_b/jobs/m.py is reported.
    assert check(monorepo, "--no-cache", ".") == sorted(ROOT_FILE + SVC_A + SVC_B + PLAIN)
    from_inside = check(monorepo, "--no-cache", ".", cwd=monorepo / "svc_b")
    assert from_inside == SVC_B


def test_force_exclude_applies_the_nearest_configs_excludes_to_files_given_explicitly(monorepo: Path) -> None:
    # as the pre-commit hook runs it
    given = ("svc_b/generated/m.py", "svc_a/m.py")
    assert check(monorepo, "--no-cache", "--force-exclude", *given) == SVC_A
    # without --force-exclude an explicit file is checked, with svc_b's settings
    assert check(monorepo, "--no-cache", *given) == sorted(SVC_A + [("svc_b/generated/m.py", 4, "REL102"), ("svc_b/generated/m.py", 11, "REL102")])


def test_command_line_flags_apply_over_every_configuration(monorepo: Path) -> None:
    found = check(monorepo, "--no-cache", "--ignore", "REL102", "svc_a/m.py", "svc_b/m.py", "m.py")
    assert found == [("m.py", 4, "REL101"), ("svc_a/m.py", 4, "REL101")]
    found = check(monorepo, "--no-cache", "--select", "REL102", "svc_a/m.py", "svc_b/m.py", "svc_b/jobs/m.py")
    # --select replaces svc_a's selection; svc_b's include-specific and per-file-ignores still hold
    assert found == sorted([("svc_a/m.py", 4, "REL102"), *SVC_B])


def test_an_explicit_config_applies_to_every_file(monorepo: Path) -> None:
    found = check(monorepo, "--no-cache", "--config", "svc_a/pyproject.toml", "m.py", "svc_b/m.py", "svc_b/jobs/m.py")
    assert found == [("m.py", 4, "REL101"), ("svc_b/jobs/m.py", 4, "REL101"), ("svc_b/m.py", 4, "REL101")]


def test_fix_uses_each_files_configuration(monorepo: Path) -> None:
    result = run_tool("fix", "--unsafe-fixes", "--no-cache", "--select", "REL101", "svc_a/m.py", "svc_b/m.py", cwd=monorepo)
    assert result.returncode in (0, 1), result.stderr
    assert "except Exception:" in (monorepo / "svc_a" / "m.py").read_text(encoding="utf-8")
    assert (monorepo / "svc_b" / "m.py").read_text(encoding="utf-8") == SWALLOWED  # REL101 is ignored there


def test_the_cache_keys_each_file_on_its_own_configuration(monorepo: Path) -> None:
    paths = ("svc_a/m.py", "svc_b/m.py", "m.py")
    expected = sorted(ROOT_FILE + SVC_A + SVC_B)
    assert check(monorepo, *paths) == expected
    assert check(monorepo, *paths) == expected  # warm
    config = monorepo / "svc_b" / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("include-specific = true", "include-specific = false"), encoding="utf-8")
    assert check(monorepo, *paths) == sorted(ROOT_FILE + SVC_A + [("svc_b/m.py", 4, "REL102")])


def test_roots_are_relative_to_the_configuration_that_names_them(tmp_path: Path) -> None:
    write(tmp_path, {
        "pyproject.toml": "[tool.reliability-lint]\n",
        "svc/pyproject.toml": '[tool.reliability-lint]\nroots = ["lib"]\n',
        "svc/lib/clients.py": "from google.cloud import bigquery\n\nwarehouse = bigquery.Client()\n",
        "svc/job.py": "from clients import warehouse\n\n\ndef go(q):\n    return warehouse.query(q).result()\n",
    })  # fmt: skip
    waits = [row for row in check(tmp_path, "--no-cache", "svc/job.py") if row[2] == "REL201"]
    assert waits == [("svc/job.py", 5, "REL201")]
    # from the root, with the root's config given explicitly, `clients` is not a project module
    explicit = check(tmp_path, "--no-cache", "--config", "pyproject.toml", "svc/job.py")
    assert [row for row in explicit if row[2] == "REL201"] == []


def test_a_wrong_nested_configuration_stops_the_run_naming_its_file(monorepo: Path) -> None:
    (monorepo / "svc_b" / "pyproject.toml").write_text('[tool.reliability-lint]\nselect = ["REL999"]\n', encoding="utf-8")
    result = run_tool("check", "--no-cache", ".", cwd=monorepo)
    assert result.returncode == 2
    assert "svc_b/pyproject.toml" in result.stderr and "REL999" in result.stderr
    # a run that does not reach svc_b is not affected
    assert run_tool("check", "--no-cache", "svc_a", cwd=monorepo).returncode == 1


def test_a_pyproject_without_the_table_is_not_a_configuration(monorepo: Path) -> None:
    write(monorepo, {"plain/pyproject.toml": '[project]\nname = "plain"\n'})
    assert check(monorepo, "--no-cache", "plain/m.py") == PLAIN


def test_the_flake8_plugin_reads_each_files_configuration(monorepo: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "REL102", "svc_a/m.py", "svc_b/m.py", "m.py"],
        cwd=monorepo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    found = sorted(tuple(line.split(":")[:2]) for line in result.stdout.splitlines())
    # include-specific holds in svc_b only (flake8 chooses the codes itself)
    assert found == [("m.py", "4"), ("svc_a/m.py", "4"), ("svc_b/m.py", "11"), ("svc_b/m.py", "4")], result.stderr


def test_a_linked_folder_takes_the_configuration_above_its_target(tmp_path: Path) -> None:
    """The nearest configuration is looked up from the folder's real location: a link
    into a service is checked with the service's configuration, whatever the link's
    parents hold; a plain folder beside it keeps the root's."""
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nselect = ["REL1"]\n')
    (tmp_path / "svc" / "jobs").mkdir(parents=True)
    (tmp_path / "svc" / "pyproject.toml").write_text('[tool.reliability-lint]\nselect = ["REL101"]\n')
    (tmp_path / "svc" / "jobs" / "job.py").write_text(SWALLOWED)
    (tmp_path / "plain" / "deep").mkdir(parents=True)
    (tmp_path / "plain" / "deep" / "job.py").write_text(SWALLOWED)
    (tmp_path / "plain" / "linked").symlink_to(tmp_path / "svc" / "jobs", target_is_directory=True)
    done = run_tool("check", "--no-cache", "--output-format", "concise", "plain/linked/job.py", "plain/deep/job.py", cwd=tmp_path)
    codes = sorted((line.split(":")[0], line.split(": ")[1].split()[0]) for line in done.stdout.splitlines() if ": REL" in line)
    # REL102 (the specific handler) is in the root's REL1, not in the service's REL101.
    assert codes == [("plain/deep/job.py", "REL101"), ("plain/deep/job.py", "REL102"), ("plain/linked/job.py", "REL101")], done.stdout
