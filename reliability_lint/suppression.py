"""Suppression: which findings a comment silences.

The core knows flake8's `# noqa[: CODES]` and the file-level `# reliability-lint:
noqa[: CODES]`. Every other marker (bandit's `# nosec`, detect-secrets' `pragma: allowlist
secret`) is a SuppressionMarker declared by the family whose tools honour it, and silences
only the rules that name it in `suppressed_by`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY, Registry
from reliability_lint.source import Comment, SourceFile

# flake8's syntax: a bare noqa, or noqa followed by a colon and codes ("A1, B2" or "A1 B2");
# codes are prefixes.
_NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.I)
_FILE_NOQA = re.compile(r"#\s*reliability-lint:\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.I)


def comment_prefix(registry: Registry) -> str:
    """A regex matching the start of every suppression comment (for the walk to know that
    string literals must be recorded to tell comments from strings)."""
    return r"#\s*(?:" + "|".join(("noqa", "reliability-lint:", *registry.suppression_words())) + ")"


@lru_cache(maxsize=None)
def _noqa_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A comment holding a marker. Starting at `#`, it is also the cheapest test of a whole
    text: the regex engine skips to each `#`, where `noqa|nosec|...` alone is tried at every
    character (a fifth of a parse, on a file without any)."""
    alternatives = "|".join(("noqa", *words))
    return re.compile(rf"#[^\n\r]*?(?:{alternatives})", re.I)


def comment_lines(src: SourceFile, markers: re.Pattern[str]) -> frozenset[int]:
    """The lines where a comment may hold one of `markers` (the plan's: suppression
    comments, TODO tags) or a noqa as noqa_map finds it: those whose `#` must be told from
    a `#` in a string literal."""
    text = src.text
    starts = [match.start() for match in markers.finditer(text)]
    starts += [match.start() for match in _noqa_pattern(REGISTRY.suppression_words()).finditer(text)]
    return frozenset(src.position(start)[0] for start in starts)


def noqa_map(src: SourceFile, literal_spans: list[tuple[int, int]], python: bool) -> dict[int, Comment]:
    pattern = _noqa_pattern(REGISTRY.suppression_words())
    if not pattern.search(src.text):
        return {}
    if python:
        comments = src.comments(pattern, literal_spans)
    else:  # other text files: any '#' comment
        comments = [
            Comment(n, line.index("#"), line[line.index("#") :])
            for n, line in enumerate(src.lines, 1)
            if "#" in line and pattern.search(line)
        ]
    return {comment.line: comment for comment in comments}


def file_noqa(
    src: SourceFile, literal_spans: list[tuple[int, int]] | None = None, python: bool = True
) -> set[str] | None:
    """Codes silenced in the whole file by `# reliability-lint: noqa[: CODES]`; {''} means all.

    Only a real comment counts, as for ruff's and flake8's file-wide markers: in Python
    one outside every string literal (`literal_spans`, as the walk recorded them); in
    other text files a `#` that starts the line's comment, outside quotes, and never in
    JSON, which has no comments.
    """
    for match in _FILE_NOQA.finditer(src.text):
        if _is_real_comment(src, match.start(), literal_spans or [], python):
            codes = match.group("codes")
            return set(re.split(r"[,\s]+", codes.strip().upper())) if codes else {""}
    return None


def _is_real_comment(src: SourceFile, offset: int, literal_spans: list[tuple[int, int]], python: bool) -> bool:
    lineno, col = src.position(offset)
    if python:
        comment = src._comment_on(lineno, literal_spans)
        return comment is not None and comment.col == col
    if src.path.suffix.lower() in (".json", ".ipynb"):
        return False
    before = src.line(lineno)[:col]
    return "#" not in before and before.count('"') % 2 == 0 and before.count("'") % 2 == 0


def is_suppressed(finding: Finding, comments: dict[int, Comment], markers: tuple[str, ...]) -> bool:
    for line in finding.noqa_lines or (finding.line,):
        comment = comments.get(line)
        if comment is None:
            continue
        text = comment.text
        match = _NOQA.search(text)
        if match:
            codes = match.group("codes")
            if not codes:
                return True
            if any(finding.code.startswith(code.upper()) for code in re.split(r"[,\s]+", codes.strip())):
                return True
        for marker in markers:
            if REGISTRY.suppression_marker(marker).silences(text, finding.code):
                return True
    return False
