"""Helpers of the auth family's tests: write a project tree, check it through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check_tree(root: Path, *args: str, select: str = "REL5") -> list[dict]:
    """Findings of the real executable over `root`, as JSON (no cache: every run reads all)."""
    done = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "check", "--no-cache", "--select", select,
         "--output-format", "json", *args, "."],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def codes_by_place(findings: list[dict], root: Path) -> set[tuple[str, str, int]]:
    """(code, path relative to root, line) of each finding."""
    return {
        (f["code"], Path(f["filename"]).resolve().relative_to(root.resolve()).as_posix(), f["location"]["row"])
        for f in findings
    }
