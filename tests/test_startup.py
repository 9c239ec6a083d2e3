"""Start-up stays lean: checking a clean file imports none of the heavy packages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("libcst", "detect_secrets", "bandit")


def imported_modules(stderr: str) -> set[str]:
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_checking_one_clean_file_imports_no_heavy_package(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text("import logging\nlogger = logging.getLogger(__name__)\n")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reliability_lint", "check", "--no-cache", "clean.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    modules = imported_modules(result.stderr)
    assert "reliability_lint" in modules  # the parse of -X importtime output works
    assert not modules.intersection(HEAVY), sorted(modules.intersection(HEAVY))
    full = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    # No rule pack configured: no scan of the installed distributions' metadata; a clean
    # check loads none of the fix stage (the rounds, the edits, the atomic write, the
    # previews), nor the thread pool of `git blame`.
    unwanted = {
        "importlib.metadata", "reliability_lint.fixing", "reliability_lint.fix.write", "reliability_lint.fix_preview",
        "reliability_lint.fix.cst", "reliability_lint.fix.edits", "concurrent.futures",
    }  # fmt: skip
    assert not full.intersection(unwanted), sorted(full.intersection(unwanted))


def test_fixing_imports_libcst_only_when_a_fix_needs_it(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("try:\n    g()\nexcept:\n    raise\n")  # a text-edit fix
    command = [sys.executable, "-X", "importtime", "-m", "reliability_lint", "fix", "--no-cache", "a.py"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "libcst" not in imported_modules(result.stderr)
    # REL102's logging and the import it adds are text edits too
    (tmp_path / "b.py").write_text("try:\n    g()\nexcept Exception:\n    pass\n")
    command[-1:] = ["--unsafe-fixes", "b.py"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "logging.exception(" in (tmp_path / "b.py").read_text()
    assert "libcst" not in imported_modules(result.stderr)
    (tmp_path / "c.py").write_text("def send():\n    # TODO: smtplib\n    pass\n")  # REL402: text edits too
    command[-1:] = ["c.py"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "NotImplementedError" in (tmp_path / "c.py").read_text()
    assert "libcst" not in imported_modules(result.stderr)
    # REL402 where a placeholder shares a line with a call of two lines: the libcst way
    (tmp_path / "d.py").write_text("def send():\n    # TODO: smtplib\n    logger.info('a',\n                'b'); pass\n")
    command[-1:] = ["d.py"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "NotImplementedError" in (tmp_path / "d.py").read_text()
    assert "libcst" in imported_modules(result.stderr)


def test_a_warm_run_of_findings_that_read_the_pins_imports_no_pin_parser(tmp_path: Path) -> None:
    """A cached finding that read the pinned google-cloud-bigquery is used again while the
    pins are unchanged; checking that reads the dependency files' tokens, not packaging."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.20.0\n")
    (tmp_path / "job.py").write_text(
        "from google.cloud import bigquery\n\nclient = bigquery.Client()\n"
        "rows = client.query('select 1').to_dataframe()\n"
    )
    command = [sys.executable, "-X", "importtime", "-m", "reliability_lint", "check", "--no-progress", "job.py"]
    cold = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert cold.returncode == 1 and "REL201" in cold.stdout, cold.stdout + cold.stderr
    assert "packaging" in imported_modules(cold.stderr)  # the cold run reads the pins
    warm = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert warm.stdout == cold.stdout
    assert "packaging" not in imported_modules(warm.stderr)
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==2.0.0\n")  # a changed pin: checked again
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "packaging" in imported_modules(again.stderr)
