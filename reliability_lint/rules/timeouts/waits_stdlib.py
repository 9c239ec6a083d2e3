"""REL207-REL209: waits of the standard library and aiohttp with no timeout.

REL207: `subprocess.run` / `call` / `check_call` / `check_output`, `Popen.communicate()`
and `Popen.wait()`; REL208: connections that default to the socket's global timeout (none
unless `socket.setdefaulttimeout` was called): `urllib.request.urlopen`, `smtplib`,
`http.client`, `socket.create_connection`, `ftplib`, `imaplib`, `poplib`; REL209:
`aiohttp.ClientSession()` with its 5-minute default. Calls are resolved through the
semantic model (aliases, `from ... import`, `Popen` objects held in names, attributes and
`with` targets); a method name alone is never reported.
"""

from __future__ import annotations

import ast
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Fix
from reliability_lint.registry import Option, checker, options, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.rules.timeouts import catalogue as t_catalogue, checks as t_checks, fixes as t_fixes
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope
from reliability_lint.rules.timeouts.catalogue import SHARED_TYPES
from reliability_lint.semantic.types import Library

FAMILY = "timeouts"
POPEN = "subprocess.Popen"
Check = t_catalogue.Check

FUNCTIONS: dict[str, Check] = {
    **{f"subprocess.{name}": Check("REL207", "timeout") for name in ("run", "call", "check_call", "check_output")},
    "urllib.request.urlopen": Check("REL208", "timeout", 2),
    "smtplib.SMTP": Check("REL208", "timeout", 3),
    "smtplib.SMTP_SSL": Check("REL208", "timeout", 3),  # keyword-only since 3.12; a 4th positional is left alone
    "smtplib.LMTP": Check("REL208", "timeout", 3),
    "http.client.HTTPConnection": Check("REL208", "timeout", 2),
    "http.client.HTTPSConnection": Check("REL208", "timeout", 2),
    "socket.create_connection": Check("REL208", "timeout", 1),
    "ftplib.FTP": Check("REL208", "timeout", 4),
    "ftplib.FTP_TLS": Check("REL208", "timeout", 4),
    "imaplib.IMAP4": Check("REL208", "timeout", 2),
    "imaplib.IMAP4_SSL": Check("REL208", "timeout", 2),
    "poplib.POP3": Check("REL208", "timeout", 2),
    "poplib.POP3_SSL": Check("REL208", "timeout", 2),
    "aiohttp.ClientSession": Check("REL209", "timeout"),
    "aiohttp.client.ClientSession": Check("REL209", "timeout"),
}
METHODS: dict[tuple[str, str], Check] = {
    (POPEN, "communicate"): Check("REL207", "timeout", 1),
    (POPEN, "wait"): Check("REL207", "timeout", 0),
}
LIBRARY = Library({POPEN: POPEN}, {POPEN: POPEN}, {}, frozenset({POPEN}))
_NAMES = frozenset(name.rpartition(".")[2] for name in FUNCTIONS) | {m for _, m in METHODS}
_VALUE_OF = {"REL207": "process", "REL208": "network", "REL209": "network"}

rule("REL207", "subprocess-without-timeout", "Waiting on a subprocess with no timeout", "P1", fix="unsafe", family=FAMILY, page="REL207-subprocess-without-timeout.md")
rule("REL208", "connection-without-timeout", "Network connection of the standard library with no timeout", "P1", fix="safe", family=FAMILY, page="REL208-connection-without-timeout.md")
rule("REL209", "aiohttp-session-default-timeout", "`aiohttp.ClientSession()` with its 5-minute default timeout", "P3", fix="safe", family=FAMILY, page="REL209-aiohttp-session-default-timeout.md")
options(
    FAMILY,
    Option("process", (int, float, str), 3600, t_catalogue._check_value),
    Option("process-import", str, "", t_catalogue._check_import),
    Option("network", (int, float, str), 60, t_catalogue._check_value),
    Option("network-import", str, "", t_catalogue._check_import),
)
SHARED_TYPES.append(LIBRARY)


@checker("REL207", "REL208", "REL209", nodes=(ast.Call,))
def stdlib_waits(node: ast.Call, ctx: CheckContext) -> None:
    func = node.func
    # a plain name may be an alias (`from subprocess import check_output as out`)
    wanted = isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and func.attr in _NAMES)
    if wanted and _mentions_a_module(ctx):
        _lazy_model.record(ctx, "REL207", node, _check)


HINTS = ("subprocess", "urllib", "smtplib", "http.client", "socket", "ftplib", "imaplib", "poplib", "aiohttp", "Popen")


def _mentions_a_module(ctx: CheckContext) -> bool:
    """Whether the file names one of the modules (a Popen from another module is named too)."""
    known = ctx.state.get("stdlib-hint")
    if known is None:
        known = ctx.state["stdlib-hint"] = any(hint in ctx.source.text for hint in HINTS)
    return bool(known)


def _check(ctx: CheckContext, module: Module, calls: list[tuple[ast.Call, Scope, ast.stmt]]) -> None:
    for call, scope, statement in calls:
        check = _check_of(module, call, scope)
        if check is None:
            continue
        ok, disabling = t_checks._bound(call, check)
        if not ok and check.position is not None and check.code == "REL207" and _after_kill(ctx, call, statement):
            continue
        if not ok:
            _report(ctx, call, statement, check, disabling)


def _check_of(module: Module, call: ast.Call, scope: Scope) -> Check | None:
    name = module.qualname(call.func, scope)
    if name:
        return FUNCTIONS.get(name)
    if isinstance(call.func, ast.Attribute):
        receiver = module.type_of(call.func.value, scope)
        if isinstance(receiver, str) and receiver:
            return METHODS.get((receiver, call.func.attr))
    return None


def _after_kill(ctx: CheckContext, call: ast.Call, statement: ast.stmt) -> bool:
    """`proc.kill()` then `proc.wait()`: the wait that reaps a killed process returns at once."""
    receiver = ast.dump(call.func.value) if isinstance(call.func, ast.Attribute) else None
    for node in ast.walk(ctx.source.tree):
        for name in ("body", "orelse", "finalbody", "handlers"):
            siblings = getattr(node, name, None)
            if not isinstance(siblings, list) or statement not in siblings:
                continue
            index = siblings.index(statement)
            previous = siblings[index - 1] if index else None
            return (
                isinstance(previous, ast.Expr)
                and isinstance(previous.value, ast.Call)
                and isinstance(previous.value.func, ast.Attribute)
                and previous.value.func.attr == "kill"
                and ast.dump(previous.value.func.value) == receiver
            )
    return False


def _value(ctx: CheckContext, code: str) -> tuple[str, list[str]]:
    return t_catalogue.option_value(ctx.options[FAMILY], _VALUE_OF[code])


_WHAT = {
    "REL207": "waits for the subprocess",
    "REL208": "connects with the socket's default timeout (none: it can block forever)",
    "REL209": "uses aiohttp's default timeout of 5 minutes per request",
}


def _report(ctx: CheckContext, call: ast.Call, statement: ast.stmt, check: Check, disabling: ast.expr | None) -> None:
    value, imports = _value(ctx, check.code)
    if check.code == "REL209":
        value, imports = f"aiohttp.ClientTimeout(total={value})", [*imports, "aiohttp"]
    label = t_checks._label(call)
    src = ctx.source
    if disabling is not None:
        message = f"`{label}` passes `timeout=None`, which waits forever"
    else:
        message = f"`{label}` {_WHAT[check.code]}; pass `timeout=`"
    compute = t_fixes.bound_call(call, src.node_span(disabling) if disabling is not None else None, value, imports)
    applicability: Any = "unsafe" if check.code == "REL207" else "safe"
    fix = Fix(applicability, f"Add `timeout={value}`", compute=compute) if t_checks._fixable(call) else None
    ctx.report(check.code, statement, message, fix=fix, position=t_checks._span(src, call))
