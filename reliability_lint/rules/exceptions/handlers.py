"""What a broad exception handler does with the error, read through the semantic model:
which calls are logger calls and at what level, whether it raises, reports another way,
uses the error, and what it returns. Shared by the silent-failure rules (REL103-REL107).

A call counts as a logger call only where the model knows the receiver is a logger: the
`logging` module, `logging.getLogger(...)` results (held in names, attributes, parameters
annotated `logging.Logger`, other modules' globals), structlog and loguru loggers. Anything
else that might report (a receiver named like a logger, a helper named like a reporter, a
project function that logs at error level) makes the handler count as reporting: the rules
only ever say a handler is silent when nothing in it can be telling.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.rules.exceptions.catalogue import BROAD
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.reporting import own_nodes, reports_errors
from reliability_lint.semantic.scopes import FUNCTIONS, Scope, start
from reliability_lint.rules.timeouts.catalogue import SHARED_TYPES
from reliability_lint.semantic.types import Library

LOGGER = "logging.Logger"
STRUCTLOG = "structlog.BoundLogger"
LOGURU = "loguru.Logger"
FLASK = "flask.Flask"  # Flask apps and blueprints: routes answer 200 unless told otherwise
FASTAPI = "fastapi.FastAPI"  # FastAPI apps and routers

_LOGGER_TYPES = frozenset({LOGGER, STRUCTLOG, LOGURU})
_CONSTRUCTORS = {
    "logging.getLogger": LOGGER,
    "logging.LoggerAdapter": LOGGER,
    "structlog.get_logger": STRUCTLOG,
    "structlog.getLogger": STRUCTLOG,
    "structlog.stdlib.get_logger": STRUCTLOG,
    "structlog.wrap_logger": STRUCTLOG,
    "loguru.logger.bind": LOGURU,
    "loguru.logger.opt": LOGURU,
    "loguru.logger.patch": LOGURU,
    "flask.Flask": FLASK,
    "flask.Blueprint": FLASK,
    "fastapi.FastAPI": FASTAPI,
    "fastapi.APIRouter": FASTAPI,
}
_CLASSES = {
    "logging.Logger": LOGGER,
    "logging.LoggerAdapter": LOGGER,
    "structlog.BoundLogger": STRUCTLOG,
    "structlog.stdlib.BoundLogger": STRUCTLOG,
    "structlog.typing.FilteringBoundLogger": STRUCTLOG,
    "structlog.types.FilteringBoundLogger": STRUCTLOG,
    "loguru.Logger": LOGURU,
    "flask.Flask": FLASK,
    "flask.Blueprint": FLASK,
    "fastapi.FastAPI": FASTAPI,
    "fastapi.APIRouter": FASTAPI,
}
_RETURNS = {
    (LOGGER, "getChild"): LOGGER,
    (STRUCTLOG, "bind"): STRUCTLOG,
    (STRUCTLOG, "new"): STRUCTLOG,
    (LOGURU, "bind"): LOGURU,
    (LOGURU, "opt"): LOGURU,
}
LIBRARY = Library(_CONSTRUCTORS, _CLASSES, _RETURNS, frozenset())
SHARED_TYPES.append(LIBRARY)
_LOGGER_NAMES = frozenset({"loguru.logger", "logging", "logging.root"})  # loggers by qualified name

LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "exception": 40, "critical": 50, "fatal": 50}
_NUMERIC = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "WARN": 30, "ERROR": 40, "CRITICAL": 50, "FATAL": 50}
_REPORTING_CALLS = frozenset(
    {
        "print", "warnings.warn", "traceback.print_exc", "traceback.print_exception", "traceback.format_exc",
        "traceback.print_stack", "sys.exit", "os._exit", "os.abort", "sentry_sdk.capture_exception",
        "sentry_sdk.capture_message", "logging.exception",
    }
)  # fmt: skip
# An unknown callable named like this may report the error: the handler is not called silent.
_REPORTER_NAME = re.compile(r"log|report|alert|notify|capture|warn|error|fail|sentry|metric|emit|publish|send|page|abort|exit|print|record", re.I)


@dataclass
class LogCall:
    call: ast.Call
    level: int  # 0 when it cannot be told (`logger.log(level, ...)` with a variable level)
    traceback: bool  # `exception()`, or a true `exc_info` / `stack_info`
    known: bool  # the receiver is known to be a logger
    kind: str  # LOGGER, STRUCTLOG, LOGURU


@dataclass
class Reading:
    """What one handler does, leaving out the bodies of functions defined inside it."""

    raises: bool = False
    logs: list[LogCall] = field(default_factory=list)
    reports: bool = False  # some other call that may surface the error
    unknown_logs: bool = False  # `x.debug(...)` on a receiver the model cannot tell
    uses_error: bool = False  # the bound exception is read outside a log call
    mentions_error: bool = False  # the bound exception is read inside a log call
    returns: list[ast.Return] = field(default_factory=list)

    @property
    def surfaced(self) -> bool:
        """Raised, or reported at warning or above (or by something that may be)."""
        return self.raises or self.reports or self.unknown_logs or any(log.level >= 30 or not log.level for log in self.logs)


def is_broad(node: ast.expr | None, module: Module, scope: Scope) -> bool:
    """`except:`, `except Exception`, `except (ValueError, BaseException)`: the builtins,
    not a class of the same name bound in the module."""
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        return any(is_broad(element, module, scope) for element in node.elts)
    if isinstance(node, ast.Name):
        return node.id in BROAD and not module.lookup(node.id, scope, start(node))
    return isinstance(node, ast.Attribute) and node.attr in BROAD and module.qualname(node, scope) == f"builtins.{node.attr}"


def scope_of(module: Module, function: ast.AST | None) -> Scope:
    return module.scopes.get(id(function), module.root) if function is not None else module.root


def read_handler(module: Module, handler: ast.ExceptHandler, scope: Scope) -> Reading:
    reading = Reading()
    in_logs: set[int] = set()
    receivers: set[int] = set()  # the calls that make a log call's logger: `logging.getLogger(...).info(...)`
    nodes = own_nodes(handler.body)  # outer nodes first: a log call before its receiver
    for node in nodes:
        if isinstance(node, ast.Raise):
            reading.raises = True
        elif isinstance(node, ast.Return):
            reading.returns.append(node)
        elif isinstance(node, ast.Call):
            log = log_call(module, node, scope)
            if log is not None:
                reading.logs.append(log)
                in_logs.update(id(n) for n in ast.walk(node))
                receivers.update(_receiver_calls(node))
            elif id(node) in receivers:
                pass  # `getLogger` makes the logger, it reports nothing (its name is no reporter's)
            elif isinstance(node.func, ast.Attribute) and (node.func.attr in LEVELS or node.func.attr == "log"):
                reading.unknown_logs = True  # `x.error(...)` on something the model cannot tell
            elif _may_report(module, node, scope):
                reading.reports = True
    if handler.name:
        for node in nodes:
            if isinstance(node, ast.Name) and node.id == handler.name and isinstance(node.ctx, ast.Load):
                if id(node) in in_logs:
                    reading.mentions_error = True
                else:
                    reading.uses_error = True
    return reading


def _receiver_calls(call: ast.Call) -> list[int]:
    """The calls of a log call's receiver chain (`getLogger("a")`, `.getChild("b")`), not
    of their arguments."""
    found = []
    node: ast.expr = call.func
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            found.append(id(node))
            node = node.func
        else:
            node = node.value
    return found


def log_call(module: Module, call: ast.Call, scope: Scope) -> LogCall | None:
    """The call as a logger call, when the model knows its receiver is a logger."""
    func = call.func
    if not isinstance(func, ast.Attribute) or (func.attr not in LEVELS and func.attr != "log"):
        return None
    kind = logger_kind(module, func.value, scope)
    if not kind:
        return None
    if func.attr == "log":
        level = _level_argument(module, call, scope)
    else:
        level = LEVELS[func.attr]
    traceback = func.attr == "exception" or any(
        k.arg in ("exc_info", "stack_info") and not (isinstance(k.value, ast.Constant) and not k.value.value)
        for k in call.keywords
    )
    return LogCall(call, level, traceback, True, kind)


def logger_kind(module: Module, receiver: ast.expr, scope: Scope) -> str:
    name = module.qualname(receiver, scope)
    if name in _LOGGER_NAMES:
        return LOGURU if name == "loguru.logger" else LOGGER
    if name:
        found = module.type_of(receiver, scope)
        return found if found in _LOGGER_TYPES else ""
    found = module.type_of(receiver, scope)
    return found if isinstance(found, str) and found in _LOGGER_TYPES else ""


def _level_argument(module: Module, call: ast.Call, scope: Scope) -> int:
    if not call.args:
        return 0
    level = call.args[0]
    if isinstance(level, ast.Constant) and isinstance(level.value, int):
        return level.value
    name = module.qualname(level, scope)
    if name.startswith("logging."):
        return _NUMERIC.get(name.rpartition(".")[2], 0)
    return 0


def _may_report(module: Module, call: ast.Call, scope: Scope) -> bool:
    func = call.func
    name = module.qualname(func, scope)
    if name in _REPORTING_CALLS or name.startswith(("sentry_sdk.", "traceback.", "warnings.", "rollbar.", "bugsnag.")):
        return True
    if isinstance(func, ast.Name) and not name:
        bindings = module.lookup(func.id, scope, start(func))
        if len(bindings) == 1 and bindings[0].kind == "function":
            return reports_errors(bindings[0].node)  # a helper of this module
        if not bindings:
            return func.id == "print"
    if name and module.project is not None:
        reports = module.project.function_reports(name, module.origin)  # type: ignore[attr-defined]
        if reports is not None:
            return bool(reports)
    last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return bool(_REPORTER_NAME.search(last))


def enclosing_function(ancestors: list[ast.AST]) -> ast.AST | None:
    for node in reversed(ancestors):
        if isinstance(node, (*FUNCTIONS, ast.Lambda, ast.ClassDef)):
            return node if isinstance(node, FUNCTIONS) else None
    return None


def status_of(value: Any) -> int | None:
    return value.value if isinstance(value, ast.Constant) and type(value.value) is int else None
