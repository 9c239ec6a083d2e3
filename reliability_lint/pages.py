"""Rule pages: Markdown in the top-level `rules/` folder, shipped in the wheel as
`reliability_lint/rule_pages/`. A rule names its page (`Rule.page`); `page_path` is the one
way to find it, for `explain`, SARIF help and the tests. The fenced examples are executed
by the test suite, each against the expectation lines under it (see `expectations`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reliability_lint.findings import Finding
from reliability_lint.registry import Rule

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
EXAMPLE_TAGS = ("bad", "good", "fixed")


@lru_cache(maxsize=1)
def pages_dir() -> Path | None:
    """The package's own copy of the pages; in a source checkout (no copy is made there) the
    top-level `rules/` folder it is made from."""
    package = Path(__file__).resolve().parent
    installed = package / "rule_pages"  # pyproject.toml: force-include "rules"
    if installed.is_dir():
        return installed
    checkout = package.parent / "rules"
    return checkout if (checkout / "REL000-file-error.md").is_file() else None


def page_path(rule: Rule) -> Path | None:
    """Where the page the rule names is, if it names one and it exists."""
    folder = pages_dir()
    if folder is None or rule.page is None:
        return None
    path = folder / rule.page
    return path if path.is_file() else None


def page_for(rule: Rule) -> str | None:
    path = page_path(rule)
    return path.read_text(encoding="utf-8") if path is not None else None


@dataclass
class Example:
    tag: str  # bad, good or fixed
    code: str
    language: str
    line: int  # where the fence opens in the page
    attributes: dict[str, str] = field(default_factory=dict)  # e.g. path=settings.yaml, safe
    # Of a bad example: the findings it gives, as the ```text reported``` block right under
    # it states them, one `line:column: CODE message` per line (1-based, as `concise`).
    reported: list[str] | None = None


REPORTED = "reported"


def examples(page: str) -> list[Example]:
    """The fenced blocks tagged bad, good or fixed, as ```python bad path=x.py```; a
    ```text reported``` block states what the bad example before it reports."""
    found: list[Example] = []
    previous_end = -1
    for match in _FENCE.finditer(page):
        words = match.group("info").split()
        if words[1:] == [REPORTED]:
            between = page[previous_end : match.start()]
            if found and found[-1].tag == "bad" and found[-1].reported is None and not between.strip():
                found[-1].reported = match.group("body").splitlines()
            else:
                line = page.count("\n", 0, match.start()) + 1
                raise ValueError(f"line {line}: a `reported` block must follow a bad example directly")
            continue
        tags = [w for w in words[1:] if w in EXAMPLE_TAGS]
        if not words or not tags:
            previous_end = -1
            continue
        attributes = dict(_attribute(w) for w in words[1:] if w not in EXAMPLE_TAGS)
        line = page.count("\n", 0, match.start()) + 1
        found.append(Example(tags[0], match.group("body"), words[0], line, attributes))
        previous_end = match.end()
    return found


def reported_lines(findings: Iterable[Finding]) -> list[str]:
    """Findings as a page's `reported` block states them."""
    return [f"{f.line}:{f.col + 1}: {f.code} {f.message}" for f in sorted(findings, key=Finding.sort_key)]
def _attribute(word: str) -> tuple[str, str]:
    """`key=value` as (key, value); a bare word as (word, "")."""
    key, _, value = word.partition("=")
    return key, value
