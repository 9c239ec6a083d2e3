"""Whether each route of a module is authenticated: by its decorators, its dependencies,
its app's or blueprint's hooks (in this module or the one that registers it), or a check
in its body. Every answer is "auth", "open" or "unknown"; only "open" is ever reported."""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass, field

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth import project
from reliability_lint.rules.auth import routes as found_routes
from reliability_lint.rules.auth.credentials import (
    Trust, callable_checks_credentials, decorator_checks_credentials, dependency_checks_credentials,
    function_checks_credentials, parameter_dependencies,
)  # fmt: skip
from reliability_lint.rules.auth.module import Module, load
from reliability_lint.rules.auth.routes import Group, Route

_MAX_DEPTH = 3
_NON_AUTH_MIDDLEWARE = frozenset({"CORSMiddleware", "GZipMiddleware", "TrustedHostMiddleware",
                                  "HTTPSRedirectMiddleware", "SessionMiddleware", "ProxyHeadersMiddleware"})  # fmt: skip


@dataclass
class Decision:
    route: Route
    state: str  # "auth", "open" or "unknown"
    # The auth decorators and dependencies it carries: what they resolve to -> as written.
    marks: dict[str, str] = field(default_factory=dict)


def _all_true(results: list[bool | None]) -> bool | None:
    """Combine "any of these authenticates": True if one does, None if one cannot be told."""
    if True in results:
        return True
    return None if None in results else False


def decide(module: Module, trust: Trust, exempt: list[str], extra: list[Route] | None = None) -> list[Decision]:
    """`extra`: entry points known from elsewhere (a Cloud Function named in deploy config)."""
    groups = found_routes.groups(module)
    decisions = []
    app_wide = [_hook_checks(h, module, trust) for g in groups.values() for h in g.app_hooks]
    listed = found_routes.routes(module, groups)
    handlers = {id(route.handler) for route in listed}
    for route in listed + [r for r in extra or () if id(r.handler) not in handlers]:
        if _exempt(route, exempt):
            continue
        decision = Decision(route, "open")
        results: list[bool | None] = list(app_wide)
        for decorator in route.decorators:
            verdict = decorator_checks_credentials(decorator, module, trust)
            results.append(verdict)
            if verdict:
                decision.marks[mark_key(decorator, module)] = "@" + ast.unparse(decorator)
        bodies = found_routes.handler_bodies(route)
        dependencies = list(route.dependencies)
        if route.framework == "fastapi":
            dependencies += [d for body in bodies for d in parameter_dependencies(body, module)]
        for dependency in dependencies:
            verdict = dependency_checks_credentials(dependency, module, trust)
            results.append(verdict)
            if verdict and dependency in route.dependencies:
                decision.marks["dependencies=" + mark_key(dependency, module)] = "dependencies=" + ast.unparse(dependency)
        if route.group is not None:
            results.append(group_checks(route.group, module, groups, trust))
        checked = [function_checks_credentials(body, module, trust) for body in bodies]
        results.append(bool(checked) and all(checked))
        verdict = _all_true(results)
        decision.state = "auth" if verdict else "unknown" if verdict is None else "open"
        decisions.append(decision)
    return decisions


def mark_key(expr: ast.expr, module: Module) -> str:
    """The same decorator however it is imported (`require_key`, `auth.require_key`, `rk`)."""
    func = expr.func if isinstance(expr, ast.Call) else expr
    qualified = module.qualify(func)
    absolute = module.absolute(qualified) if qualified not in module.functions else ""
    found = module.index.locate(absolute, str(module.path)) if absolute and module.index is not None else None
    key = f"{found[0]}:{found[2]}" if found else f"{module.path}:{qualified}"
    if isinstance(expr, ast.Call):
        key += "(" + ", ".join(ast.unparse(a) for a in [*expr.args, *expr.keywords]) + ")"
    return key


def _exempt(route: Route, patterns: list[str]) -> bool:
    if route.path is None or route.methods is None or not set(route.methods) <= cat.READ_METHODS:
        return False
    return any(fnmatch.fnmatchcase(route.path, pattern) for pattern in patterns)


def group_checks(name: str, module: Module, groups: dict[str, Group], trust: Trust, depth: int = 0) -> bool | None:
    """Whether an app, blueprint or router authenticates every route on it."""
    if depth > _MAX_DEPTH:
        return None
    group = groups.get(name)
    if group is None:
        return _imported_group(name, module, trust, depth)
    results: list[bool | None] = [_hook_checks(h, module, trust) for h in group.hooks]
    results += [dependency_checks_credentials(d, module, trust) for d in group.dependencies]
    parents = [(module, parent, deps, groups) for parent, deps in group.parents]
    if group.nested and not parents:
        registrations = _registrations_elsewhere(name, module)
        if registrations is None or not registrations:
            results.append(None)  # registered where this cannot see: its app may check
        else:
            parents = registrations
    for where, parent, deps, where_groups in parents:
        results += [dependency_checks_credentials(d, where, trust) for d in deps]
        results += [_hook_checks(h, where, trust) for g in where_groups.values() for h in g.app_hooks]
        results.append(group_checks(parent, where, where_groups, trust, depth + 1))
    return _all_true(results)


def _imported_group(name: str, module: Module, trust: Trust, depth: int) -> bool | None:
    """An app or blueprint imported from another project module: decided there."""
    found = module.resolve_import(module.qualify(ast.parse(name, mode="eval").body))
    if found is None:
        return None
    other, attr = found
    other_groups = found_routes.groups(other)
    if attr not in other_groups:
        return None
    return group_checks(attr, other, other_groups, trust, depth + 1)


def _registrations_elsewhere(name: str, module: Module) -> list[tuple[Module, str, list[ast.Call], dict[str, Group]]] | None:
    """Where a blueprint or router of `module` is registered in other project modules."""
    files = project.files_mentioning(module.path, ("register_blueprint", "include_router"))
    if files is None:
        return None
    here = module.path.absolute()
    found = []
    for path in files:
        if path.absolute() == here or project.parse(path) is None:
            continue
        if module.index is not None:
            module.index.summary(path)  # its wiring is in its summary: the finding is keyed on it
        other = load(path, module.index)
        for node in ast.walk(other.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            if node.func.attr not in ("register_blueprint", "include_router"):
                continue
            if _refers_to(other, node.args[0], here, name):
                other_groups = found_routes.groups(other)
                deps = [k for k in node.keywords if k.arg == "dependencies"]
                calls = [e for k in deps if isinstance(k.value, (ast.List, ast.Tuple)) for e in k.value.elts if isinstance(e, ast.Call)]
                found.append((other, dotted_name(node.func.value), calls, other_groups))
    return found


def _refers_to(other: Module, expr: ast.expr, path: object, name: str) -> bool:
    qualified = other.qualify(expr)
    level = len(qualified) - len(qualified.lstrip("."))
    module_part, _, attr = qualified[level:].rpartition(".")
    if attr != name:
        return False
    target = project.resolve_module(other.path, module_part, level)
    return target is not None and target.absolute() == path


def _hook_checks(hook: ast.expr | found_routes.Handler, module: Module, trust: Trust) -> bool | None:
    if isinstance(hook, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return function_checks_credentials(hook, module, trust)
    if isinstance(hook, ast.ClassDef):
        return None
    qualified = module.qualify(hook)
    if qualified in cat.AUTH_MIDDLEWARE:
        return True
    if qualified.rpartition(".")[2] in _NON_AUTH_MIDDLEWARE:
        return False
    cls = module.classes.get(qualified)
    if cls is not None:
        dispatch = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "dispatch"), None)
        return function_checks_credentials(dispatch, module, trust) if dispatch else None
    return callable_checks_credentials(qualified, module, trust)
