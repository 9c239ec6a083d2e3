"""Regressions (issue 18, mutmut) for REL101 bare-except and REL102 swallowed-exception:
what is reported, where, with which message and fix, through `reliability_lint.testing`."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import finding_rows
from family_pages import check_page_example, page_cases

from reliability_lint.testing import check_text, fix_text


def found(text: str, codes: list[str], **kwargs: Any) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes, **kwargs))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL101", "REL102"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


def test_a_bare_except_is_reported_on_its_keyword_with_a_fix() -> None:
    text = "try:\n    go()\nexcept:\n    handle()\n"
    assert finding_rows(text, ["REL101"]) == [
        (3, 0, 3, 6, "REL101", "Bare `except:` also catches KeyboardInterrupt and SystemExit", "unsafe: Replace with `except Exception:`")
    ]
    assert fix_text(text, ["REL101"]) == "try:\n    go()\nexcept Exception:\n    handle()\n"
