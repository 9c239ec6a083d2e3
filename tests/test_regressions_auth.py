"""Regressions (issue 18, mutmut) for REL501-REL503, routes without authentication: which
frameworks' routes are seen, what counts as authentication, the sibling and read rules;
through `reliability_lint.testing` and the command line in this process."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL501", "REL502", "REL503"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)
