"""Rule fixtures: real-code files under tests/rules/<family>/fixtures/ whose reported lines
end in an inline expectation, `# expect: REL201` or, with the 1-based column,
`# expect: REL201:12` (several: `# expect: REL101:5, REL102:5`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN_SUFFIXES = (".concise.txt", ".diff")
_EXPECT = re.compile(r"#\s*expect:\s*(?P<items>[A-Z]+[0-9]+(?::[0-9]+)?(?:\s*,\s*[A-Z]+[0-9]+(?::[0-9]+)?)*)\s*$")


@dataclass(frozen=True, order=True)
class Expected:
    line: int
    code: str
    col: int | None = None  # 1-based; None: any column

    def __str__(self) -> str:
        return f"{self.line}:{self.col if self.col is not None else '*'} {self.code}"


@dataclass(frozen=True)
class Fixture:
    family: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.family}/{self.path.name}"

    def golden(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)


def fixtures() -> list[Fixture]:
    found = []
    for folder in sorted(HERE.glob("*/fixtures")):
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.endswith(GOLDEN_SUFFIXES):
                found.append(Fixture(folder.parent.name, path))
    return found


def expectations(data: bytes) -> list[Expected]:
    """The inline expectations of a fixture's text (any of \\n, \\r\\n, \\r ends a line)."""
    found = []
    text = data.decode("utf-8-sig", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match is None:
            continue
        for item in match.group("items").split(","):
            code, _, col = item.strip().partition(":")
            found.append(Expected(number, code, int(col) if col else None))
    return found


def mismatches(expected: list[Expected], reported: list[tuple[int, int, str]]) -> tuple[list[str], list[str]]:
    """(expected but not reported, reported but not expected), each as `line:col CODE`.

    A finding matches an expectation on its line and code, and on its column when the
    expectation gives one; the exact ones are paired first."""
    unmatched = Counter((line, code, col) for line, col, code in reported)
    missing = []
    for item in sorted(expected, key=lambda e: e.col is None):
        candidates = [
            key for key, count in unmatched.items()
            if count and key[:2] == (item.line, item.code) and item.col in (None, key[2])
        ]  # fmt: skip
        if candidates:
            unmatched[candidates[0]] -= 1
        else:
            missing.append(str(item))
    extra = [f"{line}:{col} {code}" for (line, code, col), count in sorted(unmatched.items()) for _ in range(count)]
    return missing, extra
