"""Every rule has a page, and every page's examples hold: bad is reported, good is not,
fixing bad gives fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_lint.pages import examples
from reliability_lint.registry import load_rules
from reliability_lint.testing import check_text, fix_text

PAGES = Path(__file__).resolve().parent.parent / "rules"
REGISTRY = load_rules()


def _cases() -> list:
    cases = []
    for page in sorted(PAGES.glob("REL*.md")):
        code = page.name.split("-", 1)[0]
        previous_bad = None
        for example in examples(page.read_text(encoding="utf-8")):
            name = f"{page.stem}:{example.line}:{example.tag}"
            cases.append(pytest.param(code, example, previous_bad, id=name))
            if example.tag == "bad":
                previous_bad = example
    return cases


def test_every_rule_has_a_page_and_every_page_a_rule() -> None:
    pages = {page.name for page in PAGES.glob("*.md")}
    wanted = {rule.page_name for rule in REGISTRY.rules.values() if rule.code.startswith("REL")}
    assert wanted <= pages, f"rules without a page: {sorted(wanted - pages)}"
    assert {p for p in pages if p.startswith("REL")} <= wanted, "pages without a rule"


def test_every_page_has_the_sections_and_examples() -> None:
    for page in sorted(PAGES.glob("REL*.md")):
        text = page.read_text(encoding="utf-8")
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix", "## Options"):
            assert heading in text, f"{page.name} lacks {heading!r}"
        tags = {example.tag for example in examples(text)}
        assert {"bad", "good"} <= tags, f"{page.name} needs bad and good examples"


@pytest.mark.parametrize(("code", "example", "previous_bad"), _cases())
def test_page_example(code: str, example, previous_bad) -> None:
    path = example.attributes.get("path", "example.py")
    if example.tag == "bad":
        reported = {f.code for f in check_text(example.code, [code], path=path)}
        assert code in reported, f"bad example not reported as {code}"
    elif example.tag == "good":
        reported = {f.code for f in check_text(example.code, [code], path=path)}
        assert code not in reported, f"good example reported as {code}"
    else:
        assert previous_bad is not None, "a fixed example must follow a bad one"
        unsafe = "safe" not in example.attributes
        fixed = fix_text(previous_bad.code, [code], path=path, unsafe_fixes=unsafe)
        assert fixed == example.code
