"""REL402's fix is made as text edits from the ast's positions; libcst builds the same body
where a text edit cannot be made safely. Both ways must give the same code on every shape
of stub body: the text edits are checked against the libcst path forced on."""

from __future__ import annotations

import ast
from unittest import mock

import pytest

from reliability_lint.registry import load_rules
from reliability_lint.testing import fix_text

load_rules()
from reliability_lint.rules.todos import fixes  # noqa: E402  (after the registry, as the engine loads it)

BODIES = [
    "    # TODO: x\n    pass\n",
    '    """Doc."""\n    # TODO: y\n',
    "    # TODO: y\n    ...\n    return None\n",
    "    # TODO: y\n    logger.info('a'); pass\n",
    "    # TODO: y\n    pass;  # c\n    logger.info('x')\n",
    "    # TODO: z\n    return\n",
    "    # TODO: z\n    'str'\n    pass  # tail\n",
    "    # TODO: é ü\n    pass\n",
    "    # TODO: m\n    return (\n        None\n    )\n",
    "    # TODO: q\n    pass\n\n    # trailing comment\n    return None\n",
    "    # TODO: fallback\n    logger.info('a',\n                'b'); pass\n",
]
HEADS = ["def f():\n", "async def g(a,\n        b):\n", "class C:\n    @staticmethod\n    def h():\n"]


def shapes() -> list[str]:
    found = []
    for head in HEADS:
        for body in BODIES:
            if head.startswith("class"):
                body = "".join("    " + line if line.strip() else line for line in body.splitlines(True))
            found.append(head + body)
            found.append((head + body).replace("\n", "\r\n"))
    found.append("\tdef f():\n\t\t# TODO: tabs\n\t\tpass\n".replace("\tdef", "def").replace("\t\t", "\t"))
    found.append("def f(): pass  # TODO\n")
    found.append("def f(): logger.info('x'); return None  # TODO: later\n")
    return found


@pytest.mark.parametrize("code", shapes())
def test_the_text_edits_build_what_libcst_builds(code: str) -> None:
    by_text = fix_text(code, ["REL402"], unsafe_fixes=True)
    with mock.patch.object(fixes, "_text_edits", return_value=None):
        by_libcst = fix_text(code, ["REL402"], unsafe_fixes=True)
    assert by_text == by_libcst
    assert "raise NotImplementedError(" in by_text
    ast.parse(by_text)


def test_a_trailing_semicolon_is_not_kept_with_the_comment_of_a_removed_line() -> None:
    code = "def f():\n    # TODO: y\n    pass;  # c\n    logger.info('x')\n"
    assert fix_text(code, ["REL402"], unsafe_fixes=True) == (
        "def f():\n    # TODO: y\n    # c\n    logger.info('x')\n    raise NotImplementedError(\"f: y\")\n"
    )


def test_a_placeholder_beside_a_statement_of_several_lines_takes_the_libcst_way() -> None:
    code = "def f():\n    # TODO: later\n    logger.info('a',\n                'b'); pass\n"
    with mock.patch.object(fixes, "_raising_body", wraps=fixes._raising_body) as libcst_way:
        fixed = fix_text(code, ["REL402"], unsafe_fixes=True)
    assert libcst_way.called
    assert fixed.endswith("\n    raise NotImplementedError(\"f: later\")\n") and "pass" not in fixed
    ast.parse(fixed)


def test_a_file_of_cr_line_endings_is_fixed_in_its_own_line_endings() -> None:
    # libcst cannot read such a file; the text edits need no second parser
    code = "def f():\r    # TODO: later\r    pass  # for now\r\rdef g():\r    return 1\r"
    assert fix_text(code, ["REL402"], unsafe_fixes=True) == code.replace(
        "pass  # for now", 'raise NotImplementedError("f: later")  # for now'
    )
