"""Which functions of a module report an error: their own body raises, or calls a logger at
error level or above. Read syntactically and leniently (a receiver named like a logger
counts), because it only ever makes the silent-failure rules report less."""

from __future__ import annotations

import ast

from reliability_lint.semantic.scopes import FUNCTIONS

ERROR_LEVELS = frozenset({"error", "exception", "critical", "fatal"})
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_nodes(statements: list[ast.stmt]) -> list[ast.AST]:
    """Every node of `statements`, leaving out the bodies of functions, lambdas and classes
    defined in them (they do not run there)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(reversed(statements))
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, _NESTED):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
    return found


def reports_errors(function: object) -> bool:
    """Whether a function's own body raises or logs at error level or above."""
    if not isinstance(function, FUNCTIONS):
        return False
    for node in own_nodes(function.body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ERROR_LEVELS:
            receiver = node.func.value
            if isinstance(receiver, ast.Call):  # `logging.getLogger(__name__).error(...)`
                receiver = receiver.func
            name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
            if "log" in name.lower():
                return True
    return False
