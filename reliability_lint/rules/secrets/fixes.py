"""REL301's fix: the literal is read from the environment (the project's accessor)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixContext

if TYPE_CHECKING:
    from reliability_lint.rules.secrets.checks import _Binding


def _env_fix(binding: _Binding, ctx: CheckContext) -> Fix | None:
    if binding.env_name is None:
        return None
    settings = ctx.options["secrets"]
    expression = settings["accessor"].replace("{name}", binding.env_name)
    imports = list(settings["accessor-imports"])
    line = binding.node.lineno
    col = ctx.source.char_col(line, binding.node.col_offset)

    def compute(fix: FixContext) -> list[Edit]:
        import libcst as cst

        old = fix.node_at((cst.ConcatenatedString, cst.SimpleString), line, col)
        return fix.replace(old, cst.parse_expression(expression), imports=imports)

    message = (
        f"Read it with `{expression}` (set {binding.env_name} wherever this runs); "
        "the old value stays in git history: rotate it"
    )
    return Fix("unsafe", message, compute=compute)
