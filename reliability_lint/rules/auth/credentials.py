"""The auth decision: does a decorator, a dependency, a hook or a handler body check the
caller's credentials? True (it does), False (known not to), None (cannot tell: never
reported). `callable_checks_credentials` is the one function that looks into other
modules (through `Module.resolve_import`); the project model replaces that lookup.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.module import Module

_MAX_DEPTH = 4
# Header, query and cookie names that carry a credential.
_CREDENTIAL_KEY = re.compile(
    r"(?i)^(?:authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|x-auth-token|auth[-_]?token|"
    r"access[-_]?token|id[-_]?token|token|x-goog-iap-jwt-assertion|x-hub-signature(?:-256)?|"
    r"x-cloudtasks-queuename|x-appengine-cron|x-serverless-authorization|bearer ?)$"
)
_VERIFY_CALLS = frozenset({
    "verify_oauth2_token", "verify_id_token", "verify_token", "verify_firebase_token", "decode_token",
    "compare_digest", "check_password_hash", "verify_jwt_in_request", "verify_password", "verify_api_key",
    "validate_api_key", "verify_signature", "verify_iap_jwt", "validate_token",
})  # fmt: skip
_REJECT_NAMES = re.compile(r"(?i)HTTP_40[13]|UNAUTHORIZED|FORBIDDEN")
# Exceptions raised to refuse a caller: werkzeug's Unauthorized, DRF's NotAuthenticated,
# a project's AuthError or InvalidToken.
_REJECT_EXCEPTION = re.compile(r"(?i)auth|permission|forbidden|denied|credential|token|unauthori[sz]ed")
# Objects whose use means the caller's identity is being looked at (Flask's session,
# Flask-Login's current_user, the `g.user` of Flask's tutorial).
_IDENTITY = frozenset({"flask.session", "flask_login.current_user", "g.user"})


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
    found = module.resolve_import(qualified)
    if found is None:
        return None  # an installed package, or a module that cannot be found
    other, name = found
    if name in other.functions:
        return function_checks_credentials(other.functions[name], other, trust, depth + 1)
    if name in other.imports:  # re-exported: `from .checks import require_key` in a package
        return callable_checks_credentials(other.imports[name], other, trust, depth + 1)
    return None


def function_checks_credentials(
    func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module, trust: Trust, depth: int = 0
) -> bool:
    """A body that reads a credential and rejects the request without one (401/403), or
    declares a FastAPI security dependency, or calls a function that does either."""
    if _declares_security(func, module, trust):
        return True
    nodes = list(_walk(func.body))
    reads = _reads_credential(nodes) or _credential_parameter(func, module) or _reads_identity(nodes, module)
    if reads and _rejects(nodes):
        return True
    return any(
        callable_checks_credentials(module.qualify(node.func), module, trust, depth + 1) is True
        for node in nodes[:400]
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and depth < _MAX_DEPTH
        and _callee_worth_following(node, module)
    )


def _credential_parameter(func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module) -> bool:
    """FastAPI's `x_api_key: str = Header(...)` / `authorization: Annotated[str, Header()]`."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for arg in [*positional, *args.kwonlyargs]:
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
            pairs += [(arg, e) for e in annotation.slice.elts[1:]]
    for arg, default in pairs:
        if isinstance(default, ast.Call) and module.qualify(default.func).rpartition(".")[2] in ("Header", "Cookie", "Query"):
            alias = next((k.value.value for k in default.keywords if k.arg == "alias" and isinstance(k.value, ast.Constant)), None)
            name = alias if isinstance(alias, str) else arg.arg.replace("_", "-")
            if _CREDENTIAL_KEY.match(name):
                return True
    return False


def _callee_worth_following(call: ast.Call, module: Module) -> bool:
    name = dotted_name(call.func)
    head = name.partition(".")[0]
    return name in module.functions or head in module.imports


def _walk(body: Iterable[ast.stmt]) -> Iterable[ast.AST]:
    for statement in body:
        yield from ast.walk(statement)


def _reads_credential(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CREDENTIAL_KEY.match(node.value.strip()):
            return True
        if isinstance(node, ast.Attribute) and node.attr in ("authorization", "is_authenticated"):
            return True
        if isinstance(node, ast.Call) and dotted_name(node.func).rpartition(".")[2] in _VERIFY_CALLS:
            return True
        if isinstance(node, ast.Call) and dotted_name(node.func) in ("jwt.decode", "jose.jwt.decode"):
            return True
    return False


def _reads_identity(nodes: list[ast.AST], module: Module) -> bool:
    return any(
        isinstance(node, (ast.Name, ast.Attribute)) and module.qualify(node) in _IDENTITY for node in nodes
    )


def _rejects(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (401, 403):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and _REJECT_NAMES.search(dotted_name(node) or ""):
            return True
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if _REJECT_EXCEPTION.search(dotted_name(raised).rpartition(".")[2]):
                return True
        if isinstance(node, ast.Call) and dotted_name(node.func).rpartition(".")[2] in ("unauthorized", "redirect"):
            return True  # Flask-Login's login_manager.unauthorized(), a redirect to the login page
    return False


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
