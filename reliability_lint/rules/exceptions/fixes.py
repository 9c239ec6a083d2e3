"""REL102's fix: log the swallowed error with the module's logger (REL101's fix, one word,
is made where it is reported)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Fix
from reliability_lint.fix import FixContext
from reliability_lint.rules.exceptions.catalogue import _SCOPES
from reliability_lint.rules.exceptions.loggers import _logging_aliases, _module_loggers

if TYPE_CHECKING:
    from reliability_lint.rules.exceptions.checks import _Handler


def _log_fix(handler: _Handler, ctx: CheckContext) -> Fix:
    node = handler.node
    inside_function = any(isinstance(a, _SCOPES) for a in handler.ancestors)
    logger, add_import = _logger_for(ctx, node.lineno, inside_function)
    where = handler.qualname or f"module {ctx.source.path.stem}"
    message = f"Error in {where}; continuing"
    line = node.lineno
    col = ctx.source.char_col(line, node.col_offset)

    def compute(fix: FixContext) -> list[Any]:
        import libcst as cst

        old = fix.node_at((cst.ExceptHandler, cst.ExceptStarHandler), line, col)
        literal = '"' + message.replace("\\", "\\\\").replace('"', '\\"') + '"'
        statement = cst.parse_statement(f"{logger}.exception({literal})\n")
        assert isinstance(statement, cst.SimpleStatementLine)  # a call is a simple statement
        call = statement.body[0]
        body = old.body
        if isinstance(body, cst.SimpleStatementSuite):
            rest = [] if all(_is_placeholder(s) for s in body.body) else list(body.body)
            new_body = body.with_changes(body=[call, *rest])
        else:
            statements = list(body.body)
            first = statements[0]
            if (
                len(statements) == 1
                and isinstance(first, cst.SimpleStatementLine)
                and all(_is_placeholder(s) for s in first.body)
            ):
                statements[0] = first.with_changes(body=[call])
            else:
                statements.insert(0, statement)
            new_body = body.with_changes(body=statements)
        return fix.replace(old, old.with_changes(body=new_body), imports=["logging"] if add_import else [])

    return Fix("unsafe", f"Log it with `{logger}.exception(...)`", compute=compute)


def _is_placeholder(statement: Any) -> bool:
    import libcst as cst

    return isinstance(statement, cst.Pass) or (
        isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Ellipsis)
    )


def _logger_for(ctx: CheckContext, line: int, inside_function: bool) -> tuple[str, bool]:
    """The module's logger if it exists by the time the handler runs, else `logging`."""
    for name, bound_at in _module_loggers(ctx).items():
        if inside_function or bound_at < line:
            return name, False
    modules = _logging_aliases(ctx)["module"]
    if modules:
        return sorted(modules, key=lambda name: name != "logging")[0], False
    return "logging", True
