"""REL102's fix: log the swallowed error with the module's logger, as text edits from the
handler's ast positions (REL101's fix, one word, is made where it is reported)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.rules.exceptions.catalogue import _SCOPES
from reliability_lint.rules.exceptions.loggers import _logging_aliases, _module_loggers
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    from reliability_lint.fix import FixContext
    from reliability_lint.rules.exceptions.checks import _Handler


def _log_fix(handler: _Handler, ctx: CheckContext) -> Fix:
    node = handler.node
    inside_function = any(isinstance(a, _SCOPES) for a in handler.ancestors)
    logger, add_import = _logger_for(ctx, node.lineno, inside_function)
    where = handler.qualname or f"module {ctx.source.path.stem}"
    message = f"Error in {where}; continuing"

    def compute(fix: FixContext) -> list[Edit]:
        literal = '"' + message.replace("\\", "\\\\").replace('"', '\\"') + '"'
        edits = _log_edits(fix.source, node, f"{logger}.exception({literal})")
        return edits + [edit for edit in fix.import_edits(["logging"] if add_import else []) if edit not in edits]

    return Fix("unsafe", f"Log it with `{logger}.exception(...)`", compute=compute)


def _log_edits(src: SourceFile, handler: ast.ExceptHandler, call: str) -> list[Edit]:
    """The handler's body starts with `call`: in place of a lone `pass` or `...` (its
    comment kept), else on a line of its own at the body's indentation, right after the
    `except` line; in a one-line body (`except E: pass`), before its statements."""
    body = handler.body
    first, last = src.node_span(body[0])[0], src.node_span(body[-1])[1]
    line_start = src.line_starts[body[0].lineno - 1]
    one_line = bool(src.text[line_start:first].strip())  # `except E: ...`
    single_line = all(s.lineno == body[0].lineno for s in body) and not one_line
    if all(map(_is_placeholder, body)) and (one_line or single_line):
        return [Edit(src.position(first), src.position(last), call)]
    if one_line:
        return [Edit(src.position(first), src.position(first), f"{call}; ")]
    indent = src.text[line_start:first]
    header_end = _header_line(src, handler)
    at = src.line_starts[header_end] if header_end < len(src.line_starts) else len(src.text)
    newline = src.text[at - 2 : at] if src.text[at - 2 : at] == "\r\n" else src.text[at - 1 : at]
    return [Edit(src.position(at), src.position(at), f"{indent}{call}{newline or src.newline}")]


def _header_line(src: SourceFile, handler: ast.ExceptHandler) -> int:
    """The line of the colon that ends the `except ...:` header."""
    after = src.node_span(handler.type)[1] if handler.type is not None else src.offset(
        handler.lineno, src.char_col(handler.lineno, handler.col_offset)
    )
    text, index = src.text, after
    while text[index] != ":":  # past `)`, `as name`, spaces, line continuations, comments
        index = text.index("\n", index) if text[index] == "#" else index + 1
    return src.position(index)[0]


def _is_placeholder(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Pass) or (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value is Ellipsis
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
