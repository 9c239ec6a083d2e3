"""Which fields of an ast node can hold nodes, for the walks that visit a whole tree (the
shared walk of a check, the feeding of a module's bindings) without `ast.iter_child_nodes`,
which looks at every field of every node."""

from __future__ import annotations

import ast
from collections.abc import Iterable

# Fields never visited: expression contexts and operators (nothing to report there, and a
# third of the nodes), and the fields that hold a name, a number or a flag, never a node.
SKIPPED_FIELDS = frozenset({
    "ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind", "type_comment",
    "conversion", "simple", "is_async", "tag",
})  # fmt: skip
CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {ast.Constant: (), ast.Global: (), ast.Nonlocal: ()}
# Nodes with no child node: not even pushed where no checker asked for their type.
LEAVES = frozenset({ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.alias})


def child_fields_of(node_type: type[ast.AST]) -> tuple[str, ...]:
    fields = CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = CHILD_FIELDS[node_type] = tuple(f for f in node_type._fields if f not in SKIPPED_FIELDS)
    return fields


# The fields that hold statements (a match case's body included): all a walk for checkers of
# statements only must read, when no literal is to be recorded.
STATEMENT_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")
_STATEMENT_LEVEL = (ast.Module, ast.stmt, ast.excepthandler, ast.match_case)


def statements_only(node_types: Iterable[type[ast.AST]]) -> bool:
    """Whether every node type of `node_types` is found among statements alone."""
    return all(issubclass(t, _STATEMENT_LEVEL) for t in node_types)
