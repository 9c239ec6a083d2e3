"""Regressions (issue 18, mutmut, the survivors of `rules.timeouts.sessions` and
`rules.timeouts.pins`): REL204 through the project's sessions and REL206's pins, through
`reliability_lint.testing`."""

from __future__ import annotations

from reliability_lint.testing import check_text


def test_a_plain_session_request_without_a_timeout_is_reported() -> None:
    text = "import requests\n\ns = requests.Session()\ns.get('u')\n"
    assert [(f.line, f.code) for f in check_text(text, ["REL204"])] == [(4, "REL204")]
