"""REL103-REL107: broad handlers that fail silently in the shapes REL102 does not see.

REL103 reports the error only at debug or info level; REL104 returns a success-looking
value; REL105 answers a web request with 2xx; REL106 `contextlib.suppress(Exception)`;
REL107 logs the error without its traceback. Handlers and `with` statements are recorded
during the walk; the file's semantic model is built after it, and only for a file that has
a broad handler or a `suppress(...)`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker, rule
from reliability_lint.rules.exceptions import handlers as h
from reliability_lint.rules import _lazy_model
from reliability_lint.rules.exceptions.checks import _header_position
from reliability_lint.rules.exceptions.fixes import _logger_for
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.reporting import own_nodes
from reliability_lint.semantic.scopes import Scope

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

FAMILY = "exceptions"

rule("REL103", "exception-logged-below-warning", "Broad handler that reports the error only at debug or info level", "P1", fix="unsafe", family=FAMILY, page="REL103-exception-logged-below-warning.md")
rule("REL104", "success-returned-from-handler", "Broad handler that returns a success-looking value without reporting the error", "P1", family=FAMILY, page="REL104-success-returned-from-handler.md")
rule("REL105", "web-handler-acknowledges-failure", "Web handler that answers 2xx from a broad `except`", "P0", fix="unsafe", family=FAMILY, page="REL105-web-handler-acknowledges-failure.md")
rule("REL106", "suppress-broad-exception", "`contextlib.suppress(Exception)` silences every error", "P1", family=FAMILY, page="REL106-suppress-broad-exception.md")
rule(
    "REL107",
    "exception-logged-without-traceback",
    "Broad handler that logs the error without its traceback",
    "P2",
    fix="safe",
    family=FAMILY,
    page="REL107-exception-logged-without-traceback.md",
)

_ROUTE_METHODS = frozenset({"route", "get", "post", "put", "patch", "delete", "api_route", "head", "options"})
_HTTP_FUNCTIONS = frozenset({"functions_framework.http"})
_RESPONSES = ("flask.Response", "werkzeug.Response", "werkzeug.wrappers.Response", "flask.make_response",
              "fastapi.Response", "fastapi.responses.", "starlette.responses.")  # fmt: skip


@dataclass
class _Seen:
    handlers: list[tuple[ast.ExceptHandler, ast.AST | None]]
    withs: list[tuple[ast.withitem, ast.AST | None]]


@checker("REL103", "REL104", "REL105", "REL106", "REL107", nodes=(ast.ExceptHandler, ast.With, ast.AsyncWith))
def silent_failures(node: ast.AST, ctx: CheckContext) -> None:
    seen: _Seen | None = ctx.state.get("silent")
    if seen is None:
        seen = ctx.state["silent"] = _Seen([], [])
        ctx.at_end(lambda: _check_file(ctx, seen))
    function = h.enclosing_function(ctx.ancestors)
    if isinstance(node, ast.ExceptHandler):
        if (node.type is None or _maybe_broad(node.type)) and _may_be_silent(node):
            seen.handlers.append((node, function))
    elif "suppress" in ctx.source.text:
        for item in node.items:  # type: ignore[attr-defined]
            call = item.context_expr
            if isinstance(call, ast.Call) and call.args and isinstance(call.func, (ast.Name, ast.Attribute)):
                seen.withs.append((item, function))


def _may_be_silent(handler: ast.ExceptHandler) -> bool:
    """Every rule here needs a call or a return in the handler, and none applies to one that
    raises: such handlers are left out before the file's model is built."""
    nodes = own_nodes(handler.body)
    return not any(isinstance(n, ast.Raise) for n in nodes) and any(isinstance(n, (ast.Call, ast.Return)) for n in nodes)


def _maybe_broad(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple):
        return any(_maybe_broad(e) for e in node.elts)
    return (node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")) in h.BROAD


def _check_file(ctx: CheckContext, seen: _Seen) -> None:
    if not seen.handlers and not seen.withs:
        return
    module = _lazy_model.model_for(ctx)
    for item, function in seen.withs:
        _check_suppress(ctx, module, item, h.scope_of(module, function))
    for handler, function in seen.handlers:
        scope = h.scope_of(module, function)
        if handler.type is not None and not h.is_broad(handler.type, module, scope):
            continue
        reading = h.read_handler(module, handler, scope)
        if reading.raises:
            continue
        web = function is not None and _is_web_handler(module, function)
        for ret in reading.returns:
            if web and _answers_2xx(module, ret.value, scope):
                _report_web(ctx, module, handler, ret, reading, function)
                break
        if reading.uses_error:
            continue
        if not reading.surfaced and reading.logs:
            _report_low(ctx, handler, reading)
        if not reading.surfaced and not web:
            _check_success(ctx, module, handler, reading, function)
        if reading.mentions_error and not any(log.traceback for log in reading.logs) and not reading.reports:
            errors = [log for log in reading.logs if log.level >= 40 and not any(k.arg == "exc_info" for k in log.call.keywords)]
            if errors:
                _report_traceback(ctx, handler, errors[0])


# ---------------------------------------------------------------------- REL103


def _report_low(ctx: CheckContext, handler: ast.ExceptHandler, reading: h.Reading) -> None:
    log = reading.logs[0]
    func = log.call.func
    assert isinstance(func, ast.Attribute)
    level = func.attr if func.attr != "log" else "a level below warning"
    fix = _rename_fix(ctx, log.call, "exception", "unsafe") if func.attr in ("debug", "info") else None
    caught = _caught(ctx, handler)
    ctx.report(
        "REL103",
        handler,
        f"{caught} reports the error only with `{ctx.source.segment(func)}()` ({level}), which production logs do not show",
        fix=fix,
        position=_header_position(handler, ctx),
    )


def _rename_fix(ctx: CheckContext, call: ast.Call, method: str, applicability: str) -> Fix:
    func = call.func
    assert isinstance(func, ast.Attribute)
    src = ctx.source
    end_line = func.end_lineno or func.lineno
    end = src.char_col(end_line, func.end_col_offset or 0)
    start = (end_line, end - len(func.attr))

    def compute(_: FixContext) -> list[Edit]:
        return [Edit(start, (end_line, end), method)]

    return Fix(applicability, f"Log it with `.{method}(...)`", compute=compute)


def _caught(ctx: CheckContext, handler: ast.ExceptHandler) -> str:
    return "bare `except:`" if handler.type is None else f"`except {ctx.source.segment(handler.type)}`"


# ---------------------------------------------------------------------- REL104

_EMPTY_CALLS = frozenset({"list", "dict", "set", "tuple"})


def _success_looking(node: ast.expr | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return node.value is None or node.value is True or (type(node.value) is int and node.value == 0)
    if isinstance(node, (ast.List, ast.Dict, ast.Tuple, ast.Set)):
        if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
            status = h.status_of(node.elts[1])
            return status is not None and 200 <= status < 300
        return not (node.keys if isinstance(node, ast.Dict) else node.elts)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EMPTY_CALLS and not node.args


def _real_result(node: ast.expr) -> bool:
    return not isinstance(node, ast.Constant) and not _success_looking(node)


def _check_success(ctx: CheckContext, module: Module, handler: ast.ExceptHandler, reading: h.Reading, function: Any) -> None:
    if function is None:
        return
    scope: Scope = h.scope_of(module, function)
    if scope.generator:
        return
    inside = {id(r.value) for r in reading.returns if r.value is not None}
    others = [value for value in scope.returns if id(value) not in inside and not _within(value, handler)]
    if not any(_real_result(value) for value in others):
        return  # the function returns nothing real anyway: None or True means "no result"
    for ret in reading.returns:
        if _success_looking(ret.value):
            shown = ctx.source.segment(ret.value) if ret.value is not None else "None"
            ctx.report(
                "REL104",
                handler,
                f"{_caught(ctx, handler)} returns `{shown}` without reporting the error; callers cannot tell it from a result",
                position=_header_position(handler, ctx),
            )
            return


def _within(node: ast.AST, outer: ast.AST) -> bool:
    return (outer.lineno, outer.col_offset) <= (node.lineno, node.col_offset) and (  # type: ignore[attr-defined]
        node.end_lineno or 0, node.end_col_offset or 0  # type: ignore[attr-defined]
    ) <= (outer.end_lineno or 0, outer.end_col_offset or 0)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------- REL105


def _is_web_handler(module: Module, function: Any) -> bool:
    outer = module.scopes[id(function)].parent or module.root
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if module.qualname(target, outer) in _HTTP_FUNCTIONS:
            return True
        if isinstance(decorator, ast.Call) and isinstance(target, ast.Attribute) and target.attr in _ROUTE_METHODS:
            if module.type_of(target.value, outer) in (h.FLASK, h.FASTAPI):
                return not _non_2xx_default(decorator)
    return False


def _non_2xx_default(decorator: ast.Call) -> bool:
    for keyword in decorator.keywords:
        if keyword.arg == "status_code":
            status = h.status_of(keyword.value)
            return status is None or not 200 <= status < 300
    return False


def _answers_2xx(module: Module, value: ast.expr | None, scope: Scope) -> bool:
    if value is None:
        return False  # Flask refuses a None response; FastAPI answers `null` with 200 (rare)
    return _status_node(module, value, scope) is not False


def _status_node(module: Module, value: ast.expr, scope: Scope) -> ast.expr | None | bool:
    """The literal 2xx status of a response (None when it is the implicit 200), or False
    when the value is not known to be a 2xx answer."""
    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
        status = h.status_of(value.elts[1])
        return value.elts[1] if status is not None and 200 <= status < 300 else False
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return None
    if isinstance(value, (ast.Dict, ast.JoinedStr)):
        return None
    if isinstance(value, ast.Call):
        name = module.qualname(value.func, scope)
        if name in ("flask.jsonify",) and not any(k.arg in ("status", "status_code") for k in value.keywords):
            return None
        if name.startswith(_RESPONSES):
            for keyword in value.keywords:
                if keyword.arg in ("status", "status_code"):
                    status = h.status_of(keyword.value)
                    return keyword.value if status is not None and 200 <= status < 300 else False
            if len(value.args) >= 2 and name.startswith(("flask.", "werkzeug.")):
                status = h.status_of(value.args[1])
                return value.args[1] if status is not None and 200 <= status < 300 else False
            return None if len(value.args) < 2 else False
    return False


def _report_web(ctx: CheckContext, module: Module, handler: ast.ExceptHandler, ret: ast.Return, reading: h.Reading, function: Any) -> None:
    assert ret.value is not None
    scope = h.scope_of(module, function)
    status = _status_node(module, ret.value, scope)
    fix = None
    if isinstance(status, ast.expr):
        fix = _answer_500_fix(ctx, handler, status, reading)
    ctx.report(
        "REL105",
        handler,
        f"{_caught(ctx, handler)} answers `{ctx.source.segment(ret.value)}` (2xx): the request (a Pub/Sub push, a task) counts as handled and the failure is lost",
        fix=fix,
        position=_header_position(handler, ctx),
    )


def _answer_500_fix(ctx: CheckContext, handler: ast.ExceptHandler, status: ast.expr, reading: h.Reading) -> Fix:
    src = ctx.source
    span = src.node_span(status)
    logged = any(log.level >= 40 for log in reading.logs)
    insert = None
    if not logged:
        logger, add_import = _logger_for(ctx, handler.lineno, True)
        first = handler.body[0]
        line = src.line(first.lineno)
        indent = line[: len(line) - len(line.lstrip())]
        if first.lineno != handler.lineno and indent:
            insert = (first.lineno, indent, logger, add_import)

    def compute(fix: FixContext) -> list[Edit]:
        edits = [fix.edit(span[0], span[1], "500")]
        if insert is not None:
            at = (insert[0], len(insert[1]))
            edits.insert(0, Edit(at, at, f'{insert[2]}.exception("Request failed; answering 500"){src.newline}{insert[1]}'))
            if insert[3]:
                edits += [edit for edit in fix.import_edits(["logging"]) if edit not in edits]
        return edits

    return Fix("unsafe", "Answer 500 (after logging the error) so that the sender retries", compute=compute)


# ---------------------------------------------------------------------- REL106


def _check_suppress(ctx: CheckContext, module: Module, item: ast.withitem, scope: Scope) -> None:
    call = item.context_expr
    assert isinstance(call, ast.Call)
    if module.qualname(call.func, scope) not in ("contextlib.suppress", "contextlib2.suppress"):
        return
    broad = [arg for arg in call.args if h.is_broad(arg, module, scope)]
    if broad:
        ctx.report(
            "REL106",
            call,
            f"`{ctx.source.segment(call)}` silences every error in the block, bugs included; suppress the exceptions you expect",
        )


# ---------------------------------------------------------------------- REL107


def _report_traceback(ctx: CheckContext, handler: ast.ExceptHandler, log: h.LogCall) -> None:
    func = log.call.func
    assert isinstance(func, ast.Attribute)
    fix = _rename_fix(ctx, log.call, "exception", "safe") if func.attr == "error" else None
    ctx.report(
        "REL107",
        log.call,
        f"`{ctx.source.segment(func)}()` logs the error without its traceback; use `.exception(...)` in the handler",
        fix=fix,
    )
