"""Regressions (issue 18, mutmut) for REL210 (a polling loop with no deadline) and REL211 (a
retry with no stop): which loops poll, which exits bound them, which retries stop; the
message and position of each report, through `reliability_lint.testing`."""

from __future__ import annotations

import pytest

from reliability_lint.testing import check_text

CODES = ["REL210", "REL211"]
POLL = "`while True:` polls with `time.sleep()` and has no deadline or attempt limit: it waits forever if the state never changes"


def reports(text: str) -> list[tuple[int, int, int, int, str, str]]:
    return [(f.line, f.col, f.end_line, f.end_col, f.code, f.message) for f in check_text(text, CODES)]


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, CODES))


def loop(body: str, test: str = "True", head: str = "import time\nimport threading\nimport queue\n\n") -> str:
    return head + f"while {test}:\n" + "".join(f"    {line}\n" for line in body.splitlines())


def test_a_polling_loop_is_reported_at_its_header() -> None:
    assert reports(loop("if ready():\n    break\ntime.sleep(1)")) == [(5, 0, 5, 10, "REL210", POLL)]
    text = loop("time.sleep(1)", "not done()")
    message = POLL.replace("while True", "while not done()")
    assert reports(text) == [(5, 0, 5, 16, "REL210", message)]
    # the header's columns in characters, to the end of a test over two lines
    text = "import time\n\ndef f():\n    é = 1; \n    while not job.done(\n    ):\n        time.sleep(1)\n"
    assert [r[:4] for r in reports(text)] == [(5, 4, 6, 5)]
    text = "import asyncio\n\nasync def f():\n    while not await job.done():\n        await asyncio.sleep(1)\n"
    assert [r[5].split(" polls")[0] for r in reports(text)] == ["`while not await job.done():`"]
    text = "import time\n\nwhile 1:\n    if ready():\n        break\n    time.sleep(1)\n"
    assert reports(text) == [(3, 0, 3, 7, "REL210", POLL)]


@pytest.mark.parametrize(
    ("body", "test", "reported"),
    [
        ("if ready():\n    break\ntime.sleep(1)", "True", True),
        ("if ready():\n    return 1\ntime.sleep(1)", "True", True),
        ("if ready():\n    raise Done()\ntime.sleep(1)", "True", True),
        ("time.sleep(1)", "not done()", True),
        ("time.sleep(1)", "pending", True),
        ("time.sleep(1)", "job.pending", True),
        ("time.sleep(1)", "0", False),
        ("time.sleep(1)", "x > 1", False),
        ("import asyncio\nawait asyncio.sleep(1)", "not done()", True),
        # no sleep: not a poller
        ("if ready():\n    break\nwork()", "True", False),
        ("if ready():\n    break\nsleep(1)", "True", False),
        # a counter, a deadline, a clock or an attempt limit bounds an exit
        ("attempt += 1\nif ready():\n    break\ntime.sleep(1)", "True", False),
        ("if time.monotonic() > deadline:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() or n >= 5:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() or n < 5:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() or n <= 5:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() or 5 > n:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() or time.time() - t0:\n    break\ntime.sleep(1)", "True", False),
        ("if ready() == 1:\n    break\ntime.sleep(1)", "True", True),
        ("time.sleep(1)", "time.monotonic() < deadline", False),
        ("while n < 3:\n    time.sleep(1)\n    if ready():\n        break", "True", False),
        # a shutdown signal: a service loop
        ("if stop_event.is_set():\n    break\ntime.sleep(1)", "True", False),
        ("if self.running:\n    break\ntime.sleep(1)", "True", False),
        ("if SHUTDOWN:\n    break\ntime.sleep(1)", "True", False),
        ("if flag.is_set():\n    break\ntime.sleep(1)", "True", True),
        ("time.sleep(1)", "not self.stopped", False),
        # no exit at all, or paced by what it receives
        ("time.sleep(1)", "True", False),
        ("data = sock.recv(10)\nif not data:\n    break\ntime.sleep(1)", "True", False),
        ("item = jobs.get()\nif item is None:\n    break\ntime.sleep(1)", "True", True),
        # an unconditional raise: the loop runs once
        ("if ready():\n    break\ntime.sleep(1)\nraise Once()", "True", False),
        # a break of a nested loop, a return of a nested function: not this loop's exits
        ("for x in y:\n    break\ntime.sleep(1)", "True", False),
        ("for x in y:\n    if ready():\n        break\ntime.sleep(1)\nif x:\n    break", "True", True),
        ("def inner():\n    return 1\ntime.sleep(1)", "True", False),
        ("for x in y:\n    return x\ntime.sleep(1)", "True", True),
        ("for x in y:\n    time.sleep(1)\nif ready():\n    break", "True", True),
    ],
)
def test_which_polling_loops_are_bounded(body: str, test: str, reported: bool) -> None:
    text = loop(body, test)
    if "await" in body:
        text = "async def main():\n" + "".join(f"    {line}\n" for line in text.splitlines())
    assert [code for _, code in found(text)] == (["REL210"] if reported else [])


def test_a_queue_read_paces_a_loop() -> None:
    text = "import time\nimport queue\n\njobs = queue.Queue()\nwhile True:\n    item = jobs.get()\n    if item is None:\n        break\n    time.sleep(1)\n"
    assert found(text) == []
    assert found("import time\n\nwhile True:\n    if done():\n        break\n    time.sleep(1)\n") == [(3, "REL210")]
    # a file that never says `sleep` is not looked at
    assert found("from clock import nap as wait\n\nwhile True:\n    if done():\n        break\n    wait(1)\n") == []


def test_a_retry_with_no_stop() -> None:
    text = (
        "import tenacity\nfrom tenacity import retry, Retrying, stop_after_attempt\n\n"
        "@retry\ndef f(): pass\n\n@tenacity.retry\ndef g(): pass\n\n@retry()\ndef h(): pass\n\n"
        "@retry(stop=stop_after_attempt(3))\ndef i(): pass\n\n@retry(stop=None)\ndef j(): pass\n\n"
        "@retry(**opts)\ndef k(): pass\nRetrying()\n@other\ndef m(): pass\n"
    )
    why = "has no stop: tenacity retries forever unless given `stop=`"
    assert reports(text) == [
        (4, 1, 4, 6, "REL211", f"`@retry` {why}"),
        (7, 1, 7, 15, "REL211", f"`@tenacity.retry` {why}"),
        (10, 1, 10, 8, "REL211", f"`retry(...)` {why}"),
        (16, 1, 16, 17, "REL211", f"`retry(...)` {why}"),
        (21, 0, 21, 10, "REL211", f"`Retrying(...)` {why}"),
    ]
    assert found("from tenacity import AsyncRetrying\nAsyncRetrying()\nAsyncRetrying(stop=s)\n") == [(2, "REL211")]


def test_a_backoff_decorator_with_no_limit() -> None:
    text = (
        "import backoff\n\n@backoff.on_exception(backoff.expo, ValueError)\ndef f(): pass\n\n"
        "@backoff.on_exception(backoff.expo, ValueError, max_time=5)\ndef g(): pass\n\n"
        "@backoff.on_predicate(backoff.expo, lambda x: x, 5)\ndef h(): pass\n\n"
        "@backoff.on_predicate(backoff.expo, max_tries=None)\ndef i(): pass\n\n"
        "@backoff.on_predicate(backoff.expo, max_tries=3)\ndef j(): pass\n"
    )
    why = "has no stop: backoff retries forever unless given `max_tries=` or `max_time=`"
    assert reports(text) == [
        (3, 1, 3, 47, "REL211", f"`backoff.on_exception(...)` {why}"),
        (12, 1, 12, 51, "REL211", f"`backoff.on_predicate(...)` {why}"),
    ]


def test_an_api_core_retry_with_its_timeout_turned_off() -> None:
    text = "from google.api_core import retry\n\nretry.Retry(timeout=None)\nretry.Retry(deadline=None)\nretry.Retry()\nretry.Retry(timeout=5)\nretry.Retry(initial=None)\n"
    assert reports(text) == [
        (3, 0, 3, 25, "REL211", "`retry.Retry(timeout=None)` retries forever (its default is a 120-second timeout)"),
        (4, 0, 4, 26, "REL211", "`retry.Retry(deadline=None)` retries forever (its default is a 120-second timeout)"),
    ]
    assert found("from google.api_core.retry import AsyncRetry\nAsyncRetry(timeout=None, deadline=None)\n") == [
        (2, "REL211")
    ]
    assert found("from google.api_core import retry_async\nretry_async.AsyncRetry(timeout=None)\n") == [(2, "REL211")]
