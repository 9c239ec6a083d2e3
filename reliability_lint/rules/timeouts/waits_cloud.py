"""REL212-REL216: the waits of Pub/Sub subscribers and ordered publishers, Firestore reads
and Cloud Storage transfers.

REL212: `.result()` with no timeout on the StreamingPullFuture of `subscriber.subscribe()`
that nothing in its scope can cancel; REL213: a publish with an ordering key whose future
is dropped (the client retries it forever); REL214: `subscriber.pull(timeout=None)`;
REL215: Firestore `get()` / `stream()` / `get_all()` and transaction reads with the
library's 300-second default; REL216: Cloud Storage downloads and uploads with
`timeout=None` (or a `None` read timeout). The clients are resolved through the semantic
model and the project index, as the other wait rules resolve theirs: a method name alone
is never reported.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import Option, checker, options, rule
from reliability_lint.rules import _lazy_model
from reliability_lint.rules.timeouts import catalogue as t_catalogue, checks as t_checks, fixes as t_fixes
from reliability_lint.rules.timeouts.catalogue import PUBLISHER, SHARED_TYPES
from reliability_lint.semantic.model import Module
from reliability_lint.semantic.scopes import Scope, start
from reliability_lint.semantic.types import Library

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

FAMILY = "timeouts"
Check = t_catalogue.Check

SUBSCRIBER = "google.cloud.pubsub_v1.SubscriberClient"
STREAMING_PULL = "google.cloud.pubsub_v1.subscriber.futures.StreamingPullFuture"
FIRESTORE = "google.cloud.firestore.Client"
DOCUMENT = "google.cloud.firestore.DocumentReference"
COLLECTION = "google.cloud.firestore.CollectionReference"
QUERY = "google.cloud.firestore.Query"
TRANSACTION = "google.cloud.firestore.Transaction"
STORAGE = "google.cloud.storage.Client"
BUCKET = "google.cloud.storage.Bucket"
BLOB = "google.cloud.storage.Blob"

_ALIASES = {
    SUBSCRIBER: (SUBSCRIBER, "google.cloud.pubsub.SubscriberClient", "google.cloud.pubsub_v1.subscriber.Client",
                 "google.cloud.pubsub_v1.subscriber.client.Client"),
    STREAMING_PULL: (STREAMING_PULL, "google.cloud.pubsub_v1.subscriber.futures.streaming_pull.StreamingPullFuture"),
    # the async classes have the same methods, defaults and types of results
    FIRESTORE: tuple(f"google.cloud.{m}.{c}" for m in ("firestore", "firestore_v1") for c in ("Client", "AsyncClient"))
    + ("google.cloud.firestore_v1.client.Client", "google.cloud.firestore_v1.async_client.AsyncClient"),
    DOCUMENT: tuple(f"google.cloud.{m}.{c}" for m in ("firestore", "firestore_v1") for c in ("DocumentReference", "AsyncDocumentReference"))
    + ("google.cloud.firestore_v1.document.DocumentReference",),
    COLLECTION: tuple(f"google.cloud.{m}.{c}" for m in ("firestore", "firestore_v1") for c in ("CollectionReference", "AsyncCollectionReference"))
    + ("google.cloud.firestore_v1.collection.CollectionReference",),
    QUERY: tuple(f"google.cloud.{m}.{c}" for m in ("firestore", "firestore_v1") for c in ("Query", "AsyncQuery", "CollectionGroup"))
    + ("google.cloud.firestore_v1.query.Query",),
    TRANSACTION: tuple(f"google.cloud.{m}.{c}" for m in ("firestore", "firestore_v1") for c in ("Transaction", "AsyncTransaction"))
    + ("google.cloud.firestore_v1.transaction.Transaction",),
    STORAGE: (STORAGE, "google.cloud.storage.client.Client"),
    BUCKET: (BUCKET, "google.cloud.storage.bucket.Bucket"),
    BLOB: (BLOB, "google.cloud.storage.blob.Blob"),
}  # fmt: skip
_QUERY_STEPS = ("where", "order_by", "limit", "limit_to_last", "offset", "select", "start_at", "start_after", "end_at", "end_before")
_RETURNS = {
    (SUBSCRIBER, "subscribe"): STREAMING_PULL,
    (FIRESTORE, "collection"): COLLECTION, (FIRESTORE, "document"): DOCUMENT,
    (FIRESTORE, "collection_group"): QUERY, (FIRESTORE, "transaction"): TRANSACTION,
    (COLLECTION, "document"): DOCUMENT, (DOCUMENT, "collection"): COLLECTION,
    **{(owner, step): QUERY for owner in (COLLECTION, QUERY) for step in _QUERY_STEPS},
    **{(STORAGE, m): BUCKET for m in ("bucket", "get_bucket", "lookup_bucket", "create_bucket")},
    **{(BUCKET, m): BLOB for m in ("blob", "get_blob")},
}  # fmt: skip
_CONSTRUCTED = {SUBSCRIBER: SUBSCRIBER, FIRESTORE: FIRESTORE, STORAGE: STORAGE, BUCKET: BUCKET, BLOB: BLOB}
_FACTORIES = {
    "firebase_admin.firestore.client": FIRESTORE,
    **{f"{a}.{m}": SUBSCRIBER for a in _ALIASES[SUBSCRIBER] for m in ("from_service_account_file", "from_service_account_json", "from_service_account_info")},
    **{f"{a}.{m}": STORAGE for a in _ALIASES[STORAGE] for m in ("from_service_account_json", "from_service_account_info", "create_anonymous_client")},
}  # fmt: skip
_CLASSES = {alias: canonical for canonical, aliases in _ALIASES.items() for alias in aliases}
LIBRARY = Library(
    {**{a: c for a, c in _CLASSES.items() if c in _CONSTRUCTED}, **_FACTORIES},
    _CLASSES,
    _RETURNS,
    frozenset({SUBSCRIBER, FIRESTORE, STORAGE}),
)
SHARED_TYPES.append(LIBRARY)

# Firestore reads: the position of `timeout` (google-cloud-firestore 2.x signatures).
FIRESTORE_READS = {
    (DOCUMENT, "get"): 3, (COLLECTION, "get"): 2, (COLLECTION, "stream"): 2, (QUERY, "get"): 2,
    (QUERY, "stream"): 2, (FIRESTORE, "get_all"): 4, (TRANSACTION, "get"): 2,
}  # fmt: skip
STORAGE_TRANSFERS = {
    (BLOB, m)
    for m in ("download_to_filename", "download_to_file", "download_as_bytes", "download_as_string", "download_as_text",
              "upload_from_filename", "upload_from_file", "upload_from_string")
} | {(STORAGE, "download_blob_to_file")}  # fmt: skip
_FIRESTORE_NAMES = frozenset(m for _, m in FIRESTORE_READS)
_STORAGE_NAMES = frozenset(m for _, m in STORAGE_TRANSFERS)
METHOD_NAMES = frozenset({"result", "publish", "pull", *_STORAGE_NAMES, *_FIRESTORE_NAMES})  # what the checker looks at
_PULL_HINT = re.compile(r"subscribe|StreamingPull")
_FIRESTORE_HINT = re.compile(r"firestore|Reference|Transaction|\.(?:collection|document|collection_group|transaction)\(")

rule("REL212", "pubsub-streaming-pull-without-timeout", "Waiting on a streaming pull that nothing cancels", "P1", family=FAMILY, page="REL212-pubsub-streaming-pull-without-timeout.md")
rule("REL213", "pubsub-ordered-publish-dropped", "An ordered publish, retried forever, whose future is dropped", "P2", fix="unsafe", family=FAMILY, page="REL213-pubsub-ordered-publish-dropped.md")
rule("REL214", "pubsub-pull-timeout-none", "`subscriber.pull(timeout=None)` waits forever", "P1", fix="safe", family=FAMILY, page="REL214-pubsub-pull-timeout-none.md")
rule("REL215", "firestore-read-default-timeout", "Firestore read with the library's 5-minute default timeout", "P3", fix="unsafe", family=FAMILY, page="REL215-firestore-read-default-timeout.md")
rule("REL216", "storage-transfer-timeout-none", "Cloud Storage transfer with `timeout=None`", "P1", fix="safe", family=FAMILY, page="REL216-storage-transfer-timeout-none.md")
options(
    FAMILY,
    Option("firestore", (int, float, str), 60, t_catalogue._check_value),
    Option("firestore-import", str, "", t_catalogue._check_import),
)


@checker("REL212", "REL213", "REL214", "REL215", "REL216", nodes=(ast.Call,))
def cloud_waits(node: ast.Call, ctx: CheckContext) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    name = func.attr
    if (
        (name == "result" and _mentions(ctx, _PULL_HINT))
        or (name == "publish" and any(k.arg == "ordering_key" for k in node.keywords))
        or (name in ("pull", *_STORAGE_NAMES) and _timeout_none(node) is not None)
        or (name in _FIRESTORE_NAMES and _mentions(ctx, _FIRESTORE_HINT))
    ):
        _lazy_model.record(ctx, "REL212", node, _check)


def _mentions(ctx: CheckContext, hint: re.Pattern[str]) -> bool:
    """Whether the file's text matches `hint` (searched once per file)."""
    key = f"cloud-hint:{hint.pattern}"
    known = ctx.state.get(key)
    if known is None:
        known = ctx.state[key] = hint.search(ctx.source.text) is not None
    return bool(known)


def _timeout_none(call: ast.Call) -> ast.expr | None:
    """The `None` that leaves the request unbounded: `timeout=None`, or the read timeout of
    `timeout=(connect, None)`."""
    for keyword in call.keywords:
        if keyword.arg == "timeout":
            value = keyword.value
            if isinstance(value, ast.Constant) and value.value is None:
                return value
            if isinstance(value, ast.Tuple) and len(value.elts) == 2:
                read = value.elts[1]
                if isinstance(read, ast.Constant) and read.value is None:
                    return read
    return None


def _check(ctx: CheckContext, module: Module, calls: list[tuple[ast.Call, Scope, ast.stmt]]) -> None:
    for call, scope, statement in calls:
        func = call.func
        assert isinstance(func, ast.Attribute)
        receiver = module.type_of(func.value, scope)
        if not isinstance(receiver, str) or not receiver:
            continue
        key = (receiver, func.attr)
        if key == (STREAMING_PULL, "result"):
            if t_checks._bound(call, Check("REL212", "timeout", 0))[0] is False and _uncancellable(ctx, module, func.value, scope):
                _report_pull_wait(ctx, call, statement)
        elif key == (PUBLISHER, "publish"):
            if isinstance(statement, ast.Expr) and statement.value is call and _ordered(call):
                _report_dropped(ctx, call, statement)
        elif key == (SUBSCRIBER, "pull") or key in STORAGE_TRANSFERS:
            disabling = _timeout_none(call)
            if disabling is not None:
                _report_none(ctx, call, statement, "REL214" if receiver == SUBSCRIBER else "REL216", disabling)
        elif key in FIRESTORE_READS:
            ok, disabling = t_checks._bound(call, Check("REL215", "timeout", FIRESTORE_READS[key]))
            if not ok:
                _report_firestore(ctx, call, statement, disabling)


def _ordered(call: ast.Call) -> bool:
    value = next(k.value for k in call.keywords if k.arg == "ordering_key")
    return not (isinstance(value, ast.Constant) and value.value in ("", None))


def _uncancellable(ctx: CheckContext, module: Module, future: ast.expr, scope: Scope) -> bool:
    """The future is the call's own (`subscriber.subscribe(...).result()`), or a name that
    nothing in its scope cancels or hands elsewhere (an argument, a return, an attribute)."""
    if isinstance(future, ast.Call):
        return True
    if not isinstance(future, ast.Name):
        return False  # `self.future`: another method may cancel it
    bindings = module.lookup(future.id, scope, start(future))
    if len(bindings) != 1 or bindings[0].kind != "value":
        return False
    holder = bindings[0].scope
    where = ctx.source.tree if holder.node is None or future.id in holder.global_names else holder.node
    on_attribute = set()
    for node in ast.walk(where):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == future.id:
            if node.attr == "cancel":
                return False
            on_attribute.add(id(node.value))
    for node in ast.walk(where):
        if isinstance(node, ast.Name) and node.id == future.id and isinstance(node.ctx, ast.Load) and id(node) not in on_attribute:
            return False  # handed elsewhere
    return True


def _value(ctx: CheckContext, key: str) -> tuple[str, list[str]]:
    return t_catalogue.option_value(ctx.options[FAMILY], key)


def _report_pull_wait(ctx: CheckContext, call: ast.Call, statement: ast.stmt) -> None:
    label = t_checks._label(call)
    message = (
        f"`{label}` blocks until the streaming pull is cancelled, and nothing here cancels it: once the "
        "messages stop, it waits forever; pass `timeout=` and cancel the future when it expires"
    )
    ctx.report("REL212", statement, message, position=t_checks._span(ctx.source, call))


def _report_dropped(ctx: CheckContext, call: ast.Call, statement: ast.stmt) -> None:
    value, imports = _value(ctx, "pubsub")
    end = ctx.source.node_span(call)[1]

    def compute(fix: FixContext) -> list[Edit]:
        return [fix.edit(end, end, f".result(timeout={value})"), *t_fixes._import_edits(fix, imports)]

    message = (
        f"`{t_checks._label(call)}` publishes with an ordering key, which the client retries forever, and drops "
        "the future: a message that never goes out holds back every later one of its key, unseen"
    )
    fix = Fix("unsafe", f"Wait with `.result(timeout={value})`", compute=compute)
    ctx.report("REL213", statement, message, fix=fix, position=t_checks._span(ctx.source, call))


def _report_none(ctx: CheckContext, call: ast.Call, statement: ast.stmt, code: str, disabling: ast.expr) -> None:
    value, imports = _value(ctx, "pubsub" if code == "REL214" else "network")
    span = ctx.source.node_span(disabling)

    def compute(fix: FixContext) -> list[Edit]:
        return [fix.edit(span[0], span[1], value), *t_fixes._import_edits(fix, imports)]

    what = "the pull" if code == "REL214" else "the transfer"
    message = f"`{t_checks._label(call)}` passes `None` as its timeout: {what} can wait forever"
    fix = Fix("safe", f"Replace `None` with `{value}`", compute=compute)
    ctx.report(code, statement, message, fix=fix, position=t_checks._span(ctx.source, call))


def _report_firestore(ctx: CheckContext, call: ast.Call, statement: ast.stmt, disabling: ast.expr | None) -> None:
    value, imports = _value(ctx, "firestore")
    label = t_checks._label(call)
    src = ctx.source
    if disabling is not None:
        message = f"`{label}` passes `timeout=None`, which is the library's default of 300 s per attempt"
    else:
        message = f"`{label}` waits up to the library's default of 300 s per attempt, retried for up to 300 s; pass `timeout=`"
    compute = t_fixes.bound_call(call, src.node_span(disabling) if disabling is not None else None, value, imports)
    fix = Fix("unsafe", f"Add `timeout={value}`", compute=compute) if t_checks._fixable(call) else None
    ctx.report("REL215", statement, message, fix=fix, position=t_checks._span(src, call))
