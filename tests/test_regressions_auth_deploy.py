"""Regressions (issue 18, mutmut) for REL511-REL516: public deploys, scheduler jobs and push
subscriptions without authentication, secrets in environment variables, subscriptions
without a dead-letter topic; in scripts, CI files and Terraform, through the command line
in this process."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL511", "REL512", "REL513", "REL514", "REL515", "REL516"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)
