"""The tree comparison the property tests rely on must not blame the tool for its own
misalignment: a fixed (named) statement matches anything, and an import a fix added must
not be lined up against it."""

from __future__ import annotations

import ast

from robust_helpers import same_tree

ORIGINAL = """\
def load():
    try:
        fetch()
    except Exception:
        pass


def other():
    return 1
"""
FIXED = """\
import logging


def load():
    try:
        fetch()
    except Exception:
        logging.exception("load failed")


def other():
    return 1
"""


def test_added_import_is_not_lined_up_against_a_fixed_statement() -> None:
    original, fixed = ast.parse(ORIGINAL), ast.parse(FIXED)
    named = {id(original.body[0])}  # the fixed function
    assert same_tree(original, fixed, named) is None


def test_a_real_difference_outside_the_fixed_statement_is_still_found() -> None:
    original = ast.parse(ORIGINAL)
    fixed = ast.parse(FIXED.replace("return 1", "return 2"))
    difference = same_tree(original, fixed, {id(original.body[0])})
    assert difference is not None and "1 became 2" in difference


def test_a_lost_statement_is_found() -> None:
    original = ast.parse(ORIGINAL)
    fixed = ast.parse("import logging\n\n\ndef load():\n    pass\n")
    assert same_tree(original, fixed, {id(original.body[0])}) == "line ?: statement lost: 'def other():\\n    return 1'"
