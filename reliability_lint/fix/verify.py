"""Verification of a fixed text: it must still parse."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path


def parses(text: str, path: Path) -> bool:
    """Whether fixed text is still valid: Python is re-parsed; other files (a deploy
    script's flag replaced) have no parser here and are taken as they are."""
    return parsed(text, path) is not False


def parsed(text: str, path: Path) -> ast.Module | bool:
    """The syntax tree of fixed Python text (the next round's check reuses it), False when
    it does not parse, True for a file that is not Python (taken as it is)."""
    if path.suffix not in (".py", ".pyi"):
        return True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as SourceFile.tree: legacy escapes are not ours
            return ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
