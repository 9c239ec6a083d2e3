"""The names a module logs through: its `logging` aliases and module-level loggers (read by
REL102 to tell a logged error, and by its fix to pick the logger)."""

from __future__ import annotations

import ast

from reliability_lint.analysis import CheckContext
from reliability_lint.rules._names import dotted_name


def _module_loggers(ctx: CheckContext) -> dict[str, int]:
    """Module-level names bound to logging.getLogger(...), with the line that binds them."""
    loggers = ctx.state.get("loggers")
    if loggers is None:
        loggers = ctx.state["loggers"] = {}
        logging_names = _logging_aliases(ctx)
        for statement in ctx.source.tree.body:
            value = getattr(statement, "value", None)
            if not isinstance(statement, (ast.Assign, ast.AnnAssign)) or not isinstance(value, ast.Call):
                continue
            called = dotted_name(value.func)
            module, _, function = called.rpartition(".")
            if function != "getLogger" or (module and module not in logging_names["module"]):
                continue
            if not module and "getLogger" not in logging_names["functions"]:
                continue
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    loggers.setdefault(target.id, statement.lineno)
    return loggers


def _logging_aliases(ctx: CheckContext) -> dict[str, set[str]]:
    cached = ctx.state.get("logging-aliases")
    if cached is not None:
        return cached
    aliases: dict[str, set[str]] = {"module": set(), "functions": set()}
    ctx.state["logging-aliases"] = aliases
    for statement in ctx.source.tree.body:
        if isinstance(statement, ast.Import):  # `import logging.handlers` binds `logging` too
            aliases["module"] |= {
                a.asname or "logging"
                for a in statement.names
                if a.name == "logging" or (a.name.startswith("logging.") and not a.asname)
            }
        elif isinstance(statement, ast.ImportFrom) and statement.module == "logging":
            aliases["functions"] |= {a.asname or a.name for a in statement.names if a.name == "getLogger"}
    return aliases
