"""Which waits bound a later download of the same job (REL201's "wait first" form): a
`.result(timeout=...)` on a name bounds what later reads the same binding; on an attribute
of a name (`self.job`), what later reads the same attribute in the same body, unless the
body assigns it in between."""

from __future__ import annotations

import ast
from typing import Any

from reliability_lint.semantic.model import Module
from reliability_lint.semantic.names import dotted_name
from reliability_lint.semantic.scopes import Binding, Pos, Scope, start


def binding_of(module: Module, name: ast.Name, scope: Scope) -> Binding | None:
    bindings = module.lookup(name.id, scope, start(name))
    return bindings[0] if len(bindings) == 1 else None


def wait_key(module: Module, receiver: ast.expr | None, scope: Scope) -> tuple[Any, ...] | None:
    """What a wait on `receiver` is remembered by: the binding of a name; for an attribute
    of a name (`self.job`), the function it is in, that name's binding and the dotted
    path, so that a wait bounds a later download of the same attribute in the same body."""
    if isinstance(receiver, ast.Name):
        binding = binding_of(module, receiver, scope)
        return (id(binding),) if binding is not None else None
    dotted = dotted_name(receiver) if isinstance(receiver, ast.Attribute) else ""
    if "." not in dotted or "(" in dotted or scope.kind not in ("function", "module"):
        return None
    root = receiver
    while isinstance(root, ast.Attribute):
        root = root.value
    binding = binding_of(module, root, scope) if isinstance(root, ast.Name) else None
    return (id(scope), id(binding), dotted) if binding is not None else None


def counts_from(module: Module, receiver: ast.expr, scope: Scope, at: Pos) -> Pos:
    """Where a wait on `receiver` starts to count for a download at `at`: a name's binding;
    an attribute's last assignment in the body before `at` (the body's start if none)."""
    if isinstance(receiver, ast.Name):
        binding = binding_of(module, receiver, scope)
        return binding.pos if binding is not None else at
    dotted = dotted_name(receiver)
    return max((pos for pos in _assignments(scope, dotted) if pos < at), default=(0, 0))


def _assignments(scope: Scope, dotted: str) -> list[Pos]:
    """Where the function binds or deletes the attribute path `dotted` (its own body, not
    the functions nested in it)."""
    found = []
    stack = list(ast.iter_child_nodes(scope.node)) if scope.node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)) and dotted_name(node) == dotted:
            found.append(start(node))
        stack.extend(ast.iter_child_nodes(node))
    return found
