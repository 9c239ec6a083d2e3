"""Verification of a fixed text: it must still parse."""

from __future__ import annotations

import ast
from pathlib import Path


def parses(text: str, path: Path) -> bool:
    """Whether fixed text is still valid: Python is re-parsed; other files (a deploy
    script's flag replaced) have no parser here and are taken as they are."""
    if path.suffix not in (".py", ".pyi"):
        return True
    try:
        ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
