"""Whether a Django view named in `urls.py` is authenticated, from the auth facts of the
module that defines it (through the project index), of the urls module, and of the
project's settings: "auth", "open" or "unknown", and for an open view the HTTP methods it
serves and what its body writes (for REL501 versus REL503)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.credentials import Trust
from reliability_lint.rules.auth.django_urls import Entry
from reliability_lint.rules.auth.imported import Place, at, decorator_checks, function_checks

_MAX_DEPTH = 8
_LAUNCHERS = ("manage.py", "wsgi.py", "asgi.py")
_LEVELS = 5  # how far above urls.py a manage.py is looked for
_MIDDLEWARE_METHODS = ("__call__", "process_request", "process_view")
_OVERRIDES = frozenset({"get_permissions", "check_permissions", "initial"})  # DRF: decided at run time
# The methods passed by keyword: `api_view(http_method_names=[...])`, `require_http_methods(request_method_list=[...])`.
_METHOD_KEYWORDS = ("http_method_names=", "request_method_list=")


@dataclass
class Verdict:
    state: str  # auth, open, unknown
    methods: tuple[str, ...] | None = None
    effect: str | None = None
    where: Path | None = None  # the view's file (not its line: facts hold no lines, see below)


def _any(results: list[bool | None]) -> bool | None:
    if True in results:
        return True
    return None if None in results else False


# ------------------------------------------------------------------ settings


@dataclass
class Settings:
    middleware: bool | None  # an auth-enforcing middleware is configured (None: cannot tell)
    permissions: list[str] | None  # REST framework's DEFAULT_PERMISSION_CLASSES
    root: bool = False  # the urls module is the project's ROOT_URLCONF (its paths are whole)


def project_settings(urls: Place, trust: Trust) -> Settings:
    """The settings module of the project `urls` belongs to: the urls module itself when it
    configures settings, else the one it names in DJANGO_SETTINGS_MODULE, else the one a
    `manage.py` / `wsgi.py` / `asgi.py` in its folder or above names, else a `settings.py`
    next to it."""
    place = _settings_place(urls)
    if place is None:
        return Settings(None, None)
    middleware = _setting(place, "MIDDLEWARE", 0)
    permissions = _setting(place, "permissions", 0)
    return Settings(_middleware_verdict(middleware, place, trust), permissions, place is urls or _is_root(urls, place))


def _is_root(urls: Place, settings: Place) -> bool:
    """Whether ROOT_URLCONF names the urls module (resolved from the settings module, as
    Django imports it)."""
    named = _root_urlconf(settings, 0)
    found = settings.index.roots.find(named, settings.path) if named and settings.index is not None else None
    return found is not None and not found[1] and found[0].absolute() == urls.path.absolute()


def _root_urlconf(place: Place, depth: int) -> str | None:
    facts = place.facts["settings"]
    if "root_urlconf" in facts or depth >= _MAX_DEPTH or place.index is None:
        return facts.get("root_urlconf")
    for star in place.stars:
        found = place.index.roots.find(star, place.path)
        other = at(found[0], place.index) if found is not None and not found[1] else None
        if other is not None:
            return _root_urlconf(other, depth + 1)
    return None


def _settings_place(urls: Place) -> Place | None:
    own = urls.facts["settings"]
    if "MIDDLEWARE" in own or own.get("configure"):
        return urls
    index = urls.index
    if index is None:
        return None
    named = own.get("settings_module")  # a script that sets DJANGO_SETTINGS_MODULE itself
    found = index.roots.find(named, urls.path) if named else None
    if found is not None and not found[1]:
        return at(found[0], index)
    folder = urls.path.parent
    for _ in range(_LEVELS):
        for launcher in _LAUNCHERS:
            path = folder / launcher
            facts = at(path, index)  # consulted even when missing: the cache sees it appear
            named = facts.facts["settings"].get("settings_module") if facts is not None else None
            found = index.roots.find(named, path) if named else None
            if found is not None and not found[1]:
                return at(found[0], index)
        if folder.parent == folder:
            break
        folder = folder.parent
    sibling = urls.path.parent / "settings.py"
    return at(sibling, index)  # None when missing, and consulted: a settings.py made later re-checks


def _setting(place: Place, key: str, depth: int) -> list[str] | None:
    """A list setting as the module leaves it: assigned here or in a module it star-imports
    (Django's default, empty, when none assigns it), plus the entries added here."""
    facts = place.facts["settings"]
    added = facts.get(key + "+", [])
    if key in facts:
        base = facts[key]
    elif not place.stars:
        base = []
    else:
        base = None
        for star in place.stars if depth < _MAX_DEPTH and place.index is not None else ():
            found = place.index.roots.find(star, place.path)
            other = at(found[0], place.index) if found is not None and not found[1] else None
            if other is not None:
                base = _setting(other, key, depth + 1)
                break
    return None if base is None else [*base, *added]


def _middleware_verdict(entries: list[str] | None, place: Place, trust: Trust) -> bool | None:
    if entries is None:
        return None
    results: list[bool | None] = []
    for entry in entries:
        if entry in cat.AUTH_ENFORCING_MIDDLEWARE:
            results.append(True)
        elif entry.startswith(cat.NON_AUTH_MIDDLEWARE_PACKAGES):
            results.append(False)
        else:
            results.append(_project_middleware(entry, place, trust))
    return _any(results)


def _project_middleware(entry: str, place: Place, trust: Trust) -> bool | None:
    found = place.other(entry) if entry != "?" else None
    if found is None:
        return None  # an installed package outside the catalogue
    other, kind, name = found
    if kind == "function":  # a middleware factory: its inner function runs per request
        function = other.function(name)
        return function_checks(function, other, trust) if function is not None else None
    info = other.cls(name)
    if info is None:
        return None
    methods = [info["methods"][m] for m in _MIDDLEWARE_METHODS if m in info["methods"]]
    return any(function_checks(m, other, trust) for m in methods)


def _permission_verdict(classes: list[str] | None, place: Place) -> bool | None:
    """REST framework permission classes: True when one requires a user, False when all
    let anyone in (none, or AllowAny), None for a project or package class."""
    if classes is None:
        return None
    results: list[bool | None] = []
    for name in classes:
        bare = name.lstrip("#").rpartition(".")[2]
        results.append(True if bare in cat.DRF_AUTH_PERMISSIONS else False if bare in cat.DRF_OPEN_PERMISSIONS else None)
    return _any(results)


# ------------------------------------------------------------------ views


@dataclass
class ClassView:
    level: list[bool | None] = field(default_factory=list)  # what authenticates every method
    methods: dict[str, list[bool | None]] = field(default_factory=dict)  # HTTP method -> its own checks
    writes: dict[str, str] = field(default_factory=dict)
    implied: set[str] = field(default_factory=set)  # methods a library base handles
    drf: bool = False
    permission: Any = "-"  # "-": not set in the class or its bases
    open_by_design: bool = False  # @method_decorator(login_not_required)


def decide_view(entry: Entry, urls: Place, settings: Settings, trust: Trust) -> Verdict:
    found = urls.other(entry.view)
    if found is None or found[1] != entry.kind:
        return Verdict("unknown")  # a view the model cannot see
    place, kind, name = found
    results = [decorator_checks(w, urls, trust) for w in entry.wrappers]
    if kind == "function":
        return _function_view(entry, place, name, results, settings, trust)
    view = _class_view(place, name, trust, 0)
    if view is None:
        return Verdict("unknown")
    results += view.level
    if not view.open_by_design:
        results.append(settings.middleware)
    if view.drf:
        permission = view.permission if view.permission != "-" else settings.permissions
        results.append(_permission_verdict(permission, place))
    where = place.path
    verdict = _any(results)
    if verdict is not False:
        return Verdict("auth" if verdict else "unknown", where=where)
    served = _served(view, entry.methods)
    if any(None in view.methods.get(m, []) for m in served):
        return Verdict("unknown", where=where)
    open_methods = tuple(m for m in served if True not in view.methods.get(m, []))
    if not open_methods:
        return Verdict("auth", where=where)
    effect = next((view.writes[m] for m in open_methods if m in view.writes), None)
    return Verdict("open", open_methods, effect, where)


def _served(view: ClassView, mapping: tuple[str, ...] | None) -> list[str]:
    if mapping is not None:
        return list(mapping)
    return sorted(set(view.methods) | view.implied)


def _function_view(entry: Entry, place: Place, name: str, results: list[bool | None], settings: Settings, trust: Trust) -> Verdict:
    function = place.function(name)
    if function is None:
        return Verdict("unknown")
    decorators = function["decorators"]
    names = [d[0] for d in decorators]
    results += [decorator_checks(d, place, trust) for d in decorators if d[0] != cat.DRF_PERMISSION_DECORATOR]
    results.append(function_checks(function, place, trust))
    if cat.DJANGO_LOGIN_NOT_REQUIRED not in names:
        results.append(settings.middleware)
    if "rest_framework.decorators.api_view" in names:
        declared = next((d[2] for d in decorators if d[0] == cat.DRF_PERMISSION_DECORATOR), None)
        results.append(_permission_verdict(declared if declared is not None else settings.permissions, place))
    verdict = _any(results)
    where = place.path
    if verdict is not False:
        return Verdict("auth" if verdict else "unknown", where=where)
    return Verdict("open", _declared_methods(decorators), function["writes"], where)


def _declared_methods(decorators: list[list[Any]]) -> tuple[str, ...] | None:
    """The methods a view's decorators leave (`@require_POST`, `@api_view(["POST"])`); None
    when they do not restrict them."""
    for qualname, called, args in decorators:
        if qualname in cat.DJANGO_METHOD_DECORATORS:
            return cat.DJANGO_METHOD_DECORATORS[qualname]
        if qualname in cat.DJANGO_METHODS_FROM_ARGS and called:
            values = [a.partition("=")[2] if a.startswith(_METHOD_KEYWORDS) else a for a in args]
            methods = tuple(a[1:].upper() for a in values if a.startswith("'"))
            return methods or (("GET",) if qualname.endswith("api_view") else None)
    return None


def _class_view(place: Place, dotted: str, trust: Trust, depth: int) -> ClassView | None:
    """What a class view and its bases say, nearest class first; None when a base cannot be
    seen (a package's class outside the catalogue)."""
    info = place.cls(dotted)
    if info is None or depth > _MAX_DEPTH:
        return None
    view = ClassView()
    for decorator in info["decorators"]:
        _method_decorator(decorator, place, view, trust)
    if info["permission_classes"] != "-":
        view.permission = info["permission_classes"]
    for name, method in info["methods"].items():
        own = [decorator_checks(d, place, trust) for d in method["decorators"]] + [function_checks(method, place, trust)]
        if any(d[0] == cat.DJANGO_METHOD_DECORATOR and cat.DJANGO_LOGIN_NOT_REQUIRED in d[2] for d in method["decorators"]):
            view.open_by_design = True
        http = cat.VIEWSET_ACTIONS.get(name) or (name.upper() if name in cat.HTTP_METHODS else None)
        if name == "dispatch":
            view.level += own
        elif name in _OVERRIDES:
            view.level.append(None)
        elif http is not None:
            view.methods.setdefault(http, []).extend(own)
            if method["writes"]:
                view.writes.setdefault(http, method["writes"])
    for base in info["bases"]:
        if not _add_base(base, place, view, trust, depth):
            return None
    return view


def _method_decorator(fact: list[Any], place: Place, view: ClassView, trust: Trust) -> None:
    """`@method_decorator(login_required, name="dispatch")` on the class: every method, or
    the one it names."""
    verdict = decorator_checks(fact, place, trust)
    if fact[0] == cat.DJANGO_METHOD_DECORATOR and cat.DJANGO_LOGIN_NOT_REQUIRED in fact[2]:
        view.open_by_design = True
    named = [a.removeprefix("name='") for a in fact[2] if a.startswith("name='")]
    if not named or named[0] == "dispatch":
        view.level.append(verdict)
    else:
        http = cat.VIEWSET_ACTIONS.get(named[0]) or named[0].upper()
        view.methods.setdefault(http, []).append(verdict)


def _add_base(base: str, place: Place, view: ClassView, trust: Trust, depth: int) -> bool:
    """Merge what a base class says into `view` (the subclass's own entries win); False
    when the base cannot be seen."""
    bare = base.lstrip("#").rpartition(".")[2]
    if bare in cat.TRUSTED_MIXINS:
        view.level.append(True)
        return True
    if base in cat.DJANGO_VIEW_BASES:
        view.implied.update(cat.DJANGO_VIEW_BASES[base])
        view.drf = view.drf or base.startswith("rest_framework.")
        return True
    if base.startswith(("django.", "rest_framework.")) or base == "object":
        view.drf = view.drf or base.startswith("rest_framework.")
        return True  # their other classes (mixins of messages, forms) do not authenticate
    found = place.other(base)
    if found is None or found[1] != "class":
        return False
    inherited = _class_view(found[0], found[2], trust, depth + 1)
    if inherited is None:
        return False
    view.level += inherited.level
    for method, checks in inherited.methods.items():
        view.methods.setdefault(method, checks)
    for method, effect in inherited.writes.items():
        view.writes.setdefault(method, effect)
    view.implied |= inherited.implied
    view.drf = view.drf or inherited.drf
    view.open_by_design = view.open_by_design or inherited.open_by_design
    if view.permission == "-":
        view.permission = inherited.permission
    return True
