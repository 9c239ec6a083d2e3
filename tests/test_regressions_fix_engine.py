"""Regressions (issue 18, mutmut) for the fix engine under the fix stage (`fix.edits`,
`fix.cst`, `fix.imports`, `fix.verify`): the edits between two texts, which fixes of one
round are taken, the libcst bridge's statement regions, through `reliability_lint.testing`
and the command line in this process."""

from __future__ import annotations

from reliability_lint.testing import fix_text

STUBS = "def f():\n    # TODO: x\n    pass\n\ndef g():\n    # TODO: y\n    pass\n"
FIXED = 'def f():\n    # TODO: x\n    raise NotImplementedError("f: x")\n\ndef g():\n    # TODO: y\n    raise NotImplementedError("g: y")\n'


def test_two_fixes_of_one_file_are_both_applied() -> None:
    assert fix_text(STUBS, ["REL402"]) == FIXED
