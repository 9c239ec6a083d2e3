"""What one finding's fix changes, as the hunks of a unified diff (for `--show-fixes`).

Computed in the worker, where the file's text and its sensitive values are known, so that
the preview is redacted like every other text that leaves it.

The diff is made of the lines around the edits only (a window per group of edits close
enough to share a hunk), not of the whole file: the JSON and SARIF runs make a preview for
every fix, and a whole-file diff per fix cost a tenth of such a run.
"""

from __future__ import annotations

import difflib
import re

from reliability_lint.findings import Edit
from reliability_lint.source import SourceFile

CONTEXT_LINES = 1
# Lines kept around a window beyond the context: a window's unchanged edges are trimmed by
# difflib as in a whole-file diff, and two groups closer than this share one window.
_MARGIN = CONTEXT_LINES + 2
_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def preview(src: SourceFile, edits: tuple[Edit, ...]) -> str:
    """The hunks (from `@@`, no file header) that applying `edits` alone makes, or ""."""
    if not edits:
        return ""
    text = src.text
    last_line = len(src.line_starts)
    windows: list[tuple[int, int, list[Edit]]] = []  # (first line, last line, edits), 1-based
    for edit in sorted(edits):
        first, last = max(1, edit.start[0] - _MARGIN), min(last_line, edit.end[0] + _MARGIN)
        if windows and first <= windows[-1][1] + 1:
            windows[-1] = (windows[-1][0], max(last, windows[-1][1]), [*windows[-1][2], edit])
        else:
            windows.append((first, last, [edit]))
    hunks: list[str] = []
    shift = 0  # lines the earlier windows added
    for first, last, group in windows:
        start = src.line_starts[first - 1]
        end = src.line_starts[last] if last < last_line else len(text)
        pieces, at = [], start
        for edit in group:
            pieces += [text[at : src.offset(*edit.start)], edit.content]
            at = src.offset(*edit.end)
        old, new = text[start:end], "".join([*pieces, text[at:end]])
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        # the lines before the window as splitlines counts them (form feeds too)
        before = first - 1 if src.breaks_only_at_newlines else len(text[:start].splitlines())
        for line in list(difflib.unified_diff(old_lines, new_lines, n=CONTEXT_LINES))[2:]:
            match = _HUNK.match(line)
            if match:
                old_start, old_len, new_start, new_len = match.groups()
                line = f"@@ -{int(old_start) + before}{old_len} +{int(new_start) + before + shift}{new_len} @@\n"
            hunks.append(line if line.endswith(("\n", "\r")) else line + "\n")
        shift += len(new_lines) - len(old_lines)
    return "".join(hunks)
