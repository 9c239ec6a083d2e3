"""REL301's fix: the literal is read from the environment (the project's accessor), as one
text edit over the literal's span and the imports the accessor needs."""

from __future__ import annotations

import io
import tokenize
from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix

if TYPE_CHECKING:
    from reliability_lint.fix import FixContext
    from reliability_lint.rules.secrets.checks import _Binding


def _env_fix(binding: _Binding, ctx: CheckContext) -> Fix | None:
    if binding.env_name is None:
        return None
    settings = ctx.options["secrets"]
    expression = settings["accessor"].replace("{name}", binding.env_name)
    imports = list(settings["accessor-imports"])
    span = _with_parentheses(ctx.source.text, *ctx.source.node_span(binding.node))

    def compute(fix: FixContext) -> list[Edit]:
        return [fix.edit(span[0], span[1], expression), *fix.import_edits(imports)]

    message = (
        f"Read it with `{expression}` (set {binding.env_name} wherever this runs); "
        "the old value stays in git history: rotate it"
    )
    return Fix("unsafe", message, compute=compute)


def _with_parentheses(text: str, start: int, end: int) -> tuple[int, int]:
    """The literal's span with the parentheses that only group it (`x = (\n "ab"\n "cd"\n)`),
    as libcst counts them part of the expression; not a call's (`f("ab")`) or a tuple's."""
    while True:
        before = len(text[:start].rstrip())
        after = len(text) - len(text[end:].lstrip())
        if not (before and text[before - 1] == "(" and text[after : after + 1] == ")") or _in_comment(text, before - 1):
            return start, end
        opener = text[: before - 1].rstrip()[-1:]
        if opener and (opener.isidentifier() or opener.isdigit() or opener in ")]}\"'"):
            return start, end  # the parentheses of a call
        start, end = before - 1, after + 1


def _in_comment(text: str, index: int) -> bool:
    """Whether text[index] lies in a comment (`x = (  # see (` before the literal's line), as
    the tokens of its line tell: a `(` there groups nothing."""
    line_start = text.rfind("\n", 0, index) + 1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text[line_start : index + 1]).readline):
            if token.type == tokenize.COMMENT:
                return True
    except (tokenize.TokenError, SyntaxError):
        pass  # the line ends inside brackets (`f(a, (`): no comment was found before
    return False
