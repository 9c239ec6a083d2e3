"""The auth decision for what another project module defines, read from its auth facts in
the project index (semantic/auth_facts.py) rather than from its source: every module read
is consulted, so the content cache re-checks a route when the module that decides it
changes. The same judgements are made of the checked file's own facts (`own_facts`), for
Django views defined next to their `urlpatterns`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.credentials import Trust
from reliability_lint.semantic import auth_facts
from reliability_lint.semantic.feed import feed
from reliability_lint.semantic.scopes import Bindings

_MAX_DEPTH = 6
Facts = dict[str, Any]


class Place:
    """A module's auth facts and where they come from."""

    def __init__(self, path: Path, facts: Facts, index: Any, stars: list[str] | None = None) -> None:
        self.path, self.facts, self.index, self.stars = path, facts, index, stars or []

    def function(self, name: str) -> Facts | None:
        return self.facts["functions"].get(name)

    def cls(self, dotted: str) -> Facts | None:
        return self.facts["classes"].get(dotted)

    def other(self, qualname: str) -> tuple[Place, str, str] | None:
        """(the module, "function" or "class", the name there) of a qualified name read
        here: `#name` is this module's own, anything else goes through the index."""
        if qualname.startswith("#"):
            name = qualname[1:]
            if name in self.facts["functions"]:
                return self, "function", name
            if name in self.facts["classes"]:
                return self, "class", name
            return None
        if self.index is None or "()" in qualname or qualname == "?":
            return None
        found = self.index.locate(qualname, str(self.path))
        if found is None:
            return None
        path, kind, name = found
        place = at(path, self.index)
        return (place, kind, name) if place is not None else None


def at(path: Path, index: Any) -> Place | None:
    facts = index.auth_facts(path) if index is not None else None
    if facts is None:
        return None
    summary = index.summary(path)
    return Place(path, facts, index, list(summary.get("stars", [])) if summary else [])


def own_facts(ctx: CheckContext) -> tuple[Place, auth_facts.Qualify]:
    """The checked file's own facts (made from its tree, also without a project index)."""
    found = ctx.state.get("auth-facts")
    if found is None:
        project = ctx.project
        path = ctx.source.path.absolute()
        bindings = Bindings(project.package_of(path) if project is not None else "")
        feed(bindings, ctx.source.tree)
        place = Place(path, auth_facts.facts(bindings, ctx.source.tree), project, list(bindings.star_imports))
        found = ctx.state["auth-facts"] = (place, auth_facts.qualifier(bindings))
    return found


def callable_checks(qualname: str, origin: str, index: Any, trust: Trust, depth: int = 0) -> bool | None:
    """Whether the project function `qualname` (as imported in `origin`) checks credentials;
    None when it is not a project function the index can read."""
    found = index.locate(qualname, origin)
    if found is None or found[1] != "function":
        return None
    place = at(found[0], index)
    function = place.function(found[2]) if place is not None else None
    return function_checks(function, place, trust, depth) if function is not None and place is not None else None


def function_checks(function: Facts, place: Place, trust: Trust, depth: int = 0) -> bool:
    """A function's body checks, it declares a security dependency, or it calls or depends
    on a project function that does."""
    if function["checks"] or function["security"]:
        return True
    for dependency in function["depends"]:
        if dependency_trusted(dependency, trust) or follow(dependency, place, trust, depth) is True:
            return True
    return any(follow(call, place, trust, depth) is True for call in function["calls"])


def follow(qualname: str, place: Place, trust: Trust, depth: int) -> bool | None:
    if depth > _MAX_DEPTH:
        return None
    found = place.other(qualname)
    if found is None or found[1] != "function":
        return None
    other, _, name = found
    function = other.function(name)
    return function_checks(function, other, trust, depth + 1) if function is not None else None


def dependency_trusted(dependency: str, trust: Trust) -> bool:
    if dependency.endswith("()") and dependency[:-2] in cat.SECURITY_SCHEMES:
        return True
    name = dependency.lstrip("#")
    return trust.trusts(name, trust.dependencies) or trust.trusts(name, trust.decorators)


def decorator_checks(fact: list[Any], place: Place, trust: Trust, depth: int = 0) -> bool | None:
    """Whether a decorator fact (`[qualified name, called?, arguments]`) authenticates."""
    qualname = fact[0]
    if qualname == "?":
        return None
    name = qualname.lstrip("#")
    if trust.trusts(name, trust.decorators):
        return True
    receiver, _, method = name.rpartition(".")
    if receiver.endswith("()") and receiver[:-2] in cat.HTTPAUTH_CLASSES:
        return method in cat.HTTPAUTH_METHODS or None
    if name in cat.NON_AUTH_DECORATORS or name in cat.DJANGO_NON_AUTH_DECORATORS:
        return False
    if receiver and method in cat.NON_AUTH_METHODS:
        return False
    if name == cat.DJANGO_METHOD_DECORATOR:  # method_decorator(login_required, name=...)
        inner = [a.removeprefix("decorator=") for a in fact[2] if not a.startswith("name=")][:1]
        return decorator_checks([inner[0], False, []], place, trust, depth) if inner else None
    return follow(qualname, place, trust, depth)
