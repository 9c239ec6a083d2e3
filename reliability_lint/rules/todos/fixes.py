"""REL402's fix: the stub raises `NotImplementedError` (saying what its TODO says) instead
of returning as if it worked. Text edits from the ast's positions; libcst only for a body
whose placeholders share a line with a statement spanning several lines."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.redaction import redact_credentials

if TYPE_CHECKING:
    from reliability_lint.fix import FixContext
    from reliability_lint.rules.todos.checks import _Stub


def _string_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else " " for c in escaped) + '"'


def _raise_fix(stub: _Stub, todo_text: str, ctx: CheckContext) -> Fix:
    line, col = stub.node.lineno, ctx.source.char_col(stub.node.lineno, stub.node.col_offset)

    def compute(fix: FixContext) -> list[Edit]:
        message = f"{stub.qualname}: {redact_credentials(todo_text) or 'not implemented'}"
        raise_text = f"raise NotImplementedError({_string_literal(message)})"
        edits = _text_edits(fix, stub.node, raise_text)
        if edits is not None:
            return edits
        import libcst as cst

        statement = raise_text + "\n"
        old = fix.node_at(cst.FunctionDef, line, col)
        return fix.replace(old, old.with_changes(body=_raising_body(old.body, cst.parse_statement(statement))))

    return Fix("unsafe", "Raise `NotImplementedError` instead of returning", compute=compute)


def _text_edits(fix: FixContext, node: ast.FunctionDef | ast.AsyncFunctionDef, raise_text: str) -> list[Edit] | None:
    """What _raising_body does, as edits of the text; None where a removed placeholder shares
    a line with a statement of several lines (libcst is the safe way there)."""
    src = fix.source
    body = node.body
    first = body[0]
    start, end = src.node_span(first)[0], src.node_span(body[-1])[1]
    if src.text[src.offset(first.lineno, 0) : start].strip():  # `def f(): pass`: the suite is on the def line
        kept_text = [src.segment(s) for s in body if not _is_placeholder_ast(s)]
        return [fix.edit(start, end, "; ".join([*kept_text, raise_text]))]
    head = 1 if _is_docstring_ast(body) else 0
    lines = _statement_lines(body[head:])
    if lines is None:
        return None
    indent = src.line(first.lineno)[: src.char_col(first.lineno, first.col_offset)]
    edits: list[Edit] = []
    for index, group in enumerate(lines):
        kept = [s for s in group if not _is_placeholder_ast(s)]
        last_line = group[-1].end_lineno or group[-1].lineno
        group_start, group_end = src.node_span(group[0])[0], src.node_span(group[-1])[1]
        is_last = index == len(lines) - 1
        if len(kept) < len(group) and (kept or is_last):
            text = "; ".join(src.segment(s) for s in kept) if kept else raise_text
            edits.append(fix.edit(group_start, group_end, text))
        elif not kept:  # the whole line goes; a comment at its end stays, on a line of its own
            rest = src.text[group_end : src.offset(last_line + 1, 0)].strip().lstrip(";").strip()
            comment = rest if rest.startswith("#") else ""
            line_start, next_line = src.offset(group[0].lineno, 0), src.offset(last_line + 1, 0)
            edits.append(fix.edit(line_start, next_line, f"{indent}{comment}{src.newline}" if comment else ""))
        if is_last and kept:
            at = src.offset(last_line, len(src.line(last_line)))
            edits.append(fix.edit(at, at, f"{src.newline}{indent}{raise_text}"))
    if not lines:  # only a docstring
        at = src.offset(first.end_lineno or first.lineno, len(src.line(first.end_lineno or first.lineno)))
        edits.append(fix.edit(at, at, f"{src.newline}{indent}{raise_text}"))
    return edits


def _statement_lines(body: list[ast.stmt]) -> list[list[ast.stmt]] | None:
    """The body's statements grouped by the line they share (`x = 1; pass`); None if a group
    holding a placeholder also holds a statement of several lines."""
    groups: list[list[ast.stmt]] = []
    for statement in body:
        if groups and statement.lineno == (groups[-1][-1].end_lineno or 0):
            groups[-1].append(statement)
        else:
            groups.append([statement])
    for group in groups:
        mixed = len(group) > 1 or (group[0].end_lineno or 0) > group[0].lineno
        if mixed and any(_is_placeholder_ast(s) for s in group):
            return None
    return groups


def _is_docstring_ast(body: list[ast.stmt]) -> bool:
    first = body[0]
    alone = len(body) == 1 or body[1].lineno > (first.end_lineno or first.lineno)
    return alone and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, (str, bytes))


def _is_placeholder_ast(statement: ast.stmt) -> bool:
    """_is_placeholder, on the ast: pass, `...`, a bare string, `return`, `return None`."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or (isinstance(value, ast.Constant) and value.value is None)
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return statement.value.value is Ellipsis or isinstance(statement.value.value, (str, bytes))
    return False


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
            if kept[-1] is not statement.body[-1]:  # `log(); pass`: the `; ` before it goes too
                kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
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
