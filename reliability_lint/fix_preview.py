"""What one finding's fix changes, as the hunks of a unified diff (for `--show-fixes`).

Computed in the worker, where the file's text and its sensitive values are known, so that
the preview is redacted like every other text that leaves it.
"""

from __future__ import annotations

import difflib

from reliability_lint.fix import apply_edits
from reliability_lint.findings import Edit
from reliability_lint.source import SourceFile

CONTEXT_LINES = 1


def preview(src: SourceFile, edits: tuple[Edit, ...]) -> str:
    """The hunks (from `@@`, no file header) that applying `edits` alone makes, or ""."""
    if not edits:
        return ""
    old = src.text.splitlines(keepends=True)
    new = apply_edits(src, list(edits)).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, n=CONTEXT_LINES))[2:]  # drop ---/+++
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)
