"""REL401 untracked-todo and REL402 todo-stub; `scan` is also the `todos` command's finder."""

from __future__ import annotations

import ast
import bisect
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixContext
from reliability_lint.redaction import redact_credentials
from reliability_lint.registry import Option, collector, comment_marker, options, rule
from reliability_lint.rules._names import dotted_name
from reliability_lint.source import Comment, SourceFile

DEFAULT_TAGS = ("TODO", "FIXME", "XXX", "HACK")
# `#123`, `gh-123`, a tracker key such as `PIPE-77`, or a URL.
DEFAULT_REFERENCE = r"(?<![\w&])#\d+\b|\b[Gg][Hh]-\d+\b|\b[A-Z][A-Z0-9_]+-\d+\b|\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+"
_NOT_IMPLEMENTED = r"\b(?:not\s+(?:yet\s+)?implemented|unimplemented)\b"
# Candidate lines: `#`-first patterns, measured several times faster than searching for the
# words alone with word boundaries (31 MB of stdlib: 0.2 s against 1.3 s).
_NOT_IMPLEMENTED_COMMENT = rf"#[^\r\n]*?(?i:{_NOT_IMPLEMENTED})"
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
_SKIP_DECORATORS = frozenset(
    {"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod", "overload"}
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_CONTINUATION_LINES = 5  # a reference may follow on the comment lines right below a TODO


def _tags_problem(value: Any) -> str | None:
    if not value or not all(isinstance(tag, str) and re.fullmatch(r"\w+", tag) for tag in value):
        return "must be a non-empty list of words"
    return None


def _pattern_problem(value: Any) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    return None


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be a positive number of days"


options(
    "todos",
    Option("tags", list, list(DEFAULT_TAGS), _tags_problem),
    Option("reference-pattern", str, DEFAULT_REFERENCE, _pattern_problem),
    Option("author-is-reference", bool, False),
    Option("max-age", int, None, _positive),
)


@dataclass(frozen=True)
class TodoSettings:
    candidates: re.Pattern[str]  # lines that may hold a tagged comment
    tag: re.Pattern[str]  # a tag opening a comment (or a `#` part of one)
    reference: re.Pattern[str]
    author_is_reference: bool
    max_age: int | None


@lru_cache(maxsize=32)
def _compile(tags: tuple[str, ...], reference: str, author_is_reference: bool, max_age: int | None) -> TodoSettings:
    alternatives = "|".join(re.escape(tag) for tag in tags)
    return TodoSettings(
        re.compile(rf"#[^\r\n]*\b(?:{alternatives})\b"),
        re.compile(
            rf"(?:^|#)[#:!\s]*(?P<tag>{alternatives})(?!\w)"
            r"(?:\((?P<paren>[^)]*)\))?[\s:\-]*(?P<text>.*)"
        ),
        re.compile(reference),
        author_is_reference,
        max_age,
    )


def todo_settings(family_options: dict[str, dict[str, Any]]) -> TodoSettings:
    """The compiled settings of `[tool.reliability-lint.todos]` (defaults where unset)."""
    table = family_options.get("todos", {})
    return _compile(
        tuple(table.get("tags", DEFAULT_TAGS)),
        table.get("reference-pattern", DEFAULT_REFERENCE),
        table.get("author-is-reference", False),
        table.get("max-age"),
    )


comment_marker(lambda family_options: todo_settings(family_options).candidates.pattern)
comment_marker(_NOT_IMPLEMENTED_COMMENT)


@dataclass(frozen=True)
class Todo:
    """One tagged comment."""

    line: int
    col: int  # character columns of the tag
    end_col: int
    tag: str
    text: str
    author: str  # from `TODO(author)`, when the parentheses hold no reference
    reference: str  # "" when untracked

    @property
    def tracked(self) -> bool:
        return bool(self.reference)


def scan(
    source: SourceFile,
    literal_spans: list[tuple[int, int]],
    settings: TodoSettings,
    comments: list[Comment] | None = None,
) -> list[Todo]:
    """Every tagged comment of a Python file, given the merged spans of its string literals
    (and the comments on the candidate lines, when a check context already found them)."""
    if comments is None:
        comments = source.comments(settings.candidates, literal_spans)
    todos = []
    for comment in comments:
        match = settings.tag.search(comment.text)
        if match is None:
            continue
        paren = (match.group("paren") or "").strip()
        text = match.group("text").strip()
        found = settings.reference.search(f"{paren} {text}")
        reference = found.group() if found else ""
        if not reference and comment.text.startswith("#") and not source.line(comment.line)[: comment.col].strip():
            reference = _reference_below(source, comment.line, comment.col, literal_spans, settings)
        if not reference and paren and settings.author_is_reference:
            reference = paren
        author = paren if paren and paren != reference and not settings.reference.search(paren) else ""
        col = comment.col + match.start("tag")
        todos.append(Todo(comment.line, col, col + len(match.group("tag")), match.group("tag"), text, author, reference))
    return todos


def _reference_below(
    source: SourceFile, line: int, col: int, literal_spans: list[tuple[int, int]], settings: TodoSettings
) -> str:
    """A reference on the full-line comments continuing a full-line TODO at the same column."""
    for below in range(line + 1, min(line + 1 + _CONTINUATION_LINES, len(source.lines) + 1)):
        text = source.line(below)
        if text[:col].strip() or text[col : col + 1] != "#":
            return ""
        if _in_literal(literal_spans, source.offset(below, col)) or settings.tag.search(text[col:]):
            return ""
        found = settings.reference.search(text[col + 1 :])
        if found:
            return found.group()
    return ""


def _in_literal(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


@collector("todos")
def collect_todos(ctx: CheckContext) -> None:
    """Every tagged comment, tracked or not: the inventory of `reliability-lint todos`."""
    for todo in scan(ctx.source, ctx.literal_spans, todo_settings(ctx.options)):
        ctx.collect("todos", todo)


# ------------------------------------------------------------------------------- REL401


@rule(
    "REL401",
    "untracked-todo",
    "TODO comment without a tracking reference",
    "P3",
    kinds=("python",),
    reads_git=lambda options: options["todos"]["max-age"] is not None,
    tags=("untracked-todo",),
)
def untracked_todo(ctx: CheckContext) -> None:
    settings = todo_settings(ctx.options)
    found = scan(ctx.source, ctx.literal_spans, settings, ctx.comments(settings.candidates))
    untracked = [todo for todo in found if not todo.tracked]
    if untracked and settings.max_age is not None:
        untracked = _older_than(ctx.source, untracked, settings.max_age)
    for todo in untracked:
        ctx.report(
            "REL401",
            None,
            f"{todo.tag} without a tracking reference (an issue `#123`, a key `ABC-123` or a URL)",
            position=(todo.line, todo.col, todo.line, todo.end_col),
        )


def _older_than(source: SourceFile, todos: list[Todo], days: int) -> list[Todo]:
    """The TODOs whose line git blame dates more than `days` ago; all of them without git."""
    from reliability_lint.git import blame_file

    blamed = blame_file(source.path, [todo.line for todo in todos], contents=source.text)
    if blamed is None:
        return todos
    now = datetime.now(timezone.utc)
    old = []
    for todo in todos:
        line = blamed.get(todo.line)
        if line is not None and line.time is not None and (now - line.time).days > days:
            old.append(todo)
    return old


# ------------------------------------------------------------------------------- REL402


@dataclass
class _Stub:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    qualname: str


def _docstring(body: list[ast.stmt]) -> ast.Expr | None:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _is_logging_call(node: ast.expr) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = dotted_name(node.func)
    if name.startswith("logging."):
        return True
    receiver, _, method = name.rpartition(".")
    return method in _LOG_METHODS and "log" in receiver.rpartition(".")[2].lower()


def _does_nothing(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Return):
        return statement.value is None or (
            isinstance(statement.value, ast.Constant) and statement.value.value is None
        )
    if isinstance(statement, ast.Expr):
        value = statement.value
        if isinstance(value, ast.Constant) and (value.value is Ellipsis or isinstance(value.value, str)):
            return True
        return _is_logging_call(value)
    return False


def _stub_body(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    body = function.body[1:] if _docstring(function.body) else function.body
    return all(_does_nothing(statement) for statement in body)


def _exempt_by_decorator(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted_name(target).rpartition(".")[2] in _SKIP_DECORATORS:
            return True
    return False


def _base_names(cls: ast.ClassDef) -> set[str]:
    names = set()
    for base in [*cls.bases, *(k.value for k in cls.keywords if k.arg == "metaclass")]:
        target = base.value if isinstance(base, ast.Subscript) else base
        names.add(dotted_name(target).rpartition(".")[2])
    return names


def _exempt_class(cls: ast.ClassDef, ctx: CheckContext) -> bool:
    """A Protocol, or an ABC whose methods are all stubs: an interface, not unfinished work."""
    cache: dict[int, bool] = ctx.state.setdefault("todo-stub-classes", {})
    exempt = cache.get(id(cls))
    if exempt is None:
        bases = _base_names(cls)
        methods = [statement for statement in cls.body if isinstance(statement, _FUNCTIONS)]
        exempt = "Protocol" in bases or (
            bool(bases & {"ABC", "ABCMeta"}) and all(_stub_body(method) for method in methods)
        )
        cache[id(cls)] = exempt
    return exempt


@rule(
    "REL402",
    "todo-stub",
    "Function marked TODO whose body does nothing: it returns as if it worked",
    "P0",
    fix="unsafe",
    nodes=_FUNCTIONS,
)
def todo_stub(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: CheckContext) -> None:
    if ctx.source.path.suffix == ".pyi" or not _stub_body(node) or _exempt_by_decorator(node):
        return
    parent = ctx.ancestors[-1] if ctx.ancestors else None
    if isinstance(parent, ast.ClassDef) and _exempt_class(parent, ctx):
        return
    stubs: list[_Stub] | None = ctx.state.get("todo-stubs")
    if stubs is None:
        stubs = ctx.state["todo-stubs"] = []
        ctx.at_end(lambda: _report_stubs(ctx))
    names = [a.name for a in ctx.ancestors if isinstance(a, _SCOPES)]
    stubs.append(_Stub(node, ".".join([*names, node.name])))


def _report_stubs(ctx: CheckContext) -> None:
    settings = todo_settings(ctx.options)
    markers: dict[int, str] = {}  # comment line -> what it says is left to do
    for todo in scan(ctx.source, ctx.literal_spans, settings, ctx.comments(settings.candidates)):
        markers[todo.line] = todo.text
    for comment in ctx.comments(re.compile(_NOT_IMPLEMENTED_COMMENT)):
        markers.setdefault(comment.line, comment.text.lstrip("#").strip())
    for stub in ctx.state["todo-stubs"]:
        found = _marker(stub.node, ctx.source, markers, settings)
        if found is None:
            continue
        line, text = found
        ctx.report(
            "REL402",
            stub.node,
            f"`{stub.qualname}` is a stub (marked at line {line}) that returns as if it worked",
            fix=_raise_fix(stub, text, ctx),
            position=_header(stub.node, ctx.source),
        )


def _marker(
    function: ast.FunctionDef | ast.AsyncFunctionDef, source: SourceFile, markers: dict[int, str], settings: TodoSettings
) -> tuple[int, str] | None:
    """The first line of the docstring or of the function's comments marking it unfinished."""
    found: list[tuple[int, str]] = []
    docstring = _docstring(function.body)
    if docstring is not None:
        # _docstring returned an expression statement holding a str constant.
        for index, text in enumerate(str(getattr(docstring.value, "value")).splitlines()):
            match = settings.tag.search(text.strip())
            if match:
                found.append((docstring.lineno + index, match.group("text").strip()))
            elif re.search(_NOT_IMPLEMENTED, text, re.I):
                found.append((docstring.lineno + index, text.strip()))
    last = _last_comment_line(function, source)
    found.extend((line, text) for line, text in markers.items() if function.lineno <= line <= last)
    return min(found) if found else None


def _last_comment_line(function: ast.FunctionDef | ast.AsyncFunctionDef, source: SourceFile) -> int:
    """The function's last line, extended over the comment lines indented below it."""
    last = function.end_lineno or function.lineno
    indent = source.char_col(function.lineno, function.col_offset)
    for below in range(last + 1, len(source.lines) + 1):
        text = source.line(below)
        stripped = text.lstrip()
        if not stripped.startswith("#") or len(text) - len(stripped) <= indent:
            break
        last = below
    return last


def _header(function: ast.FunctionDef | ast.AsyncFunctionDef, source: SourceFile) -> tuple[int, int, int, int]:
    """The `def name` part of the function's first line."""
    line = function.lineno
    col = source.char_col(line, function.col_offset)
    name_at = source.line(line).find(function.name, col)
    end = name_at + len(function.name) if name_at >= 0 else len(source.line(line))
    return (line, col, line, end)


# ---------------------------------------------------------------------- REL402's fix


def _string_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else " " for c in escaped) + '"'


def _raise_fix(stub: _Stub, todo_text: str, ctx: CheckContext) -> Fix:
    line, col = stub.node.lineno, ctx.source.char_col(stub.node.lineno, stub.node.col_offset)

    def compute(fix: FixContext) -> list[Edit]:
        import libcst as cst

        message = f"{stub.qualname}: {redact_credentials(todo_text) or 'not implemented'}"
        statement = f"raise NotImplementedError({_string_literal(message)})\n"
        old = fix.node_at(cst.FunctionDef, line, col)
        return fix.replace(old, old.with_changes(body=_raising_body(old.body, cst.parse_statement(statement))))

    return Fix("unsafe", "Raise `NotImplementedError` instead of returning", compute=compute)


def _raising_body(body: Any, raise_line: Any) -> Any:
    """The body with its placeholders replaced by the raise, logging calls, docstring and
    comments kept."""
    import libcst as cst

    raise_statement = raise_line.body[0]
    if isinstance(body, cst.SimpleStatementSuite):  # `def f(): pass` on one line
        kept = [s for s in body.body if not _is_placeholder(s)]
        return body.with_changes(body=[*kept, raise_statement])
    statements = list(body.body)
    head = statements[:1] if statements and _is_cst_docstring(statements[0]) else []
    rest = statements[len(head) :]
    new: list[Any] = []
    pending: list[Any] = []  # comments of removed placeholder lines, for the next line
    for index, statement in enumerate(rest):
        kept = [s for s in statement.body if not _is_placeholder(s)]
        leading = [*pending, *statement.leading_lines]
        is_last = index == len(rest) - 1
        if kept:
            new.append(statement.with_changes(body=kept, leading_lines=leading))
            pending = []
            if is_last:
                new.append(raise_line)
        elif is_last:
            new.append(statement.with_changes(body=[raise_statement], leading_lines=leading))
        else:
            pending = leading + _trailing_comment(statement)
    if not rest:  # only a docstring
        new.append(raise_line)
    return body.with_changes(body=[*head, *new])


def _trailing_comment(statement: Any) -> list[Any]:
    import libcst as cst

    comment = statement.trailing_whitespace.comment
    return [cst.EmptyLine(comment=comment)] if comment is not None else []


def _is_cst_docstring(statement: Any) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_placeholder(statement: Any) -> bool:
    """pass, `...`, a bare string, `return` or `return None` (logging calls are kept)."""
    import libcst as cst

    if isinstance(statement, cst.Pass):
        return True
    if isinstance(statement, cst.Return):
        value = statement.value
        return value is None or (isinstance(value, cst.Name) and value.value == "None")
    return isinstance(statement, cst.Expr) and isinstance(
        statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
    )
