"""Calls recorded during the walk and resolved after it, through a semantic model built
only for the files that have a candidate call (the wait rules outside timeouts.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.rules._handlers import enclosing_function, scope_of
from reliability_lint.semantic.feed import feed
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope
from reliability_lint.semantic.types import Library


@dataclass
class Candidates:
    calls: list[tuple[ast.AST, ast.AST | None, ast.stmt | None]] = field(default_factory=list)


def record(
    ctx: CheckContext, key: str, node: ast.AST, finish: Callable[[CheckContext, Module, list[Any]], None],
    library: Callable[[], Library],
) -> None:
    """Keep `node` for `finish(ctx, module, [(call, scope, statement)])`, run after the walk."""
    found: Candidates | None = ctx.state.get(key)
    if found is None:
        found = ctx.state[key] = Candidates()
        ctx.at_end(lambda: _finish(ctx, found, finish, library))  # type: ignore[arg-type]
    statement = node if isinstance(node, ast.stmt) else next((a for a in reversed(ctx.ancestors) if isinstance(a, ast.stmt)), None)
    found.calls.append((node, enclosing_scope_node(ctx.ancestors), statement))


def enclosing_scope_node(ancestors: list[ast.AST]) -> ast.AST | None:
    for node in reversed(ancestors):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return node
        if isinstance(node, ast.ClassDef):
            return enclosing_function(ancestors[: ancestors.index(node)])
    return None


def _finish(ctx: CheckContext, found: Candidates, finish: Callable[..., None], library: Callable[[], Library]) -> None:
    module = model_for(ctx, library())
    calls = [(call, _scope(module, function), statement) for call, function, statement in found.calls]
    finish(ctx, module, calls)


def _scope(module: Module, function: ast.AST | None) -> Scope:
    return scope_of(module, function)


def model_for(ctx: CheckContext, library: Library) -> Module:
    """The file's model for `library`, built once per file and library."""
    models: dict[int, Module] = ctx.state.setdefault("lazy-models", {})
    module = models.get(id(library))
    if module is None:
        project = ctx.project
        path = ctx.source.path.absolute()
        package = project.package_of(path) if project is not None else ""
        module = models[id(library)] = Module(library, project=project, origin=str(path), package=package)
        feed(module, ctx.source.tree)
    return module
