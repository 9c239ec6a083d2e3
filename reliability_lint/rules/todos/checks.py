"""REL401 untracked-todo and REL402 todo-stub."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from reliability_lint.analysis import CheckContext
from reliability_lint.registry import collector, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.rules._loggers import is_logger_call, may_be_logger_call
from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.todos.catalogue import (
    _FUNCTIONS,
    _NOT_IMPLEMENTED,
    _NOT_IMPLEMENTED_COMMENT,
    _SCOPES,
    _SKIP_DECORATORS,
    TodoSettings,
    todo_settings,
)
from reliability_lint.rules.todos.fixes import _raise_fix
from reliability_lint.rules.todos.scan import Todo, scan
from reliability_lint.source import SourceFile


@collector("todos")
def collect_todos(ctx: CheckContext) -> None:
    """Every tagged comment, tracked or not: the inventory of `reliability-lint todos`."""
    settings = todo_settings(ctx.options)
    found = scan(ctx.source, ctx.literal_spans, settings)
    seen = {todo.line for todo in found}
    for todo in [*found, *_docstring_todos(ctx.source, settings, seen)]:
        ctx.collect("todos", todo)


def _docstring_todos(source: SourceFile, settings: TodoSettings, seen: set[int]) -> list[Todo]:
    """The tagged lines of functions' docstrings: REL402 takes them for markers, so the
    inventory lists them too (`def send(): \"\"\"TODO: send to Sentry.\"\"\"`)."""
    if not settings.word.search(source.text):  # not `tag`: its `^` is the text's start only
        return []
    todos = []
    for node in ast.walk(source.tree):
        docstring = _docstring(node.body) if isinstance(node, _FUNCTIONS) else None
        if docstring is None:
            continue
        for index, text in enumerate(str(getattr(docstring.value, "value")).splitlines()):
            match = settings.tag.search(text.strip())
            line = docstring.lineno + index
            if match is None or line in seen:
                continue
            col = max(source.line(line).find(match.group("tag")), 0)
            paren = (match.group("paren") or "").strip()
            body = match.group("text").strip()
            reference = settings.reference.search(f"{paren} {body}")
            todos.append(Todo(line, col, col + len(match.group("tag")), match.group("tag"), body, "", reference.group() if reference else ""))
    return todos


@rule(
    "REL401",
    "untracked-todo",
    "TODO comment without a tracking reference",
    "P3",
    kinds=("python",),
    reads_git=lambda options: options["todos"]["max-age"] is not None,
    page="REL401-untracked-todo.md",
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


@dataclass
class _Stub:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    qualname: str
    log_calls: list[ast.Call]  # a stub only if the file's model says each is a logger's


def _docstring(body: list[ast.stmt]) -> ast.Expr | None:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _is_logging_call(node: ast.expr, log_calls: list[ast.Call] | None) -> bool:
    """A `logging.*` call; or a call of a logger method's name: kept in `log_calls` for the
    model to decide after the walk, or (without `log_calls`) judged by its receiver's name."""
    if not isinstance(node, ast.Call):
        return False
    if dotted_name(node.func).startswith("logging."):
        return True
    if not may_be_logger_call(node):
        return False
    if log_calls is not None:
        log_calls.append(node)
        return True
    receiver = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else ""
    return "log" in receiver.rpartition(".")[2].lower()


def _does_nothing(statement: ast.stmt, log_calls: list[ast.Call] | None = None) -> bool:
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
        return _is_logging_call(value, log_calls)
    return False


def _stub_body(function: ast.FunctionDef | ast.AsyncFunctionDef, log_calls: list[ast.Call] | None = None) -> bool:
    body = function.body[1:] if _docstring(function.body) else function.body
    return all(_does_nothing(statement, log_calls) for statement in body)


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
    page="REL402-todo-stub.md",
)
def todo_stub(node: ast.FunctionDef | ast.AsyncFunctionDef, ctx: CheckContext) -> None:
    log_calls: list[ast.Call] = []
    if ctx.source.path.suffix == ".pyi" or not _stub_body(node, log_calls) or _exempt_by_decorator(node):
        return
    parent = ctx.ancestors[-1] if ctx.ancestors else None
    if isinstance(parent, ast.ClassDef) and _exempt_class(parent, ctx):
        return
    stubs: list[_Stub] | None = ctx.state.get("todo-stubs")
    if stubs is None:
        stubs = ctx.state["todo-stubs"] = []
        ctx.at_end(lambda: _report_stubs(ctx))
    names = [a.name for a in ctx.ancestors if isinstance(a, _SCOPES)]
    stubs.append(_Stub(node, ".".join([*names, node.name]), log_calls))


def _report_stubs(ctx: CheckContext) -> None:
    settings = todo_settings(ctx.options)
    markers: dict[int, str] = {}  # comment line -> what it says is left to do
    for todo in scan(ctx.source, ctx.literal_spans, settings, ctx.comments(settings.candidates)):
        markers[todo.line] = todo.text
    for comment in ctx.comments(re.compile(_NOT_IMPLEMENTED_COMMENT)):
        markers.setdefault(comment.line, comment.text.lstrip("#").strip())
    for stub in ctx.state["todo-stubs"]:
        found = _marker(stub.node, ctx.source, markers, settings)
        if found is None or (stub.log_calls and not _only_logs(stub, ctx)):
            continue
        line, text = found
        ctx.report(
            "REL402",
            stub.node,
            f"`{stub.qualname}` is a stub (marked at line {line}) that returns as if it worked",
            fix=_raise_fix(stub, text, ctx),
            position=_header(stub.node, ctx.source),
        )


def _only_logs(stub: _Stub, ctx: CheckContext) -> bool:
    """Whether every `x.info(...)` of the stub's body is a logger call, as the file's model says."""
    module = _lazy_model.model_for(ctx)
    scope = module.scopes.get(id(stub.node), module.root)
    return all(is_logger_call(module, call, scope) for call in stub.log_calls)


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
    text = source.line(line)
    # The name after `def`, not the first place it occurs (`def f` holds an `f` in `def`).
    named = re.compile(rf"def\s+({re.escape(function.name)})\b").search(text, col)
    return (line, col, line, named.end(1) if named else len(text))
