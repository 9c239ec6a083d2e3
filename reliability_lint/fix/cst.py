"""The fix context of one version of a file: character-offset edits, the imports a fix
needs (text edits, fix/imports.py), and the libcst bridge for the fixes a text edit cannot
make safely.

The bridge never parses the module: it finds the statement that holds a position in the
ast tree the check already built, parses that statement's lines alone with libcst,
and regenerates and diffs only them. A fix in a 50,000-line file costs what its
statement costs. libcst is imported here only, and only when a fix asks for a node.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reliability_lint.findings import Edit
from reliability_lint.fix.edits import text_edits
from reliability_lint.fix.errors import FixError
from reliability_lint.fix.imports import import_edits
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    import libcst as cst

# The header that makes an indented statement's lines parse on their own.
_WRAPPER = "if 1:"


@dataclass
class _Region:
    """The full lines first..last of the file, parsed alone by libcst."""

    first: int
    last: int
    text: str
    prefix: str  # the wrapper line (with its newline) put before an indented text, or ""
    module: Any
    positions: dict[tuple[type, int, int], Any]


class FixContext:
    """One version of a file's text; libcst parses of its statements are made on demand."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self._imports: dict[tuple[str, ...], list[Edit]] = {}
        self._regions: dict[tuple[int, int], _Region] = {}
        self._owner: dict[int, _Region] = {}

    def edit(self, start: int, end: int, content: str) -> Edit:
        """An edit between two character offsets of the current text."""
        return Edit(self.source.position(start), self.source.position(end), content)

    def import_edits(self, imports: Iterable[str]) -> list[Edit]:
        """The edits adding `imports` ("os", "from a import b") to this version of the file,
        computed once: every fix of a file that needs `import logging` shares them (and
        the fix engine takes identical edits once)."""
        key = tuple(imports)
        if not key:
            return []
        cached = self._imports.get(key)
        if cached is None:
            cached = self._imports[key] = import_edits(self.source, key)
        return cached

    def node_at(self, node_types: type | tuple[type, ...], line: int, col: int) -> Any:
        """The libcst node of one of `node_types` that starts at (line, character col),
        from a parse of the statement that holds that position."""
        region = self._region(line, col)
        local = line - region.first + 1 + (1 if region.prefix else 0)
        for node_type in node_types if isinstance(node_types, tuple) else (node_types,):
            node = region.positions.get((node_type, local, col))
            if node is not None:
                self._owner[id(node)] = region
                return node
        raise FixError(f"no {node_types} at line {line}, column {col + 1}")

    def replace(self, old: cst.CSTNode, new: cst.CSTNode, imports: Iterable[str] = ()) -> list[Edit]:
        """Edits that replace a node from `node_at` (or inside one) and add `imports`."""
        region = self._owner.get(id(old)) or self._region_holding(old)
        code = region.module.deep_replace(old, new).code
        if not code.startswith(region.prefix):
            raise FixError("the replaced statement lost its place")
        lost = _comments(region.text) - _comments(code)
        if lost:  # a codemod must not delete what a person wrote (not shown: it may hold a secret)
            count = sum(lost.values())
            raise FixError(f"the fix would drop {'a comment' if count == 1 else f'{count} comments'} of the statement")
        shift = region.first - 1  # the region's lines are the file's lines from `first` on
        edits = [
            Edit((e.start[0] + shift, e.start[1]), (e.end[0] + shift, e.end[1]), e.content)
            for e in text_edits(SourceFile(Path(), region.text), code[len(region.prefix) :])
        ]
        return edits + [edit for edit in self.import_edits(imports) if edit not in edits]

    def module_of(self, node: Any) -> Any:
        """The libcst module (of the statement's lines) that a node from `node_at` is in."""
        return self._owner[id(node)].module

    def _region_holding(self, node: Any) -> _Region:
        import libcst as cst

        for region in self._regions.values():
            found: list[Any] = []

            class _Find(cst.CSTVisitor):
                def on_visit(self, candidate: cst.CSTNode) -> bool:
                    if candidate is node:
                        found.append(candidate)
                    return not found

            region.module.visit(_Find())
            if found:
                return region
        raise FixError("the node to replace is not from this file")

    def _region(self, line: int, col: int) -> _Region:
        first, last = _statement_lines(self.source, line, col)
        region = self._regions.get((first, last))
        if region is None:
            region = self._regions[(first, last)] = _parse(self.source, first, last)
        return region


def _parse(source: SourceFile, first: int, last: int) -> _Region:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    starts = source.line_starts
    end = starts[last] if last < len(starts) else len(source.text)
    text = source.text[starts[first - 1] : end]
    indented = text[:1] in (" ", "\t")
    line_end = text[len(source.line(first)) : len(source.line(first)) + 2]
    newline = "\r\n" if line_end.startswith("\r\n") else line_end[:1] if line_end[:1] in ("\r", "\n") else source.newline
    prefix = _WRAPPER + newline if indented else ""
    try:
        module = cst.parse_module(prefix + text)
        code = module.code
        positions: dict[tuple[type, int, int], Any] = {}
        for node, span in MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider).items():
            positions.setdefault((type(node), span.start.line, span.start.column), node)
    except cst.ParserSyntaxError as exc:
        raise FixError(f"libcst cannot parse the statement at line {first}: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise FixError(f"libcst cannot parse the statement at line {first}: too deeply nested") from None
    # libcst drops some whitespace it does not model (form feeds, for one): code it
    # cannot reproduce exactly is not code to rewrite with it.
    if code != prefix + text:
        raise FixError("libcst does not reproduce the code exactly (unusual whitespace)")
    return _Region(first, last, text, prefix, module, positions)


def _statement_lines(source: SourceFile, line: int, col: int) -> tuple[int, int]:
    """The full lines of the innermost statement that holds (line, col) and starts its own
    line, with the statements that share those lines (`a = 1; b = 2`)."""
    offset = source.offset(line, col)
    body: list[ast.stmt] = source.tree.body
    chain: list[tuple[list[ast.stmt], int]] = []  # (statement list, index), outermost first
    while True:
        index = next((i for i, s in enumerate(body) if _start(source, s) <= offset <= source.node_span(s)[1]), None)
        if index is None:
            break
        chain.append((body, index))
        inner = body[index]
        body = next((b for b in _blocks(inner) if any(_start(source, s) <= offset <= source.node_span(s)[1] for s in b)), [])
    for siblings, index in reversed(chain):
        low = high = index
        while low > 0 and (siblings[low - 1].end_lineno or 0) >= _first_line(siblings[low]):
            low -= 1
        while high + 1 < len(siblings) and _first_line(siblings[high + 1]) <= (siblings[high].end_lineno or 0):
            high += 1
        first = _first_line(siblings[low])
        before = source.text[source.line_starts[first - 1] : _start(source, siblings[low])]
        if not before.strip():
            return first, siblings[high].end_lineno or first
    raise FixError(f"no statement at line {line}, column {col + 1}")


def _first_line(statement: ast.stmt) -> int:
    return min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", []))])


def _start(source: SourceFile, statement: ast.stmt) -> int:
    """Where the statement starts: its first decorator's `@`, or its own first character."""
    first = _first_line(statement)
    if first == statement.lineno:
        return source.node_span(statement)[0]
    text = source.line(first)
    return source.line_starts[first - 1] + len(text) - len(text.lstrip())


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(statement, "handlers", [])]
    blocks += [case.body for case in getattr(statement, "cases", [])]
    return [block for block in blocks if isinstance(block, list)]


def _comments(code: str) -> Counter[str]:
    """The comments of some lines of Python, counted (a fix may add one, never drop one)."""
    import io
    import tokenize

    found: Counter[str] = Counter()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found[token.string.rstrip()] += 1
    except (tokenize.TokenError, SyntaxError):
        pass  # the lines are checked by parsing elsewhere; what was read so far counts
    return found
