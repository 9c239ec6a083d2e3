"""A module's summary: what other modules can learn from it, as plain JSON.

    names:   name -> ["value", T] | ["function", is_async, T, reports] | ["class", dotted] | ["alias", qualname]
             (reports: whether the function's body raises or logs at error level, see reporting.py)
    classes: dotted -> {"bases": [...], "attributes": {name: T}, "methods": {name: [is_async, T]},
                        "members": [every name the class body or `self.x = ...` defines]}
    stars:   modules re-exported with `from x import *`
    auth:    what the auth rules read of the module (see auth_facts.py); only in summaries
             made from a tree (`summarize(..., tree=...)`, as the index does)

Types are the model's, made from the module alone: whatever another module decides stays a
`Ref` (see types.py), resolved by the index when a summary is read.
"""

from __future__ import annotations

import ast
from typing import Any

from reliability_lint.semantic import auth_facts
from reliability_lint.semantic.model import Module, _is_property
from reliability_lint.semantic.reporting import reports_errors
from reliability_lint.semantic.scopes import FUNCTIONS, Binding, ClassInfo, Scope, plain_name
from reliability_lint.semantic.types import UNKNOWN, ProjectClass, Ref, to_json

Summary = dict[str, Any]


def summarize(module: Module, path: str, tree: ast.Module | None = None) -> Summary:
    """The summary of a module whose walk is over (built with `defer=True`, no project);
    with the module's tree, also its auth facts."""
    assert module.defer and module.project is None
    module.finish()

    def export(value: Any) -> Any:
        return to_json(_exportable(value, path))

    names: dict[str, Any] = {}
    for name, bindings in module.root.bindings.items():
        names[name] = _entry(module, bindings, export)
    classes = {info.dotted: _class(module, info, export) for info in module.classes if _is_exported(info)}
    summary = {"names": names, "classes": classes, "stars": list(module.star_imports)}
    if tree is not None:
        summary["auth"] = auth_facts.facts(module, tree)
    return summary


def _entry(module: Module, bindings: list[Binding], export: Any) -> list[Any]:
    qualnames = {b.qualname for b in bindings if b.kind == "import"}
    if len(qualnames) == 1 and all(b.kind == "import" for b in bindings):
        return ["alias", qualnames.pop()]
    if len(bindings) == 1 and bindings[0].kind == "function":
        function = bindings[0].node
        is_async = isinstance(function, ast.AsyncFunctionDef)
        return ["function", is_async, export(module.returns_of(bindings[0], awaited=True)), reports_errors(function)]
    if len(bindings) == 1 and bindings[0].kind == "class":
        info = bindings[0].node
        assert isinstance(info, ClassInfo)
        return ["class", info.dotted]
    return ["value", export(module._binding_types(bindings))]


def _is_exported(info: ClassInfo) -> bool:
    """Classes at module level, or nested in such classes (not local to a function)."""
    scope: Scope | None = info.scope.parent
    while scope is not None and scope.kind == "class":
        scope = scope.parent
    return scope is not None and scope.kind == "module"


def _class(module: Module, info: ClassInfo, export: Any) -> dict[str, Any]:
    outer = info.scope.parent or module.root
    bases: list[list[str]] = []
    for base in info.node.bases:
        local = module.class_of(base, outer)
        qualname = module.qualname(base, outer)
        if local is not None:
            bases.append(["local", local.dotted])
        elif qualname:
            bases.append(["import", qualname])
        elif isinstance(base, ast.Name) and base.id in ("object", "Exception", "BaseException"):
            continue
        else:
            bases.append(["unknown", plain_name(base)])
    attributes: dict[str, Any] = {}
    methods: dict[str, Any] = {}
    for name in info.attributes:
        attributes[name] = export(module.attribute_type(info, name) or UNKNOWN)
    for name, bindings in info.scope.bindings.items():
        member = bindings[-1]
        if member.kind != "function" or not isinstance(member.node, FUNCTIONS):
            continue
        if _is_property(member.node):
            attributes[name] = export(module.returns_of(member))
        else:
            is_async = isinstance(member.node, ast.AsyncFunctionDef)
            methods[name] = [is_async, export(module.returns_of(member, awaited=True))]
    members = sorted(set(info.scope.bindings) | set(info.attributes))
    return {"bases": bases, "attributes": attributes, "methods": methods, "members": members}


def _exportable(value: Any, path: str) -> Any:
    """A local class becomes a reference to it by file and dotted name."""
    if isinstance(value, ClassInfo):
        return ProjectClass(path, value.dotted)
    if isinstance(value, tuple):
        return ("list", _exportable(value[1], path))
    if isinstance(value, Ref):
        return value  # targets are qualified names or other Refs, never local classes
    return value
