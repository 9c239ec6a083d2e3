"""The tagged comments of a Python file: REL401's finder, and the `todos` command's."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from reliability_lint.rules.todos.catalogue import _CONTINUATION_LINES, TodoSettings
from reliability_lint.source import Comment, SourceFile


@dataclass(frozen=True)
class Todo:
    """One tagged comment."""

    line: int
    col: int  # character columns of the tag
    end_col: int
    tag: str
    text: str
    author: str  # from `TODO(author)`, when the parentheses hold no reference
    reference: str  # "" when untracked

    @property
    def tracked(self) -> bool:
        return bool(self.reference)


def scan(
    source: SourceFile,
    literal_spans: list[tuple[int, int]],
    settings: TodoSettings,
    comments: list[Comment] | None = None,
) -> list[Todo]:
    """Every tagged comment of a Python file, given the merged spans of its string literals
    (and the comments on the candidate lines, when a check context already found them)."""
    if comments is None:
        comments = source.comments(settings.candidates, literal_spans)
    todos = []
    for comment in comments:
        match = settings.tag.search(comment.text)
        if match is None:
            continue
        paren = (match.group("paren") or "").strip()
        text = match.group("text").strip()
        found = settings.reference.search(f"{paren} {text}")
        reference = found.group() if found else ""
        if not reference and comment.text.startswith("#") and not source.line(comment.line)[: comment.col].strip():
            reference = _reference_below(source, comment.line, comment.col, literal_spans, settings)
        if not reference and paren and settings.author_is_reference:
            reference = paren
        author = paren if paren and paren != reference and not settings.reference.search(paren) else ""
        col = comment.col + match.start("tag")
        todos.append(Todo(comment.line, col, col + len(match.group("tag")), match.group("tag"), text, author, reference))
    return todos


def _reference_below(
    source: SourceFile, line: int, col: int, literal_spans: list[tuple[int, int]], settings: TodoSettings
) -> str:
    """A reference on the full-line comments continuing a full-line TODO at the same column."""
    for below in range(line + 1, min(line + 1 + _CONTINUATION_LINES, len(source.lines) + 1)):
        text = source.line(below)
        if text[:col].strip() or text[col : col + 1] != "#":
            return ""
        if _in_literal(literal_spans, source.offset(below, col)) or settings.tag.search(text[col:]):
            return ""
        found = settings.reference.search(text[col + 1 :])
        if found:
            return found.group()
    return ""


def _in_literal(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]
