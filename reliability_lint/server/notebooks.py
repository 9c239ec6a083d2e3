"""A notebook an editor holds (LSP notebook documents: cells, each a text document) checked
as `check` checks the .ipynb file: the cells are written out as nbformat JSON and go
through reliability_lint.notebook, which masks IPython syntax, scans the shell lines for
secrets and places every finding on the JSON's lines. Those lines are laid out here, one
line of a cell per JSON line, so each position maps back to (cell, line, character).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Callable

from reliability_lint import engine
from reliability_lint.findings import Edit, Finding
from reliability_lint.notebook.json_spans import encoded_length
from reliability_lint.notebook.model import Notebook, split_lines
from reliability_lint.server.linting import Linter, Outcome

_ITEM_INDENT = "    "
Position = tuple[int, int]  # (0-based line, character) in a cell


@dataclasses.dataclass
class CellFinding:
    cell: int  # index among the notebook's cells
    start: Position
    end: Position
    finding: Finding
    edits: dict[int, list[Edit]] = dataclasses.field(default_factory=dict)  # cell index -> edits in its text


class NotebookText:
    """The JSON of a notebook made from its cells' texts (None: not a Python code cell)."""

    def __init__(self, cells: list[str | None]) -> None:
        self.cells = cells
        self._lines: dict[int, tuple[int, int, str]] = {}  # JSON line -> (cell, its line, the line's text)
        out = ["{", ' "cells": [']
        for index, source in enumerate(cells):
            kind = "code" if source is not None else "markdown"
            out.append("  {")
            out.append(f'   "cell_type": "{kind}",')
            if source is not None:
                out.append('   "execution_count": null,')
            out.append('   "metadata": {},')
            if source is not None:
                out.append('   "outputs": [],')
            lines = split_lines(source or "")
            if not lines:
                out.append('   "source": []')
            else:
                out.append('   "source": [')
                for number, line in enumerate(lines):
                    self._lines[len(out) + 1] = (index, number, line)
                    out.append(_ITEM_INDENT + json.dumps(line, ensure_ascii=False) + ("," if number < len(lines) - 1 else ""))
                out.append("   ]")
            out.append("  }" + ("," if index < len(cells) - 1 else ""))
        out += [" ],", ' "metadata": {},', ' "nbformat": 4,', ' "nbformat_minor": 4', "}", ""]
        self.text = "\n".join(out)

    def cell_position(self, line: int, col: int) -> tuple[int, Position] | None:
        """The cell and position in it of a (1-based line, column) of the JSON text."""
        known = self._lines.get(line)
        if known is None:
            return None
        cell, number, text = known
        offset = col - len(_ITEM_INDENT) - 1  # past the opening quote
        chars = 0
        while chars < len(text) and encoded_length(text[: chars + 1], False) <= offset:
            chars += 1
        return cell, (number, min(chars, len(text.rstrip("\r\n"))))

    def place(self, finding: Finding) -> tuple[int, Position, Position]:
        """Where a finding on the JSON lines is in the cells (a finding outside every cell,
        which `check` would place on the file's first line, goes to the first code cell)."""
        start = self.cell_position(finding.line, finding.col)
        if start is None:
            first = next((i for i, source in enumerate(self.cells) if source is not None), 0)
            return first, (0, 0), (0, 0)
        end = self.cell_position(finding.end_line, finding.end_col)
        if end is None or end[0] != start[0] or end[1] < start[1]:
            end = start
        return start[0], start[1], end[1]


def diagnose(linter: Linter, path: Path, cells: list[str | None], record: bool = True) -> tuple[list[CellFinding], Outcome]:
    """The findings of the notebook in its cells' coordinates (`record`: as Linter.diagnose)."""
    text = NotebookText(cells)
    outcome = linter.diagnose(path, text.text, record)
    return [CellFinding(*text.place(finding), finding) for finding in outcome.findings], outcome


def with_fixes(linter: Linter, path: Path, cells: list[str | None], wanted: Callable[[CellFinding], bool]) -> list[CellFinding]:
    """The fixable findings of the Python cells that are `wanted`, each with its fix as
    edits of the cells it changes (a fix that would touch a magic or span two cells has none)."""
    from reliability_lint.fix import FixContext, FixError, compute_edits
    from reliability_lint.notebook.check import CellEditError, cell_edits, _place
    from reliability_lint.notebook.model import NotebookError
    from reliability_lint.redaction import redact_finding
    from reliability_lint.source import SourceError, SourceFile

    text = NotebookText(cells)
    try:
        notebook = Notebook.parse(text.text)
    except NotebookError:
        return []
    if not notebook.cells:
        return []
    with linter.locked():
        prepared = linter.prepare(path)
        if prepared is None:
            return []
        settings, index = prepared
        src = SourceFile(path, notebook.module)
        task = engine.Task(path, engine.display_path(path), frozenset({"python"}), data=src.text.encode("utf-8"))
        try:
            findings = engine.analyze(src, task, settings, settings.enabled_for(settings.relative(path)), project=index)
        except SourceError:
            return []
    context = FixContext(src)
    done = []
    for finding in findings:
        if finding.fix is None or finding.fix.compute is None:
            continue
        placed = CellFinding(*text.place(_place(notebook, finding)), redact_finding(finding, src.sensitive))
        if not wanted(placed):
            continue
        try:
            edits = cell_edits(notebook, compute_edits(finding, context))
        except (FixError, CellEditError):
            continue
        placed.edits = edits
        placed.finding = dataclasses.replace(placed.finding, fix=dataclasses.replace(finding.fix, compute=None))
        done.append(placed)
    return done


def fix_all(linter: Linter, path: Path, cells: list[str | None]) -> dict[int, str]:
    """Every safe fix applied: the new text of each cell it changes."""
    text = NotebookText(cells)
    fixed = linter.fix_all(path, text.text)
    if fixed is None:
        return {}
    notebook = Notebook.parse(fixed)
    return {cell.index: cell.source for cell in notebook.cells if cell.source != cells[cell.index]}
