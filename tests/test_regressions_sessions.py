"""Regressions (issue 18, mutmut) for REL204 through the project's own requests sessions: a
subclass is a session unless it overrides what the call goes through, and a mounted adapter
whose class sets a timeout (or is unknown) bounds the session's requests; across the
modules of a project through the command line in this process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

HEAD = "import requests\nfrom requests import adapters\nfrom requests.adapters import HTTPAdapter\n\n"
TIMEOUT_ADAPTER = (
    "class TimeoutAdapter(HTTPAdapter):\n"
    "    def send(self, request, **kwargs):\n"
    "        kwargs.setdefault('timeout', 20)\n"
    "        return super().send(request, **kwargs)\n\n"
)


def found(text: str) -> list[int]:
    return sorted(f.line for f in check_text(text, ["REL204"]))


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ("pass", True),
        ("user_agent = 'pipeline'", True),
        ("def get(self, url, **kw):\n        return super().get(url, timeout=5, **kw)", False),
        ("def post(self, url, **kw):\n        return super().post(url, timeout=5, **kw)", True),
        ("def request(self, *a, **kw):\n        return super().request(*a, timeout=5, **kw)", False),
        ("def send(self, *a, **kw):\n        return super().send(*a, **kw)", False),
        ("def mount(self, *a):\n        pass", False),
        ("def get_adapter(self, url):\n        return None", False),
        ("def merge_environment_settings(self, *a):\n        return {}", False),
        ("def __init__(self):\n        super().__init__()\n        self.mount('https://', make())", False),
        ("def __init__(self):\n        super().__init__()\n        self.base = 'x'", True),
        ("timeout = 5\n    def other(self):\n        return 1", True),
    ],
)
def test_a_session_subclass_is_a_session_unless_it_overrides_what_the_call_goes_through(
    body: str, reported: bool
) -> None:
    text = HEAD + f"class Api(requests.Session):\n    {body}\n\nApi().get('u')\n"
    assert found(text) == ([text.count("\n")] if reported else [])


@pytest.mark.parametrize(
    ("classes", "reported"),
    [
        # a mixin that defines nothing a call goes through, before the library class
        (
            "class Mixin:\n    def describe(self):\n        return 1\n\nclass Api(Mixin, requests.Session):\n    pass\n",
            True,
        ),
        (
            "class Mixin:\n    def request(self, *a, **kw):\n        return 1\n\nclass Api(Mixin, requests.Session):\n    pass\n",
            False,
        ),
        (
            "class Mixin:\n    def get(self, *a, **kw):\n        return 1\n\nclass Api(Mixin, requests.Session):\n    pass\n",
            False,
        ),
        ("class Mixin(object):\n    pass\n\nclass Api(Mixin, requests.Session):\n    pass\n", True),
        ("import typing\nclass Api(requests.Session, typing.Generic):\n    pass\n", True),
        ("class Base(requests.Session):\n    pass\n\nclass Api(Base):\n    pass\n", True),
        (
            "class Base(requests.Session):\n    def get(self, u):\n        return 1\n\nclass Api(Base):\n    pass\n",
            False,
        ),
        ("from vendor import Something\nclass Api(Something, requests.Session):\n    pass\n", False),
        ("class Api(requests.Session, dict):\n    pass\n", False),
        ("class Api(requests.sessions.Session):\n    pass\n", True),
        ("from requests import Session as S\nclass Api(S):\n    pass\n", True),
        ("class Api:\n    pass\n", False),
        ("class Api(Api):\n    pass\n", False),
    ],
)
def test_the_bases_of_a_session_subclass_decide_what_it_is(classes: str, reported: bool) -> None:
    text = HEAD + classes + "\nApi().get('u')\n"
    assert found(text) == ([text.count("\n")] if reported else [])


def test_a_mounted_adapter_that_sets_a_timeout_bounds_that_session() -> None:
    text = (
        HEAD
        + TIMEOUT_ADAPTER
        + (
            "def make():\n    session = requests.Session()\n    session.mount('https://', TimeoutAdapter())\n    return session\n\n"
            "def fetch(url):\n    return make().get(url)\n\n"
            "def fresh(url):\n    plain = requests.Session()\n    return plain.get(url)\n\n"  # 20
            "def retrying(url):\n    session = requests.Session()\n    session.mount('https://', HTTPAdapter(max_retries=3))\n"
            "    return session.get(url)\n\n"  # 25
            "def same(url):\n    session = requests.Session()\n    session.mount('https://', TimeoutAdapter())\n    return session.get(url)\n\n"
            "def keyword(url):\n    session = requests.Session()\n    session.mount('https://', adapter=TimeoutAdapter())\n"
            "    return session.get(url)\n\n"
            "def plain_keyword(url):\n    session = requests.Session()\n    session.mount('https://', adapter=HTTPAdapter())\n"
            "    return session.get(url)\n\n"  # 40
            "def no_adapter(url):\n    session = requests.Session()\n    session.mount('https://')\n    return session.get(url)\n"
        )
    )
    assert found(text) == [20, 25, 40]


@pytest.mark.parametrize(
    ("adapter", "reported"),
    [
        ("HTTPAdapter(max_retries=3)", True),
        ("adapters.HTTPAdapter()", True),
        ("requests.adapters.HTTPAdapter()", True),
        ("Retrying()", True),
        ("TimeoutAdapter()", False),
        ("build_adapter()", False),
        ("ADAPTER", True),
        ("TIMEOUT", False),
        ("RETRYING", True),
        ("unknown", False),
    ],
)
def test_which_adapters_bound_nothing(adapter: str, reported: bool) -> None:
    text = (
        HEAD
        + TIMEOUT_ADAPTER
        + "class Retrying(adapters.HTTPAdapter):\n    def __init__(self):\n        super().__init__(max_retries=3)\n\n"
        + "from vendor import build_adapter, unknown\nADAPTER = HTTPAdapter()\nTIMEOUT = TimeoutAdapter()\nRETRYING = Retrying()\n\n"
        + f"def fetch(url, session: requests.Session):\n    session.mount('https://', {adapter})\n    return session.get(url)\n"
    )
    assert found(text) == ([text.count("\n")] if reported else [])


def test_a_mount_on_something_else_than_a_session_bounds_nothing() -> None:
    app = "from fastapi import FastAPI\napp = FastAPI()\napp.mount('/static', build())\n\n"
    assert found(HEAD + app + "def fetch(url, s: requests.Session):\n    return s.get(url)\n") == [10]
    # a session of unknown origin may have any of the module's mounts
    mounted = "other = requests.Session()\nother.mount('https://', make())\n\n"
    assert found(HEAD + mounted + "def fetch(url, s: requests.Session):\n    return s.get(url)\n") == []
    plain = "other = requests.Session()\nother.mount('https://', HTTPAdapter())\n\n"
    assert found(HEAD + plain + "def fetch(url, s: requests.Session):\n    return s.get(url)\n") == [9]
    # a session made by a class of the module has only its own mounts
    own = "class S(requests.Session):\n    pass\n\nother = S()\nother.mount('https://', make())\n\n"
    assert found(HEAD + own + "s = S()\ns.get('u')\n") == [12]


SHARED = (
    HEAD
    + TIMEOUT_ADAPTER
    + (
        "def bounded_session() -> requests.Session:\n    session = requests.Session()\n"
        "    session.mount('https://', TimeoutAdapter())\n    return session\n"
    )
)
CLIENTS = (
    "import requests\n\nclass ApiSession(requests.Session):\n    def __init__(self, token):\n        super().__init__()\n"
    "        self.headers['Authorization'] = token\n\nclass Deeper(ApiSession):\n    pass\n\n"
    "class Own(requests.Session):\n    def get(self, url):\n        return super().get(url, timeout=3)\n\n"
    "def plain_session() -> requests.Session:\n    return requests.Session()\n"
)
JOBS = (
    "from pkg.clients import ApiSession, Deeper, Own, plain_session\n\n"
    "def pull(url):\n    ApiSession('t').get(url)\n    Deeper('t').post(url, data=b'')\n    Own().get(url)\n"
    "    return plain_session().get(url)\n"
)
BOUNDED = "from pkg.shared import bounded_session\n\nsession = bounded_session()\n\ndef pull(url):\n    return session.get(url)\n"


def test_sessions_and_their_subclasses_across_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/shared.py": SHARED,
        "pkg/clients.py": CLIENTS,
        "pkg/jobs.py": JOBS,
        "pkg/bounded.py": BOUNDED,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = [
        "check",
        "--no-cache",
        "--no-progress",
        "--select",
        "REL204",
        "--output-format",
        "concise",
        "pkg/jobs.py",
        "pkg/bounded.py",
    ]
    result = CliRunner().invoke(cli, args)
    assert [line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line] == [
        "pkg/jobs.py:4:5: REL204",
        "pkg/jobs.py:5:5: REL204",
        "pkg/jobs.py:7:12: REL204",
    ]
