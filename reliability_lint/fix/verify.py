"""Verification of a fixed text: it must still parse."""

from __future__ import annotations

import ast
from pathlib import Path


def parses(text: str, path: Path) -> bool:
    try:
        ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
