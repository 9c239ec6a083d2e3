"""Regressions (issue 18, mutmut, the survivors of `rules.timeouts.waits_cloud` and
`rules.timeouts.waits_loops`): REL210-REL216 as `reliability_lint.testing` reports them."""

from __future__ import annotations

from reliability_lint.testing import check_text

SUB = "from google.cloud import pubsub_v1\n\nsubscriber = pubsub_v1.SubscriberClient()\n"


def test_a_streaming_pull_waited_with_a_timeout_is_not_reported() -> None:
    assert [f.code for f in check_text(SUB + "subscriber.subscribe('s', cb).result(timeout=30)\n", ["REL212"])] == []
