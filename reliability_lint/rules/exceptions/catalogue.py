"""What the exceptions family knows: which handlers are broad, which calls report an error,
and the family's options."""

from __future__ import annotations

import ast

from reliability_lint.registry import Option, options

BROAD = frozenset({"Exception", "BaseException"})
# Calls that surface an error as surely as a log line does.
_REPORTING_CALLS = frozenset(
    {
        "print",
        "warnings.warn",
        "traceback.print_exc",
        "traceback.print_exception",
        "sys.exit",
        "sentry_sdk.capture_exception",
        "capture_exception",
    }
)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)

options("exceptions", Option("include-specific", bool, False))
