"""The library class behind a project's own class, and the adapters mounted on requests
sessions: what decides whether `MySession().get(url)` or `session.get(url)` after
`session.mount(...)` can wait forever (REL204, and the other method checks).

A project class counts as the library class it derives from only where no class between
the two defines the method called, nor any of the hooks every call of that library goes
through (requests: `request`, `send`, `mount`, `get_adapter`, and an `__init__` that
mounts adapters): an override may set a default timeout, so it makes the call unknown.

An adapter mounted on a session bounds its requests where its class overrides `send` (the
usual `TimeoutHTTPAdapter` that sets a default `timeout`) or where its class is not known;
a plain `requests.adapters.HTTPAdapter(max_retries=...)` bounds nothing.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from reliability_lint.rules.timeouts.catalogue import SESSION, SHARED_TYPES
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import ClassInfo, Scope, start
from reliability_lint.semantic.types import UNKNOWN, Library, ProjectClass, Ref, Type

ADAPTER = "requests.adapters.HTTPAdapter"
ADAPTER_ALIASES = (ADAPTER, "requests.HTTPAdapter")
# The methods every call of a library class goes through: overriding one may bound them all.
HOOKS = {SESSION: frozenset({"request", "send", "mount", "get_adapter", "merge_environment_settings"})}
_ALL_HOOKS = frozenset().union(*HOOKS.values())
_PLAIN = frozenset({"typing", "typing_extensions", "abc", "collections"})
_NO_LIBRARY = "-"  # a project class with no library base (a mixin): neither known nor unknown
_MOUNT = re.compile(r"\.mount\(")
SHARED_TYPES.append(Library({a: ADAPTER for a in ADAPTER_ALIASES}, {a: ADAPTER for a in ADAPTER_ALIASES}, {}, frozenset()))


def library_class(module: Module, receiver: Type, method: str, wanted: frozenset[str]) -> Type:
    """The class of `wanted` that the project class `receiver` derives from, when calling
    `method` on it reaches that class's own method; UNKNOWN otherwise."""
    found = _walk(module, receiver, method, wanted, frozenset())
    return found if found in wanted else UNKNOWN


def _walk(module: Module, owner: Type, method: str, wanted: frozenset[str], seen: frozenset[int]) -> Type:
    if isinstance(owner, ClassInfo):
        if id(owner) in seen:
            return UNKNOWN
        return _local(module, owner, method, wanted, seen | {id(owner)})
    if isinstance(owner, ProjectClass):
        return _remote(module, owner, method, wanted, seen)
    return UNKNOWN


def _remote(module: Module, owner: ProjectClass, method: str, wanted: frozenset[str], seen: frozenset[int]) -> Type:
    """A class of another module, from its summary; a module whose text mounts adapters
    (in an `__init__` the summary does not show) leaves its classes unknown."""
    key = hash(owner)
    bases_of = getattr(module.project, "class_bases", None)
    facts = bases_of(owner, module.library) if bases_of is not None and key not in seen else None
    if facts is None or mounts_elsewhere([owner.path], getattr(module.project, "overlay", None)):
        return UNKNOWN
    bases, members = facts
    found = [
        _remote(module, base, method, wanted, seen | {key}) if isinstance(base, ProjectClass)
        else (base if base in wanted else UNKNOWN)
        for base in bases
    ]  # fmt: skip
    return _decide(found, set(members), method)


def _overriding(library: str, method: str) -> frozenset[str]:
    return frozenset({method, *HOOKS.get(library, ())})


def _local(module: Module, info: ClassInfo, method: str, wanted: frozenset[str], seen: frozenset[int]) -> Type:
    members = set(info.scope.bindings) | set(info.attributes)
    if _mounts(info.node):
        return UNKNOWN
    scope = info.scope.parent or module.root
    found: list[Type] = []
    for base in info.node.bases:
        local = module.class_of(base, scope)
        if local is not None:
            found.append(_local(module, local, method, wanted, seen | {id(local)}) if id(local) not in seen else UNKNOWN)
            continue
        if isinstance(base, ast.Name) and base.id == "object":
            continue
        qualname = module.qualname(base, scope)
        if qualname.partition(".")[0] in _PLAIN:
            continue
        library = module.library.classes.get(qualname, "") if qualname else ""
        if library:
            found.append(library if library in wanted else UNKNOWN)
            continue
        owner = module.external(Ref("instance", qualname)) if qualname else UNKNOWN
        found.append(_walk(module, owner, method, wanted, seen) if isinstance(owner, ProjectClass) else UNKNOWN)
    return _decide(found, members, method)


def _decide(found: list[Type], members: set[str], method: str) -> Type:
    """The one library class the bases lead to, unless this class overrides what is called."""
    if UNKNOWN in found:
        return UNKNOWN
    libraries = {f for f in found if f != _NO_LIBRARY}
    if not libraries:  # a mixin: it must not define what any library's calls go through
        return UNKNOWN if members & _overriding("", method) | members & _ALL_HOOKS else _NO_LIBRARY
    if len(libraries) != 1:
        return UNKNOWN
    library = libraries.pop()
    return UNKNOWN if members & _overriding(str(library), method) else library


def _mounts(node: ast.ClassDef) -> bool:
    return any(
        isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) and child.func.attr == "mount"
        for child in ast.walk(node)
    )


# ---------------------------------------------------------------------- mounted adapters


def mounts_of(module: Module, calls: list[tuple[ast.Call, Scope]]) -> list[tuple[ast.Call, Scope, bool]]:
    """The module's `x.mount(prefix, adapter)` calls that may be on a requests session, each
    with whether its adapter may bound the session's requests (its class overrides `send`,
    or is not known). A mount on a value known to be something else (a web app) is left out."""
    found = []
    for call, scope in calls:
        func = call.func
        assert isinstance(func, ast.Attribute)
        target = module.type_of(func.value, scope)
        if isinstance(target, str) and target and target != SESSION:
            continue
        adapter = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "adapter"), None)
        found.append((call, scope, adapter is None or not _plain_adapter(module, adapter, scope)))
    return found


def may_be_bounded(
    module: Module, receiver: ast.expr, scope: Scope, mounts: list[tuple[ast.Call, Scope, bool]], elsewhere: Callable[[], bool]
) -> bool:
    """Whether an adapter that bounds its requests may be mounted on this session. A session
    made right here (`requests.Session().get`, or a name only ever bound to a constructor
    call) has only the mounts made on that same binding; any other may have any of the
    module's, or of the modules it came from (`elsewhere`)."""
    if isinstance(receiver, ast.Call) and _constructed(module, receiver, scope):
        return False
    if isinstance(receiver, ast.Name):
        bindings = module.lookup(receiver.id, scope, start(receiver))
        if bindings and all(
            b.kind == "value" and isinstance(b.node, ast.Call) and _constructed(module, b.node, b.scope) for b in bindings
        ):
            mine = {id(b) for b in bindings}
            for call, at, bounding in mounts:
                target = call.func.value  # type: ignore[attr-defined]
                if bounding and isinstance(target, ast.Name) and target.id == receiver.id:
                    if mine & {id(b) for b in module.lookup(target.id, at, start(target))}:
                        return True
            return False
    return any(bounding for _, _, bounding in mounts) or elsewhere()


def _constructed(module: Module, call: ast.Call, scope: Scope) -> bool:
    """A call that makes a new session: requests' constructor or factory, or a class of this module."""
    name = module.qualname(call.func, scope)
    if name:
        return module.library.constructors.get(name) == SESSION
    return isinstance(call.func, ast.Name) and module.class_of(call.func, scope) is not None


def _plain_adapter(module: Module, adapter: ast.expr, scope: Scope) -> bool:
    """An adapter known to bound nothing: requests' own HTTPAdapter, or a project subclass
    of it that overrides neither `send` nor anything it calls."""
    if isinstance(adapter, ast.Call):
        name = module.qualname(adapter.func, scope)
        if name in ADAPTER_ALIASES:
            return True
        kind = module.type_of(adapter, scope)
        if isinstance(kind, (ClassInfo, ProjectClass)):
            return library_class(module, kind, "send", frozenset({ADAPTER})) == ADAPTER
        return False
    kind = module.type_of(adapter, scope)
    if kind == ADAPTER:
        return True
    if isinstance(kind, (ClassInfo, ProjectClass)):
        return library_class(module, kind, "send", frozenset({ADAPTER})) == ADAPTER
    return False


def mounts_elsewhere(paths: list[str], overlay: Mapping[str, bytes] | None = None) -> bool:
    """Whether a module the session may have come from mounts adapters (its text says
    `.mount(`): what it mounts is not in its summary, so the session's requests are unknown.
    An editor's unsaved buffer of a module (`overlay`, as the project index reads it) is
    read instead of its file."""
    for path in paths:
        if path.startswith("<"):
            continue
        unsaved = overlay.get(str(Path(path).absolute())) if overlay else None
        if unsaved is not None:
            if _MOUNT.search(unsaved.decode("utf-8", errors="replace")):
                return True
            continue
        try:
            status = os.stat(path)
            stamp = (status.st_size, status.st_mtime_ns)
            known = _MOUNTS.get(path)
            if known is None or known[0] != stamp:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
                known = _MOUNTS[path] = (stamp, bool(_MOUNT.search(text)))
        except OSError:
            return True
        if known[1]:
            return True
    return False


_MOUNTS: dict[str, tuple[tuple[int, int], bool]] = {}
