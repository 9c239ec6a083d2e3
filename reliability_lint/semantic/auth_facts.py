"""What a module tells the auth rules about itself, as plain JSON for its summary: for each
function, its decorators and whether its body checks the caller's credentials; for each
class, its decorators, DRF permission classes and methods; the Django settings it assigns
(`MIDDLEWARE`, `REST_FRAMEWORK`, `DJANGO_SETTINGS_MODULE`); and the calls that wire apps
together (`register_blueprint`, `include_router`, hooks, middleware). Another module's route
is decided from these facts, and because they are in the summary, a change to them changes
the summary's hash and re-checks the routes that read it.

The credential predicates live here so that the auth family and the summary judge a body
the same way. Names are qualified through the module's imports; a module-level function or
class of the module itself is written `#name`; a name assigned once from a call is written
as the call (`auth = HTTPTokenAuth()` makes `auth.login_required` read
`flask_httpauth.HTTPTokenAuth().login_required`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from typing import Any

from reliability_lint.semantic.names import dotted_name
from reliability_lint.semantic.scopes import FUNCTIONS, Bindings, ClassInfo

# fastapi.Depends is fastapi.param_functions.Depends, which makes a fastapi.params.Depends.
DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends", "fastapi.param_functions.Depends"})
SECURITY = frozenset({"fastapi.Security", "fastapi.params.Security", "fastapi.param_functions.Security"})

Qualify = Callable[[ast.expr], str]

# Header, query and cookie names that carry a credential.
CREDENTIAL_KEY = re.compile(
    r"(?i)^(?:authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|x-auth-token|auth[-_]?token|"
    r"access[-_]?token|id[-_]?token|token|x-goog-iap-jwt-assertion|x-hub-signature(?:-256)?|"
    r"x-cloudtasks-queuename|x-appengine-cron|x-serverless-authorization|bearer ?)$"
)
VERIFY_CALLS = frozenset({
    "verify_oauth2_token", "verify_id_token", "verify_token", "verify_firebase_token", "decode_token",
    "compare_digest", "check_password_hash", "verify_jwt_in_request", "verify_password", "verify_api_key",
    "validate_api_key", "verify_signature", "verify_iap_jwt", "validate_token", "has_perm", "has_perms",
})  # fmt: skip
# Attributes whose reading means the caller's identity is looked at (Flask-Login, Django).
IDENTITY_ATTRIBUTES = frozenset({"authorization", "is_authenticated", "is_staff", "is_superuser"})
REJECT_NAMES = re.compile(r"(?i)HTTP_40[13]|UNAUTHORIZED|FORBIDDEN")
# Exceptions raised to refuse a caller: werkzeug's Unauthorized, DRF's NotAuthenticated,
# Django's PermissionDenied, a project's AuthError or InvalidToken.
REJECT_EXCEPTION = re.compile(r"(?i)auth|permission|forbidden|denied|credential|token|unauthori[sz]ed")
REJECT_CALLS = frozenset({"unauthorized", "redirect", "redirect_to_login", "handle_no_permission"})
# Objects whose use means the caller's identity is being looked at (Flask's session,
# Flask-Login's current_user, the `g.user` of Flask's tutorial).
IDENTITY = frozenset({"flask.session", "flask_login.current_user", "g.user", "flask.g.user"})

# Words in a handler body that mean it changes or exports something.
WRITE_METHODS = frozenset({
    "publish", "insert_rows", "insert_rows_json", "load_table_from_uri", "load_table_from_file",
    "load_table_from_dataframe", "load_table_from_json", "extract_table", "copy_table",
    "delete_table", "delete_dataset", "create_table", "create_dataset", "upload_from_string",
    "upload_from_filename", "upload_from_file", "delete_blob", "delete_blobs", "copy_blob",
    "to_gbq", "to_sql", "unlink", "rmtree", "write_text", "write_bytes", "trigger",
})  # fmt: skip
_DOCUMENT_METHODS = frozenset({"set", "add", "update", "delete"})
_PROCESS_CALLS = frozenset({"run", "Popen", "call", "check_call", "check_output", "system"})
_WRITE_SQL = ("INSERT ", "UPDATE ", "DELETE ", "MERGE ", "EXPORT DATA", "CREATE ", "DROP ", "TRUNCATE ")
_WIRING = frozenset({"register_blueprint", "include_router", "before_request", "before_app_request", "add_middleware", "register"})
_SETTINGS = ("MIDDLEWARE", "MIDDLEWARE_CLASSES")
_MAX_CALLS = 400


dotted = dotted_name  # `a.b.c`, a call in the chain as `()`


def walk(body: Iterable[ast.stmt]) -> list[ast.AST]:
    return [node for statement in body for node in ast.walk(statement)]


# ------------------------------------------------------------------ credential predicates


def reads_credential(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CREDENTIAL_KEY.match(node.value.strip()):
            return True
        if isinstance(node, ast.Attribute) and node.attr in IDENTITY_ATTRIBUTES:
            return True
        if isinstance(node, ast.Call) and dotted(node.func).rpartition(".")[2] in VERIFY_CALLS:
            return True
        if isinstance(node, ast.Call) and dotted(node.func) in ("jwt.decode", "jose.jwt.decode"):
            return True
    return False


def reads_identity(nodes: list[ast.AST], qualify: Qualify) -> bool:
    return any(isinstance(node, (ast.Name, ast.Attribute)) and qualify(node) in IDENTITY for node in nodes)


def rejects(nodes: list[ast.AST]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (401, 403):
            return True
        if isinstance(node, (ast.Name, ast.Attribute)) and REJECT_NAMES.search(dotted(node) or ""):
            return True
        if isinstance(node, ast.Raise) and node.exc is not None:
            raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if REJECT_EXCEPTION.search(dotted(raised).rpartition(".")[2]):
                return True
        if isinstance(node, ast.Call) and dotted(node.func).rpartition(".")[2] in REJECT_CALLS:
            return True  # Flask-Login's unauthorized(), a redirect to the login page
    return False


def credential_parameter(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify: Qualify) -> bool:
    """FastAPI's `x_api_key: str = Header(...)` / `authorization: Annotated[str, Header()]`."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    for arg in [*positional, *args.kwonlyargs]:
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
            pairs += [(arg, e) for e in annotation.slice.elts[1:]]
    for arg, default in pairs:
        if isinstance(default, ast.Call) and qualify(default.func).rpartition(".")[2] in ("Header", "Cookie", "Query"):
            alias = next((k.value.value for k in default.keywords if k.arg == "alias" and isinstance(k.value, ast.Constant)), None)
            name = alias if isinstance(alias, str) else arg.arg.replace("_", "-")
            if CREDENTIAL_KEY.match(name):
                return True
    return False


def body_checks(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify: Qualify) -> bool:
    """The body (nested functions included: a decorator's wrapper) reads a credential or the
    caller's identity and rejects the request without one."""
    nodes = walk(func.body)
    reads = reads_credential(nodes) or credential_parameter(func, qualify) or reads_identity(nodes, qualify)
    return reads and rejects(nodes)


def body_effect(functions: Iterable[ast.FunctionDef | ast.AsyncFunctionDef]) -> str | None:
    """What makes a handler a P0 by its body: it publishes, writes, deletes, exports or
    starts a process; None when nothing in it does."""
    for body in functions:
        for node in ast.walk(body):
            if isinstance(node, ast.Call):
                name = dotted(node.func)
                method = name.rpartition(".")[2]
                head = name.partition(".")[0]
                if head in ("subprocess", "os") and method in _PROCESS_CALLS:
                    return f"starts a process (`{name}`)"
                if method in WRITE_METHODS or (method in _DOCUMENT_METHODS and ("document(" in name or "collection(" in name)):
                    return f"writes or triggers something (`{method}`)"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.lstrip().upper().startswith(_WRITE_SQL):
                    return "runs a statement that writes or exports data"
    return None


# ------------------------------------------------------------------ the summary's facts


def facts(module: Bindings, tree: ast.Module) -> dict[str, Any]:
    """The auth facts of a module (see the module docstring), from its finished bindings."""
    qualify = qualifier(module)
    functions = {}
    for name, bindings in module.root.bindings.items():
        if len(bindings) == 1 and bindings[0].kind == "function" and isinstance(bindings[0].node, FUNCTIONS):
            functions[name] = function_facts(bindings[0].node, qualify)
    classes = {info.dotted: _class_facts(info, qualify) for info in module.classes if info.scope.parent is module.root}
    wiring = sorted({ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in _WIRING})
    return {"functions": functions, "classes": classes, "settings": settings_facts(tree, qualify), "wiring": wiring}


def qualifier(module: Bindings) -> Qualify:
    root = module.root

    def qualify(node: ast.expr) -> str:
        name = dotted(node)
        head, dot, rest = name.partition(".")
        if head.endswith("()") and head[:-2].isidentifier():  # `HTTPBearer()`: the name called, qualified
            return qualify(ast.Name(id=head[:-2])) + "()" + dot + rest
        bindings = root.bindings.get(head, [])
        if not bindings:
            return name
        imported = {b.qualname for b in bindings if b.kind == "import"}
        if len(imported) == 1 and all(b.kind == "import" for b in bindings):
            return imported.pop() + dot + rest
        if len(bindings) == 1 and bindings[0].kind in ("function", "class"):
            return "#" + name
        if len(bindings) == 1 and bindings[0].kind == "value" and isinstance(bindings[0].node, ast.Call):
            made = dotted(bindings[0].node.func)  # `auth = HTTPTokenAuth()`: `flask_httpauth.HTTPTokenAuth()`
            return qualify(bindings[0].node.func) + "()" + dot + rest if made and made != head else name
        return name

    return qualify


def function_facts(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify: Qualify) -> dict[str, Any]:
    nodes = walk(func.body)
    calls = sorted({q for n in nodes[:_MAX_CALLS] if isinstance(n, ast.Call) and (q := qualify(n.func)) and (q.startswith("#") or "." in q)})
    depends, security = _parameter_dependencies(func, qualify)
    return {
        "decorators": [decorator_fact(d, qualify) for d in func.decorator_list],
        "checks": body_checks(func, qualify),
        "calls": calls,
        "depends": depends,
        "security": security,
        "writes": body_effect([func]),
    }


def decorator_fact(expr: ast.expr, qualify: Qualify) -> list[Any]:
    """[qualified name, called?, [arguments]]: an argument is a qualified name, a `'string`,
    or `?` for anything else; lists are flattened; keywords are `name=value`."""
    call = expr if isinstance(expr, ast.Call) else None
    target = call.func if call is not None else expr
    if isinstance(target, ast.Call):  # permission_required("x")(view) written as a decorator
        return decorator_fact(target, qualify)
    args: list[str] = []
    if call is not None:
        for arg in call.args:
            args.extend(_argument(arg, qualify))
        for keyword in call.keywords:
            args.extend(f"{keyword.arg}={value}" for value in _argument(keyword.value, qualify))
    return [qualify(target) or "?", call is not None, args]


def _argument(node: ast.expr, qualify: Qualify) -> list[str]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [value for element in node.elts for value in _argument(element, qualify)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return ["'" + node.value]
    if isinstance(node, (ast.Name, ast.Attribute)):
        return [qualify(node) or "?"]
    return ["?"]


def _parameter_dependencies(func: ast.FunctionDef | ast.AsyncFunctionDef, qualify: Qualify) -> tuple[list[str], bool]:
    """The targets of a function's `Depends(x)` parameters, and whether one is a `Security(...)`."""
    args = func.args
    candidates: list[ast.expr] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        annotation = arg.annotation
        if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple):
            candidates.extend(annotation.slice.elts[1:])
    depends: list[str] = []
    security = False
    for node in candidates:
        if not isinstance(node, ast.Call):
            continue
        kind = qualify(node.func)
        if kind in SECURITY:
            security = True
        elif kind in DEPENDS and node.args:
            depends.append(qualify(node.args[0]) or "?")
    return depends, security


def _class_facts(info: ClassInfo, qualify: Qualify) -> dict[str, Any]:
    methods = {}
    permission: list[str] | None = None
    has_permission = False
    for statement in info.node.body:
        if isinstance(statement, FUNCTIONS):
            methods[statement.name] = function_facts(statement, qualify)
        elif isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "permission_classes" for t in statement.targets):
            has_permission = True
            permission = _argument(statement.value, qualify) if isinstance(statement.value, (ast.List, ast.Tuple)) else None
    return {
        "bases": [qualify(base) or "?" for base in info.node.bases],
        "decorators": [decorator_fact(d, qualify) for d in info.node.decorator_list],
        "permission_classes": permission if has_permission else "-",
        "methods": methods,
    }


def settings_facts(tree: ast.Module, qualify: Qualify) -> dict[str, Any]:
    """The Django settings a module assigns at its top level: `MIDDLEWARE` (a list of
    strings, `?` for an entry that is not one, None when it is changed in a way not
    followed), `MIDDLEWARE+` (entries added to an inherited list), `permissions` (REST
    framework's DEFAULT_PERMISSION_CLASSES), `root_urlconf`, `settings_module`
    (DJANGO_SETTINGS_MODULE) and `configure` (the module calls `settings.configure`)."""
    found: dict[str, Any] = {}
    for statement in tree.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Call):
                _settings_call(node, qualify, found)
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    _setting(target.id, statement.value, found)
        elif isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name) and statement.target.id in _SETTINGS:
            _add_middleware(found, _strings(statement.value))
    return found


def _add_middleware(found: dict[str, Any], added: list[str] | None) -> None:
    """Middleware added to the list (`+=`, `.append`, `.insert`): to the known list, or kept
    apart (`MIDDLEWARE+`) until a base settings module's list is known; None: unknown."""
    if "MIDDLEWARE" in found and found["MIDDLEWARE"] is not None and added is not None:
        found["MIDDLEWARE"] = found["MIDDLEWARE"] + added
    elif "MIDDLEWARE" not in found and added is not None:
        found["MIDDLEWARE+"] = found.get("MIDDLEWARE+", []) + added
    else:
        found["MIDDLEWARE"] = None


def _setting(name: str, value: ast.expr, found: dict[str, Any]) -> None:
    if name in _SETTINGS:
        found["MIDDLEWARE"] = _strings(value)
    elif name == "REST_FRAMEWORK":
        found["permissions"] = _rest_permissions(value)
    elif name == "ROOT_URLCONF":
        found["root_urlconf"] = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None


def _settings_call(call: ast.Call, qualify: Qualify, found: dict[str, Any]) -> None:
    name = qualify(call.func)
    method = name.rpartition(".")[2]
    if name.endswith("settings.configure"):
        found["configure"] = True
        for keyword in call.keywords:
            if keyword.arg:
                _setting(keyword.arg, keyword.value, found)
    elif method == "setdefault" and len(call.args) == 2 and _is_string(call.args[0], "DJANGO_SETTINGS_MODULE"):
        value = call.args[1]
        found["settings_module"] = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    elif isinstance(call.func, ast.Attribute) and dotted(call.func.value) in _SETTINGS:
        _add_middleware(found, _strings(ast.List(elts=call.args[-1:])) if method in ("append", "insert") else None)


def _is_string(node: ast.expr, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value if isinstance(e, ast.Constant) and isinstance(e.value, str) else "?" for e in node.elts]
    return None


def _rest_permissions(node: ast.expr) -> list[str] | None:
    """DEFAULT_PERMISSION_CLASSES of a REST_FRAMEWORK dict; [] when it sets none (DRF's
    default, AllowAny); None when the dict is not literal."""
    if not isinstance(node, ast.Dict):
        return None
    for key, value in zip(node.keys, node.values):
        if key is None:
            return None  # **other: not followed
        if _is_string(key, "DEFAULT_PERMISSION_CLASSES"):
            return _strings(value)
    return []
