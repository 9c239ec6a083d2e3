"""Regressions (issue 18, mutmut) for REL212-REL216: streaming pulls nothing cancels,
dropped ordered publishes, pulls and Cloud Storage transfers with a `None` timeout, and
Firestore reads with the library's default: what is reported, its message, its position
and its fix, through `reliability_lint.testing`."""

from __future__ import annotations

import pytest
from conftest import finding_rows

from reliability_lint.testing import check_text, fix_text

CODES = ["REL212", "REL213", "REL214", "REL215", "REL216"]
SUB = "from google.cloud import pubsub_v1\n\nsubscriber = pubsub_v1.SubscriberClient()\n"
PUB = "from google.cloud import pubsub_v1\n\np = pubsub_v1.PublisherClient()\n"
STORE = "from google.cloud import storage\n\nblob = storage.Client().bucket('b').blob('x')\n"
FIRE = "from google.cloud import firestore\n\ndb = firestore.Client()\n"
PULL_WAIT = (
    "blocks until the streaming pull is cancelled, and nothing here cancels it: once the messages stop, it waits"
    " forever; pass `timeout=` and cancel the future when it expires"
)


def reports(text: str) -> list[tuple[int, int, int, int, str, str, str]]:
    return finding_rows(text, CODES)


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, CODES))


# ------------------------------------------------------------------ REL212


def test_a_streaming_pull_waited_with_no_timeout_is_reported_with_no_fix() -> None:
    assert reports(SUB + "subscriber.subscribe('s', cb).result()\n") == [
        (4, 0, 4, 38, "REL212", f"`.result()` {PULL_WAIT}", "")
    ]
    text = SUB + "future = subscriber.subscribe('s', cb)\nfuture.result()\n"
    assert reports(text) == [(5, 0, 5, 15, "REL212", f"`future.result()` {PULL_WAIT}", "")]
    assert found(SUB + "future = subscriber.subscribe('s', cb)\nfuture.result(None)\n") == [(5, "REL212")]
    assert found(SUB + "future = subscriber.subscribe('s', cb)\nfuture.result(30)\n") == []
    assert found(SUB + "future = subscriber.subscribe('s', cb)\nfuture.result(timeout=30)\n") == []
    # a file that never subscribes is not looked at for it
    assert found("from vendor import future\nfuture.result()\n") == []


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        # cancelled in its scope, or handed to what may cancel it
        (
            "def f():\n    future = subscriber.subscribe('s', cb)\n    try:\n        future.result()\n    finally:\n        future.cancel()\n",
            False,
        ),
        ("def f():\n    future = subscriber.subscribe('s', cb)\n    keep(future)\n    future.result()\n", False),
        (
            "def f():\n    future = subscriber.subscribe('s', cb)\n    future.add_done_callback(cb)\n    future.result()\n",
            True,
        ),
        ("future = subscriber.subscribe('s', cb)\ndef g():\n    future.cancel()\nfuture.result()\n", False),
        (
            "def f():\n    global future\n    future = subscriber.subscribe('s', cb)\n    future.result()\ndef g():\n    future.cancel()\n",
            False,
        ),
        (
            "def f():\n    future = subscriber.subscribe('s', cb)\n    future.result()\ndef g():\n    future.cancel()\n",
            True,
        ),
        # not one plain binding of the future
        (
            "class A:\n    def f(self):\n        self.future = subscriber.subscribe('s', cb)\n        self.future.result()\n",
            False,
        ),
        ("for future in [subscriber.subscribe('s', cb)]:\n    future.result()\n", False),
        # either branch's future: neither is cancelled
        (
            "if x:\n    future = subscriber.subscribe('s', cb)\nelse:\n    future = subscriber.subscribe('t', cb)\nfuture.result()\n",
            True,
        ),
    ],
)
def test_a_streaming_pull_that_may_be_cancelled_is_not_reported(text: str, reported: bool) -> None:
    assert [code for _, code in found(SUB + text)] == (["REL212"] if reported else [])


# ------------------------------------------------------------------ REL213


def test_an_ordered_publish_whose_future_is_dropped() -> None:
    text = PUB + "p.publish('t', b'x', ordering_key='k')\n"
    message = (
        "`p.publish()` publishes with an ordering key, which the client retries forever, and drops the future: a message"
        " that never goes out holds back every later one of its key, unseen"
    )
    assert reports(text) == [(4, 0, 4, 38, "REL213", message, "unsafe: Wait with `.result(timeout=60)`")]
    assert fix_text(text, CODES, unsafe_fixes=True).endswith(
        "p.publish('t', b'x', ordering_key='k').result(timeout=60)\n"
    )
    assert fix_text(text, CODES, unsafe_fixes=False) == text
    options = {"timeouts": {"pubsub": "cfg.PUB", "pubsub-import": "from app import cfg"}}
    fixed = fix_text(text, CODES, unsafe_fixes=True, options=options)
    assert fixed.endswith(".result(timeout=cfg.PUB)\n") and "from app import cfg\n" in fixed
    assert found(PUB + "p.publish('t', b'x', ordering_key=key)\n") == [(4, "REL213")]
    for kept in (
        "f = p.publish('t', b'x', ordering_key='k')",
        "p.publish('t', b'x', ordering_key='k').result(timeout=5)",
    ):
        assert found(PUB + kept + "\n") == [], kept
    for unordered in (
        "p.publish('t', b'x', ordering_key='')",
        "p.publish('t', b'x', ordering_key=None)",
        "p.publish('t', b'x')",
    ):
        assert found(PUB + unordered + "\n") == [], unordered
    assert found("from vendor import p\np.publish('t', b'x', ordering_key='k')\n") == []


# ------------------------------------------------------------------ REL214, REL216


def test_a_pull_or_a_transfer_with_a_none_timeout() -> None:
    text = (
        SUB + "subscriber.pull(subscription='s', timeout=None)\nsubscriber.pull(subscription='s', timeout=(5, None))\n"
    )
    message = "`subscriber.pull()` passes `None` as its timeout: the pull can wait forever"
    assert reports(text) == [
        (4, 0, 4, 47, "REL214", message, "safe: Replace `None` with `60`"),
        (5, 0, 5, 52, "REL214", message, "safe: Replace `None` with `60`"),
    ]
    assert fix_text(text, CODES).endswith("timeout=60)\nsubscriber.pull(subscription='s', timeout=(5, 60))\n")
    for bounded in ("timeout=(None, 5)", "timeout=(5, None, 1)", "timeout=5", "retry=None"):
        assert found(SUB + f"subscriber.pull(subscription='s', {bounded})\n") == [], bounded
    assert found(SUB + "subscriber.pull(subscription='s')\n") == []
    text = STORE + "blob.download_to_filename('f', timeout=None)\nblob.upload_from_string('s', timeout=(3, None))\n"
    text += "blob.download_as_bytes(timeout=5)\nstorage.Client().download_blob_to_file(blob, f, timeout=None)\n"
    what = "passes `None` as its timeout: the transfer can wait forever"
    assert reports(text) == [
        (4, 0, 4, 44, "REL216", f"`blob.download_to_filename()` {what}", "safe: Replace `None` with `60`"),
        (5, 0, 5, 47, "REL216", f"`blob.upload_from_string()` {what}", "safe: Replace `None` with `60`"),
        (7, 0, 7, 61, "REL216", f"`.download_blob_to_file()` {what}", "safe: Replace `None` with `60`"),
    ]
    # the pull takes the pubsub value, a transfer the network one
    options = {"timeouts": {"pubsub": 11, "network": 22, "network-import": "import lim"}}
    fixed = fix_text(SUB + "subscriber.pull(subscription='s', timeout=None)\n", CODES, options=options)
    assert fixed.endswith("timeout=11)\n") and "import lim" not in fixed
    fixed = fix_text(STORE + "blob.download_as_text(timeout=None)\n", CODES, options=options)
    assert fixed.endswith("blob.download_as_text(timeout=22)\n") and "import lim\n" in fixed
    assert found("from vendor import blob\nblob.download_as_text(timeout=None)\n") == []


# ------------------------------------------------------------------ REL215


def test_a_firestore_read_with_the_library_default() -> None:
    default = "waits up to the library's default of 300 s per attempt, retried for up to 300 s; pass `timeout=`"
    text = FIRE + "ref = db.collection('c').document('d')\nref.get()\ndb.get_all(refs)\nref.get(timeout=None)\n"
    assert reports(text) == [
        (5, 0, 5, 9, "REL215", f"`ref.get()` {default}", "unsafe: Add `timeout=60`"),
        (6, 0, 6, 16, "REL215", f"`db.get_all()` {default}", "unsafe: Add `timeout=60`"),
        (
            7,
            0,
            7,
            21,
            "REL215",
            "`ref.get()` passes `timeout=None`, which is the library's default of 300 s per attempt",
            "unsafe: Add `timeout=60`",
        ),
    ]
    fixed = fix_text(text, CODES, unsafe_fixes=True)
    assert fixed.endswith("ref.get(timeout=60)\ndb.get_all(refs, timeout=60)\nref.get(timeout=60)\n")
    assert fix_text(text, CODES, unsafe_fixes=False) == text
    options = {"timeouts": {"firestore": "cfg.FS", "firestore-import": "from app import cfg"}}
    fixed = fix_text(FIRE + "db.collection('c').stream()\n", CODES, unsafe_fixes=True, options=options)
    assert fixed.endswith("db.collection('c').stream(timeout=cfg.FS)\n") and "from app import cfg\n" in fixed
    (finding,) = check_text(FIRE + "db.collection('c').get(x for x in y)\n", CODES)
    assert finding.fix is None


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("db.collection('c').document('d').get(None, None, None, 5)", False),
        ("db.collection('c').document('d').get(None, None, 5)", True),
        ("db.collection('c').get(None, None, 5)", False),
        ("db.collection('c').get(None, 5)", True),
        ("db.collection('c').where('a', '==', 1).stream(None, None, 5)", False),
        ("db.collection_group('c').get()", True),
        ("db.transaction().get(ref)", True),
        ("db.get_all(refs, None, None, None, 5)", False),
        ("db.collection('c').document('d').collection('e').get(timeout=5)", False),
        ("db.collection('c').get(**options)", False),
    ],
)
def test_a_firestore_read_is_bounded_by_its_timeout_keyword_or_position(call: str, reported: bool) -> None:
    assert found(FIRE + call + "\n") == ([(4, "REL215")] if reported else [])
