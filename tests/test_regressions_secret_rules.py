"""Regressions (issue 18, mutmut) for the secrets family's rules: REL301 hardcoded-secret
(which literal is bound to a secret's name, the fix reading it from the environment),
REL302 secret-in-file and REL303 committed-env-file; through `reliability_lint.testing`
and the command line in this process."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases

from reliability_lint.testing import check_text


def found(text: str, path: str = "example.py") -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, ["REL3"], path=path))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL301", "REL302"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)
