"""REL201-REL205: BigQuery, Pub/Sub and HTTP calls that can wait forever.

The walk hands every binding and call to a `semantic.model.Module`; once it is over, each call is
resolved (what is it called on?) and checked against the catalogue's table of calls. Only
calls on values known to be BigQuery clients and jobs, Pub/Sub publishers and their
futures, requests sessions or httpx are reported: a method name alone never is. Each
report below builds its message and its fix together; the edits are made in `fixes`.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker, rule
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import BINDING_NODES, ClassInfo, Scope, start
from reliability_lint.semantic.types import ProjectClass, Type
from reliability_lint.rules.timeouts.catalogue import (
    FAMILY,
    FUNCTION_CHECKS,
    METHOD_CHECKS,
    QUERY_JOB,
    SESSION,
    VALUE_OF,
    Check,
    Extra,
    _setup,
    option_value,
)
from reliability_lint.rules.timeouts.waited import counts_from, wait_key
from reliability_lint.rules.timeouts import sessions
from reliability_lint.rules.timeouts.fixes import _import_edits, _wait_first_edits, keyword_edits
from reliability_lint.source import SourceFile

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

rule("REL201", "bigquery-wait-without-timeout", "Waiting on a BigQuery job with no timeout", "P0", fix="safe", page="REL201-bigquery-wait-without-timeout.md")
rule("REL202", "bigquery-request-without-timeout", "BigQuery API request with no timeout", "P2", fix="safe", page="REL202-bigquery-request-without-timeout.md")
rule("REL203", "bigquery-query-and-wait-without-timeout", "`query_and_wait()` with no `wait_timeout`", "P0", fix="safe", page="REL203-bigquery-query-and-wait-without-timeout.md")
rule(
    "REL204", "http-request-without-timeout", "HTTP request with no timeout", "P1", fix="safe",
    suppressed_by=("nosec",),  # bandit's B113 means the same
    page="REL204-http-request-without-timeout.md",
)  # fmt: skip
rule("REL205", "pubsub-future-without-timeout", "Waiting on a Pub/Sub publish with no timeout", "P1", fix="safe", page="REL205-pubsub-future-without-timeout.md")


# ---------------------------------------------------------------------- during the walk

HINTS = ("requests", "httpx", "google")


@dataclass
class _File:
    module: Module
    extra: Extra
    calls: list[tuple[ast.Call, Scope, ast.stmt]] = field(default_factory=list)
    loops: list[tuple[ast.expr, Scope, ast.stmt]] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)  # the names `import ... as` binds
    # What the walk keeps a call for: the names _may_resolve looks for, and every name the
    # text binds with `as` (the imports' aliases among them, before their import is walked).
    wanted: frozenset[str] = frozenset()
    as_names: frozenset[str] = frozenset()


def _state(ctx: CheckContext) -> _File | None:
    state = ctx.state.get(FAMILY)
    if state is None:
        extra, library = _setup(ctx.options[FAMILY]["extra-calls"])
        text = ctx.source.text
        project = ctx.project
        if not any(hint in text for hint in (*HINTS, *extra.roots)) and (
            project is None or "import" not in text or not _CALL_HINT.search(text)
        ):
            state = ctx.state[FAMILY] = False
        else:
            path = ctx.source.path.absolute()
            package = project.package_of(path) if project is not None else ""
            module = Module(library, project=project, origin=str(path), package=package)
            ctx.source.on_release(module.release)
            wanted = extra.called_names | {"mount"}  # a session's adapters (sessions.mounts_of)
            state = ctx.state[FAMILY] = _File(module, extra, wanted=wanted, as_names=_as_names(text))
            ctx.at_end(lambda: _check_file(ctx, state))
    return state if isinstance(state, _File) else None


# No `\b`: led by a literal, the search is a C-speed scan (a superset: `class Foo` gives `Foo`).
_AS = re.compile(r"as[\s\\]+([^\W\d]\w*)")


def _as_names(text: str) -> frozenset[str]:
    # The parser NFKC-normalizes identifiers: `ﬁnd` is the name `find`.
    return frozenset(name if name.isascii() else unicodedata.normalize("NFKC", name) for name in _AS.findall(text))


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
    state = ctx.state.get(FAMILY)  # called for most nodes: the file's state, else made once
    if state is None:
        state = _state(ctx)
    if not state:
        return
    if isinstance(node, ast.Call):  # most calls no check could match: no scope, no statement
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in state.wanted:
                return
        elif not isinstance(func, ast.Name) or (func.id not in state.wanted and func.id not in state.as_names):
            return
    scope = state.module.visit(node, ctx.ancestors)
    if isinstance(node, ast.Call):
        state.calls.append((node, scope, _statement(ctx.ancestors)))
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        state.loops.append((node.iter, scope, node))
    elif isinstance(node, ast.comprehension):
        state.loops.append((node.iter, scope, _statement(ctx.ancestors)))
    elif isinstance(node, (ast.Import, ast.ImportFrom)):
        state.aliases.update(alias.asname for alias in node.names if alias.asname)


# ---------------------------------------------------------------------- after the walk


@dataclass(frozen=True)
class _Site:
    call: ast.Call
    scope: Scope
    statement: ast.stmt
    check: Check
    receiver: ast.expr | None  # what the method is called on
    library: str = ""  # the library class it is (or derives from)


def _may_resolve(func: ast.expr, names: frozenset[str], aliases: set[str]) -> bool:
    """Whether _resolve can find a check for a call of `func`: a qualified name ends with the
    name written (an attribute, or a name from a star import) or imported under an alias,
    and a method is looked up by its name. Most calls are neither, and cost no lookup."""
    if isinstance(func, ast.Attribute):
        return func.attr in names
    return isinstance(func, ast.Name) and (func.id in names or func.id in aliases)


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
    if func.attr not in METHOD_NAMES and func.attr not in extra.method_names:
        return None
    receiver: Type = module.type_of(func.value, scope)
    if isinstance(receiver, (ClassInfo, ProjectClass)):  # the project's own subclass of a library class
        receiver = sessions.library_class(module, receiver, func.attr, _OWNERS_OF.get(func.attr, frozenset()))
    if not isinstance(receiver, str) or not receiver:
        return None
    check = METHOD_CHECKS.get((receiver, func.attr)) or extra.methods.get((receiver, func.attr))
    return _Site(call, scope, statement, check, func.value, receiver) if check else None


METHOD_NAMES = frozenset(method for _, method in METHOD_CHECKS)
_OWNERS_OF = {name: frozenset(owner for owner, method in METHOD_CHECKS if method == name) for name in METHOD_NAMES}
# Without a library's name in the file, only a client made in another module can be waited
# on: such a file needs an import and a call of one of the methods checked.
_CALL_HINT = re.compile(r"\.(?:%s)\(" % "|".join(sorted(METHOD_NAMES, key=len, reverse=True)))


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
    waits: dict[tuple[Any, ...], list[tuple[int, int]]] = defaultdict(list)
    pending: list[tuple[_Site, ast.expr | None]] = []
    mounted: list[list[tuple[ast.Call, Scope, bool]]] = []  # the module's mounts, and whether each may bound
    own = str(ctx.source.path.absolute())

    def elsewhere() -> bool:  # the modules read so far include those the session came from
        read = module.project.modules_read() if module.project is not None else []
        overlay = getattr(module.project, "overlay", None)
        return sessions.mounts_elsewhere([path for path in read if path != own], overlay)

    def adapters_may_bound(site: _Site) -> bool:
        if not mounted:
            calls = [(c, s) for c, s, _ in state.calls if isinstance(c.func, ast.Attribute) and c.func.attr == "mount"]
            mounted.append(sessions.mounts_of(module, calls))
        assert site.receiver is not None
        return sessions.may_be_bounded(module, site.receiver, site.scope, mounted[0], elsewhere)

    names = state.extra.called_names
    for call, scope, statement in state.calls:
        if not _may_resolve(call.func, names, state.aliases):
            continue
        site = _resolve(state, call, scope, statement)
        if site is None:
            continue
        if site.library == SESSION and adapters_may_bound(site):
            continue
        if site.check.wait_first:
            pending.append((site, None))
            continue
        ok, disabling = _bound(call, site.check)
        if ok:
            key = wait_key(module, site.receiver, scope) if site.check.code == "REL201" else None
            if key is not None:
                waits[key].append(start(call))
            continue
        pending.append((site, disabling))

    def waited(receiver: ast.expr | None, scope: Scope, at: tuple[int, int]) -> bool:
        key = wait_key(module, receiver, scope)
        if key is None or receiver is None:
            return False
        since = counts_from(module, receiver, scope, at)
        return any(since <= pos < at for pos in waits.get(key, ()))

    for site, disabling in pending:
        if site.check.wait_first and waited(site.receiver, site.scope, start(site.call)):
            continue
        _report_call(ctx, site, disabling, settings)
    for iterable, scope, statement in state.loops:
        if module.type_of(iterable, scope) == QUERY_JOB and not waited(iterable, scope, start(iterable)):
            _report_loop(ctx, iterable, statement, settings)


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
    return option_value(settings, VALUE_OF[code])


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
        from reliability_lint.rules.timeouts.waits_bigquery import accepts_download_timeout

        download = accepts_download_timeout(src.path, ctx.project)  # bound the download too where the pin allows (REL206)

        def compute(fix: FixContext) -> list[Edit]:
            return _wait_first_edits(fix, call, value, imports, download)

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
        position=position,
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
