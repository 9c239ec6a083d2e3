"""Regressions (issue 18, mutmut) for REL103-REL107, the silent failures: errors logged
below warning or without their traceback, success returned from a handler, a web handler
acknowledging a failure, `suppress(Exception)`; through `reliability_lint.testing`."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases

from reliability_lint.testing import check_text


def found(text: str, codes: list[str], **kwargs: Any) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes, **kwargs))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL103", "REL104", "REL105", "REL106", "REL107"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)
