"""Waits and silent failures for the benchmark corpus (issue 12): each shape of REL103-REL107
and REL206-REL216 (and REL204 through session subclasses and adapters) planted with ground truth, and the look-alikes that must stay silent
(a service loop meant to run forever, `subprocess.run` with `timeout=` in `**kwargs`, a
handler that re-raises after a debug log, a FastAPI handler answering 202 after enqueuing).

`SHARED` is written once per corpus (the pin that makes REL206 apply); `module(rng, i)`
makes one module with the markers of corpus.py («D CODE kind», «N kind»), kinds prefixed
`waits_`.
"""
from __future__ import annotations

import random

CODES = ("REL103", "REL104", "REL105", "REL106", "REL107",
         "REL206", "REL207", "REL208", "REL209", "REL210", "REL211",
         "REL212", "REL213", "REL214", "REL215", "REL216")
SHARED = {"services/waits/requirements.txt": "google-cloud-bigquery[pandas,bqstorage]>=3.41,<4\nflask>=3\n"}

_HEADER = [
    "import asyncio", "import contextlib", "import logging", "import queue", "import smtplib",
    "import subprocess", "import threading", "import time", "import urllib.request", "",
    "import aiohttp", "import backoff", "import requests", "from fastapi import FastAPI", "from flask import Flask",
    "from google.cloud import bigquery, firestore, pubsub_v1, storage", "from requests.adapters import HTTPAdapter",
    "from tenacity import retry, stop_after_delay, wait_fixed", "",
    "logger = logging.getLogger(__name__)", "app = Flask(__name__)", "api = FastAPI()",
    "client = bigquery.Client()", "jobs = queue.Queue()", "stop = threading.Event()",
    "subscriber = pubsub_v1.SubscriberClient()", "db = firestore.Client()", "gcs = storage.Client()",
    "ordered = pubsub_v1.PublisherClient(publisher_options=pubsub_v1.types.PublisherOptions(enable_message_ordering=True))",
]

_DEFECTS = [
    ["def {f}(key):", "    try:", "        return load(key)",
     "    except Exception as exc:«D REL103 waits_debug_only»«D REL104 waits_none_after_debug»",
     '        logger.debug("load of %s failed: %s", key, exc)', "        return None"],
    ["class {C}:", "    def __init__(self):", '        self.logger = logging.getLogger("jobs")', "",
     "    def run(self):", "        try:", "            step()", "        except Exception:«D REL103 waits_info_self_logger»",
     '            self.logger.info("step failed")'],
    ["def {f}(day):", "    try:", "        return list(fetch_rows(day))",
     "    except Exception:«D REL104 waits_empty_list»", "        return []"],
    ['@app.route("/push/{f}", methods=["POST"])', "def {f}():«O REL501 waits_open_push_route»", "    try:", "        handle_message()",
     "    except Exception:«D REL105 waits_flask_push_200»", '        logger.exception("push failed")',
     '        return "", 200', '    return "", 204'],
    ['@api.post("/tasks/{f}")', "async def {f}(task: dict):«O REL501 waits_open_task_route»", "    try:", "        await run_task(task)",
     "    except Exception:«D REL105 waits_fastapi_ok_from_except»", '        return {{"status": "ignored"}}',
     '    return {{"status": "done"}}'],
    ["def {f}(paths):", "    for path in paths:",
     "        with contextlib.suppress(Exception):«D REL106 waits_suppress_exception»", "            path.unlink()"],
    ["def {f}(job):", "    try:", "        job.sync()", "    except Exception as exc:",
     '        logger.error(f"sync failed: {{exc}}")«D REL107 waits_error_fstring»'],
    ["def {f}(sql):", "    rows = client.query(sql, timeout=30).result(timeout=600)",
     "    return rows.to_dataframe()«D REL206 waits_row_iterator_frame»"],
    ["def {f}(table):", "    return client.list_rows(table, timeout=30).to_arrow(«D REL206 waits_list_rows_arrow»",
     "        create_bqstorage_client=True,", "    )"],
    ["def {f}(path):", '    subprocess.run(["gsutil", "cp", path, "gs://bucket/"], check=True)«D REL207 waits_subprocess_run»'],
    ["def {f}(cmd):", "    with subprocess.Popen(cmd) as proc:", "        proc.communicate()«D REL207 waits_popen_communicate»"],
    ["def {f}(url):", "    with urllib.request.urlopen(url) as response:«D REL208 waits_urlopen»",
     "        return response.read()"],
    ["def {f}(message):", '    with smtplib.SMTP("mail.internal") as server:«D REL208 waits_smtp»',
     "        server.send_message(message)"],
    ["async def {f}(url):", "    async with aiohttp.ClientSession() as session:«D REL209 waits_aiohttp_session»",
     "        return await (await session.get(url)).text()"],
    ["def {f}(job):", "    while not job.done():«D REL210 waits_while_not_done»", "        time.sleep(5)"],
    ["def {f}(name):", "    while True:«D REL210 waits_while_true_state»",
     '        if get_state(name) == "DONE":', "            return", "        time.sleep(10)"],
    ["@retry(wait=wait_fixed(2))«D REL211 waits_tenacity_no_stop»", "def {f}():", "    return fetch()"],
    ["@backoff.on_exception(backoff.expo, Exception)«D REL211 waits_backoff_no_max»", "async def {f}():",
     "    return await fetch()"],
    ["class {C}(requests.Session):", "    def __init__(self, token):", "        super().__init__()",
     '        self.headers["Authorization"] = token', "", "", "def {f}(url):",
     '    return {C}("t").get(url).json()«D REL204 waits_session_subclass»'],
    ["def {f}(url):", "    session = requests.Session()", '    session.mount("https://", HTTPAdapter(max_retries=3))',
     "    return session.get(url)«D REL204 waits_session_plain_adapter»"],
    ["def {f}(path, handle):", "    future = subscriber.subscribe(path, callback=handle)", "    with subscriber:",
     "        future.result()«D REL212 waits_streaming_pull_forever»"],
    ["def {f}(topic, rows):", "    for row in rows:",
     '        ordered.publish(topic, row, ordering_key="k")«D REL213 waits_ordered_publish_dropped»'],
    ["def {f}(path):", "    return subscriber.pull(subscription=path, max_messages=10, timeout=None)«D REL214 waits_pull_timeout_none»"],
    ["def {f}(uid):", '    return db.collection("users").document(uid).get()«D REL215 waits_firestore_get»'],
    ["def {f}(limit):", '    query = db.collection("events").order_by("at").limit(limit)',
     "    return [d.id for d in query.stream()]«D REL215 waits_firestore_stream»"],
    ["def {f}(name, path):", '    gcs.bucket("b").blob(name).download_to_filename(path, timeout=None)«D REL216 waits_gcs_download_none»'],
]

_LOOKALIKES = [
    ["def {f}():", "    while True:«N waits_queue_consumer_forever»", "        item = jobs.get()",
     "        if item is None:", "            break", "        handle(item)", "        time.sleep(0.1)"],
    ["def {f}(client_):", "    while not stop.is_set():«N waits_heartbeat_until_stop»", "        client_.ping()",
     "        time.sleep(30)"],
    ["def {f}():", "    while True:«N waits_service_loop_forever»", "        collect_metrics()", "        time.sleep(60)"],
    ["def {f}(cmd, **kwargs):", '    kwargs.setdefault("timeout", 600)',
     "    return subprocess.run(cmd, **kwargs)«N waits_subprocess_timeout_in_kwargs»"],
    ["def {f}(key):", "    try:", "        return load(key)", "    except Exception:«N waits_reraise_after_debug»",
     '        logger.debug("load of %s failed", key)', "        raise"],
    ['@api.post("/jobs/{f}", status_code=202)', "async def {f}(job: dict):«O REL501 waits_open_enqueue_route»", "    try:", "        jobs.put(job)",
     "    except Exception:«N waits_fastapi_503_from_except»", '        logger.exception("cannot enqueue")',
     '        return {{"queued": False}}, 503', '    return {{"queued": True}}«N waits_fastapi_202_after_enqueue»'],
    ["def {f}(paths):", "    for path in paths:",
     "        with contextlib.suppress(FileNotFoundError):«N waits_suppress_specific»", "            path.unlink()"],
    ["@retry(wait=wait_fixed(2), stop=stop_after_delay(600))«N waits_tenacity_with_stop»", "def {f}():",
     "    return fetch()"],
    ["def {f}(x):", "    try:", "        check(x)", "        return True", "    except Exception:«N waits_predicate_false»",
     "        return False"],
    ["def {f}(url):", "    with urllib.request.urlopen(url, timeout=30) as response:«N waits_urlopen_timeout»",
     "        return response.read()"],
    ["def {f}(job, timeout):", "    deadline = time.monotonic() + timeout", "    while not job.done():«N waits_poll_with_deadline»",
     "        if time.monotonic() > deadline:", "            raise TimeoutError", "        time.sleep(1)"],
    ["def {f}(sql):", "    rows = client.query(sql, timeout=30).result(timeout=600)",
     "    return rows.to_dataframe(timeout=600)«N waits_row_iterator_bounded»"],
    ["def {f}(proc):", "    proc.kill()", "    proc.wait()«N waits_wait_after_kill»"],
    ["def {f}(job):", "    try:", "        job.sync()", "    except Exception:", '        logger.exception("sync failed")«N waits_exception_with_traceback»'],
    ["class {C}(HTTPAdapter):", "    def send(self, request, **kwargs):", '        kwargs["timeout"] = kwargs.get("timeout") or 30',
     "        return super().send(request, **kwargs)", "", "", "def {f}(url):", "    session = requests.Session()",
     '    session.mount("https://", {C}())', "    return session.get(url)«N waits_session_timeout_adapter»"],
    ["class {C}(requests.Session):", "    def request(self, method, url, **kwargs):", '        kwargs.setdefault("timeout", 30)',
     "        return super().request(method, url, **kwargs)", "", "", "def {f}(url):",
     "    return {C}().get(url)«N waits_session_subclass_with_default»"],
    ["def {f}(path, handle):", "    future = subscriber.subscribe(path, callback=handle)", "    try:",
     "        future.result()«N waits_streaming_pull_until_interrupt»", "    except KeyboardInterrupt:", "        future.cancel()"],
    ["def {f}(topic, row):", '    return ordered.publish(topic, row, ordering_key="k").result(timeout=60)«N waits_ordered_publish_waited»'],
    ["def {f}(path):", "    return subscriber.pull(subscription=path, max_messages=10)«N waits_pull_default_timeout»"],
    ["def {f}(uid):", '    return db.collection("users").document(uid).get(timeout=10)«N waits_firestore_get_bounded»'],
    ["def {f}(name):", '    return gcs.bucket("b").blob(name).download_as_bytes()«N waits_gcs_default_timeout»'],
]


def module(rng: random.Random, i: int) -> tuple[str, str]:
    """(path, text with markers) of a module with 4 planted shapes and 3 look-alikes."""
    lines = ['"""Waits and handlers of one service."""', *_HEADER]
    blocks = rng.sample(_DEFECTS, 4) + rng.sample(_LOOKALIKES, 3)
    rng.shuffle(blocks)
    for n, block in enumerate(blocks):
        lines += ["", "", *(line.format(f=f"step_{i}_{n}", C=f"Step{i}x{n}") for line in block)]
    return f"services/waits/waits_{i:05d}.py", "\n".join(lines) + "\n"
