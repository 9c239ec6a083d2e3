"""Regressions (issue 18, mutmut, the survivors of `rules.timeouts.waits_cloud` and
`rules.timeouts.waits_loops`): REL210-REL216 as `reliability_lint.testing` reports them."""

from __future__ import annotations

from reliability_lint.testing import check_text

SUB = "from google.cloud import pubsub_v1\n\nsubscriber = pubsub_v1.SubscriberClient()\n"


def test_a_streaming_pull_waited_with_a_timeout_is_not_reported() -> None:
    assert [f.code for f in check_text(SUB + "subscriber.subscribe('s', cb).result(timeout=30)\n", ["REL212"])] == []


# ------------------------------------------------------------------ REL210 / REL211

LOOP_HEAD = "import time\nimport threading\n\n"


def loops(text: str) -> list[tuple[int, int, int, int, str]]:
    return [(f.line, f.col, f.end_line, f.end_col, f.code) for f in check_text(text, ["REL210", "REL211"])]


def test_a_function_defined_in_a_polling_loop_hides_nothing_after_it() -> None:
    text = LOOP_HEAD + "while True:\n    def cb():\n        return 1\n    if ready():\n        break\n    time.sleep(1)\n"
    assert loops(text) == [(4, 0, 4, 10, "REL210")]


def test_an_exit_on_a_threading_event_is_a_shutdown_whatever_the_events_name() -> None:
    body = "while True:\n    if done.is_set():\n        break\n    time.sleep(1)\n"
    assert loops(LOOP_HEAD + "done = threading.Event()\n" + body) == []
    assert loops(LOOP_HEAD + "done = make()\n" + body) == [(5, 0, 5, 10, "REL210")]  # not known to be an Event


def test_a_loop_and_a_retry_of_several_lines_are_reported_over_all_of_them() -> None:
    assert loops(LOOP_HEAD + "while not (\n    ready()):\n    time.sleep(1)\n") == [(4, 0, 5, 12, "REL210")]
    # the end column counted in the characters of the test's last line (an accent on its first)
    text = LOOP_HEAD + 'while not check("\u00e9",\n        x, y, z, w):\n    time.sleep(1)\n'
    assert loops(text) == [(4, 0, 5, 19, "REL210")]
    assert loops("import tenacity\nr = tenacity.Retrying(\n    wait=w)\n") == [(2, 4, 3, 11, "REL211")]
    assert loops("from google.api_core import retry\nr = retry.Retry(\n    timeout=None)\n") == [(2, 4, 3, 17, "REL211")]


def test_a_noqa_on_any_line_of_a_polling_loops_header_silences_it() -> None:
    header = "while not check(\n        x):{}\n    time.sleep(1)\n"
    assert loops(LOOP_HEAD + header.format("  # noqa: REL210")) == []
    assert loops(LOOP_HEAD + header.format("")) == [(4, 0, 5, 10, "REL210")]
