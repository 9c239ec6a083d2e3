"""REL402's fix: the stub raises `NotImplementedError` (saying what its TODO says) instead
of returning as if it worked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixContext
from reliability_lint.redaction import redact_credentials

if TYPE_CHECKING:
    from reliability_lint.rules.todos.checks import _Stub


def _string_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else " " for c in escaped) + '"'


def _raise_fix(stub: _Stub, todo_text: str, ctx: CheckContext) -> Fix:
    line, col = stub.node.lineno, ctx.source.char_col(stub.node.lineno, stub.node.col_offset)

    def compute(fix: FixContext) -> list[Edit]:
        import libcst as cst

        message = f"{stub.qualname}: {redact_credentials(todo_text) or 'not implemented'}"
        statement = f"raise NotImplementedError({_string_literal(message)})\n"
        old = fix.node_at(cst.FunctionDef, line, col)
        return fix.replace(old, old.with_changes(body=_raising_body(old.body, cst.parse_statement(statement))))

    return Fix("unsafe", "Raise `NotImplementedError` instead of returning", compute=compute)


def _raising_body(body: Any, raise_line: Any) -> Any:
    """The body with its placeholders replaced by the raise, logging calls, docstring and
    comments kept."""
    import libcst as cst

    raise_statement = raise_line.body[0]
    if isinstance(body, cst.SimpleStatementSuite):  # `def f(): pass` on one line
        kept = [s for s in body.body if not _is_placeholder(s)]
        return body.with_changes(body=[*kept, raise_statement])
    statements = list(body.body)
    head = statements[:1] if statements and _is_cst_docstring(statements[0]) else []
    rest = statements[len(head) :]
    new: list[Any] = []
    pending: list[Any] = []  # comments of removed placeholder lines, for the next line
    for index, statement in enumerate(rest):
        kept = [s for s in statement.body if not _is_placeholder(s)]
        leading = [*pending, *statement.leading_lines]
        is_last = index == len(rest) - 1
        if kept:
            new.append(statement.with_changes(body=kept, leading_lines=leading))
            pending = []
            if is_last:
                new.append(raise_line)
        elif is_last:
            new.append(statement.with_changes(body=[raise_statement], leading_lines=leading))
        else:
            pending = leading + _trailing_comment(statement)
    if not rest:  # only a docstring
        new.append(raise_line)
    return body.with_changes(body=[*head, *new])


def _trailing_comment(statement: Any) -> list[Any]:
    import libcst as cst

    comment = statement.trailing_whitespace.comment
    return [cst.EmptyLine(comment=comment)] if comment is not None else []


def _is_cst_docstring(statement: Any) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_placeholder(statement: Any) -> bool:
    """pass, `...`, a bare string, `return` or `return None` (logging calls are kept)."""
    import libcst as cst

    if isinstance(statement, cst.Pass):
        return True
    if isinstance(statement, cst.Return):
        value = statement.value
        return value is None or (isinstance(value, cst.Name) and value.value == "None")
    return isinstance(statement, cst.Expr) and isinstance(
        statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
    )
