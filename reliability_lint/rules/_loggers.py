"""Is this call a logger call? The one query the rule families ask (REL102, the todos
family), answered by the project's semantic model: the receiver is a logger as the model
knows it (`logging.getLogger(...)`, structlog, loguru; held in a name, an attribute, a
parameter annotated `logging.Logger`, or another module's global such as a project
helper's `log = get_logger(__name__)`), or known to be something else. Only where the model
cannot tell does the receiver's name decide (`logger`, `self.log`), as before the model.
"""

from __future__ import annotations

import ast

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.exceptions.handlers import LEVELS, logger_kind
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope
from reliability_lint.semantic.types import NONE

LOG_METHODS = frozenset({*LEVELS, "log"})


def may_be_logger_call(call: ast.Call) -> bool:
    """A call of a logger method's name (decided by `is_logger_call` once the file's model is built)."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in LOG_METHODS


def logger_verdict(module: Module, call: ast.Call, scope: Scope) -> bool | None:
    """True when the model knows the receiver is a logger, False when it knows it is
    something else (a library type, a collection), None when it cannot tell."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    if logger_kind(module, func.value, scope):
        return True
    found = module.type_of(func.value, scope)
    if isinstance(found, tuple) or (isinstance(found, str) and found and found != NONE):
        return False
    return None  # unknown, or a project class (which may wrap a logger)


def is_logger_call(module: Module, call: ast.Call, scope: Scope) -> bool:
    verdict = logger_verdict(module, call, scope)
    if verdict is not None:
        return verdict
    receiver = dotted_name(call.func.value) if isinstance(call.func, ast.Attribute) else ""
    return "log" in receiver.rpartition(".")[2].lower()
