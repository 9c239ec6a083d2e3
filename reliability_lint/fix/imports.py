"""The imports a fix needs, added as one text edit computed from the ast: no libcst pass
over the module.

Where: after the last import of the module's import section (its top-level statements
before the first function, class or compound statement: never inside a try or if block,
and never after code the fixed line could run before), merged into an existing
`from a import ...` of that section; with no import there, after the module docstring
(a `from __future__` import is an import), else before the first statement. Like
libcst's AddImportsVisitor, a statement that follows without a blank line gets one.

What is bound already is not added again: any module-level import, also in a top-level
try block (an `if` block, `if TYPE_CHECKING:` among them, may not run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from reliability_lint.findings import Edit
from reliability_lint.source import SourceFile

_TRY = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
_COMPOUND = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.AsyncFor,
    ast.While, ast.With, ast.AsyncWith, ast.Match, *_TRY,
)  # fmt: skip


def import_edits(source: SourceFile, specs: Iterable[str]) -> list[Edit]:
    """The edit (at most two: a merge and a new line) adding the imports `specs` ("os",
    "from a import b") that the module does not bind yet."""
    module = source.tree
    bound = _bound(module.body)
    plain: list[str] = []
    names: dict[str, list[str]] = {}  # module -> names, in the order first asked
    for spec in specs:
        statement = ast.parse(spec.strip() if " " in spec.strip() else f"import {spec.strip()}").body[0]
        if isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                key = (statement.module or "", alias.name)
                if key not in bound and (key[0], "*") not in bound and alias.name not in names.get(key[0], []):
                    names.setdefault(key[0], []).append(alias.name)
        else:
            assert isinstance(statement, ast.Import), spec
            for alias in statement.names:
                if alias.name not in bound and alias.name not in plain:
                    plain.append(alias.name)
    if not plain and not names:
        return []
    section = _section(module.body)
    edits = []
    lines = [f"import {name}" for name in sorted(plain)]
    for origin, wanted in names.items():
        existing = next(
            (s for s in section if isinstance(s, ast.ImportFrom) and s.level == 0 and s.module == origin
             and s.names[0].name != "*"),
            None,
        )  # fmt: skip
        if existing is None:
            lines.append(f"from {origin} import {', '.join(sorted(wanted))}")
        else:  # as AddImportsVisitor does: `from a import new, old`
            first = existing.names[0]
            at = source.position(source.offset(first.lineno, source.char_col(first.lineno, first.col_offset)))
            edits.append(Edit(at, at, "".join(f"{name}, " for name in sorted(wanted))))
    if lines:
        edits.append(_new_lines(source, module.body, section, lines))
    return sorted(edits)


def _bound(body: list[ast.stmt]) -> set[str | tuple[str, str]]:
    """What the module's imports bind: "a.b" for `import a.b` (and its parents "a"), and
    (module, name) for `from module import name`."""
    bound: set[str | tuple[str, str]] = set()
    for statement in body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is None:
                    parts = alias.name.split(".")
                    bound.update(".".join(parts[: i + 1]) for i in range(len(parts)))
                elif alias.asname == alias.name:
                    bound.add(alias.name)
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
            for alias in statement.names:
                if alias.asname in (None, alias.name):
                    bound.add((statement.module or "", alias.name))
        elif isinstance(statement, _TRY):
            for block in (statement.body, statement.orelse, *(h.body for h in statement.handlers)):
                bound |= _bound(block)
    return bound


def _section(body: list[ast.stmt]) -> list[ast.stmt]:
    """The module's top-level statements before its first compound statement."""
    for index, statement in enumerate(body):
        if isinstance(statement, _COMPOUND):
            return body[:index]
    return body


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _new_lines(source: SourceFile, body: list[ast.stmt], section: list[ast.stmt], lines: list[str]) -> Edit:
    newline = source.newline
    imports = [s for s in section if isinstance(s, (ast.Import, ast.ImportFrom))]
    after = imports[-1] if imports else body[0] if body and _is_docstring(body[0]) else None
    if after is None:
        # Before the first statement (its decorators), after the header comments.
        first = body[0] if body else None
        line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))]) if first else None
    else:
        line = _end_line(body, after) + 1
    text = newline.join(lines)
    if line is None or line > len(source.line_starts) or source.line_starts[line - 1] >= len(source.text):
        # At the end of the text: after a newline if the last line has one.
        end = len(source.text)
        starts_line = end == 0 or source.text[end - 1] in "\r\n"
        at = source.position(end)
        if end == 0:
            return Edit(at, at, text)
        return Edit(at, at, text + newline if starts_line else newline + text)
    blank = newline if after is None or source.line(line).strip() else ""
    return Edit((line, 0), (line, 0), text + newline + blank)


def _end_line(body: list[ast.stmt], statement: ast.stmt) -> int:
    """The last line of `statement` and of the statements that share its lines (`a; b`)."""
    end = statement.end_lineno or statement.lineno
    for other in body[body.index(statement) + 1 :]:
        if other.lineno > end:
            break
        end = max(end, other.end_lineno or other.lineno)
    return end
