"""The todos family (REL401, REL402): TODO comments without a tracking reference, and
functions marked TODO that return as if they worked. `scan` is also the `todos` command's
finder."""

import re
from typing import Any

from reliability_lint.registry import Precondition, final_fixes, precondition
from reliability_lint.rules.todos import catalogue, checks, fixes  # noqa: F401  (registers the rules)
from reliability_lint.rules.todos.catalogue import TodoSettings, todo_settings
from reliability_lint.rules.todos.scan import Todo, scan

__all__ = ["Todo", "TodoSettings", "scan", "todo_settings"]


def _precondition(options: dict[str, dict[str, Any]]) -> Precondition:
    """A configured tag (matched case-sensitively, as the rules match it), or words saying
    a function is not implemented (REL402)."""
    tags = tuple(options.get("todos", {}).get("tags", catalogue.DEFAULT_TAGS))
    return Precondition(words=tags, test=_says_not_implemented)


def _says_not_implemented(text: str) -> bool:
    # The case-insensitive regex alone tries every character of a file; `in` on the
    # lower-cased text first is a tenth of its cost.
    return "mplemented" in text.lower() and _NOT_IMPLEMENTED.search(text) is not None


_NOT_IMPLEMENTED = re.compile(catalogue._NOT_IMPLEMENTED, re.I)
precondition("todos", _precondition)
final_fixes("todos")  # tests/test_fix_applicability.py: fix --diff shows what fix writes
