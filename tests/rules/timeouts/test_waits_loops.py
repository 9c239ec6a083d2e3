"""REL210 polling loops and REL211 retries without a stop, with the service-loop look-alikes."""

from __future__ import annotations

import textwrap

from reliability_lint.testing import check_text


def found(text: str, codes: list[str]) -> list[int]:
    return sorted(f.line for f in check_text(textwrap.dedent(text), codes))


def test_polling_loops_of_real_shapes() -> None:
    text = """\
        import asyncio
        import time as clock
        from time import sleep as nap


        class Waiter:
            def wait_job(self, job):
                while not job.done():  # poll
                    clock.sleep(5)

            async def wait_ready(self, task):
                while not await task.ready():
                    await asyncio.sleep(1)


        def wait_state(client, name):
            while True:
                state = client.get(name).state
                if state == "DONE":
                    break
                elif state == "FAILED":
                    raise RuntimeError(name)
                for _ in range(3):
                    if ping():
                        break
                nap(5)


        def decorated(fn):
            def wrapper(*args):
                while 1:
                    if fn(*args):
                        return True
                    nap(1)
            return wrapper
        """
    assert found(text, ["REL210"]) == [8, 12, 17, 31]


def test_bounded_and_service_loops_are_not_reported() -> None:
    text = """\
        import queue
        import socket
        import threading
        import time

        stop = threading.Event()
        jobs = queue.Queue()


        def deadline(job, timeout):
            end = time.monotonic() + timeout
            while not job.done():
                if time.monotonic() > end:
                    raise TimeoutError
                time.sleep(1)


        def counted(job):
            attempts = 0
            while True:
                if job.done():
                    return
                attempts += 1
                if attempts == 10:
                    raise TimeoutError
                time.sleep(1)


        def bounded_test(job):
            while not job.done() and time.time() < job.deadline:
                time.sleep(1)


        def forever():
            while True:
                collect_metrics()
                time.sleep(60)


        def heartbeat(event: threading.Event):
            while True:
                if event.is_set():
                    break
                ping()
                time.sleep(30)


        def until_shutdown(self):
            while not self.shutdown_requested:
                work()
                time.sleep(1)


        def consumer():
            while True:
                item = jobs.get()
                if item is None:
                    break
                handle(item)
                time.sleep(0.1)


        def server(sock: socket.socket):
            while True:
                conn, _ = sock.accept()
                if conn is None:
                    break
                time.sleep(0)


        def not_sleeping(job):
            while not job.done():
                job.reload()


        def sleep(seconds):
            pass


        def fake_sleep(job):
            while not job.done():
                sleep(1)
        """
    assert found(text, ["REL210"]) == []


def test_retry_policies() -> None:
    text = """\
        import backoff
        import tenacity
        from google.api_core import retry as api_retry
        from tenacity import retry as again, stop_after_attempt


        @again
        def a():
            pass


        @tenacity.retry(
            wait=tenacity.wait_fixed(2),  # no stop
        )
        def b():
            pass


        @again(stop=stop_after_attempt(3))
        def c():
            pass


        @backoff.on_exception(backoff.expo, Exception)
        async def d():
            pass


        @backoff.on_predicate(backoff.constant, interval=1, max_time=60)
        def e():
            pass


        def policies(options):
            forever = api_retry.Retry(deadline=None)
            default = api_retry.Retry()
            mine = tenacity.Retrying(**options)
            for attempt in tenacity.Retrying():
                with attempt:
                    pass
            return forever, default, mine


        def retry():  # a function of the module's own
            pass


        retry()
        """
    assert found(text, ["REL211"]) == [7, 12, 24, 35, 38]


def test_a_paginating_loop_is_not_a_poll() -> None:
    text = """\
        import time


        def fetch_all(api):
            listings, page = [], 1
            while True:
                batch = api.fetch(page)
                if not batch:
                    break
                listings.extend(batch)
                page += 1
                time.sleep(0.5)
            return listings
        """
    assert found(text, ["REL210"]) == []
