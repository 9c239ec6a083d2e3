"""REL101 bare-except and REL102 swallowed-exception."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.rules._loggers import is_logger_call, may_be_logger_call
from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.exceptions.catalogue import _REPORTING_CALLS, _SCOPES, BROAD
from reliability_lint.rules.exceptions.fixes import _log_fix
from reliability_lint.rules.exceptions.handlers import enclosing_function, scope_of
from reliability_lint.rules.exceptions.loggers import _logging_aliases
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.reporting import reports_errors
from reliability_lint.semantic.scopes import Scope, start

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

rule(
    "REL102",
    "swallowed-exception",
    "Broad exception handler that neither re-raises, logs nor uses the error",
    "P0",
    fix="unsafe",
    page="REL102-swallowed-exception.md",
)


@rule(
    "REL101",
    "bare-except",
    "Bare `except:` also catches KeyboardInterrupt and SystemExit",
    "P1",
    fix="unsafe",
    some_fixes_safe=True,  # where the handler re-raises: see the rule's page
    nodes=(ast.ExceptHandler,),
    page="REL101-bare-except.md",
)
def bare_except(node: ast.ExceptHandler, ctx: CheckContext) -> None:
    if node.type is not None:
        return
    fix = None
    if not _shadowed_builtins(ctx) & BROAD:
        reraises = bool(node.body) and _is_bare_raise(node.body[-1])
        replacement = "BaseException" if reraises else "Exception"
        line, col = ctx.source.position(ctx.source.node_span(node)[0])
        insert_at = (line, col + len("except"))

        def compute(_: FixContext) -> list[Edit]:
            return [Edit(insert_at, insert_at, f" {replacement}")]

        fix = Fix(
            "safe" if reraises else "unsafe",
            f"Replace with `except {replacement}:`",
            compute=compute,
        )
    ctx.report(
        "REL101",
        node,
        "Bare `except:` also catches KeyboardInterrupt and SystemExit",
        fix=fix,
        position=_header_position(node, ctx),
    )


def _header_position(node: ast.ExceptHandler, ctx: CheckContext) -> tuple[int, int, int, int]:
    """Point at the `except ...:` clause rather than at the whole handler body."""
    col = ctx.source.char_col(node.lineno, node.col_offset)
    end = node.type or node
    if node.type is None:
        return (node.lineno, col, node.lineno, col + len("except"))
    return (
        node.lineno,
        col,
        end.end_lineno or node.lineno,
        ctx.source.char_col(end.end_lineno or node.lineno, end.end_col_offset or 0),
    )


def _is_bare_raise(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Raise) and statement.exc is None


def _shadowed_builtins(ctx: CheckContext) -> set[str]:
    """Module-level rebinding of the exception builtins (rare, but a fix must not guess)."""
    shadowed = ctx.state.get("shadowed")
    if shadowed is None:
        shadowed = set()
        for statement in ctx.source.tree.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                shadowed |= {t.id for t in targets if isinstance(t, ast.Name)}
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                shadowed |= {(a.asname or a.name).partition(".")[0] for a in statement.names}
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                shadowed.add(statement.name)
        ctx.state["shadowed"] = shadowed = shadowed & BROAD
    return shadowed


@dataclass
class _Handler:
    node: ast.ExceptHandler
    qualname: str
    body_start: tuple[int, int]
    end: tuple[int, int]
    handled: bool = False
    ancestors: list[ast.AST] = field(default_factory=list)
    # `x.error(...)`, `log_failure(...)`: reported if the file's model says `x` is a logger,
    # or `log_failure` a project function that raises or logs at error level
    maybe_logs: list[ast.Call] = field(default_factory=list)


def _is_broad(node: ast.expr | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        return any(_is_broad(element) for element in node.elts)
    name = dotted_name(node)
    return name.rpartition(".")[2] in BROAD and name in (*BROAD, *(f"builtins.{b}" for b in BROAD))


def _qualname(ancestors: list[ast.AST]) -> str:
    names = [
        "<lambda>" if isinstance(a, ast.Lambda) else a.name
        for a in ancestors
        if isinstance(a, _SCOPES)
    ]
    return ".".join(names)


@checker("REL102", nodes=(ast.ExceptHandler,))
def swallowed_exception(node: ast.ExceptHandler, ctx: CheckContext) -> None:
    if not (_is_broad(node.type) or ctx.options["exceptions"]["include-specific"]):
        return
    handlers: list[_Handler] | None = ctx.state.get("handlers")
    if handlers is None:
        handlers = ctx.state["handlers"] = []
        ctx.at_end(lambda: _report_swallowed(ctx))
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
    handler = _Handler(node, _qualname(ctx.ancestors), (node.body[0].lineno, node.body[0].col_offset), end, ancestors=list(ctx.ancestors))
    handlers.append(handler)
    _scan_body(handler, ctx)


def _scan_body(handler: _Handler, ctx: CheckContext) -> None:
    """Whether the handler's body re-raises, uses the error or surely reports it (handled),
    and the calls the file's model decides after the walk (maybe_logs). A function, lambda
    or class defined in the body does not run there: its nodes are not looked at."""
    name = handler.node.name
    stack: list[ast.AST] = list(reversed(handler.node.body))
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            continue
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)):
            handler.handled = True
            return
        if isinstance(node, ast.Call):
            reports = _reports_error(node, ctx)
            if reports:
                handler.handled = True
                return
            if reports is None:
                handler.maybe_logs.append(node)
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _reports_error(call: ast.Call, ctx: CheckContext) -> bool | None:
    """Whether a call surfaces the error; None for a call that the file's semantic model
    decides after the walk (a logger method's name, a function of the project)."""
    name = dotted_name(call.func)
    if name in _REPORTING_CALLS or name.startswith("logging."):
        return True
    module, dot, _ = name.partition(".")
    if dot and module in _logging_aliases(ctx)["module"]:  # import logging as lg; lg.error(...), as logging.*
        return True
    return None if may_be_logger_call(call) or name else False


def _logs(handler: _Handler, ctx: CheckContext) -> bool:
    """Whether one of the handler's calls logs or reports, as the model says: a logger's
    method, or a function of the project (this module's or another's) that raises or logs
    at error level. The model is built only for a file with such a handler, and shared
    with REL103-107."""
    if not handler.maybe_logs:
        return False
    module = _lazy_model.model_for(ctx)
    scope = scope_of(module, enclosing_function(handler.ancestors))
    for call in handler.maybe_logs:
        if is_logger_call(module, call, scope) if may_be_logger_call(call) else _helper_reports(module, call, scope):
            return True
    return False


def _helper_reports(module: Module, call: ast.Call, scope: Scope) -> bool:
    func = call.func
    name = module.qualname(func, scope)
    if isinstance(func, ast.Name) and not name:
        bindings = module.lookup(func.id, scope, start(func))
        return len(bindings) == 1 and bindings[0].kind == "function" and reports_errors(bindings[0].node)
    if name and module.project is not None:
        return bool(module.project.function_reports(name, module.origin))  # type: ignore[attr-defined]
    return False


def _report_swallowed(ctx: CheckContext) -> None:
    for handler in ctx.state["handlers"]:
        if handler.handled or _logs(handler, ctx):
            continue
        node = handler.node
        caught = "bare `except:`" if node.type is None else f"`except {ctx.source.segment(node.type)}`"
        ctx.report(
            "REL102",
            node,
            f"Exception swallowed: {caught} neither re-raises, logs nor uses the error",
            fix=_log_fix(handler, ctx),
            position=_header_position(node, ctx),
        )
