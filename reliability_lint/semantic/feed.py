"""Feeding a module's bindings from a tree outside the shared walk (for summaries of
modules that are imported but not checked in this run)."""

from __future__ import annotations

import ast

from reliability_lint.semantic.scopes import BINDING_NODES, Bindings


def feed(bindings: Bindings, tree: ast.Module) -> None:
    """Hand every binding node to `bindings` in the shared walk's order (pre-order, source
    order), with the same ancestors list it would see."""
    ancestors: list[ast.AST] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        del ancestors[depth:]
        if isinstance(node, BINDING_NODES):
            bindings.visit(node, ancestors)
        ancestors.append(node)
        children = [child for child in ast.iter_child_nodes(node) if not isinstance(child, (ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop))]
        stack.extend((child, depth + 1) for child in reversed(children))
    bindings.finish()
