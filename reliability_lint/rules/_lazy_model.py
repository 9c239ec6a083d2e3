"""Calls recorded during the walk and resolved after it, through a semantic model built
only for the files that have a candidate call (the wait rules outside timeouts.py)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.semantic.feed import feed
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope


@dataclass
class Candidates:
    calls: list[tuple[ast.AST, ast.AST | None, ast.stmt | None]] = field(default_factory=list)


def record(ctx: CheckContext, key: str, node: ast.AST, finish: Callable[[CheckContext, Module, list[Any]], None]) -> None:
    """Keep `node` for `finish(ctx, module, [(call, scope, statement)])`, run after the walk."""
    found: Candidates | None = ctx.state.get(key)
    if found is None:
        found = ctx.state[key] = Candidates()
        ctx.at_end(lambda: _finish(ctx, found, finish))
    statement = node if isinstance(node, ast.stmt) else next((a for a in reversed(ctx.ancestors) if isinstance(a, ast.stmt)), None)
    found.calls.append((node, enclosing_scope_node(ctx.ancestors), statement))


def enclosing_scope_node(ancestors: list[ast.AST]) -> ast.AST | None:
    for node in reversed(ancestors):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return node
        if isinstance(node, ast.ClassDef):
            from reliability_lint.rules.exceptions.handlers import enclosing_function  # the two families share it

            return enclosing_function(ancestors[: ancestors.index(node)])
    return None


def _finish(ctx: CheckContext, found: Candidates, finish: Callable[..., None]) -> None:
    module = model_for(ctx)
    calls = [(call, _scope(module, function), statement) for call, function, statement in found.calls]
    finish(ctx, module, calls)


def _scope(module: Module, function: ast.AST | None) -> Scope:
    from reliability_lint.rules.exceptions.handlers import scope_of

    return scope_of(module, function)


def model_for(ctx: CheckContext) -> Module:
    """The file's model, with the timeouts family's library (which holds `SHARED_TYPES`):
    the one the timeouts checker fed during the walk when it ran on this file, else one
    fed now, once per file."""
    from reliability_lint.rules.timeouts import catalogue as timeouts

    module: Module | None = ctx.state.get("shared-model")
    if module is not None:
        return module
    walked = ctx.state.get(timeouts.FAMILY)
    if walked:
        module = walked.module
        module.finish()
    else:
        library = timeouts._setup(ctx.options[timeouts.FAMILY]["extra-calls"])[1]
        project = ctx.project
        path = ctx.source.path.absolute()
        package = project.package_of(path) if project is not None else ""
        module = Module(library, project=project, origin=str(path), package=package)
        ctx.source.on_release(module.release)
        feed(module, ctx.source.tree)
    ctx.state["shared-model"] = module
    return module
