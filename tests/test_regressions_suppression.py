"""Regressions for suppression (issue 18, mutation testing of reliability_lint/suppression.py):
flake8's noqa, the file-level `# reliability-lint: noqa`, and the markers families declare,
in Python and in other text files (tests/MUTATION.md, section h/mut-engine)."""

from __future__ import annotations

import pytest

from reliability_lint.testing import check_text

BARE = "try:\n    g()\nexcept:{comment}\n    pass\n"
SECRET = "password = 'hunter2hunter2Xy9'"


def codes(text: str, select: list[str] | None = None, path: str = "example.py") -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in check_text(text, select or ["REL1"], path=path))


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


def test_a_noqa_covers_every_line_a_finding_names_and_no_other() -> None:
    clause = "try:\n    g()\nexcept (ValueError,\n        Exception):{comment}\n    pass\n"
    assert codes(clause.format(comment="  # noqa: REL102"), ["REL102"]) == []  # the clause's last line
    assert codes("x = 1  # noqa\n" + BARE.format(comment=""), ["REL101"]) == [("REL101", 4)]
    assert codes(BARE.format(comment="").replace("pass", "pass  # noqa"), ["REL101"]) == [("REL101", 3)]


@pytest.mark.parametrize(
    ("header", "left"),
    [
        ("# reliability-lint: noqa\n", []),
        ("#reliability-lint:noqa\n", []),
        ("# reliability-lint: noqa: REL102\n", [("REL101", 4)]),
        ("# reliability-lint: noqa:REL1\n", []),
        ("# Reliability-Lint: NOQA: rel101, REL102\n", []),  # as case-blind as a line's noqa
        ("# RELIABILITY-LINT: noqa\n", []),
        ("# reliability-lint: noqa: rel101\n", [("REL102", 4)]),
        ("# reliability-lint: noqa: REL101 REL102\n", []),
        ("x = 1  # reliability-lint: noqa\n", []),
        ("# a note # reliability-lint: noqa\n", [("REL101", 4), ("REL102", 4)]),  # not the comment's start
        ("x = '# reliability-lint: noqa'\n", [("REL101", 4), ("REL102", 4)]),  # a string
        ('x = """\n# reliability-lint: noqa\n"""\n', [("REL101", 6), ("REL102", 6)]),  # a line of one
        ("# reliability-lint: noqa: E722\n", [("REL101", 4), ("REL102", 4)]),
        ("# reliability-lint\n", [("REL101", 4), ("REL102", 4)]),
    ],
)
def test_a_file_level_noqa_counts_only_as_a_comment_of_its_own(header: str, left: list[tuple[str, int]]) -> None:
    assert codes(header + BARE.format(comment="")) == left




@pytest.mark.parametrize(
    ("text", "left"),
    [
        (f"{SECRET}  # noqa\n", []),
        (f"a: 1\n{SECRET}  #noqa:REL302\n", []),
        (f"{SECRET}  # noqa: REL1\n", [("REL302", 1)]),
        (f"a: 1  # noqa\n{SECRET}\n", [("REL302", 2)]),
        (f"{SECRET}  # pragma: allowlist secret\n", []),
        ("# reliability-lint: noqa\n" + SECRET + "\n", []),
        ("# reliability-lint: noqa: REL302\n" + SECRET + "\n", []),
        ("# reliability-lint: noqa: REL1\n" + SECRET + "\n", [("REL302", 2)]),
        ("x: 1  # reliability-lint: noqa\n" + SECRET + "\n", []),
        ("# a # reliability-lint: noqa\n" + SECRET + "\n", [("REL302", 2)]),  # inside a comment
        ("x: '# reliability-lint: noqa'\n" + SECRET + "\n", [("REL302", 2)]),  # inside quotes
        ('x: "# reliability-lint: noqa"\n' + SECRET + "\n", [("REL302", 2)]),
        ("x: '#' # reliability-lint: noqa\n" + SECRET + "\n", [("REL302", 2)]),  # after a '#'
        ("x: 'a' 'b' # reliability-lint: noqa\n" + SECRET + "\n", []),  # quotes closed
        ('x: "a" "b" # reliability-lint: noqa\n' + SECRET + "\n", []),
    ],
)
def test_suppression_comments_in_a_text_file(text: str, left: list[tuple[str, int]]) -> None:
    assert codes(text, ["REL3"], path="settings.yaml") == left


def test_json_has_no_comments_to_silence_a_whole_file() -> None:
    text = '{"password": "hunter2hunter2Xy9zz", "note": "# reliability-lint: noqa"}\n'
    assert codes(text, ["REL3"], path="settings.json") == [("REL302", 1)]
    assert codes(text, ["REL3"], path="settings.yml") == [("REL302", 1)]  # inside quotes there too


def test_a_marker_silences_only_the_rules_that_name_it() -> None:
    call = "import subprocess, requests\nsubprocess.call('ls', shell=True){c}\nrequests.get(u){c}\n"
    assert codes(call.format(c=""), ["B602", "REL204", "REL207"]) == [("B602", 2), ("REL204", 3), ("REL207", 2)]
    assert codes(call.format(c="  # nosec"), ["B602", "REL204", "REL207"]) == [("REL207", 2)]
    assert codes(f"x = 1\n{SECRET}  # pragma: allowlist secret\n", ["REL3", "B105"]) == [("B105", 2)]


def test_a_noqa_inside_a_python_string_is_not_a_comment() -> None:
    assert codes(BARE.format(comment=' x = "# noqa"').replace("\n    pass", ""), ["REL101"]) == [("REL101", 3)]
    assert codes('try:\n    g()\nexcept: x = ("a"  # noqa\n  "b")\n', ["REL101"]) == []


def test_a_json_file_has_no_comment_even_at_the_start_of_a_line() -> None:
    text = '# reliability-lint: noqa\n{"password": "hunter2hunter2Xy9zz"}\n'
    assert codes(text, ["REL3"], path="settings.json") == [("REL302", 2)]
    assert codes(text, ["REL3"], path="settings.yml") == []


def test_a_nosec_naming_bandit_tests_silences_those_and_the_rules_that_honour_any_nosec() -> None:
    call = "import subprocess, requests\nsubprocess.call('ls', shell=True)  # nosec B602\nrequests.get(u)  # nosec B602\n"
    assert codes(call, ["B602", "B607", "REL204", "REL207"]) == [("B607", 2), ("REL207", 2)]


def test_a_todo_tag_inside_a_string_is_no_comment() -> None:
    text = 'x = "# TODO tidy"\ny = 1  # TODO tidy\n'
    assert codes(text, ["REL401"]) == [("REL401", 2)]


def test_a_noqa_in_a_text_file_counts_anywhere_in_the_line_s_comment() -> None:
    assert codes(f"{SECRET}  # noqa: REL302  # a test fixture\n", ["REL3"], path="settings.yaml") == []
