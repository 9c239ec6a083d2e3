"""Names of ast expressions, shared by the semantic model and the rule families."""

from __future__ import annotations

import ast


def dotted_name(node: ast.AST) -> str:
    """`a.b.c` for an attribute chain; a call in the chain shows as `()`
    (`logging.getLogger().error`); "" for anything else (subscripts, literals)."""
    parts = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            parts.append("()")
            node = node.func
        else:
            break
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts)).replace(".()", "()")
