"""Rule pages: Markdown in the top-level `rules/` folder, shipped in the wheel as
`reliability_lint/rule_pages/`. Their fenced examples are executed by the test suite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reliability_lint.registry import Rule

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
EXAMPLE_TAGS = ("bad", "good", "fixed")


def pages_dir() -> Path | None:
    here = Path(__file__).resolve().parent
    for candidate in (here / "rule_pages", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def page_for(rule: Rule) -> str | None:
    folder = pages_dir()
    if folder is None:
        return None
    path = folder / rule.page_name
    return path.read_text(encoding="utf-8") if path.is_file() else None


@dataclass
class Example:
    tag: str  # bad, good or fixed
    code: str
    language: str
    line: int  # where the fence opens in the page
    attributes: dict[str, str] = field(default_factory=dict)  # e.g. path=settings.yaml, safe


def examples(page: str) -> list[Example]:
    """The fenced blocks tagged bad, good or fixed, as ```python bad path=x.py```."""
    found = []
    for match in _FENCE.finditer(page):
        words = match.group("info").split()
        tags = [w for w in words[1:] if w in EXAMPLE_TAGS]
        if not words or not tags:
            continue
        attributes = dict(_attribute(w) for w in words[1:] if w not in EXAMPLE_TAGS)
        line = page.count("\n", 0, match.start()) + 1
        found.append(Example(tags[0], match.group("body"), words[0], line, attributes))
    return found


def _attribute(word: str) -> tuple[str, str]:
    """`key=value` as (key, value); a bare word as (word, "")."""
    key, _, value = word.partition("=")
    return key, value
