"""What the timeouts family knows: the libraries' classes, which of their calls can wait
forever and which argument bounds each, and the family's options (the values a fix inserts
and the project's own wrappers, `extra-calls`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from reliability_lint.lazy_regex import LazyPattern
from reliability_lint.registry import Option, options
from reliability_lint.semantic.types import Library

FAMILY = "timeouts"

BQ = "google.cloud.bigquery"
CLIENT = f"{BQ}.Client"
QUERY_JOB = f"{BQ}.QueryJob"
LOAD_JOB = f"{BQ}.LoadJob"
COPY_JOB = f"{BQ}.CopyJob"
EXTRACT_JOB = f"{BQ}.ExtractJob"
ROW_ITERATOR = f"{BQ}.table.RowIterator"  # rows of a finished query, or of list_rows()
ANY_JOB = f"{BQ}.job.base._AsyncJob"  # what get_job() returns: some kind of job
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
    (QUERY_JOB, "result"): ROW_ITERATOR,
    (CLIENT, "list_rows"): ROW_ITERATOR,
    (CLIENT, "query_and_wait"): ROW_ITERATOR,
    (PUBLISHER, "publish"): PUBLISH_FUTURE,
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


_EXTRA_CALL = LazyPattern(r"(?P<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+):(?P<keyword>[A-Za-z_]\w*)(?::(?P<code>REL20[1-5]))?")


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


def option_value(settings: dict[str, Any], key: str) -> tuple[str, list[str]]:
    """The value option `key` gives a fix to insert, as source text, and the imports that
    its `<key>-import` option says the value needs."""
    value = settings[key]
    text = repr(value) if isinstance(value, (int, float)) else value.strip()
    extra = settings[f"{key}-import"].strip()
    return text, [extra] if extra else []


@dataclass(frozen=True)
class Extra:
    """The wrappers a project declared: callables and methods checked like the built-ins."""

    functions: dict[str, Check]
    methods: dict[tuple[str, str], Check]
    roots: tuple[str, ...]  # top-level packages, to skip files that mention none

    @cached_property
    def method_names(self) -> frozenset[str]:
        return frozenset(method for _, method in self.methods)

    @cached_property
    def called_names(self) -> frozenset[str]:
        """The last part of every name a call can be checked by: a function's, a method's."""
        return frozenset(
            {*(name.rpartition(".")[2] for name in (*FUNCTION_CHECKS, *self.functions)), *(method for _, method in METHOD_CHECKS), *self.method_names}
        )


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


# Types the other rule modules (waits_*, silent) read from the same per-file model, so that
# a file is modelled once: loggers, web apps, Popen, queues and events.
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
