"""What the todos family knows: its tags and reference pattern (the family's options,
compiled once per configuration), and the words that mark a function unfinished."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reliability_lint.registry import Option, comment_marker, options

DEFAULT_TAGS = ("TODO", "FIXME", "XXX", "HACK")
# `#123`, `gh-123`, a tracker key such as `PIPE-77`, or a URL.
DEFAULT_REFERENCE = r"(?<![\w&])#\d+\b|\b[Gg][Hh]-\d+\b|\b[A-Z][A-Z0-9_]+-\d+\b|\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+"
_NOT_IMPLEMENTED = r"\b(?:not\s+(?:yet\s+)?implemented|unimplemented)\b"
# Candidate lines: `#`-first patterns, measured several times faster than searching for the
# words alone with word boundaries (31 MB of stdlib: 0.2 s against 1.3 s).
_NOT_IMPLEMENTED_COMMENT = rf"#[^\r\n]*?(?i:{_NOT_IMPLEMENTED})"
_SKIP_DECORATORS = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod", "overload"}
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_CONTINUATION_LINES = 5  # a reference may follow on the comment lines right below a TODO


def _tags_problem(value: Any) -> str | None:
    if not value or not all(isinstance(tag, str) and re.fullmatch(r"\w+", tag) for tag in value):
        return "must be a non-empty list of words"
    return None


def _pattern_problem(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be a positive number of days"


options(
    "todos",
    Option("tags", list, list(DEFAULT_TAGS), _tags_problem),
    Option("reference-pattern", str, DEFAULT_REFERENCE, _pattern_problem),
    Option("author-is-reference", bool, False),
    Option("max-age", int, None, _positive),
)


@dataclass(frozen=True)
class TodoSettings:
    candidates: re.Pattern[str]  # lines that may hold a tagged comment
    tag: re.Pattern[str]  # a tag opening a comment (or a `#` part of one)
    reference: re.Pattern[str]
    author_is_reference: bool
    max_age: int | None
    word: re.Pattern[str]  # a tag anywhere (a docstring's too): a text without one holds no TODO


@lru_cache(maxsize=32)
def _compile(tags: tuple[str, ...], reference: str, author_is_reference: bool, max_age: int | None) -> TodoSettings:
    alternatives = "|".join(re.escape(tag) for tag in tags)
    return TodoSettings(
        re.compile(rf"#[^\r\n]*\b(?:{alternatives})\b"),
        re.compile(
            rf"(?:^|#)[#:!\s]*(?P<tag>{alternatives})(?!\w)"
            r"(?:\((?P<paren>[^)]*)\))?[\s:\-]*(?P<text>.*)"
        ),
        re.compile(reference),
        author_is_reference,
        max_age,
        re.compile(rf"\b(?:{alternatives})\b"),
    )


def todo_settings(family_options: dict[str, dict[str, Any]]) -> TodoSettings:
    """The compiled settings of `[tool.reliability-lint.todos]` (defaults where unset)."""
    table = family_options.get("todos", {})
    return _compile(
        tuple(table.get("tags", DEFAULT_TAGS)),
        table.get("reference-pattern", DEFAULT_REFERENCE),
        table.get("author-is-reference", False),
        table.get("max-age"),
    )


comment_marker(lambda family_options: todo_settings(family_options).candidates.pattern)
comment_marker(_NOT_IMPLEMENTED_COMMENT)
