"""The examples of a family's rule pages as test cases (for the regression suites that
mutmut runs: tests/test_pages.py, which checks every page, is not in its selection)."""

from __future__ import annotations

from typing import Any

import pytest

from reliability_lint.pages import examples, pages_dir, reported_lines
from reliability_lint.testing import check_text, fix_text


def page_cases(*codes: str) -> list[Any]:
    """One case per example of the pages of `codes`: (code, example, the bad one above)."""
    cases = []
    for page in sorted(pages_dir().glob("REL*.md")):
        code = page.name.split("-", 1)[0]
        if code not in codes:
            continue
        previous_bad = None
        for example in examples(page.read_text(encoding="utf-8")):
            cases.append(pytest.param(code, example, previous_bad, id=f"{page.stem}:{example.line}:{example.tag}"))
            if example.tag == "bad":
                previous_bad = example
    return cases


def check_page_example(code: str, example: Any, previous_bad: Any) -> None:
    """A bad example reports what its page states, a good one nothing of its rule, and
    fixing the bad one above a fixed one gives it."""
    path = example.attributes.get("path", "example.py")
    selected = example.attributes.get("select", code).split(",")
    if example.tag == "bad":
        found = [f for f in check_text(example.code, selected, path=path) if f.code == code]
        assert reported_lines(found) == example.reported
    elif example.tag == "good":
        assert code not in {f.code for f in check_text(example.code, selected, path=path)}
    else:
        fixed = fix_text(previous_bad.code, [code], path=path, unsafe_fixes="safe" not in example.attributes)
        assert fixed == example.code
