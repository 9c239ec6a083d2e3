"""REL201-REL205: BigQuery, Pub/Sub and HTTP calls that can wait forever.

The walk hands every binding and call to a `_calls.Module`; once it is over, each call is
resolved (what is it called on?) and checked against the table of calls below. Only calls
on values known to be BigQuery clients and jobs, Pub/Sub publishers and their futures,
requests sessions or httpx are reported: a method name alone never is.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixContext, FixError
from reliability_lint.registry import Option, checker, options, rule
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import BINDING_NODES, Binding, Scope, start
from reliability_lint.semantic.types import Library, Type
from reliability_lint.source import SourceFile

FAMILY = "timeouts"

# ---------------------------------------------------------------------- what the libraries are

BQ = "google.cloud.bigquery"
CLIENT = f"{BQ}.Client"
QUERY_JOB = f"{BQ}.QueryJob"
LOAD_JOB = f"{BQ}.LoadJob"
COPY_JOB = f"{BQ}.CopyJob"
EXTRACT_JOB = f"{BQ}.ExtractJob"
ANY_JOB = f"{BQ}.job.base._AsyncJob"  # what get_job() returns: some kind of job
ROW_ITERATOR = f"{BQ}.table.RowIterator"  # rows of a finished query, or of list_rows()
PUBLISHER = "google.cloud.pubsub_v1.PublisherClient"
PUBLISH_FUTURE = "google.cloud.pubsub_v1.publisher.futures.Future"
SESSION = "requests.Session"
HTTPX_CLIENTS = ("httpx.Client", "httpx.AsyncClient")

_CLASS_ALIASES = {
    CLIENT: (CLIENT, f"{BQ}.client.Client"),
    QUERY_JOB: (QUERY_JOB, f"{BQ}.job.QueryJob", f"{BQ}.job.query.QueryJob"),
    LOAD_JOB: (LOAD_JOB, f"{BQ}.job.LoadJob", f"{BQ}.job.load.LoadJob"),
    COPY_JOB: (COPY_JOB, f"{BQ}.job.CopyJob", f"{BQ}.job.copy_.CopyJob"),
    EXTRACT_JOB: (EXTRACT_JOB, f"{BQ}.job.ExtractJob", f"{BQ}.job.extract.ExtractJob"),
    ROW_ITERATOR: (ROW_ITERATOR, f"{BQ}.RowIterator"),
    PUBLISHER: (
        PUBLISHER,
        "google.cloud.pubsub.PublisherClient",
        "google.cloud.pubsub_v1.publisher.Client",
        "google.cloud.pubsub_v1.publisher.client.Client",
    ),
    PUBLISH_FUTURE: (PUBLISH_FUTURE, "google.cloud.pubsub_v1.publisher.futures.Future"),
    SESSION: (SESSION, "requests.sessions.Session"),
    **{name: (name,) for name in HTTPX_CLIENTS},
}
_CONSTRUCTED = (CLIENT, PUBLISHER, SESSION, *HTTPX_CLIENTS)
_FACTORIES = {
    "requests.session": SESSION,
    "requests.sessions.session": SESSION,
    **{
        f"{alias}.{method}": CLIENT
        for alias in _CLASS_ALIASES[CLIENT]
        for method in ("from_service_account_json", "from_service_account_info")
    },
    **{
        f"{alias}.{method}": PUBLISHER
        for alias in _CLASS_ALIASES[PUBLISHER]
        for method in ("from_service_account_file", "from_service_account_json", "from_service_account_info")
    },
}
_RETURNS = {
    (CLIENT, "query"): QUERY_JOB,
    (CLIENT, "load_table_from_uri"): LOAD_JOB,
    (CLIENT, "load_table_from_file"): LOAD_JOB,
    (CLIENT, "load_table_from_dataframe"): LOAD_JOB,
    (CLIENT, "load_table_from_json"): LOAD_JOB,
    (CLIENT, "copy_table"): COPY_JOB,
    (CLIENT, "extract_table"): EXTRACT_JOB,
    (CLIENT, "get_job"): ANY_JOB,
    (PUBLISHER, "publish"): PUBLISH_FUTURE,
    (QUERY_JOB, "result"): ROW_ITERATOR,
    (CLIENT, "list_rows"): ROW_ITERATOR,
    (CLIENT, "query_and_wait"): ROW_ITERATOR,
}


@dataclass(frozen=True)
class Check:
    code: str
    keyword: str  # the argument that bounds the wait
    position: int | None = None  # its index among positional arguments, if it can be one
    only_none: bool = False  # httpx: only an explicit `timeout=None` is a defect
    wait_first: bool = False  # QueryJob.to_dataframe(): bounded by a `.result(timeout=)` before it


# Client API calls and the position of their `timeout` (google-cloud-bigquery 3.x signatures).
_CLIENT_REQUESTS = {
    "query": 7, "load_table_from_uri": 8, "load_table_from_file": 10, "load_table_from_dataframe": 9,
    "load_table_from_json": 8, "insert_rows": None, "insert_rows_json": 7,
    "insert_rows_from_dataframe": None, "copy_table": 8, "extract_table": 8, "cancel_job": 4,
    "get_dataset": 2, "get_table": 2, "get_model": 2, "get_routine": 2, "get_iam_policy": 3,
    "get_service_account_email": 2, "set_iam_policy": 4, "test_iam_permissions": 3,
    "create_dataset": 3, "create_table": 3, "create_routine": 3, "create_job": 2,
    "update_dataset": 3, "update_table": 4, "update_model": 3, "update_routine": 3,
    "delete_dataset": 3, "delete_table": 2, "delete_model": 2, "delete_routine": 2,
    "delete_job_metadata": 4, "list_datasets": 6, "list_tables": 4, "list_rows": 7, "list_jobs": 7,
    "list_models": 4, "list_routines": 4, "list_projects": 3, "list_partitions": 2,
}  # fmt: skip
_HTTP_METHODS = ("get", "options", "head", "post", "put", "patch", "delete")

METHOD_CHECKS: dict[tuple[str, str], Check] = {
    (QUERY_JOB, "result"): Check("REL201", "timeout", 3),
    (LOAD_JOB, "result"): Check("REL201", "timeout", 1),
    (COPY_JOB, "result"): Check("REL201", "timeout", 1),
    (EXTRACT_JOB, "result"): Check("REL201", "timeout", 1),
    (ANY_JOB, "result"): Check("REL201", "timeout", 1),
    **{(QUERY_JOB, m): Check("REL201", "timeout", wait_first=True) for m in ("to_dataframe", "to_arrow", "to_geodataframe")},
    **{(CLIENT, m): Check("REL202", "timeout", p) for m, p in _CLIENT_REQUESTS.items()},
    (CLIENT, "query_and_wait"): Check("REL203", "wait_timeout"),
    **{(SESSION, m): Check("REL204", "timeout") for m in _HTTP_METHODS},
    (SESSION, "request"): Check("REL204", "timeout", 8),
    **{
        (client, m): Check("REL204", "timeout", only_none=True)
        for client in HTTPX_CLIENTS
        for m in (*_HTTP_METHODS, "request", "stream", "send")
    },
    (PUBLISH_FUTURE, "result"): Check("REL205", "timeout", 0),
}
FUNCTION_CHECKS: dict[str, Check] = {
    **{
        f"{module}.{m}": Check("REL204", "timeout")
        for module in ("requests", "requests.api")
        for m in (*_HTTP_METHODS, "request")
    },
    **{f"httpx.{m}": Check("REL204", "timeout", only_none=True) for m in (*_HTTP_METHODS, "request", "stream")},
    **{name: Check("REL204", "timeout", only_none=True) for name in HTTPX_CLIENTS},
}
# Which option gives the value a rule's fix inserts.
VALUE_OF = {"REL201": "wait", "REL202": "request", "REL203": "wait", "REL204": "http", "REL205": "pubsub"}

# ---------------------------------------------------------------------- rules and options

rule("REL201", "bigquery-wait-without-timeout", "Waiting on a BigQuery job with no timeout", "P0", fix="safe")
rule("REL202", "bigquery-request-without-timeout", "BigQuery API request with no timeout", "P2", fix="safe")
rule(
    "REL203",
    "bigquery-query-and-wait-without-timeout",
    "`query_and_wait()` with no `wait_timeout`",
    "P0",
    fix="safe",
)
rule(
    "REL204",
    "http-request-without-timeout",
    "HTTP request with no timeout",
    "P1",
    fix="safe",
    suppressed_by=("nosec",),  # bandit's B113 means the same
)
rule("REL205", "pubsub-future-without-timeout", "Waiting on a Pub/Sub publish with no timeout", "P1", fix="safe")

_EXTRA_CALL = re.compile(r"(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+):(?P<keyword>[A-Za-z_]\w*)(?::(?P<code>REL20[1-5]))?")


def _check_value(value: Any) -> str | None:
    if isinstance(value, (int, float)):
        return None if value > 0 else "must be a positive number of seconds"
    try:
        ast.parse(value.strip(), mode="eval")
    except SyntaxError:
        return f"is not a Python expression: {value!r}"
    return None if value.strip() and "\n" not in value else "must be a one-line Python expression"


def _check_import(value: Any) -> str | None:
    if not value:
        return None
    statement = value if " " in value.strip() else f"import {value.strip()}"
    try:
        body = ast.parse(statement).body
    except SyntaxError:
        return f"is not an import statement: {value!r}"
    if len(body) != 1 or not isinstance(body[0], (ast.Import, ast.ImportFrom)):
        return "must be one import statement, such as 'from pipeline import settings'"
    node = body[0]
    if isinstance(node, ast.ImportFrom) and node.level:
        return "must be an absolute import"
    if any(alias.asname or alias.name == "*" for alias in node.names):
        return "must import names as they are (no `as`, no `*`)"
    return None


def _check_extra_calls(value: Any) -> str | None:
    for item in value:
        if not _EXTRA_CALL.fullmatch(item):
            return f"entry {item!r} is not 'package.module.Class.method:keyword' (optionally ':REL20N')"
    return None


options(
    FAMILY,
    Option("wait", (int, float, str), 600, _check_value),
    Option("request", (int, float, str), 60, _check_value),
    Option("http", (int, float, str), 30, _check_value),
    Option("pubsub", (int, float, str), 60, _check_value),
    Option("wait-import", str, "", _check_import),
    Option("request-import", str, "", _check_import),
    Option("http-import", str, "", _check_import),
    Option("pubsub-import", str, "", _check_import),
    Option("extra-calls", list, [], _check_extra_calls),
)


@dataclass(frozen=True)
class Extra:
    """The wrappers a project declared: callables and methods checked like the built-ins."""

    functions: dict[str, Check]
    methods: dict[tuple[str, str], Check]
    roots: tuple[str, ...]  # top-level packages, to skip files that mention none

    @property
    def method_names(self) -> frozenset[str]:
        return frozenset(method for _, method in self.methods)


def _extra(declared: list[str]) -> Extra:
    functions: dict[str, Check] = {}
    methods: dict[tuple[str, str], Check] = {}
    for item in declared:
        match = _EXTRA_CALL.fullmatch(item)
        assert match is not None  # validated with the config
        path, keyword = match.group("path"), match.group("keyword")
        check = Check(match.group("code") or "REL202", keyword)
        functions[path] = check
        owner, _, method = path.rpartition(".")
        methods[(owner, method)] = check
    return Extra(functions, methods, tuple(sorted({p.partition(".")[0] for p in functions})))


# Types the other rule modules (waits_*, silent_failures) read from the same per-file model,
# so that a file is modelled once: loggers, web apps, Popen, queues and events.
SHARED_TYPES: list[Library] = []


def _library(extra: Extra) -> Library:
    classes = {alias: canonical for canonical, aliases in _CLASS_ALIASES.items() for alias in aliases}
    constructors = {alias: canonical for alias, canonical in classes.items() if canonical in _CONSTRUCTED}
    constructors.update(_FACTORIES)
    for owner, _ in extra.methods:
        classes.setdefault(owner, owner)
        constructors.setdefault(owner, owner)
    returns, enter_self = dict(_RETURNS), {CLIENT, SESSION, *HTTPX_CLIENTS}
    for shared in SHARED_TYPES:
        constructors = {**shared.constructors, **constructors}
        classes = {**shared.classes, **classes}
        returns = {**shared.returns, **returns}
        enter_self |= shared.enter_self
    return Library(constructors, classes, returns, frozenset(enter_self))


_LIBRARIES: dict[tuple[str, ...], tuple[Extra, Library]] = {}


def _setup(declared: list[str]) -> tuple[Extra, Library]:
    key = tuple(declared)
    if key not in _LIBRARIES:
        extra = _extra(declared)
        _LIBRARIES[key] = (extra, _library(extra))
    return _LIBRARIES[key]


# ---------------------------------------------------------------------- during the walk

_HINTS = ("requests", "httpx", "google")


@dataclass
class _File:
    module: Module
    extra: Extra
    calls: list[tuple[ast.Call, Scope, ast.stmt]] = field(default_factory=list)
    loops: list[tuple[ast.expr, Scope, ast.stmt]] = field(default_factory=list)


def _state(ctx: CheckContext) -> _File | None:
    state = ctx.state.get(FAMILY)
    if state is None:
        extra, library = _setup(ctx.options[FAMILY]["extra-calls"])
        text = ctx.source.text
        project = ctx.project
        if not any(hint in text for hint in (*_HINTS, *extra.roots)) and (project is None or "import" not in text or not _CALL_HINT.search(text)):
            state = ctx.state[FAMILY] = False
        else:
            path = ctx.source.path.absolute()
            package = project.package_of(path) if project is not None else ""
            module = Module(library, project=project, origin=str(path), package=package)
            state = ctx.state[FAMILY] = _File(module, extra)
            ctx.at_end(lambda: _check_file(ctx, state))
    return state or None


def _statement(ancestors: list[ast.AST]) -> ast.stmt:
    for node in reversed(ancestors):
        if isinstance(node, ast.stmt):
            return node
    raise AssertionError("an expression outside any statement")


@checker(
    "REL201", "REL202", "REL203", "REL204", "REL205",
    nodes=(ast.Call, *BINDING_NODES),
)  # fmt: skip
def timeouts(node: ast.AST, ctx: CheckContext) -> None:
    state = _state(ctx)
    if state is None:
        return
    scope = state.module.visit(node, ctx.ancestors)
    if isinstance(node, ast.Call):
        state.calls.append((node, scope, _statement(ctx.ancestors)))
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        state.loops.append((node.iter, scope, node))
    elif isinstance(node, ast.comprehension):
        state.loops.append((node.iter, scope, _statement(ctx.ancestors)))


# ---------------------------------------------------------------------- after the walk


@dataclass(frozen=True)
class _Site:
    call: ast.Call
    scope: Scope
    statement: ast.stmt
    check: Check
    receiver: ast.expr | None  # what the method is called on


def _resolve(state: _File, call: ast.Call, scope: Scope, statement: ast.stmt) -> _Site | None:
    module, extra = state.module, state.extra
    func = call.func
    name = module.qualname(func, scope)
    if name:
        check = FUNCTION_CHECKS.get(name) or extra.functions.get(name)
        if check:
            return _Site(call, scope, statement, check, None)
        if module.project is None:
            return None  # `module.function()` of a library; another module's singleton needs the index
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr not in _METHOD_NAMES and func.attr not in extra.method_names:
        return None
    receiver: Type = module.type_of(func.value, scope)
    if not isinstance(receiver, str) or not receiver:
        return None
    check = METHOD_CHECKS.get((receiver, func.attr)) or extra.methods.get((receiver, func.attr))
    return _Site(call, scope, statement, check, func.value) if check else None


_METHOD_NAMES = frozenset(method for _, method in METHOD_CHECKS)
# Without a library's name in the file, only a client made in another module can be waited
# on: such a file needs an import and a call of one of the methods checked.
_CALL_HINT = re.compile(r"\.(?:%s)\(" % "|".join(sorted(_METHOD_NAMES, key=len, reverse=True)))


def _bound(call: ast.Call, check: Check) -> tuple[bool, ast.expr | None]:
    """(whether the call passes the bound, the `None` that disables it if one is passed)."""
    if any(k.arg is None for k in call.keywords):
        return True, None  # **kwargs may carry it
    for keyword in call.keywords:
        if keyword.arg == check.keyword:
            value = keyword.value
            is_none = isinstance(value, ast.Constant) and value.value is None
            return (False, value) if is_none else (True, None)
    if check.position is not None:
        if any(isinstance(a, ast.Starred) for a in call.args):
            return True, None
        if len(call.args) > check.position:
            value = call.args[check.position]
            if isinstance(value, ast.Constant) and value.value is None:
                return False, value
            return True, None
    return check.only_none, None


def _check_file(ctx: CheckContext, state: _File) -> None:
    module = state.module
    module.finish()
    settings = ctx.options[FAMILY]
    waits: dict[int, list[tuple[int, int]]] = defaultdict(list)
    pending: list[tuple[_Site, ast.expr | None]] = []
    for call, scope, statement in state.calls:
        site = _resolve(state, call, scope, statement)
        if site is None:
            continue
        if site.check.wait_first:
            pending.append((site, None))
            continue
        ok, disabling = _bound(call, site.check)
        if ok:
            if site.check.code == "REL201" and isinstance(site.receiver, ast.Name):
                binding = _binding(module, site.receiver, scope)
                if binding is not None:
                    waits[id(binding)].append(start(call))
            continue
        pending.append((site, disabling))

    def waited(receiver: ast.expr | None, scope: Scope, at: tuple[int, int]) -> bool:
        if not isinstance(receiver, ast.Name):
            return False
        binding = _binding(module, receiver, scope)
        return binding is not None and any(binding.pos <= pos < at for pos in waits.get(id(binding), ()))

    for site, disabling in pending:
        if site.check.wait_first and waited(site.receiver, site.scope, start(site.call)):
            continue
        _report_call(ctx, site, disabling, settings)
    for iterable, scope, statement in state.loops:
        if module.type_of(iterable, scope) == QUERY_JOB and not waited(iterable, scope, start(iterable)):
            _report_loop(ctx, iterable, statement, settings)


def _binding(module: Module, name: ast.Name, scope: Scope) -> Binding | None:
    bindings = module.lookup(name.id, scope, start(name))
    return bindings[0] if len(bindings) == 1 else None


def _label(call: ast.Call) -> str:
    parts = []
    node: ast.expr = call.func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts)) + "()"
    return "." + parts[0] + "()" if parts else "call"


def _value(settings: dict[str, Any], code: str) -> tuple[str, list[str]]:
    key = VALUE_OF[code]
    value = settings[key]
    text = repr(value) if isinstance(value, (int, float)) else value.strip()
    imports = [settings[f"{key}-import"].strip()] if settings[f"{key}-import"].strip() else []
    return text, imports


def _report_call(ctx: CheckContext, site: _Site, disabling: ast.expr | None, settings: dict[str, Any]) -> None:
    check, call = site.check, site.call
    label = _label(call)
    value, imports = _value(settings, check.code)
    src = ctx.source
    if disabling is not None:
        message = f"`{label}` passes `{check.keyword}=None`, which " + (
            "turns off httpx's default timeout" if check.only_none else "waits forever"
        )
        fix_message = f"Replace `None` with `{value}`"
        span = src.node_span(disabling)

        def compute(fix: FixContext) -> list[Edit]:
            return [fix.edit(span[0], span[1], value), *_import_edits(fix, imports)]

    elif check.wait_first:
        message = (
            f"`{label}` waits for the BigQuery job with no timeout (its own `timeout=` bounds only "
            "the download); call `.result(timeout=...)` first"
        )
        fix_message = f"Wait with `.result(timeout={value})` first"
        position = (call.lineno, src.char_col(call.lineno, call.col_offset))
        from reliability_lint.rules.waits_bigquery import accepts_download_timeout

        download = accepts_download_timeout(src.path)  # bound the download too where the pin allows (REL206)

        def compute(fix: FixContext) -> list[Edit]:
            return _wait_first_edits(fix, position, call.func.attr, value, imports, download)  # type: ignore[attr-defined]

    else:
        items = [f"{check.keyword}={value}"]
        if check.code == "REL203":
            message = f"`{label}` waits for the query with no `wait_timeout`"
            if not any(k.arg == "api_timeout" for k in call.keywords):
                request, request_imports = _value(settings, "REL202")
                items.append(f"api_timeout={request}")
                imports = imports + [i for i in request_imports if i not in imports]
        else:
            message = f"`{label}` {_DOES[check.code]} with no `{check.keyword}`"
        fix_message = f"Add `{', '.join(items)}`"

        def compute(fix: FixContext) -> list[Edit]:
            return [*keyword_edits(fix.source, call, items), *_import_edits(fix, imports)]

    if not _fixable(call):
        fix = None
    else:
        fix = Fix("safe", fix_message, compute=compute)
    ctx.report(check.code, site.statement, message, fix=fix, position=_span(src, call))


_DOES = {
    "REL201": "waits for the BigQuery job",
    "REL202": "sends a BigQuery API request",
    "REL204": "sends an HTTP request",
    "REL205": "waits for the Pub/Sub publish",
}


def _report_loop(ctx: CheckContext, iterable: ast.expr, statement: ast.stmt, settings: dict[str, Any]) -> None:
    src = ctx.source
    value, imports = _value(settings, "REL201")
    fix = None
    if isinstance(iterable, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
        insert_at = src.node_span(iterable)[1]

        def compute(fix_ctx: FixContext) -> list[Edit]:
            return [fix_ctx.edit(insert_at, insert_at, f".result(timeout={value})"), *_import_edits(fix_ctx, imports)]

        fix = Fix("safe", f"Iterate `.result(timeout={value})`", compute=compute)
    if isinstance(statement, (ast.For, ast.AsyncFor)) and statement.iter is iterable:
        first = statement.lineno
        position = (first, src.char_col(first, statement.col_offset), *_span(src, iterable)[2:])
    else:
        position = _span(src, iterable)
    ctx.report(
        "REL201",
        statement,
        "Iterating a BigQuery QueryJob waits for it with no timeout; iterate `.result(timeout=...)`",
        fix=fix,
        position=position,  # type: ignore[arg-type]
    )


def _span(src: SourceFile, node: ast.AST) -> tuple[int, int, int, int]:
    first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    return (
        first,
        src.char_col(first, node.col_offset),  # type: ignore[attr-defined]
        last,
        src.char_col(last, node.end_col_offset or 0),  # type: ignore[attr-defined]
    )


def _fixable(call: ast.Call) -> bool:
    # `f(x for x in y)` cannot take another argument without parenthesizing the generator
    return not (len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.GeneratorExp))


# ---------------------------------------------------------------------- fixes


def _import_edits(fix: FixContext, imports: list[str]) -> list[Edit]:
    if not imports:
        return []
    from reliability_lint.fix import add_imports, text_edits

    return text_edits(fix.source, add_imports(fix.module, imports).code)


def keyword_edits(src: SourceFile, call: ast.Call, items: list[str]) -> list[Edit]:
    """Edits that append keyword arguments (`["timeout=30"]`) to a call, in the call's own
    layout: one per line when its arguments are one per line, with or without the trailing
    comma it had, and after any comment that ends the last argument's line."""
    text = src.text
    close = src.node_span(call)[1] - 1  # the call's ")"
    arguments = [*call.args, *call.keywords]
    if not arguments:
        opening = _skip_to(text, src.node_span(call.func)[1], "(")
        return [Edit(src.position(opening + 1), src.position(opening + 1), ", ".join(items))]
    last = max(arguments, key=lambda node: (node.end_lineno, node.end_col_offset))
    last_start, after = src.node_span(last)
    comma = None
    index = after
    while index < close:  # parentheses closing the last argument, a comma, comments
        char = text[index]
        if char == "#":
            while index < close and text[index] not in "\r\n":
                index += 1
            continue
        if char == ")" and comma is None:
            after = index + 1
        elif char == ",":
            comma = index
        index += 1
    line_start = src.line_starts[src.position(last_start)[0] - 1]
    indent = text[line_start:last_start]
    own_lines = not indent.strip() and _starts_line(src, close) and _line_of(src, close) > _line_of(src, after)
    newline = src.newline
    if comma is not None:
        if own_lines:
            at = src.line_starts[_line_of(src, close) - 1]
            content = "".join(f"{indent}{item},{newline}" for item in items)
            return [Edit(src.position(at), src.position(at), content)]
        return [Edit(src.position(comma + 1), src.position(comma + 1), "".join(f" {item}," for item in items))]
    if own_lines:
        line_end = src.line_starts[_line_of(src, after) - 1] + len(src.line(_line_of(src, after)))
        added = "".join(f",{newline}{indent}{item}" for item in items)
        if line_end == after:
            return [Edit(src.position(after), src.position(after), added)]
        return [
            Edit(src.position(after), src.position(after), ","),
            Edit(src.position(line_end), src.position(line_end), added[1:]),
        ]
    return [Edit(src.position(after), src.position(after), "".join(f", {item}" for item in items))]


def _line_of(src: SourceFile, offset: int) -> int:
    return src.position(offset)[0]


def _starts_line(src: SourceFile, offset: int) -> bool:
    line, col = src.position(offset)
    return not src.line(line)[:col].strip()


def _skip_to(text: str, index: int, wanted: str) -> int:
    while text[index] != wanted:
        if text[index] == "#":
            index = text.find("\n", index)
        index += 1
    return index


def _wait_first_edits(
    fix: FixContext, position: tuple[int, int], method: str, value: str, imports: list[str], download: bool = False
) -> list[Edit]:
    """`job.to_dataframe(max_results=n)` -> `job.result(timeout=v, max_results=n).to_dataframe()`."""
    import libcst as cst

    node = _chained_call(fix, fix.node_at(cst.Call, *position), method)
    if node is None:
        raise FixError(f"no `.{method}()` call at line {position[0]}")
    moved = [a for a in node.args if a.keyword is not None and a.keyword.value == "max_results"]
    kept = [a for a in node.args if not moved or a is not moved[0]]
    if moved and kept and node.args[-1] is moved[0]:
        kept[-1] = kept[-1].with_changes(comma=moved[0].comma)
    wait_args = [cst.Arg(cst.parse_expression(value), keyword=cst.Name("timeout"), equal=_equal())]
    if moved:
        wait_args[0] = wait_args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        wait_args.append(moved[0].with_changes(comma=cst.MaybeSentinel.DEFAULT))
    if download and not any(a.keyword is not None and a.keyword.value == "timeout" for a in kept):
        if kept and isinstance(kept[-1].comma, cst.MaybeSentinel):
            kept[-1] = kept[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        kept.append(cst.Arg(cst.parse_expression(value), keyword=cst.Name("timeout"), equal=_equal()))
    attribute = node.func
    waited = cst.Call(func=cst.Attribute(value=attribute.value, attr=cst.Name("result")), args=wait_args)
    replacement = node.with_changes(func=attribute.with_changes(value=waited), args=kept)
    return fix.replace(node, replacement, imports)


def _chained_call(fix: FixContext, anchor: Any, method: str) -> Any:
    """The `.method()` call of the chain of calls that all start where `anchor` starts."""
    import libcst as cst
    import libcst.matchers as m

    def chain(node: Any) -> list[Any]:
        links = []
        while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            links.append(node)
            node = node.func.value
        return links + [node]

    below = chain(anchor)
    for call in m.findall(fix.module, m.Call(func=m.Attribute(attr=m.Name(method)))):
        if any(link is call for link in below) or any(link is anchor for link in chain(call)):
            return call
    return None


def _equal() -> Any:
    import libcst as cst

    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
