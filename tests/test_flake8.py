"""The flake8 plugin, through the real flake8: codes, noqa, --select and --extend-ignore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CODE = """\
import logging


def load(client):
    try:
        client.flush()
    except:
        pass


def save(client):
    try:
        client.save()
    except:  # noqa: REL101
        logging.exception("save failed")
"""


def flake8(cwd: Path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args, "job.py"],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.splitlines()


@pytest.fixture
def job(tmp_path: Path) -> Path:
    (tmp_path / "job.py").write_text(CODE, encoding="utf-8")
    return tmp_path


def test_rules_run_inside_flake8_and_noqa_is_honoured(job: Path) -> None:
    lines = flake8(job)
    assert "job.py:7:5: REL101 Bare `except:` also catches KeyboardInterrupt and SystemExit" in lines
    assert any(line.startswith("job.py:7:5: REL102 Exception swallowed") for line in lines)
    assert any(line.startswith("job.py:7:5: E722 ") for line in lines)  # flake8's own checks still run
    assert not any(line.startswith("job.py:14:") and " REL" in line for line in lines)
    assert any(line.startswith("job.py:14:5: E722 ") for line in lines)  # noqa: REL101 is not blanket


def test_select_and_extend_ignore(job: Path) -> None:
    assert [line.split()[1] for line in flake8(job, "--select", "REL")] == ["REL101", "REL102"]
    assert [line.split()[1] for line in flake8(job, "--select", "REL", "--extend-ignore", "REL102")] == ["REL101"]
    assert not any(" REL" in line for line in flake8(job, "--extend-ignore", "REL"))


def test_family_options_come_from_the_projects_config(job: Path) -> None:
    (job / "job.py").write_text("try:\n    x = 1\nexcept ValueError:\n    pass\n", encoding="utf-8")
    assert flake8(job, "--select", "REL") == []
    (job / "pyproject.toml").write_text(
        "[tool.reliability-lint.exceptions]\ninclude-specific = true\n", encoding="utf-8"
    )
    assert [line.split()[1] for line in flake8(job, "--select", "REL")] == ["REL102"]
    (job / "pyproject.toml").write_text("[tool.reliability-lint.exceptions]\ninclude-specific = 1\n", encoding="utf-8")
    (only,) = flake8(job, "--select", "REL")
    assert only.startswith("job.py:1:1: REL000 ") and "pyproject.toml" in only and "include-specific" in only


def test_plugin_does_not_import_libcst(job: Path) -> None:
    probe = (
        "import sys\n"
        "from flake8.main.cli import main\n"
        "code = main(['--isolated', '--jobs', '1', '--select', 'REL', 'job.py'])\n"
        "assert code == 1, code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'libcst'))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=job, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "REL101" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"
