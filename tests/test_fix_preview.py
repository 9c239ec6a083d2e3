"""The preview of one fix (`--show-fixes`) is diffed over windows around its edits: the
hunks must be those of a diff of the whole file."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from reliability_lint.findings import Edit
from reliability_lint.fix import apply_edits
from reliability_lint.fix_preview import CONTEXT_LINES, preview
from reliability_lint.source import SourceFile


def whole_file(src: SourceFile, edits: list[Edit]) -> str:
    old = src.text.splitlines(keepends=True)
    new = apply_edits(src, edits).splitlines(keepends=True)
    lines = list(difflib.unified_diff(old, new, n=CONTEXT_LINES))[2:]
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


BODY = "".join(f"value_{n} = {n}  # é\n" for n in range(60))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize(
    "edits",
    [
        [Edit((1, 0), (1, 0), "import logging\n\n")],  # lines added at the top...
        [Edit((1, 0), (1, 0), "import logging\n\n"), Edit((40, 8), (40, 10), "forty")],  # ...shift a far hunk
        [Edit((10, 0), (12, 0), ""), Edit((14, 0), (14, 0), "x = 1\n")],  # close: one hunk
        [Edit((30, 0), (30, 0), "a = 1\nb = 2\n"), Edit((33, 0), (34, 0), "")],  # two lines apart
        [Edit((60, 12), (60, 13), ""), Edit((61, 0), (61, 0), "end = True")],  # at the end of the text
    ],
)
def test_windows_give_the_whole_file_hunks(edits: list[Edit], newline: str) -> None:
    text = BODY.replace("\n", newline).replace("value_20 = 20", "value_20 = '\x0c'")
    src = SourceFile(Path("m.py"), text)
    edits = [Edit(e.start, e.end, e.content.replace("\n", newline)) for e in edits]
    expected = whole_file(src, edits)
    assert expected and preview(src, tuple(edits)) == expected


def test_no_edits_no_preview() -> None:
    assert preview(SourceFile(Path("m.py"), BODY), ()) == ""
