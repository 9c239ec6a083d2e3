"""The summary's record of which functions report an error (raise, or log at error level)."""

from __future__ import annotations

import ast
import textwrap

from reliability_lint.semantic.feed import feed
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.summary import summarize

TEXT = """\
import logging

log = logging.getLogger(__name__)


def loud(x):
    log.error("bad %s", x)


def raising():
    raise RuntimeError("no")


def quiet():
    log.info("fine")


def nested_only():
    def inner():
        raise RuntimeError("not when nested_only runs")
    return inner


async def async_loud(self):
    self.logger.exception("bad")
"""


def test_functions_that_raise_or_log_at_error_level_are_marked() -> None:
    module = Module(defer=True)
    feed(module, ast.parse(textwrap.dedent(TEXT)))
    names = summarize(module, "m.py")["names"]
    marked = {name: entry[3] for name, entry in names.items() if entry[0] == "function"}
    assert marked == {"loud": True, "raising": True, "quiet": False, "nested_only": False, "async_loud": True}
