"""Regressions (issue 18, mutmut) for the bandit pack: its findings, their positions,
`# nosec` with and without codes, the redacted passwords; through `reliability_lint.testing`."""

from __future__ import annotations

from reliability_lint.testing import check_text


def found(text: str, codes: list[str]) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes))


def test_a_shell_call_is_reported_unless_nosec_covers_it() -> None:
    text = "import subprocess\nsubprocess.call(cmd, shell=True)\n"
    assert (2, "B602") in found(text, ["B602"])
    assert found(text.replace("True)", "True)  # nosec"), ["B602"]) == []
    assert found(text.replace("True)", "True)  # nosec B602"), ["B602"]) == []
    assert found(text.replace("True)", "True)  # nosec B101"), ["B602"]) == [(2, "B602")]
