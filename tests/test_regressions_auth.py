"""Regressions (issue 18, mutmut) for REL501-REL503, routes without authentication: which
frameworks' routes are seen, what counts as authentication, the sibling and read rules;
through `reliability_lint.testing` and the command line in this process."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases

from reliability_lint.testing import check_text, fix_text


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL501", "REL502", "REL503"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


def rows(text: str, codes: list[str] | None = None, **kwargs: Any) -> list[tuple[int, int, int, str, str]]:
    return [(f.line, f.col, f.end_col, f.code, f.message) for f in check_text(text, codes or ["REL5"], **kwargs)]


def codes(text: str, **kwargs: Any) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_text(text, ["REL5"], **kwargs)]


FLASK = "from flask import Flask\napp = Flask(__name__)\n"
FASTAPI = "from fastapi import FastAPI, Depends, APIRouter\napp = FastAPI()\n"
CALL = "anyone who can reach the service can call it; add an auth decorator or dependency, or declare the service private (`private-services`)"
READ = "anyone who can reach the service can read it"


def route(decorator: str, head: str = FLASK, name: str = "run", body: str = "return ''") -> str:
    return f"{head}{decorator}\ndef {name}():\n    {body}\n"


# ------------------------------------------------------------------ REL501 / REL503: what is reported, where


@pytest.mark.parametrize(
    ("decorator", "label", "effect"),
    [
        ("@app.post('/x')", "Route POST `/x` (`run`)", "accepts POST"),
        ("@app.route('/x', methods=['PUT', 'DELETE'])", "Route PUT/DELETE `/x` (`run`)", "accepts PUT/DELETE"),
        ("@app.route('/x', methods=['GET', 'PATCH'])", "Route GET/PATCH `/x` (`run`)", "accepts PATCH"),
    ],
)
def test_a_route_that_changes_state_without_authentication_is_rel501(decorator: str, label: str, effect: str) -> None:
    assert rows(route(decorator)) == [(4, 0, 7, "REL501", f"{label} has no authentication and {effect}: {CALL}")]


@pytest.mark.parametrize("decorator", ["@app.get('/x')", "@app.route('/x')", "@app.route('/x', methods=['GET', 'HEAD', 'OPTIONS'])"])
def test_a_read_route_without_authentication_is_rel503(decorator: str) -> None:
    text = route(decorator)
    ((line, col, end, code, message),) = rows(text)
    assert (line, col, end, code) == (4, 0, 7, "REL503")
    assert message.endswith(f"has no authentication: {READ}")


def test_a_read_route_whose_body_writes_is_rel501() -> None:
    text = route("@app.get('/x')", body="from google.cloud import pubsub_v1\n    pubsub_v1.PublisherClient().publish('t', b'x')\n    return ''")
    assert rows(text) == [(4, 0, 7, "REL501", f"Route GET `/x` (`run`) has no authentication and writes or triggers something (`publish`): {CALL}")]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        (route("@app.post('/x')", name="d"), (4, 0, 5)),
        (route("@app.post('/x')", name="e"), (4, 0, 5)),
        (FASTAPI + "@app.delete('/x')\nasync def d():\n    return 1\n", (4, 0, 11)),
        (FASTAPI + "@app.delete('/x')\nasync  def  ef():\n    return 1\n", (4, 0, 14)),
        (FLASK + "class Outer:\n    @app.post('/x')\n    def f(self):\n        return 1\n", (5, 4, 9)),
        (FLASK + "@app.post('/x')\ndef é():\n    return 1\n", (4, 0, 5)),
    ],
)
def test_a_route_is_pointed_at_by_its_def_and_name(text: str, position: tuple[int, int, int]) -> None:
    """Bug found by mutation testing: the name was looked for from the start of the line, so
    `def d` and `async def d` were cut at the `d` of `def`."""
    found = rows(text)
    assert [(r[0], r[1], r[2]) for r in found][:1] == [position]


def test_a_class_view_is_pointed_at_by_its_class_and_name() -> None:
    text = FLASK + "from flask.views import MethodView\nclass s(MethodView):\n    def post(self):\n        return 1\napp.add_url_rule('/x', view_func=s.as_view('s'))\n"
    assert [(r[0], r[1], r[2], r[3]) for r in rows(text)] == [(4, 0, 7, "REL501")]


@pytest.mark.parametrize(
    ("head", "decorator"),
    [
        (FASTAPI, "@app.delete('/x')"),
        (FASTAPI + "router = APIRouter()\napp.include_router(router)\n", "@router.put('/x')"),
        ("import functions_framework\n", "@functions_framework.http"),
        ("from starlette.applications import Starlette\napp = Starlette()\n", "@app.route('/x', methods=['POST'])"),
        ("import flask\nbp = flask.Blueprint('b', __name__)\napp = flask.Flask(__name__)\napp.register_blueprint(bp)\n", "@bp.patch('/x')"),
    ],
)
def test_each_framework_s_routes_are_checked(head: str, decorator: str) -> None:
    assert [code for _, code in codes(route(decorator, head=head))] in (["REL501"], ["REL503"])


@pytest.mark.parametrize(
    "text",
    [
        "app = make_app()\n@app.post('/x')\ndef run():\n    return ''\n",
        "import flask  # in a comment only\n@app.post('/x')\ndef run():\n    return ''\n",
        "from myweb import App\napp = App()\n@app.post('/x')\ndef run():\n    return ''\n",
    ],
)
def test_routes_of_unknown_apps_are_not_reported(text: str) -> None:
    assert codes(text) == []


@pytest.mark.parametrize("path", ["/health", "/healthz", "/ready/now", "/live", "/", "/metrics", "/_ah/health"])
def test_exempt_read_routes_are_not_reported(path: str) -> None:
    assert codes(route(f"@app.get('{path}')")) == []
    assert [c for _, c in codes(route(f"@app.post('{path}')"))] == ["REL501"]  # a change is never exempt


def test_exempt_routes_is_configurable() -> None:
    options = {"auth": {"exempt-routes": ["/public/*"]}}
    assert codes(route("@app.get('/public/a')"), options=options) == []
    assert [c for _, c in codes(route("@app.get('/health')"), options=options)] == ["REL503"]


@pytest.mark.parametrize("path", ["tests/app.py", "pkg/tests/sub/app.py", "test_app.py", "app_test.py", "conftest.py"])
def test_apps_in_test_files_are_not_endpoints(path: str) -> None:
    assert codes(route("@app.post('/x')"), path=path) == []


@pytest.mark.parametrize("path", ["tests.py", "testing/app.py", "app_tests.py", "contest.py", "tests_app.py", "my_test_app.py"])
def test_files_that_only_look_like_tests_are_checked(path: str) -> None:
    assert [c for _, c in codes(route("@app.post('/x')"), path=path)] == ["REL501"]


@pytest.mark.parametrize(
    ("pattern", "path", "private"),
    [
        ("svc/*", "svc/app.py", True),
        ("svc/*", "other/app.py", False),
        ("svc", "svc/app.py", True),
        ("app.py", "deep/down/app.py", True),
        ("down/app.py", "deep/down/app.py", True),
        ("deep/*/app.py", "deep/down/app.py", True),
        ("eep/*", "deep/down/app.py", False),
    ],
)
def test_private_services_leave_their_routes_out(pattern: str, path: str, private: bool) -> None:
    options = {"auth": {"private-services": {pattern: "internal ingress only"}}}
    assert (codes(route("@app.post('/x')"), path=path, options=options) == []) is private
    assert codes(route("@app.post('/x')"), path=path, options={"auth": {"private-services": {}}}) != []


# ------------------------------------------------------------------ what authenticates


@pytest.mark.parametrize(
    ("head", "decorators"),
    [
        ("from flask_login import login_required\n", "@login_required"),
        ("from flask_jwt_extended import jwt_required\n", "@jwt_required()"),
        ("from flask_httpauth import HTTPBasicAuth\nauth = HTTPBasicAuth()\n", "@auth.login_required"),
        ("from platform.auth import iap_required\n", "@iap_required"),
    ],
)
def test_an_auth_decorator_authenticates(head: str, decorators: str) -> None:
    text = FLASK + head + f"@app.post('/x')\n{decorators}\ndef run():\n    return ''\n"
    options = {"auth": {"trusted-decorators": ["platform.auth.iap_required"]}}
    assert codes(text, options=options) == []


def test_a_check_in_the_body_authenticates() -> None:
    body = "from flask import request, abort\n    if request.headers.get('Authorization') != 'x':\n        abort(401)\n    return ''"
    assert codes(route("@app.post('/x')", body=body)) == []


def test_fastapi_dependencies_that_authenticate() -> None:
    head = FASTAPI + "from fastapi.security import OAuth2PasswordBearer\nscheme = OAuth2PasswordBearer(tokenUrl='t')\n"
    assert codes(head + "@app.post('/x', dependencies=[Depends(scheme)])\ndef run():\n    return 1\n") == []
    assert codes(head + "@app.post('/x')\ndef run(token: str = Depends(scheme)):\n    return 1\n") == []
    trusted = FASTAPI + "from app.deps import current_user\n@app.post('/x')\ndef run(user=Depends(current_user)):\n    return 1\n"
    assert codes(trusted, options={"auth": {"trusted-dependencies": ["app.deps.current_user"]}}) == []
    assert codes(trusted, options={"auth": {"trusted-dependencies": ["current_user"]}}) == []
    assert codes(trusted) == []  # an unknown dependency: not reported (it may check)


# ------------------------------------------------------------------ REL502

CHECKER = """import os
from functools import wraps
from flask import Flask, abort, request
from auth_lib import require_key
app = Flask(__name__)

def require_api_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("X-API-Key") != os.environ["K"]:
            abort(401)
        return view(*args, **kwargs)
    return wrapper
"""


def sibling(name: str, marks: str = "@require_api_key\n", method: str = "post") -> str:
    return f"@app.{method}('/{name}')\n{marks}def {name}():\n    return ''\n"


def test_a_route_without_the_mark_its_siblings_carry_is_rel502_with_a_fix() -> None:
    text = CHECKER + sibling("a") + sibling("b") + sibling("c") + sibling("d", "")
    line = text.splitlines().index("def d():") + 1
    message = "Route POST `/d` (`d`) lacks the auth decorator `@require_api_key` that most routes on `app` carry, and has no other authentication"
    assert rows(text) == [(line, 0, 5, "REL502", message)]
    (finding,) = check_text(text, ["REL502"])
    assert finding.fix is not None and finding.fix.message == "Add `@require_api_key` below the route decorator"
    assert fix_text(text, ["REL502"]) == text.replace("@app.post('/d')\n", "@app.post('/d')\n@require_api_key\n")
    assert fix_text(text, ["REL502"], unsafe_fixes=False) == text


def test_rel502_needs_three_siblings_and_a_majority() -> None:
    two = CHECKER + sibling("a") + sibling("b") + sibling("d", "")
    assert [c for _, c in codes(two)] == ["REL501"]
    half = CHECKER + sibling("a") + sibling("b") + sibling("c", "@other\n") + sibling("e", "@other\n") + sibling("d", "")
    assert "REL502" not in [c for _, c in codes(half)]
    most = CHECKER + sibling("a") + sibling("b") + sibling("c") + sibling("e", "") + sibling("d", "")
    assert [c for _, c in codes(most)] == ["REL502", "REL502"]


def test_rel502_s_mark_is_written_as_most_siblings_write_it() -> None:
    text = CHECKER + "import auth_lib\n" + sibling("a", "@require_key\n") + sibling("b", "@require_key\n") + sibling("c", "@auth_lib.require_key\n") + sibling("d", "")
    trusted = {"auth": {"trusted-decorators": ["require_key"]}}  # bare: from any module
    assert [c for _, c in codes(text)] == ["REL501"]  # auth_lib is not known to check
    (finding,) = check_text(text, ["REL502"], options=trusted)
    assert "`@require_key`" in finding.message
    fixed = fix_text(text, ["REL502"], options=trusted)
    assert "@app.post('/d')\n@require_key\ndef d():" in fixed


def test_rel502_s_fix_keeps_the_decorator_s_indentation_and_line_ends() -> None:
    body = "".join(sibling(n) for n in "abc") + sibling("d", "")
    inner = "class Routes:\n" + "".join("    " + line + "\n" for line in body.splitlines())
    text = CHECKER + inner
    fixed = fix_text(text, ["REL502"])
    if fixed != text:  # methods as routes: the fix keeps their indentation
        assert "    @app.post('/d')\n    @require_api_key\n    def d():" in fixed
    crlf = (CHECKER + body).replace("\n", "\r\n")
    assert "@app.post('/d')\r\n@require_api_key\r\ndef d():" in fix_text(crlf, ["REL502"])
    multi = CHECKER + "".join(sibling(n) for n in "abc") + "@app.post(\n    '/d',\n)\ndef d():\n    return ''\n"
    assert "@app.post(\n    '/d',\n)\n@require_api_key\ndef d():" in fix_text(multi, ["REL502"])


def test_rel502_s_fix_is_withheld_for_a_dependency() -> None:
    head = FASTAPI + "from fastapi.security import OAuth2PasswordBearer\nscheme = OAuth2PasswordBearer(tokenUrl='t')\n"
    routes = "".join(f"@app.post('/{n}', dependencies=[Depends(scheme)])\ndef {n}():\n    return 1\n" for n in "abc")
    text = head + routes + "@app.post('/d')\ndef d():\n    return 1\n"
    (finding,) = check_text(text, ["REL502"])
    assert finding.message == "Route POST `/d` (`d`) lacks the auth dependency `Depends(scheme)` that most routes on `app` carry, and has no other authentication"
    assert finding.fix is None
