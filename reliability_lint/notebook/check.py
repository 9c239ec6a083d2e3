"""Checking and fixing one notebook: the Python rules on its code cells (one virtual
module), the secret rules also on its outputs and metadata, findings placed on the
.ipynb's own lines (with the cell and line kept for people), fixes written back into the
cells' JSON strings with the rest of the file left byte for byte."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from reliability_lint.findings import Edit, Finding, error
from reliability_lint.notebook.model import CodeCell, Notebook, NotebookError, split_lines
from reliability_lint.registry import REGISTRY
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    from reliability_lint.engine import Settings, Task

PYTHON, TEXT = frozenset({"python"}), frozenset({"text"})
NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook(path: Path) -> bool:
    return path.suffix == NOTEBOOK_SUFFIX


@dataclasses.dataclass
class Outcome:
    findings: list[Finding]
    new_text: str | None = None  # the fixed .ipynb text, when a fix changed it
    fixed: int = 0
    sensitive: set[str] = dataclasses.field(default_factory=set)


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"cannot decode as utf-8 (byte {exc.start})") from None


def check(task: Task, text: str, settings: Settings, enabled: frozenset[str], with_edits: bool = False) -> Outcome:
    """Every finding of one notebook, placed on its .ipynb lines."""
    from reliability_lint.engine import analyze

    try:
        notebook = Notebook.parse(text)
    except NotebookError as exc:
        return Outcome([error(task.display, str(exc))])
    outcome = Outcome([])
    if notebook.python and notebook.cells:
        src = _virtual(task.path, notebook)
        findings = analyze(src, dataclasses.replace(task, kinds=PYTHON), settings, enabled)
        if with_edits:
            findings = _attach_notebook_edits(notebook, src, findings)
        outcome.findings.extend(_place(notebook, finding) for finding in findings)
        outcome.sensitive |= src.sensitive
        for cell in notebook.cells:
            if cell.error is not None:
                outcome.findings.append(_syntax_error(task.display, notebook, cell))
    secrets = frozenset(code for code in enabled if REGISTRY.rules[code].family == "secrets")
    if secrets:
        view, offsets, labels = notebook.text_view()
        text_src = SourceFile(task.path, view)
        found = analyze(text_src, dataclasses.replace(task, kinds=TEXT), settings, secrets)
        for finding in found:
            finding = dataclasses.replace(
                finding,
                fix=None,  # an output is not code: nothing to rewrite there
                message=f"{finding.message}, in {labels[finding.line - 1]}",
                source_line="",  # the line shown is the redacted message's business
            )
            start, end = offsets[finding.line - 1], offsets[finding.end_line - 1]
            outcome.findings.append(_move(finding, notebook, start, end, finding.col, finding.end_col))
        outcome.sensitive |= text_src.sensitive
    outcome.findings.sort(key=lambda f: f.sort_key())
    return outcome


def fix(task: Task, text: str, settings: Settings, enabled: frozenset[str]) -> Outcome:
    """Fix in rounds as for a Python file, each round written into the cells' strings;
    a round whose notebook would not parse or validate drops every round."""
    from reliability_lint.applicability import fixable
    from reliability_lint.engine import analyze
    from reliability_lint.fix import MAX_ROUNDS, FixContext, FixError, choose_edits, compute_edits

    try:
        original = notebook = Notebook.parse(text)
    except NotebookError:
        return check(task, text, settings, enabled)
    python_task = dataclasses.replace(task, kinds=PYTHON)
    applied_count, failures, sensitive = 0, [], set()
    for _ in range(MAX_ROUNDS if notebook.python and notebook.cells else 0):
        src = _virtual(task.path, notebook)
        findings = analyze(src, python_task, settings, enabled)
        sensitive |= src.sensitive
        context = FixContext(src)
        planned = []
        for finding in (f for f in findings if fixable(f, settings)):
            try:
                edits = compute_edits(finding, context)
                cell_edits(notebook, edits)
                planned.append((finding, edits))
            except (FixError, CellEditError) as exc:
                failures.append(_fix_failure(task.display, notebook, finding, str(exc)))
        edits, applied = choose_edits([(f, e) for f, e in planned if e])
        if not edits:
            break
        try:
            fixed = Notebook.parse(rewrite(notebook, apply_to_cells(notebook, edits)))
        except (NotebookError, CellEditError) as exc:
            failures = [_fix_failure(task.display, notebook, applied[0], f"{exc}; file left unchanged")]
            notebook, applied_count = original, 0
            break
        broken = [cell for cell, before in zip(fixed.cells, notebook.cells) if cell.error and not before.error]
        if broken or len(fixed.cells) != len(notebook.cells):
            failures = [_fix_failure(task.display, notebook, applied[0], "the fixed code does not parse; file left unchanged")]
            notebook, applied_count = original, 0
            break
        applied_count += len(applied)
        notebook = fixed
    outcome = check(task, notebook.text, settings, enabled)
    outcome.findings.extend(_unique(failures))
    outcome.sensitive |= sensitive
    if notebook is not original:
        outcome.new_text, outcome.fixed = notebook.text, applied_count
    return outcome


def _fix_failure(display: str, notebook: Notebook, finding: Finding, reason: str) -> Finding:
    cell, line = notebook.cell_at(finding.line)
    json_line, json_col = notebook.json_position(notebook.source_offset(cell, line, finding.col))
    failure = error(display, f"fix for {finding.code} in cell {cell.index + 1} at line {line} not applied: {reason}", json_line, json_col)
    return dataclasses.replace(failure, cell=cell.index + 1, cell_line=line, cell_col=finding.col)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.message, finding)
    return list(seen.values())


def _virtual(path: Path, notebook: Notebook) -> SourceFile:
    return SourceFile(path, notebook.module)


def _syntax_error(display: str, notebook: Notebook, cell: CodeCell) -> Finding:
    exc = cell.error
    assert exc is not None
    line = max(1, min(exc.lineno or 1, cell.line_count))
    col = max(0, (exc.offset or 1) - 1)
    offset = notebook.source_offset(cell, line, col)
    json_line, json_col = notebook.json_position(offset)
    finding = error(display, f"syntax error in cell {cell.index + 1} at line {line}: {exc.msg}", json_line, json_col)
    return dataclasses.replace(finding, cell=cell.index + 1, cell_line=line, cell_col=col)


def _move(finding: Finding, notebook: Notebook, start: int, end: int, col: int, end_col: int) -> Finding:
    """Place a text-view finding at the .ipynb offsets of its lines' strings."""
    line, col = notebook.json_position(start + col if finding.line == finding.end_line else start)
    end_line, end_col = notebook.json_position(end + end_col)
    return dataclasses.replace(finding, line=line, col=col, end_line=end_line, end_col=end_col, noqa_lines=(line,))


def _place(notebook: Notebook, finding: Finding) -> Finding:
    """Give a finding of the virtual module its cell position and its .ipynb position."""
    cell, line = notebook.cell_at(finding.line)
    end_cell, end_line = notebook.cell_at(finding.end_line)
    end_col = finding.end_col
    if end_cell is not cell:  # ends on the newline closing the cell
        end_line = cell.line_count
        end_col = len(split_lines(cell.source)[-1].rstrip("\r\n")) if cell.line_count else 0
    cell_end_col = end_col if end_line == line else len(split_lines(cell.source)[line - 1].rstrip("\r\n"))
    json_line, json_col = notebook.json_position(notebook.source_offset(cell, line, finding.col))
    json_end_line, json_end_col = notebook.json_position(notebook.source_offset(cell, end_line, end_col))
    return dataclasses.replace(
        finding,
        cell=cell.index + 1, cell_line=line, cell_col=finding.col, cell_end_col=cell_end_col,
        line=json_line, col=json_col, end_line=json_end_line, end_col=json_end_col, noqa_lines=(json_line,),
    )  # fmt: skip


# ------------------------------------------------------------------------------- fixing


class CellEditError(Exception):
    """An edit that would touch IPython syntax or cross a cell boundary."""


def cell_edits(notebook: Notebook, edits: list[Edit]) -> dict[int, list[Edit]]:
    """Edits of the virtual module as edits of each cell's own text, by cell index."""
    by_cell: dict[int, list[Edit]] = {}
    for edit in edits:
        cell, start_line = notebook.cell_at(edit.start[0])
        end_cell, end_line = notebook.cell_at(edit.end[0])
        end = (end_line, edit.end[1])
        if end_cell is not cell:
            if end_cell.index != _next_index(notebook, cell) or edit.end != (end_cell.first_line, 0):
                raise CellEditError("the fix spans two cells")
            end = SourceFile(Path(), cell.source).position(len(cell.source))
        if edit.start[0] > cell.first_line + cell.line_count - 1 and cell.line_count:
            end = start = SourceFile(Path(), cell.source).position(len(cell.source))
        else:
            start = (start_line, edit.start[1])
        # An edit ending at the start of a line leaves that line alone (an insertion
        # before a magic line is fine).
        touched = range(start[0], end[0] + (0 if end[1] == 0 else 1))
        if any(line in cell.masked_lines for line in touched):
            raise CellEditError("the fix would change an IPython magic or shell line")
        by_cell.setdefault(cell.index, []).append(Edit(start, end, edit.content))
    return by_cell


def _next_index(notebook: Notebook, cell: CodeCell) -> int:
    position = notebook.cells.index(cell)
    return notebook.cells[position + 1].index if position + 1 < len(notebook.cells) else -1


def apply_to_cells(notebook: Notebook, edits: list[Edit]) -> list[str | None]:
    """Each cell's text with the edits applied (None for the cells that are not code)."""
    from reliability_lint.fix import apply_edits

    sources: list[str | None] = [None] * len(notebook.data["cells"])
    for cell in notebook.cells:
        sources[cell.index] = cell.source
    for index, local in cell_edits(notebook, edits).items():
        sources[index] = apply_edits(SourceFile(Path(), sources[index] or ""), local)
    return sources


def _attach_notebook_edits(notebook: Notebook, src: SourceFile, findings: list[Finding]) -> list[Finding]:
    """For the JSON and SARIF outputs: each fix as an edit of the .ipynb text."""
    from reliability_lint.fix import FixContext, FixError, compute_edits

    context = FixContext(src)
    done = []
    for finding in findings:
        if finding.fix is not None and finding.fix.compute is not None:
            try:
                sources = apply_to_cells(notebook, compute_edits(finding, context))
                new_text = rewrite(notebook, sources)
                fix = dataclasses.replace(finding.fix, edits=tuple(_json_edits(notebook, new_text)))
                finding = dataclasses.replace(finding, fix=fix)
            except (FixError, CellEditError, NotebookError):
                finding = dataclasses.replace(finding, fix=None)
        done.append(finding)
    return done


def _json_edits(notebook: Notebook, new_text: str) -> list[Edit]:
    from reliability_lint.fix import text_edits

    return text_edits(SourceFile(Path(), notebook.text), new_text)


def rewrite(notebook: Notebook, sources: list[str | None]) -> str:
    """The .ipynb text with the changed cells' `source` values replaced in place, verified
    to load as the same notebook apart from those sources and to validate as before."""
    text = notebook.text
    changes = []
    for cell in notebook.cells:
        new = sources[cell.index]
        if new is None or new == cell.source:
            continue
        start, end = notebook.spans[("cells", cell.index, "source")]
        changes.append((start, end, _dump_source(notebook, cell, new)))
    for start, end, replacement in sorted(changes, reverse=True):
        text = text[:start] + replacement + text[end:]
    _verify(notebook, text, sources)
    return text


def _dump_source(notebook: Notebook, cell: CodeCell, new: str) -> str:
    """The new `source` value in the layout of the one it replaces."""
    start, end = notebook.spans[("cells", cell.index, "source")]
    old = notebook.text[start:end]

    def dump(value: str) -> str:
        return json.dumps(value, ensure_ascii=notebook.ensure_ascii)

    if not old.startswith("["):
        return dump(new)
    items = [dump(line) for line in new.splitlines(keepends=True)]  # as nbformat splits them
    if not items:
        return "[]"
    newline = "\r\n" if "\r\n" in notebook.text else "\n"
    inner = old[1:-1]
    if "\n" not in old:
        return "[" + ", ".join(items) + "]"
    if inner.strip():
        item_indent = inner[: len(inner) - len(inner.lstrip())].split("\n")[-1]
        close_indent = inner[len(inner.rstrip()) :].split("\n")[-1]
    else:
        key_line = notebook.text[notebook.text.rfind("\n", 0, start) + 1 : start]
        key_indent = key_line[: len(key_line) - len(key_line.lstrip())]
        item_indent, close_indent = key_indent + " ", key_indent
    return "[" + newline + ("," + newline).join(item_indent + item for item in items) + newline + close_indent + "]"


def _verify(notebook: Notebook, text: str, sources: list[str | None]) -> None:
    import nbformat

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the rewritten notebook is not valid JSON ({exc.msg})") from None
    expected = json.loads(notebook.text)
    for index, source in enumerate(sources):
        if source is not None:
            expected["cells"][index]["source"] = source
            got = data["cells"][index].get("source", "")
            data["cells"][index]["source"] = "".join(got) if isinstance(got, list) else got
    if data != expected:
        raise NotebookError("the rewritten notebook differs outside its code cells' sources")
    if _valid(nbformat, notebook.text) and not _valid(nbformat, text):
        raise NotebookError("the rewritten notebook does not validate with nbformat")


def _valid(nbformat, text: str) -> bool:
    try:
        nbformat.validate(nbformat.reads(text, as_version=nbformat.NO_CONVERT))
    except (nbformat.ValidationError, nbformat.reader.NotJSONError, ValueError, KeyError, TypeError, AttributeError):
        return False  # nbformat's own errors, and its readers' on a malformed structure
    return True
