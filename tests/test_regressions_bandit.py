"""Regressions (issue 18, mutmut) for the bandit pack: its findings, their positions,
`# nosec` with and without codes, the redacted passwords; through `reliability_lint.testing`."""

from __future__ import annotations

import pytest

from reliability_lint.testing import check_text


def found(text: str, codes: list[str]) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes))


def test_a_shell_call_is_reported_unless_nosec_covers_it() -> None:
    text = "import subprocess\nsubprocess.call(cmd, shell=True)\n"
    assert (2, "B602") in found(text, ["B602"])
    assert found(text.replace("True)", "True)  # nosec"), ["B602"]) == []
    assert found(text.replace("True)", "True)  # nosec B602"), ["B602"]) == []
    assert found(text.replace("True)", "True)  # nosec B101"), ["B602"]) == [(2, "B602")]


SHELL = "import subprocess\nsubprocess.call(cmd, shell=True)"


@pytest.mark.parametrize(
    ("comment", "silenced"),
    [
        ("  # nosec", True),
        ("  #nosec", True),
        ("  # nosec B602", True),
        ("  # nosec B603, B602", True),
        ("  # nosec B603 B602", True),
        ("  # nosec,B602", True),
        ("  # nosec B603", False),
        ("  # nosec B603, B101", False),
        ("  # nosec: B603", True),  # not a list of codes: a plain nosec
        ("  # nosecurity", False),
        ("  # NOSEC", False),
        ("  # no sec", False),
        ("  # noqa: B602", True),
        ("  # noqa: B603", False),
    ],
)
def test_nosec_silences_every_bandit_code_or_the_codes_it_lists(comment: str, silenced: bool) -> None:
    assert found(SHELL + comment + "\n", ["B602", "B404"]) == [(1, "B404")] + ([] if silenced else [(2, "B602")])


@pytest.mark.parametrize("comment", ["  # nosec", "  # nosec B105", "  # nosec B101", "  # pragma: allowlist secret"])
def test_any_nosec_silences_the_tool_s_own_secret_rules(comment: str) -> None:
    text = f'password = "Xk29slQpw7ab"{comment}\n'
    assert [code for _, code in found(text, ["REL301"])] == []
    assert [code for _, code in found(text.replace(comment, ""), ["REL301"])] == ["REL301"]


def test_nosec_of_another_code_leaves_a_bandit_password_finding() -> None:
    text = 'password = "Xk29slQpw7ab"  # nosec B101\n'
    assert [(f.code, f.message) for f in check_text(text, ["B105"])] == [
        ("B105", "Possible hardcoded password: Xk29…(12 chars) (severity low, confidence medium)")
    ]


def test_a_bandit_finding_s_position_and_message() -> None:
    (finding,) = check_text("x = 1\nassert x, 'é'\n", ["B101"])
    assert (finding.line, finding.col, finding.code) == (2, 0, "B101")
    assert finding.message.endswith("(severity low, confidence high)")


def test_the_pack_is_off_by_default() -> None:
    assert [f.code for f in check_text(SHELL + "\n") if f.code.startswith("B")] == []
