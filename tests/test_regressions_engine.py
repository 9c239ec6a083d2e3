"""Regressions for the engine and suppression (issue 18, mutation testing): each test
pins behaviour a user sees through the command line or reliability_lint.testing, and
fails with the mutant of reliability_lint/engine.py or suppression.py it was written for
(tests/MUTATION.md, section h/mut-engine)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

BARE = "try:\n    g()\nexcept:{comment}\n    pass\n"


def codes(text: str, select: list[str] | None = None, path: str = "example.py") -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in check_text(text, select or ["REL1"], path=path))


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("comment", "left"),
    [
        ("  # noqa", []),
        ("  #noqa:REL101", [("REL102", 3)]),
        ("  # noqa: REL101, REL102", []),
        ("  # noqa: rel10", []),
        ("  # noqa: E722", [("REL101", 3), ("REL102", 3)]),
        ("  # noqa: REL102 REL101", []),
    ],
)
def test_a_noqa_silences_the_codes_it_names_by_prefix(comment: str, left: list[tuple[str, int]]) -> None:
    assert codes(BARE.format(comment=comment)) == left
