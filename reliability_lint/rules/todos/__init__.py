"""The todos family (REL401, REL402): TODO comments without a tracking reference, and
functions marked TODO that return as if they worked. `scan` is also the `todos` command's
finder."""

from reliability_lint.rules.todos import catalogue, checks, fixes  # noqa: F401  (registers the rules)
from reliability_lint.rules.todos.catalogue import TodoSettings, todo_settings
from reliability_lint.rules.todos.scan import Todo, scan

__all__ = ["Todo", "TodoSettings", "scan", "todo_settings"]
