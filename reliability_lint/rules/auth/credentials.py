"""The auth decision: does a decorator, a dependency, a hook or a handler body check the
caller's credentials? True (it does), False (known not to), None (cannot tell: never
reported). A name imported from another project module is decided from that module's
auth facts in the project index (`imported.callable_checks`), so the findings are keyed
on the modules they read.
"""

from __future__ import annotations

import ast

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.module import Module
from reliability_lint.semantic import auth_facts as facts

_MAX_DEPTH = 4


class Trust:
    """The configured trust: the catalogue's names plus the project's options."""

    def __init__(self, options: dict) -> None:
        self.decorators = cat.TRUSTED_DECORATORS | frozenset(options.get("trusted-decorators", ()))
        self.dependencies = frozenset(options.get("trusted-dependencies", ()))

    def trusts(self, qualified: str, names: frozenset[str]) -> bool:
        bare = qualified.rpartition(".")[2]
        return qualified in names or bare in names or bare in cat.TRUSTED_BARE_NAMES


def decorator_checks_credentials(expr: ast.expr, module: Module, trust: Trust) -> bool | None:
    """Whether a decorator (`@require_key`, `@auth.login_required`, `@jwt_required()`) authenticates."""
    func = expr.func if isinstance(expr, ast.Call) else expr
    qualified = module.qualify(func)
    if not qualified:
        return None
    if trust.trusts(qualified, trust.decorators):
        return True
    receiver, _, method = qualified.rpartition(".")
    if receiver and module.class_of(receiver.partition(".")[0]) in cat.HTTPAUTH_CLASSES:
        return method in cat.HTTPAUTH_METHODS or None
    if qualified in cat.NON_AUTH_DECORATORS or (receiver and method in cat.NON_AUTH_METHODS):
        return False
    return callable_checks_credentials(qualified, module, trust)


def dependency_checks_credentials(call: ast.Call, module: Module, trust: Trust) -> bool | None:
    """Whether a `Depends(x)` / `Security(x)` call authenticates the route it guards."""
    kind = module.qualify(call.func)
    if kind in cat.SECURITY or kind.rpartition(".")[2] == "Security" and kind.startswith("fastapi"):
        return True
    target = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "dependency"), None)
    if target is None:
        return None  # Depends() on an annotated class: not followed
    qualified = module.qualify(target)
    if trust.trusts(qualified, trust.dependencies) or trust.trusts(qualified, trust.decorators):
        return True
    if module.class_of(qualified) in cat.SECURITY_SCHEMES or qualified in cat.SECURITY_SCHEMES:
        return True
    return callable_checks_credentials(qualified, module, trust)


def callable_checks_credentials(qualified: str, module: Module, trust: Trust, depth: int = 0) -> bool | None:
    """Follow a name to its definition, in this module or an imported project module."""
    if depth > _MAX_DEPTH:
        return None
    func = module.functions.get(qualified)
    if func is not None:
        return function_checks_credentials(func, module, trust, depth + 1)
    if qualified in module.classes:
        return None  # a class used as a decorator or dependency: not followed
    if "." not in qualified.lstrip(".") and not qualified.startswith("."):
        return None  # a local name bound to something else (a variable, a lambda)
    absolute = module.absolute(qualified)
    if module.index is None or not absolute:
        return None  # no project to look in (a file on its own), or an unknown package
    from reliability_lint.rules.auth.imported import callable_checks

    return callable_checks(absolute, str(module.path), module.index, trust, depth + 1)


def function_checks_credentials(
    func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module, trust: Trust, depth: int = 0
) -> bool:
    """A body that reads a credential and rejects the request without one (401/403), or
    declares a FastAPI security dependency, or calls a function that does either."""
    if _declares_security(func, module, trust) or facts.body_checks(func, module.qualify):
        return True
    nodes = facts.walk(func.body)
    return any(
        callable_checks_credentials(module.qualify(node.func), module, trust, depth + 1) is True
        for node in nodes[:400]
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and depth < _MAX_DEPTH
        and _callee_worth_following(node, module)
    )


def _callee_worth_following(call: ast.Call, module: Module) -> bool:
    name = dotted_name(call.func)
    head = name.partition(".")[0]
    return name in module.functions or head in module.imports


def _declares_security(func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module, trust: Trust) -> bool:
    return any(dependency_checks_credentials(call, module, trust) is True for call in parameter_dependencies(func, module))


def parameter_dependencies(func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module) -> list[ast.Call]:
    """The `Depends(...)` / `Security(...)` calls of a function's parameters (as defaults or
    inside `Annotated[...]`)."""
    args = func.args
    found: list[ast.Call] = []
    for node in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
        if _is_dependency(node, module):
            found.append(node)  # type: ignore[arg-type]
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and module.qualify(annotation.value).endswith("Annotated"):
            elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
            found.extend(e for e in elements if _is_dependency(e, module))  # type: ignore[misc]
    return found


def _is_dependency(node: ast.AST, module: Module) -> bool:
    if not isinstance(node, ast.Call):
        return False
    kind = module.qualify(node.func)
    return kind in cat.DEPENDS or kind in cat.SECURITY
