"""Edits and their application: the edits between two texts, a fix's edits computed
safely, the choice of non-overlapping fixes, and applying them to the text."""

from __future__ import annotations

import difflib
import os
from typing import TYPE_CHECKING

from reliability_lint.findings import INTERNAL_ERROR, Edit, Finding
from reliability_lint.fix.errors import FixError
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    from reliability_lint.fix.cst import FixContext

MAX_ROUNDS = 10


def text_edits(source: SourceFile, new_text: str) -> list[Edit]:
    """The smallest line-anchored edits that turn the source's text into new_text."""
    old_lines = source.text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        old_chunk, new_chunk = source.text[start:end], "".join(new_lines[j1:j2])
        prefix = len(os.path.commonprefix([old_chunk, new_chunk]))
        limit = min(len(old_chunk), len(new_chunk)) - prefix
        suffix = len(os.path.commonprefix([old_chunk[::-1], new_chunk[::-1]]))
        suffix = min(suffix, limit)
        content = new_chunk[prefix : len(new_chunk) - suffix]
        edits.append(
            Edit(
                source.position(start + prefix),
                source.position(end - suffix),
                content,
            )
        )
    return edits


def compute_edits(finding: Finding, context: FixContext) -> list[Edit]:
    assert finding.fix is not None and finding.fix.compute is not None
    try:
        return finding.fix.compute(context)
    except FixError:
        raise
    except (RecursionError, MemoryError):
        raise FixError("file too deeply nested to fix") from None
    except Exception as exc:  # a fix that crashes is a bug in it; the file stays untouched
        # The type only: an exception's text can quote the code it failed on, secrets included.
        raise FixError(f"{INTERNAL_ERROR} in the fix for {finding.code}: {type(exc).__name__}") from None


def choose_edits(planned: list[tuple[Finding, list[Edit]]]) -> tuple[list[Edit], list[Finding]]:
    """Take whole fixes in position order while they do not overlap earlier ones.

    Identical edits (the same import added by two fixes) are taken once. A fix that
    overlaps waits for the next round, when it is computed again against the new text.
    """
    taken: list[Edit] = []
    applied: list[Finding] = []
    for finding, edits in sorted(planned, key=lambda item: item[0].sort_key()):
        new = [edit for edit in edits if edit not in taken]
        if any(_overlaps(edit, other) for edit in new for other in taken):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(new) for b in new[i + 1 :]):
            continue
        taken.extend(new)
        applied.append(finding)
    return taken, applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one point: order would be a guess
    return a.start < b.end and b.start < a.end or a.start == b.start


def apply_edits(src: SourceFile, edits: list[Edit]) -> str:
    """The text with non-overlapping edits applied (callers resolve overlaps first)."""
    text = src.text
    pieces = []
    last = 0
    for edit in sorted(edits):
        start = src.offset(*edit.start)
        end = src.offset(*edit.end)
        pieces.append(text[last:start])
        pieces.append(edit.content)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
