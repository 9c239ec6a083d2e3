"""A notebook as this tool sees it: its code cells joined into one virtual Python module
(IPython syntax masked), a map from the module's lines back to cells and to the lines of
the .ipynb file, and the text of outputs and metadata for the secret rules.

Where a cell line sits in the .ipynb: on the line of the JSON string that holds it (each
element of a `source` list is one line of the cell, as nbformat writes them), at the
column where that line's text starts inside the string.
"""

from __future__ import annotations

import ast
import bisect
import json
import re
import warnings
from dataclasses import dataclass, field

from reliability_lint.notebook.json_spans import encoded_length, value_spans

_NEWLINE = re.compile(r"\r\n|\r|\n")
# Cell magics whose body is Python: only their first line is masked.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "pypy"})
_LINE_MAGIC = re.compile(r"[ \t]*(?:[%!]|[\w.]+[ \t]*=[ \t]*[%!])")
_HELP = re.compile(r"[ \t]*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*")
# Outputs that are text (images and other base64 payloads would read as entropy).
_TEXT_MIME = re.compile(r"text/.*|application/(?:json|javascript|.*\+json)")


class NotebookError(Exception):
    """Not a notebook this tool can read; the message says why in one line."""


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split as Python's tokenizer does."""
    lines, last = [], 0
    for match in _NEWLINE.finditer(text):
        lines.append(text[last : match.end()])
        last = match.end()
    if last < len(text):
        lines.append(text[last:])
    return lines


def _parses(text: str) -> SyntaxError | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(text)
        except SyntaxError as exc:
            return exc
        except (ValueError, RecursionError, MemoryError) as exc:
            return SyntaxError(str(exc) or type(exc).__name__)
    return None


def mask(source: str) -> tuple[str, set[int], list[int]]:
    """(the cell with IPython syntax replaced, its masked 1-based lines, the masked lines
    that hold shell or other non-Python text worth a secret scan). The line count and
    line endings are kept: a masked line becomes `pass` at its indentation, or an empty
    line where it continues a masked line or belongs to a non-Python cell magic."""
    lines = split_lines(source)
    first = lines[0].strip() if lines else ""
    masked: set[int] = set()
    blank: set[int] = set()
    if first.startswith("%%"):
        masked.add(1)
        if (first[2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
            blank.update(range(2, len(lines) + 1))
    elif _parses(source) is None:
        return source, set(), []  # plain Python: nothing to mask, not even `%` in a string
    foreign = sorted(blank)
    continued = False
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        if number in blank:
            continue
        if continued:
            blank.add(number)
            foreign.append(number)
        elif number not in masked and _LINE_MAGIC.match(body):
            masked.add(number)
            foreign.append(number)
        elif number not in masked and _HELP.fullmatch(body):
            masked.add(number)
        else:
            continue
        continued = body.endswith("\\")
    if not masked and not blank:
        return source, set(), []
    out = []
    for number, line in enumerate(lines, 1):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        if number in blank:
            out.append(ending)
        elif number in masked:
            out.append(body[: len(body) - len(body.lstrip())] + "pass" + ending)
        else:
            out.append(line)
    return "".join(out), masked | blank, sorted(foreign)


@dataclass
class CodeCell:
    index: int  # position among all cells, 0-based ("cell index+1" to people)
    source: str  # the cell's text, as stored
    masked: str  # what the Python rules see
    masked_lines: set[int]
    foreign_lines: list[int]
    first_line: int  # the cell's first line in the virtual module
    error: SyntaxError | None = None

    @property
    def line_count(self) -> int:
        return len(split_lines(self.source))


@dataclass
class Notebook:
    text: str  # the .ipynb file as decoded
    data: dict
    spans: dict[tuple, tuple[int, int]]
    cells: list[CodeCell] = field(default_factory=list)
    python: bool = True
    ensure_ascii: bool = False
    json_line_starts: list[int] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Notebook:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            if isinstance(data, dict) and data.get("nbformat") == 3:
                raise NotebookError("nbformat 3 notebook; convert it with `jupyter nbconvert --to notebook`")
            raise NotebookError("not a notebook: no list of cells")
        try:
            spans = value_spans(text)
        except RecursionError:
            raise NotebookError("too deeply nested to read") from None
        notebook = cls(text, data, spans)
        notebook.ensure_ascii = text.isascii() and re.search(r"\\u[0-9a-fA-F]{4}", text) is not None
        notebook.json_line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        metadata = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
        info, kernel = metadata.get("language_info"), metadata.get("kernelspec")
        language = (info.get("name") if isinstance(info, dict) else None) or (
            kernel.get("language") if isinstance(kernel, dict) else None
        )
        notebook.python = language in (None, "python", "ipython", "python3")
        notebook.build([notebook.cell_source(i) for i in range(len(data["cells"]))])
        return notebook

    def cell_source(self, index: int) -> str | None:
        """The text of a code cell, None for other cells."""
        cell = self.data["cells"][index]
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            return None
        source = cell.get("source", "")
        if isinstance(source, list):
            return "".join(part for part in source if isinstance(part, str))
        return source if isinstance(source, str) else ""

    def build(self, sources: list[str | None]) -> None:
        """The code cells and the virtual module, from each cell's text (None: not code)."""
        self.cells = []
        line = 1
        for index, source in enumerate(sources):
            if source is None:
                continue
            masked, masked_lines, foreign = mask(source)
            cell = CodeCell(index, source, masked, masked_lines, foreign, line)
            cell.error = _parses(masked) if masked.strip() else None
            self.cells.append(cell)
            line += cell.line_count

    @property
    def module(self) -> str:
        """The code cells joined, each ending in a newline; a cell that does not parse is
        blank lines there, so the others are still checked."""
        parts = []
        for cell in self.cells:
            text = cell.masked if cell.error is None else "\n" * cell.line_count
            if text and not text.endswith(("\n", "\r")):
                text += "\n"
            parts.append(text)
        return "".join(parts)

    def cell_at(self, virtual_line: int) -> tuple[CodeCell, int]:
        """The cell holding a line of the virtual module, and the line within the cell."""
        starts = [cell.first_line for cell in self.cells]
        position = max(0, bisect.bisect_right(starts, virtual_line) - 1)
        cell = self.cells[position]
        return cell, virtual_line - cell.first_line + 1

    # ------------------------------------------------------------------ positions in the .ipynb

    def json_position(self, offset: int) -> tuple[int, int]:
        """(1-based line, character column) of an offset into the .ipynb text."""
        index = bisect.bisect_right(self.json_line_starts, offset) - 1
        return index + 1, offset - self.json_line_starts[index]

    def string_offset(self, path: tuple, within: str) -> int:
        """Offset in the .ipynb text where a string value's character `len(within)` lies
        (within: the decoded text before it)."""
        start, _ = self.spans[path]
        return start + 1 + encoded_length(within, self.ensure_ascii)

    def source_offset(self, cell: CodeCell, line: int, col: int) -> int:
        """Offset in the .ipynb text of (line, col) of a code cell."""
        lines = split_lines(cell.source)
        before = "".join(lines[: line - 1]) + (lines[line - 1][:col] if 0 < line <= len(lines) else "")
        path = ("cells", cell.index, "source")
        source = self.data["cells"][cell.index].get("source")
        if isinstance(source, list):
            consumed = 0
            for position, part in enumerate(source):
                if not isinstance(part, str):
                    continue
                if consumed + len(part) > len(before) or position == len(source) - 1:
                    return self.string_offset((*path, position), before[consumed:])
                consumed += len(part)
            return self.spans[path][0]
        if isinstance(source, str):
            return self.string_offset(path, before)
        return self.spans.get(path, (0, 0))[0]

    def text_view(self) -> tuple[str, list[int], list[str]]:
        """The outputs' text, the metadata as `key = "value"` lines and the shell and
        non-Python lines of code cells, one line each, with each line's .ipynb offset and
        where it comes from ("the outputs of cell 3")."""
        lines: list[str] = []
        offsets: list[int] = []
        labels: list[str] = []

        def add_string(path: tuple, text: str) -> None:
            consumed = 0
            for line in split_lines(text) or [""]:
                lines.append(_NEWLINE.sub("", line))
                offsets.append(self.string_offset(path, text[:consumed]))
                consumed += len(line)

        def add_value(path: tuple, value: object, key: str = "") -> None:
            if isinstance(value, str):
                if key:
                    lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
                    offsets.append(self.spans[path][0])
                else:
                    add_string(path, value)
            elif isinstance(value, dict):
                for name, item in value.items():
                    add_value((*path, name), item, str(name))
            elif isinstance(value, list):
                for position, item in enumerate(value):
                    add_value((*path, position), item, key)

        def add_metadata(path: tuple, value: object) -> None:
            if isinstance(value, dict):
                for name, item in value.items():
                    add_value((*path, name), item, str(name))

        def labelled(text: str) -> None:
            labels.extend([text] * (len(lines) - len(labels)))

        add_metadata(("metadata",), self.data.get("metadata"))
        labelled("the notebook's metadata")
        for index, cell in enumerate(self.data["cells"]):
            if not isinstance(cell, dict):
                continue
            add_metadata(("cells", index, "metadata"), cell.get("metadata"))
            labelled(f"the metadata of cell {index + 1}")
            for number, output in enumerate(cell.get("outputs") or []):
                if isinstance(output, dict):
                    self._add_output(("cells", index, "outputs", number), output, add_value, add_string)
            labelled(f"the outputs of cell {index + 1}")
        for code in self.cells:
            source_lines = split_lines(code.source)
            for line in code.foreign_lines:
                lines.append(_NEWLINE.sub("", source_lines[line - 1]))
                offsets.append(self.source_offset(code, line, 0))
            labelled(f"the shell or magic lines of cell {code.index + 1}")
        return "\n".join(lines) + "\n", offsets, labels

    def _add_output(self, path: tuple, output: dict, add_value, add_string) -> None:
        for name in ("text", "traceback", "evalue"):
            value = output.get(name)
            if isinstance(value, (str, list)):
                add_value((*path, name), value)
        data = output.get("data")
        if isinstance(data, dict):
            for mime, value in data.items():
                if _TEXT_MIME.fullmatch(mime):
                    add_value((*path, "data", mime), value)
        add_value((*path, "metadata"), output.get("metadata") or {})
