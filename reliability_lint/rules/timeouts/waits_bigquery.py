"""REL206: downloading BigQuery rows (RowIterator.to_dataframe() and kin) with no timeout,
where the version of google-cloud-bigquery the project pins accepts one.

Rows come from `QueryJob.result()`, `Client.list_rows()` and `Client.query_and_wait()`
(the conversions of a QueryJob itself are REL201's: they wait for the job first). The
download's own `timeout=` exists from google-cloud-bigquery 3.40.1 on; with an older pin,
or no pin found, there is no keyword to add and nothing is reported.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.rules.timeouts import catalogue as t_catalogue, checks as t_checks, fixes as t_fixes
from reliability_lint.semantic.index import FACTS
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

FAMILY = "timeouts"
DOWNLOADS = frozenset({"to_dataframe", "to_arrow", "to_dataframe_iterable", "to_arrow_iterable", "to_geodataframe"})
SINCE = "3.40.1"  # googleapis/python-bigquery #2354 and #2408: `timeout` on the downloads
PACKAGE = "google-cloud-bigquery"

rule("REL206", "bigquery-download-without-timeout", "Downloading BigQuery rows with no timeout", "P2", fix="safe", family=FAMILY, page="REL206-bigquery-download-without-timeout.md")


@checker("REL206", nodes=(ast.Call,))
def bigquery_downloads(node: ast.Call, ctx: CheckContext) -> None:
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in DOWNLOADS:
        _lazy_model.record(ctx, "REL206", node, _check)


def _check(ctx: CheckContext, module: Module, calls: list[tuple[ast.Call, Scope, ast.stmt]]) -> None:
    pin: Any = None
    for call, scope, statement in calls:
        func = call.func
        assert isinstance(func, ast.Attribute)
        if module.type_of(func.value, scope) != t_catalogue.ROW_ITERATOR:
            continue
        if any(k.arg is None or k.arg == "timeout" and not _is_none(k.value) for k in call.keywords):
            continue  # bounded, or **kwargs may bound it
        if any(isinstance(a, ast.Starred) for a in call.args):
            continue
        if pin is None:
            pin = accepts_download_timeout(ctx.source.path, ctx.project)
        if not pin:
            continue  # no keyword the pinned version accepts: see the rule's page
        _report(ctx, call, statement)


def accepts_download_timeout(path: Path, project: Any = None) -> bool:
    """Whether the google-cloud-bigquery pinned for the file at `path` accepts `timeout=`
    on the downloads (REL201's fix then bounds the download as well as the wait). With the
    run's project index, the file's findings are recorded as depending on those pins."""
    from packaging.version import Version

    from reliability_lint.rules.timeouts import pins as _pins  # packaging, tomllib: only for a file that needs the pin
    from reliability_lint.rules.timeouts.pin_files import depend

    depend(project, path)
    return _pins.accepts(_pins.pinned(path, PACKAGE), Version(SINCE))


def _pins_now(folder: str) -> str:
    from reliability_lint.rules.timeouts.pin_files import current_token  # not packaging: pins.py is not needed

    return current_token(folder)


FACTS["<pins>"] = _pins_now  # a cached finding that read the pins is used while they are unchanged


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _report(ctx: CheckContext, call: ast.Call, statement: ast.stmt) -> None:
    value, imports = t_checks._value(ctx.options[FAMILY], "REL201")
    disabling = next((k.value for k in call.keywords if k.arg == "timeout"), None)
    src = ctx.source
    label = t_checks._label(call)
    if disabling is not None:
        span = src.node_span(disabling)

        def compute(fix: FixContext) -> list[Edit]:
            return [fix.edit(span[0], span[1], value), *t_fixes._import_edits(fix, imports)]

        message = f"`{label}` passes `timeout=None`: the download can wait forever"
    else:

        def compute(fix: FixContext) -> list[Edit]:
            return [*t_fixes.keyword_edits(fix.source, call, [f"timeout={value}"]), *t_fixes._import_edits(fix, imports)]

        message = f"`{label}` downloads the rows with no `timeout` (a stalled BigQuery Storage stream waits forever)"
    fix = Fix("safe", f"Add `timeout={value}`", compute=compute) if t_checks._fixable(call) else None
    ctx.report("REL206", statement, message, fix=fix, position=t_checks._span(src, call))
