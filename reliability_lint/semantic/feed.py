"""Feeding a module's bindings from a tree outside the shared walk (for summaries of
modules that are imported but not checked in this run)."""

from __future__ import annotations

import ast

from reliability_lint.ast_fields import CHILD_FIELDS, LEAVES, child_fields_of
from reliability_lint.semantic.scopes import BINDING_NODES, Bindings


def feed(bindings: Bindings, tree: ast.Module) -> None:
    """Hand every binding node to `bindings` in the shared walk's order (pre-order, source
    order), with the same ancestors list it would see."""
    ancestors: list[ast.AST] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    AST, binding_nodes = ast.AST, frozenset(BINDING_NODES)
    leaves = LEAVES - binding_nodes  # `global x` binds
    while stack:
        node, depth = stack.pop()
        del ancestors[depth:]
        node_type = type(node)
        if node_type in binding_nodes:
            bindings.visit(node, ancestors)
        ancestors.append(node)
        depth += 1
        for name in reversed(CHILD_FIELDS.get(node_type) or child_fields_of(node_type)):
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend((item, depth) for item in reversed(value) if isinstance(item, AST) and type(item) not in leaves)
            elif isinstance(value, AST) and type(value) not in leaves:
                stack.append((value, depth))
    bindings.finish()
