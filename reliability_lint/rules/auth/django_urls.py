"""The entry points a Django `urls.py` names: every `path()` / `re_path()` / `url()` of its
`urlpatterns` (also through `i18n_patterns(...)`, `+`, `+=`, `.append`/`.extend`, and
`include()` of a list of the same module), and the viewsets registered on a REST framework
router of the module. `include("other.urls")` is left to that module's own check."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.semantic.auth_facts import Qualify, decorator_fact

_MAX_DEPTH = 8


@dataclass
class Entry:
    node: ast.Call  # the path() call, or the router.register() call
    route: str | None  # "/jobs/<int:pk>/", None when not a literal
    kind: str  # "function" or "class"
    view: str  # qualified name of the view (`#name` for one of this module)
    wrappers: list[list[Any]] = field(default_factory=list)  # decorator facts applied in urls.py
    methods: tuple[str, ...] | None = None  # from `as_view({"get": "list"})`, else None
    prefixed: bool = True  # False for a router's: where `router.urls` is included is not followed

    @property
    def name(self) -> str:
        return self.view.lstrip("#")


def entries(tree: ast.Module, qualify: Qualify) -> list[Entry]:
    lists = _module_lists(tree)
    found: list[Entry] = []
    for expr in lists.get("urlpatterns", []):
        found.extend(_patterns(expr, "/", qualify, lists, 0))
    found.extend(_router_entries(tree, qualify))
    return found


def _module_lists(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """What each module-level name is assigned, added or appended (for urlpatterns and the
    lists it includes)."""
    lists: dict[str, list[ast.expr]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    lists[target.id] = [statement.value]
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
            lists.setdefault(statement.target.id, []).append(statement.value)
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) and call.args:
                if call.func.attr in ("append", "insert"):
                    lists.setdefault(call.func.value.id, []).append(ast.List(elts=[call.args[-1]]))
                elif call.func.attr == "extend":
                    lists.setdefault(call.func.value.id, []).append(call.args[0])
    return lists


def _patterns(expr: ast.expr, prefix: str, qualify: Qualify, lists: dict[str, list[ast.expr]], depth: int) -> Iterator[Entry]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(expr, (ast.List, ast.Tuple)):
        for element in expr.elts:
            yield from _patterns(element, prefix, qualify, lists, depth + 1)
    elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        yield from _patterns(expr.left, prefix, qualify, lists, depth + 1)
        yield from _patterns(expr.right, prefix, qualify, lists, depth + 1)
    elif isinstance(expr, ast.Name):  # `urlpatterns = api`, `urlpatterns += more`, `[...] + extra`
        for value in lists.get(expr.id, []):
            yield from _patterns(value, prefix, qualify, lists, depth + 1)
    elif isinstance(expr, ast.Call):
        called = qualify(expr.func)
        if called in cat.DJANGO_PATTERN_WRAPPERS:
            inner = prefix + "<language>/" if called.endswith("i18n_patterns") else prefix
            for arg in expr.args:
                yield from _patterns(arg, inner, qualify, lists, depth + 1)
        elif called in cat.DJANGO_ROUTE_CALLS:
            yield from _route(expr, prefix, qualify, lists, depth)


def _route(call: ast.Call, prefix: str, qualify: Qualify, lists: dict[str, list[ast.expr]], depth: int) -> Iterator[Entry]:
    pattern = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "route"), None)
    view = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "view"), None)
    text = pattern.value if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) else None
    route = prefix + _plain(text) if text is not None and prefix is not None else None
    if view is None:
        return
    if isinstance(view, ast.Call) and qualify(view.func) in cat.DJANGO_INCLUDE:
        included = view.args[0] if view.args else None
        if isinstance(included, (ast.Name, ast.List, ast.Tuple)) and route is not None:
            for value in lists.get(included.id, []) if isinstance(included, ast.Name) else [included]:
                yield from _patterns(value, route, qualify, lists, depth + 1)
        return
    entry = _view(view, qualify, [])
    if entry is not None:
        kind, name, wrappers, methods = entry
        yield Entry(call, route, kind, name, wrappers, methods)


def _plain(pattern: str) -> str:
    """A route as a path: `^health/$` -> `health/`."""
    return pattern.removeprefix("^").removesuffix("$").removeprefix("/")


def _view(expr: ast.expr, qualify: Qualify, wrappers: list[list[Any]]) -> tuple[str, str, list[list[Any]], tuple[str, ...] | None] | None:
    """(kind, qualified name, wrappers, methods) of a view expression; None when it is not
    one the family can follow (a lambda, a view built by a call it does not know)."""
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr == "as_view":
            name = qualify(func.value)
            return ("class", name, wrappers, _action_methods(expr)) if name else None
        if expr.args and not expr.keywords:  # login_required(view), cache_page(60)(view)
            return _view(expr.args[0], qualify, [*wrappers, decorator_fact(func, qualify)])
        return None
    if isinstance(expr, (ast.Name, ast.Attribute)):
        name = qualify(expr)
        return ("function", name, wrappers, None) if name and "()" not in name else None
    return None


def _action_methods(call: ast.Call) -> tuple[str, ...] | None:
    """The methods of a viewset's `as_view({"get": "list", "post": "create"})`."""
    mapping = call.args[0] if call.args else None
    if not isinstance(mapping, ast.Dict):
        return None
    keys = [k.value.upper() for k in mapping.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return tuple(keys) if len(keys) == len(mapping.keys) else None


def _router_entries(tree: ast.Module, qualify: Qualify) -> Iterator[Entry]:
    """`router.register("jobs", JobViewSet)` on a REST framework router of this module."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register"):
            continue
        owner = qualify(node.func.value)
        if not owner.endswith("()") or owner[:-2] not in cat.DRF_ROUTERS or len(node.args) < 2:
            continue
        prefix, view = node.args[0], node.args[1]
        name = qualify(view) if isinstance(view, (ast.Name, ast.Attribute)) else ""
        if not name:
            continue
        text = prefix.value if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) else None
        route = "/" + _plain(text).rstrip("/") + "/" if text is not None else None
        yield Entry(node, route, "class", name, prefixed=False)
