"""The semantic model's inference within one module (issue 18, mutmut survivors of
reliability_lint.semantic.model and .scopes, tests/MUTATION.md). Seen as a user sees it:
REL204 reports `s.get(url)` without a timeout only where `s` is known to be a
`requests.Session` (or the module `requests`)."""

from __future__ import annotations

from reliability_lint.testing import check_text

H = "import requests\n"


def reported(text: str, select: str = "REL204") -> list[int]:
    return [f.line for f in check_text(text, select=[select])]


def test_a_method_returning_an_attribute_set_in_init_is_followed() -> None:
    text = H + (
        "class C:\n"
        "    def __init__(self):\n"
        "        self.s = requests.Session()\n"
        "    def session(self):\n"
        "        return self.s\n"
        "    def use(self):\n"
        "        self.session().get('u')\n"
    )
    assert reported(text) == [8]
