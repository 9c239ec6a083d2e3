"""The libcst bridge: a file's syntax tree, built only when a fix asks for one, and the
edits that replace a node or add imports.

libcst is imported here only, and only when a fix asks for a syntax tree.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from reliability_lint.findings import Edit
from reliability_lint.fix.edits import text_edits
from reliability_lint.fix.errors import FixError
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    import libcst as cst

# libcst costs seconds per ten thousand lines, and its import transforms visit the whole
# tree: past this size a fix that needs a syntax tree is refused rather than left to run
# for minutes (text-level fixes still apply).
MAX_SYNTAX_TREE_LINES = 20_000


class FixContext:
    """One version of a file's text, with a libcst tree built only when a fix asks for it."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self._imports: dict[tuple[str, ...], list[Edit]] = {}

    @cached_property
    def _wrapper(self) -> Any:
        lines = len(self.source.lines)
        if lines > MAX_SYNTAX_TREE_LINES:
            raise FixError(f"the file has {lines:,} lines; fixes that need a syntax tree stop at {MAX_SYNTAX_TREE_LINES:,}")
        import libcst as cst
        from libcst.metadata import MetadataWrapper

        try:
            module = cst.parse_module(self.source.text)
        except (cst.ParserSyntaxError, RecursionError) as exc:
            raise FixError(f"libcst cannot parse the file: {str(exc).splitlines()[0]}") from None
        # libcst drops some whitespace it does not model (form feeds, for one): a file it
        # cannot reproduce exactly is not one to rewrite with it.
        if module.code != self.source.text:
            raise FixError("libcst does not reproduce the file exactly (unusual whitespace)")
        return MetadataWrapper(module, unsafe_skip_copy=True)

    @property
    def module(self) -> cst.Module:
        return self._wrapper.module

    @cached_property
    def _positions(self) -> dict[tuple[type, int, int], Any]:
        from libcst.metadata import PositionProvider

        index: dict[tuple[type, int, int], Any] = {}
        for node, span in self._wrapper.resolve(PositionProvider).items():
            index.setdefault((type(node), span.start.line, span.start.column), node)
        return index

    def node_at(self, node_types: type | tuple[type, ...], line: int, col: int) -> Any:
        """The libcst node of one of `node_types` that starts at (line, character col)."""
        for node_type in node_types if isinstance(node_types, tuple) else (node_types,):
            node = self._positions.get((node_type, line, col))
            if node is not None:
                return node
        raise FixError(f"no {node_types} at line {line}, column {col + 1}")

    def replace(self, old: cst.CSTNode, new: cst.CSTNode, imports: Iterable[str] = ()) -> list[Edit]:
        """Edits that replace one node and add `imports` ("os", "from a import b", ...)."""
        import libcst as cst

        replaced = self.module.deep_replace(old, new)
        assert isinstance(replaced, cst.Module)  # replacing a node inside a module gives a module
        edits = text_edits(self.source, replaced.code)
        return edits + [edit for edit in self._import_edits(tuple(imports)) if edit not in edits]

    def _import_edits(self, imports: tuple[str, ...]) -> list[Edit]:
        """The edits that add imports to this version of the file, computed once: every fix
        of a file that needs `import logging` shares one pass of libcst's import helper."""
        if not imports:
            return []
        cached = self._imports.get(imports)
        if cached is None:
            cached = self._imports[imports] = text_edits(self.source, add_imports(self.module, imports).code)
        return cached

    def edit(self, start: int, end: int, content: str) -> Edit:
        """An edit between two character offsets of the current text."""
        return Edit(self.source.position(start), self.source.position(end), content)


def add_imports(module: cst.Module, imports: Iterable[str]) -> cst.Module:
    imports = list(imports)
    if not imports:
        return module
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for spec in imports:
        statement = cst.parse_statement(spec if " " in spec else f"import {spec}")
        assert isinstance(statement, cst.SimpleStatementLine), spec  # an import is a simple statement
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            assert not isinstance(small.names, cst.ImportStar), spec  # a fix names what it imports
            module_name = small.module
            source = (cst.helpers.get_full_name_for_node(module_name) if module_name is not None else None) or ""
            for alias in small.names:
                AddImportsVisitor.add_needed_import(context, source, alias.evaluated_name)
        else:
            assert isinstance(small, cst.Import), spec
            for alias in small.names:
                AddImportsVisitor.add_needed_import(context, alias.evaluated_name)
    return AddImportsVisitor(context).transform_module(module)
