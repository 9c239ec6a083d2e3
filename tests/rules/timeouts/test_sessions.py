"""REL204 through the project's own requests sessions: a `requests.Session` subclass, and
the adapters mounted on a session (a `send` that sets a default timeout bounds them all)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_tool

from reliability_lint.testing import check_text


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(textwrap.dedent(text), ["REL204"]))


def test_a_session_subclass_is_a_session_unless_it_overrides_what_is_called() -> None:
    text = """\
        import requests
        from requests import Session as Base


        class ApiSession(requests.Session):
            def __init__(self, base):
                super().__init__()
                self.base = base  # no adapter: nothing bounds the requests


        class Tagged(ApiSession):
            user_agent = "pipeline"


        class Bounded(requests.Session):
            def request(self, method, url, **kwargs):
                kwargs.setdefault("timeout", 30)
                return super().request(method, url, **kwargs)


        class Mixin:
            def describe(self):
                return "mixin"


        class Mixed(Mixin, Base):
            pass


        class TimeoutMixin:
            def request(self, method, url, **kwargs):
                return super().request(method, url, timeout=kwargs.pop("timeout", 30), **kwargs)


        class ThroughMixin(TimeoutMixin, requests.Session):
            pass


        class OverridesGet(Base):
            def get(self, url, **kwargs):
                return super().get(url, timeout=10, **kwargs)


        async def main(url):
            ApiSession("https://api").get(url)
            session = Tagged("x")
            session.post(
                url,  # a comment
                json={},
            )
            Bounded().get(url)
            Mixed().delete(url)
            OverridesGet().get(url)
            OverridesGet().put(url)
            ThroughMixin().get(url)
            with ApiSession("y") as s:
                s.head(url, timeout=5)
        """
    assert found(text) == [(45, "REL204"), (47, "REL204"), (52, "REL204"), (54, "REL204")]


def test_the_subclass_fix_adds_the_timeout() -> None:
    from reliability_lint.testing import fix_text

    text = "import requests\n\n\nclass S(requests.Session):\n    pass\n\n\ndef f(url):\n    return S().get(url)\n"
    assert fix_text(text, ["REL204"]).endswith("return S().get(url, timeout=30)\n")


def test_a_mounted_adapter_that_sets_a_timeout_bounds_the_session() -> None:
    text = """\
        import requests
        from requests.adapters import HTTPAdapter


        class TimeoutAdapter(HTTPAdapter):
            def __init__(self, timeout=30, **kwargs):
                self.timeout = timeout
                super().__init__(**kwargs)

            def send(self, request, **kwargs):
                if kwargs.get("timeout") is None:
                    kwargs["timeout"] = self.timeout
                return super().send(request, **kwargs)


        def make():
            session = requests.Session()
            session.mount("https://", TimeoutAdapter(timeout=10))
            return session


        def fetch(url):
            return make().get(url)


        def fresh(url):
            plain = requests.Session()  # made here, nothing mounted on it
            return plain.get(url)


        def retrying(url):
            session = requests.Session()  # the same name as make()'s, another binding
            session.mount("https://", HTTPAdapter(max_retries=3))
            return session.get(url)
        """
    assert found(text) == [(28, "REL204"), (34, "REL204")]


def test_a_plain_adapter_or_a_subclass_without_send_bounds_nothing() -> None:
    text = """\
        import requests
        from requests import adapters
        from urllib3.util import Retry


        class Retrying(adapters.HTTPAdapter):
            def __init__(self):
                super().__init__(max_retries=Retry(total=3))


        def fetch(url):
            session = requests.Session()
            session.mount("https://", adapters.HTTPAdapter(max_retries=3))
            session.mount("http://", Retrying())
            return session.get(url)
        """
    assert found(text) == [(15, "REL204")]


def test_a_mount_on_a_web_app_or_an_unknown_adapter() -> None:
    on_app = """\
        import requests
        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles

        app = FastAPI()
        app.mount("/static", StaticFiles(directory="static"))


        def fetch(url):
            return requests.Session().get(url)
        """
    unknown = """\
        import requests
        from vendor.http import build_adapter


        def fetch(url):
            session = requests.Session()
            session.mount("https://", build_adapter())
            return session.get(url)
        """
    assert found(unknown) == []  # what build_adapter() makes is not known: it may bound the requests
    assert found(on_app) == [(10, "REL204")]  # FastAPI.mount() mounts an app, not an adapter


SHARED = """\
import requests
from requests.adapters import HTTPAdapter


class TimeoutAdapter(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or 20
        return super().send(request, **kwargs)


def bounded_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", TimeoutAdapter())
    return session
"""

CLIENTS = """\
import requests


class ApiSession(requests.Session):
    def __init__(self, token):
        super().__init__()
        self.headers["Authorization"] = f"Bearer {token}"


class Deeper(ApiSession):
    pass


def plain_session() -> requests.Session:
    return requests.Session()
"""

JOBS = """\
from pkg.clients import ApiSession, Deeper, plain_session


def pull(url):
    ApiSession("t").get(url)
    Deeper("t").post(url, data=b"")
    return plain_session().get(url)
"""

BOUNDED = """\
from pkg.shared import bounded_session

session = bounded_session()


def pull(url):
    return session.get(url)
"""


def test_across_modules(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/shared.py": SHARED, "pkg/clients.py": CLIENTS, "pkg/jobs.py": JOBS, "pkg/bounded.py": BOUNDED}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_tool("check", "--no-cache", "--select", "REL204", "--output-format", "json", "pkg/jobs.py", "pkg/bounded.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rows = sorted((Path(f["filename"]).name, f["location"]["row"]) for f in json.loads(result.stdout))
    assert rows == [("jobs.py", 5), ("jobs.py", 6), ("jobs.py", 7)]
