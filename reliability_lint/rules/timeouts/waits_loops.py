"""REL210 polling loops with no deadline, REL211 retry decorators and objects with no stop.

A polling loop waits for something: it sleeps (`time.sleep`, `asyncio.sleep`, resolved
through the model) and leaves when a state changes (a `break` or `return`, or its own
`while not done:` test). It is reported when no exit is bounded by time or count: no exit
guarded by an ordering comparison (`time.monotonic() > deadline`, `attempt >= 5`), by a
counter the loop increments, or by a time function. A loop with no exit at all, or whose
exits test a shutdown signal (a `threading` / `asyncio` Event, a name such as `stop` or
`running`), is a service meant to run until it is stopped: it is not reported. Nor is a
loop that advances a counter (`page += 1`): it pages through something rather than polling.
"""

from __future__ import annotations

import ast
import re

from reliability_lint.analysis import CheckContext
from reliability_lint.registry import checker, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope
from reliability_lint.rules.timeouts.catalogue import SHARED_TYPES
from reliability_lint.semantic.types import Library

FAMILY = "timeouts"
EVENT = "threading.Event"
QUEUE = "queue.Queue"
_SLEEPS = frozenset({"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep"})
_CLOCKS = frozenset({"time.time", "time.monotonic", "time.perf_counter", "time.time_ns", "time.monotonic_ns",
                     "datetime.datetime.now", "datetime.datetime.utcnow"})  # fmt: skip
_SHUTDOWN = re.compile(r"stop|shut|running|terminat|exit|cancel|kill|alive|signal", re.I)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.While, ast.For, ast.AsyncFor)
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_QUEUES = ("queue.Queue", "queue.SimpleQueue", "queue.LifoQueue", "queue.PriorityQueue", "asyncio.Queue",
           "asyncio.PriorityQueue", "asyncio.LifoQueue", "multiprocessing.Queue", "multiprocessing.JoinableQueue")  # fmt: skip
LIBRARY = Library(
    {"threading.Event": EVENT, "asyncio.Event": EVENT, "multiprocessing.Event": EVENT, **{q: QUEUE for q in _QUEUES}},
    {"threading.Event": EVENT, "asyncio.Event": EVENT, **{q: QUEUE for q in _QUEUES}},
    {},
    frozenset(),
)
SHARED_TYPES.append(LIBRARY)
# Calls that block on input: a loop making one is paced by what it receives, not a poller.
_RECEIVING = frozenset({"accept", "recv", "recvfrom", "recv_into", "serve_forever", "handle_request", "select", "poll"})

rule("REL210", "polling-loop-without-deadline", "Polling loop that sleeps with no deadline or attempt limit", "P1", family=FAMILY, page="REL210-polling-loop-without-deadline.md")
rule("REL211", "retry-without-stop", "Retry decorator or policy with no stop, deadline or attempt limit", "P1", family=FAMILY, page="REL211-retry-without-stop.md")


LOOP_HINTS = ("sleep",)
RETRY_HINTS = ("tenacity", "backoff", "retry")
HINTS = (*LOOP_HINTS, *RETRY_HINTS)  # without one of these words, neither rule looks further


@checker("REL210", "REL211", nodes=(ast.While, ast.Call, ast.FunctionDef, ast.AsyncFunctionDef))
def loops(node: ast.AST, ctx: CheckContext) -> None:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        # a bare `@retry`: decorators that are calls are seen as calls
        if node.decorator_list and _mentions(ctx, *RETRY_HINTS):
            for decorator in node.decorator_list:
                if isinstance(decorator, (ast.Name, ast.Attribute)):  # an alias: `retry as again`
                    _lazy_model.record(ctx, "REL210", decorator, _check)
    elif isinstance(node, ast.While):
        if _unbounded_test(node.test) and _mentions(ctx, *LOOP_HINTS):
            _lazy_model.record(ctx, "REL210", node, _check)
    elif isinstance(node, ast.Call):
        func = node.func
        wanted = isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and func.attr in _RETRY_NAMES)
        if wanted and _mentions(ctx, *RETRY_HINTS):
            _lazy_model.record(ctx, "REL210", node, _check)


def _mentions(ctx: CheckContext, *words: str) -> bool:
    """Whether the file's text holds one of `words` (asked once per file and tuple)."""
    known: dict[tuple[str, ...], bool] = ctx.state.setdefault("loops-mentions", {})
    found = known.get(words)
    if found is None:
        found = known[words] = any(word in ctx.source.text for word in words)
    return found


def _unbounded_test(test: ast.expr) -> bool:
    """`while True`, `while 1`, `while not done`, `while not job.done()`, `while pending`."""
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Await):
        test = test.value
    return isinstance(test, (ast.Name, ast.Attribute, ast.Call))


def _check(ctx: CheckContext, module: Module, nodes: list[tuple[ast.AST, Scope, ast.stmt]]) -> None:
    for node, scope, _ in nodes:
        if isinstance(node, ast.While):
            _check_loop(ctx, module, node, scope)
        elif isinstance(node, ast.Call):
            _check_retry(ctx, module, node, scope)
        elif isinstance(node, (ast.Name, ast.Attribute)) and module.qualname(node, scope) == "tenacity.retry":
            ctx.report("REL211", node, f"`@{ctx.source.segment(node)}` has no stop: tenacity retries forever unless given `stop=`", position=_span(ctx, node))


# ---------------------------------------------------------------------- REL210


def _own(statements: list[ast.stmt], into_loops: bool) -> list[tuple[ast.AST, list[ast.expr]]]:
    """Nodes of a loop body with the `if` / `while` tests guarding each; nested functions
    left out, nested loops entered only when `into_loops` (a `break` there is theirs)."""
    found: list[tuple[ast.AST, list[ast.expr]]] = []
    stack: list[tuple[ast.AST, list[ast.expr], bool]] = [(s, [], False) for s in reversed(statements)]
    while stack:
        node, guards, nested = stack.pop()
        found.append((node, guards if not nested else [*guards, ast.Constant("nested loop")]))
        if isinstance(node, _NESTED):
            continue
        inner = guards
        if isinstance(node, (ast.If, ast.While)):
            inner = [*guards, node.test]
        children = list(ast.iter_child_nodes(node))
        for child in reversed(children):
            stack.append((child, inner, nested or isinstance(node, _LOOPS)))
    return found


def _check_loop(ctx: CheckContext, module: Module, loop: ast.While, scope: Scope) -> None:
    nodes = _own(loop.body, into_loops=True)
    sleeps = [n for n, _ in nodes if isinstance(n, ast.Call) and module.qualname(n.func, scope) in _SLEEPS]
    if not sleeps:
        return
    counters = {n.target.id for n, _ in nodes if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    if counters:
        return  # it advances (`page += 1`): it pages through something, or counts its attempts
    exits: list[list[ast.expr]] = []
    if not isinstance(loop.test, ast.Constant):
        exits.append([loop.test])
    for node, guards in nodes:
        in_nested_loop = any(isinstance(g, ast.Constant) and g.value == "nested loop" for g in guards)
        if isinstance(node, (ast.Return, ast.Raise)) or (isinstance(node, ast.Break) and not in_nested_loop):
            exits.append([g for g in guards if not isinstance(g, ast.Constant)])
    if not exits or _receives(module, nodes, scope):
        return  # runs until the process is stopped, or is paced by its input: a service loop
    for guards in exits:
        if any(_bounds(module, guard, scope, counters) or _shutdown(module, guard, scope) for guard in guards):
            return
    if any(isinstance(n, (ast.Raise,)) and not g for n, g in nodes):
        return  # an unconditional raise: the loop runs once
    kind = "while True" if isinstance(loop.test, ast.Constant) else f"while {ctx.source.segment(loop.test)}"
    ctx.report(
        "REL210",
        loop,
        f"`{kind}:` polls with `{ctx.source.segment(sleeps[0].func)}()` and has no deadline or attempt limit: "
        "it waits forever if the state never changes",
        position=_header(ctx, loop),
    )


def _receives(module: Module, nodes: list[tuple[ast.AST, list[ast.expr]]], scope: Scope) -> bool:
    for node, _ in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _RECEIVING:
                return True
            if node.func.attr == "get" and module.type_of(node.func.value, scope) == QUEUE:
                return True
    return False


def _bounds(module: Module, guard: ast.expr, scope: Scope, counters: set[str]) -> bool:
    for node in ast.walk(guard):
        if isinstance(node, ast.Compare):
            if any(isinstance(op, _ORDERING) for op in node.ops):
                return True
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if names & counters:
                return True
        if isinstance(node, ast.Call) and module.qualname(node.func, scope) in _CLOCKS:
            return True
    return False


def _shutdown(module: Module, guard: ast.expr, scope: Scope) -> bool:
    for node in ast.walk(guard):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "is_set":
            if module.type_of(node.func.value, scope) == EVENT:
                return True
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            if _SHUTDOWN.search(name):
                return True
    return False


def _header(ctx: CheckContext, loop: ast.While) -> tuple[int, int, int, int]:
    src = ctx.source
    end = loop.test
    return (
        loop.lineno,
        src.char_col(loop.lineno, loop.col_offset),
        end.end_lineno or loop.lineno,
        src.char_col(end.end_lineno or loop.lineno, end.end_col_offset or 0),
    )


# ---------------------------------------------------------------------- REL211

# callable -> (arguments any one of which bounds it, what the default does)
_RETRIES = {
    "tenacity.retry": (("stop",), "tenacity retries forever unless given `stop=`"),
    "tenacity.Retrying": (("stop",), "tenacity retries forever unless given `stop=`"),
    "tenacity.AsyncRetrying": (("stop",), "tenacity retries forever unless given `stop=`"),
    "backoff.on_exception": (("max_tries", "max_time"), "backoff retries forever unless given `max_tries=` or `max_time=`"),
    "backoff.on_predicate": (("max_tries", "max_time"), "backoff retries forever unless given `max_tries=` or `max_time=`"),
}
_API_CORE = ("google.api_core.retry.Retry", "google.api_core.retry.AsyncRetry", "google.api_core.retry_async.AsyncRetry")
_RETRY_NAMES = frozenset(name.rpartition(".")[2] for name in (*_RETRIES, *_API_CORE))


def _check_retry(ctx: CheckContext, module: Module, call: ast.Call, scope: Scope) -> None:
    name = module.qualname(call.func, scope)
    if any(k.arg is None for k in call.keywords):
        return  # **kwargs may carry the stop
    if name in _RETRIES:
        bounding, why = _RETRIES[name]
        if any(k.arg in bounding and not _is_none(k.value) for k in call.keywords):
            return
        if name.startswith("backoff.") and len(call.args) > 2:
            return  # positional max_tries (rare): left alone
        ctx.report("REL211", call, f"`{ctx.source.segment(call.func)}(...)` has no stop: {why}", position=_span(ctx, call))
    elif name in _API_CORE:
        for keyword in call.keywords:
            if keyword.arg in ("timeout", "deadline") and _is_none(keyword.value):
                ctx.report(
                    "REL211",
                    call,
                    f"`{ctx.source.segment(call.func)}({keyword.arg}=None)` retries forever (its default is a 120-second timeout)",
                    position=_span(ctx, call),
                )
                return


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _span(ctx: CheckContext, node: ast.AST) -> tuple[int, int, int, int]:
    src = ctx.source
    line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    return (line, src.char_col(line, node.col_offset), end_line, src.char_col(end_line, node.end_col_offset or 0))  # type: ignore[attr-defined]
