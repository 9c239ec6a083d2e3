"""HTTP entry points of one module and the apps, blueprints and routers that hold them."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.module import Module

Handler = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass
class Route:
    handler: Handler
    framework: str  # flask, fastapi, functions-framework
    group: str | None  # the app / blueprint / router variable, None for a Cloud Function
    path: str | None
    methods: tuple[str, ...] | None  # None: any method
    decorators: list[ast.expr] = field(default_factory=list)  # besides the route's own
    dependencies: list[ast.Call] = field(default_factory=list)
    registration: ast.AST | None = None  # the route decorator or add_url_rule call

    @property
    def label(self) -> str:
        """`POST /jobs (start_job)`, or `Cloud Function export_all`."""
        if self.path is None and self.methods is None:
            return f"Cloud Function `{self.handler.name}`"
        methods = "/".join(self.methods) if self.methods else "any method"
        return f"Route {methods} `{self.path or '?'}` (`{self.handler.name}`)"


@dataclass
class Group:
    name: str
    framework: str
    nested: bool  # a blueprint or router: authenticated also by what its app does
    dependencies: list[ast.Call] = field(default_factory=list)
    hooks: list[ast.expr | Handler] = field(default_factory=list)  # before_request, middleware
    app_hooks: list[ast.expr | Handler] = field(default_factory=list)  # before_app_request
    parents: list[tuple[str, list[ast.Call]]] = field(default_factory=list)  # registered on


def groups(module: Module) -> dict[str, Group]:
    found: dict[str, Group] = {}
    for name, call in module.created.items():
        known = cat.APP_CLASSES.get(module.qualify(call.func))
        if known:
            group = found[name] = Group(name, known[0], known[1])
            group.dependencies.extend(_dependency_list(call, "dependencies", module))
    for node in module.defs_and_calls:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                _hook_decorator(decorator, node, found)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            _registration_call(node, found, module)
    return found


def _hook_decorator(decorator: ast.expr, func: Handler, found: dict[str, Group]) -> None:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if not isinstance(target, ast.Attribute) or not isinstance(target.value, ast.Name):
        return
    group = found.get(target.value.id)
    if group is None:
        return
    if target.attr in ("before_request", "middleware"):
        group.hooks.append(func)
    elif target.attr == "before_app_request":
        group.app_hooks.append(func)


def _registration_call(call: ast.Call, found: dict[str, Group], module: Module) -> None:
    func = call.func
    assert isinstance(func, ast.Attribute)
    owner = dotted_name(func.value)
    group = found.get(owner)
    if func.attr in ("register_blueprint", "include_router") and call.args:
        child = dotted_name(call.args[0])
        if child in found:
            found[child].parents.append((owner, _dependency_list(call, "dependencies", module)))
    elif group is None:
        return
    elif func.attr in ("before_request", "before_app_request") and call.args:
        (group.hooks if func.attr == "before_request" else group.app_hooks).append(call.args[0])
    elif func.attr == "add_middleware" and call.args:
        group.hooks.append(call.args[0])


def _dependency_list(call: ast.Call, keyword: str, module: Module) -> list[ast.Call]:
    for kw in call.keywords:
        if kw.arg == keyword and isinstance(kw.value, (ast.List, ast.Tuple)):
            return [e for e in kw.value.elts if isinstance(e, ast.Call) and _is_dependency_call(e, module)]
    return []


def _is_dependency_call(node: ast.Call, module: Module) -> bool:
    kind = module.qualify(node.func)
    return kind in cat.DEPENDS or kind in cat.SECURITY


def routes(module: Module, known_groups: dict[str, Group]) -> list[Route]:
    found: list[Route] = []
    for node in module.defs_and_calls:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            route = _decorated_route(node, module, known_groups)
            if route is not None:
                found.append(route)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            route = _registered_route(node, module, known_groups)
            if route is not None:
                found.append(route)
    return found


def _decorated_route(func: ast.FunctionDef | ast.AsyncFunctionDef, module: Module, known: dict[str, Group]) -> Route | None:
    for index, decorator in enumerate(func.decorator_list):
        others = func.decorator_list[:index] + func.decorator_list[index + 1 :]
        if module.qualify(decorator) in cat.CLOUD_FUNCTION_DECORATORS:
            return Route(func, "functions-framework", None, None, None, others, registration=decorator)
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
            continue
        owner, method = dotted_name(decorator.func.value), decorator.func.attr
        if method not in cat.ROUTE_DECORATORS or not _is_route_owner(owner, decorator, module, known):
            continue
        framework = known[owner].framework if owner in known else (_framework_of(module) or "flask")
        methods = cat.ROUTE_DECORATORS[method] or _methods(decorator)
        route = Route(func, framework, owner, _path(decorator), methods, others, registration=decorator)
        route.dependencies = _dependency_list(decorator, "dependencies", module)
        return route
    return None


def _is_route_owner(owner: str, decorator: ast.Call, module: Module, known: dict[str, Group]) -> bool:
    """An app or router of this module, or one imported from elsewhere that registers a
    literal path (`@app.get("/items")`): no other decorator looks like that."""
    if owner in known:
        return True
    head = owner.partition(".")[0]
    path = _path(decorator)
    return head in module.imports and path is not None and path.startswith("/") and _framework_of(module) is not None


def _framework_of(module: Module) -> str | None:
    origins = {q.partition(".")[0] for q in module.imports.values()}  # "" for a relative import
    if "flask" in origins:
        return "flask"
    if origins & {"fastapi", "starlette"}:
        return "fastapi"
    return None


def _path(call: ast.Call) -> str | None:
    node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("rule", "path")), None)
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _methods(call: ast.Call) -> tuple[str, ...] | None:
    """The `methods=[...]` of a registration: GET when absent, None when not literal."""
    for kw in call.keywords:
        if kw.arg == "methods":
            if not isinstance(kw.value, (ast.List, ast.Tuple, ast.Set)):
                return None
            names = [e.value.upper() for e in kw.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            return tuple(names) if len(names) == len(kw.value.elts) else None
    return ("GET",)


def _registered_route(call: ast.Call, module: Module, known: dict[str, Group]) -> Route | None:
    """`app.add_url_rule("/x", view_func=f)` (Flask, also class-based views) and
    `router.add_api_route("/x", f)` (FastAPI)."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    owner = dotted_name(func.value)
    if func.attr not in ("add_url_rule", "add_api_route") or owner not in known:
        return None
    position = 2 if func.attr == "add_url_rule" else 1
    view = next((k.value for k in call.keywords if k.arg in ("view_func", "endpoint")), None)
    if view is None and len(call.args) > position:
        view = call.args[position]
    if view is None:
        return None
    methods = _methods(call)
    if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
        cls = module.classes.get(dotted_name(view.func.value))
        if cls is None:
            return None
        defined = tuple(m.upper() for m in cat.HTTP_METHODS if _method_of(cls, m) is not None)
        decorators = _class_decorators(cls)
        methods = methods if any(k.arg == "methods" for k in call.keywords) else defined or None
        route = Route(cls, known[owner].framework, owner, _path(call), methods, decorators, registration=call)
        return route
    handler = module.functions.get(dotted_name(view))
    if handler is None:
        return None
    route = Route(handler, known[owner].framework, owner, _path(call), methods, list(handler.decorator_list), registration=call)
    route.dependencies = _dependency_list(call, "dependencies", module)
    return route


def _method_of(cls: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for statement in cls.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return statement
    return None


def _class_decorators(cls: ast.ClassDef) -> list[ast.expr]:
    """The `decorators = [...]` list of a Flask class-based view."""
    for statement in cls.body:
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "decorators" for t in statement.targets):
            value = statement.value
            if isinstance(value, (ast.List, ast.Tuple)):
                return list(value.elts)
    return []


def handler_bodies(route: Route) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The functions that run for a route: the handler, or a class view's methods."""
    handler = route.handler
    if isinstance(handler, ast.ClassDef):
        names = (*cat.HTTP_METHODS, "dispatch_request")
        return [m for n in names if (m := _method_of(handler, n)) is not None]
    return [handler]
