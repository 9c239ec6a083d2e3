"""REL212-REL216: subscribers, ordered publishers, Firestore reads and Cloud Storage
transfers; their look-alikes; the clients made in other modules of the project."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_tool

from reliability_lint.testing import check_text, fix_text

CODES = ["REL205", "REL212", "REL213", "REL214", "REL215", "REL216"]


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(textwrap.dedent(text), CODES))


def test_a_streaming_pull_anything_can_cancel_is_not_reported() -> None:
    text = """\
        import signal
        import threading

        from google.cloud import pubsub_v1

        subscriber = pubsub_v1.SubscriberClient()


        def on_signal(path, cb):
            future = subscriber.subscribe(path, callback=cb)
            signal.signal(signal.SIGTERM, lambda *_: future.cancel())
            future.result()


        def on_timer(path, cb):
            future = subscriber.subscribe(path, callback=cb)
            threading.Timer(60, future.cancel).start()
            future.result()


        def returned(path, cb):
            future = subscriber.subscribe(path, callback=cb)
            return future


        class Worker:
            def start(self, path, cb):
                self.future = subscriber.subscribe(path, callback=cb)
                self.future.result()

            def stop(self):
                self.future.cancel()


        def rebound(path, cb, other):
            future = subscriber.subscribe(path, callback=cb)
            if other:
                future = other
            future.result()


        def kwargs(path, cb, **options):
            subscriber.subscribe(path, callback=cb).result(**options)


        pulling = subscriber.subscribe("projects/p/subscriptions/s", callback=print)
        pulling.result()  # a script: nothing cancels it (a `pulling.cancel` anywhere in the file would)
        """
    assert found(text) == [(47, "REL212")]


def test_only_a_dropped_future_of_an_ordered_publish() -> None:
    text = """\
        from google.cloud import pubsub_v1

        publisher = pubsub_v1.PublisherClient()


        async def announce(topic, data, key, futures):
            publisher.publish(topic, data, ordering_key=key)
            publisher.publish(topic, data, ordering_key=None)
            publisher.publish(topic, data)
            futures.append(publisher.publish(topic, data, ordering_key=key))
            publisher.publish(topic, data, ordering_key=key).add_done_callback(print)
            publisher.publish(topic, data, ordering_key=key).result()
        """
    assert found(text) == [(7, "REL213"), (12, "REL205")]
    fixed = fix_text(textwrap.dedent(text), ["REL213"], unsafe_fixes=True)
    assert "    publisher.publish(topic, data, ordering_key=key).result(timeout=60)\n" in fixed
    assert fix_text(textwrap.dedent(text), ["REL213"], unsafe_fixes=False) == textwrap.dedent(text)  # unsafe: only when asked


def test_firestore_reads_by_position_keyword_and_none() -> None:
    text = """\
        from google.cloud.firestore import Client, DocumentReference


        def reads(ref: DocumentReference, uid):
            db = Client()
            ref.get(None, None, None, 30)
            ref.get(timeout=None)
            db.collection_group("orders").where("paid", "==", True).get()
            db.get_all([ref], None, None, None, 10)
            db.collection("a").list_documents()
            db.collection("a").document(uid).set({"seen": True})
            return {"x": 1}.get("x")
        """
    assert found(text) == [(7, "REL215"), (8, "REL215")]
    fixed = fix_text(textwrap.dedent(text), ["REL215"], unsafe_fixes=True)
    assert "ref.get(timeout=60)\n" in fixed and '.where("paid", "==", True).get(timeout=60)\n' in fixed


def test_storage_and_pull_report_only_an_explicit_none() -> None:
    text = """\
        from google.cloud import pubsub_v1, storage
        from google.cloud.storage import Blob


        def transfers(blob: Blob, client: storage.Client, bucket_name, sub: pubsub_v1.SubscriberClient, none=None):
            blob.download_as_text(timeout=(10, 20))
            blob.upload_from_string(b"x", timeout=none)
            client.lookup_bucket(bucket_name).get_blob("a").download_to_file(open("a", "wb"), timeout=(None, 5))
            storage.Blob("a", client.bucket("b")).download_as_string(timeout=None)
            sub.pull(subscription="s", timeout=None)
            sub.acknowledge(subscription="s", ack_ids=[], timeout=None)
        """
    assert found(text) == [(9, "REL216"), (10, "REL214")]


CLIENTS = """\
from google.cloud import firestore, pubsub_v1, storage


class Clients:
    def __init__(self):
        self.subscriber = pubsub_v1.SubscriberClient()
        self.db = firestore.Client()


def bucket() -> storage.Bucket:
    return storage.Client().bucket("exports")


CLIENTS = Clients()
ordered = pubsub_v1.PublisherClient(publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))
"""

JOB = """\
from shared.clients import CLIENTS, bucket, ordered


def step(path, cb, uid):
    future = CLIENTS.subscriber.subscribe(path, callback=cb)
    future.result()
    CLIENTS.db.collection("users").document(uid).get()
    bucket().blob(uid).download_as_bytes(timeout=None)
    ordered.publish("t", b"x", ordering_key=uid)
"""


def test_clients_made_in_another_module(tmp_path: Path) -> None:
    for name, text in {"shared/__init__.py": "", "shared/clients.py": CLIENTS, "jobs/__init__.py": "", "jobs/step.py": JOB}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_tool("check", "--no-cache", "--select", ",".join(CODES), "--output-format", "json", "jobs/step.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rows = sorted((f["location"]["row"], f["code"]) for f in json.loads(result.stdout))
    assert rows == [(6, "REL212"), (7, "REL215"), (8, "REL216"), (9, "REL213")]


def test_fixes_keep_crlf_and_non_ascii() -> None:
    text = (
        "from google.cloud import firestore, pubsub_v1\r\n"
        "db = firestore.Client()\r\n"
        "subscriber = pubsub_v1.SubscriberClient()\r\n"
        "def f(uid):\r\n"
        '    db.collection("résumés").document(uid).get(  # « pourquoi »\r\n'
        "    )\r\n"
        "    return subscriber.pull(subscription='s', timeout=None)\r\n"
    )
    fixed = fix_text(text, ["REL214", "REL215"], unsafe_fixes=True)
    assert fixed == text.replace("get(  # « pourquoi »", "get(timeout=60  # « pourquoi »").replace(
        "timeout=None", "timeout=60"
    )
    assert "\n" not in fixed.replace("\r\n", "")
