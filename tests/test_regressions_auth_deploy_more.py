"""Regressions (issue 18, mutmut) for the auth family's readers of deploy configuration and
Django projects: gcloud commands in scripts, Makefiles, Dockerfiles, Markdown and YAML
(REL511-REL516), and the Django views a urls.py names, its settings, middleware, REST
framework permissions and class views (REL501/REL503); through `reliability_lint.testing`
and the command line in this process."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

# ------------------------------------------------------------------ Django: helpers

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
OPEN_MW = 'MIDDLEWARE = ["django.contrib.auth.middleware.AuthenticationMiddleware"]\n'
LOGIN_MW = 'MIDDLEWARE = ["django.contrib.auth.middleware.LoginRequiredMiddleware"]\n'
READ_VIEW = 'from django.http import HttpResponse\n\n\ndef read(request):\n    return HttpResponse("r")\n'
READ_URLS = 'from django.urls import path\nfrom jobs import views\nurlpatterns = [path("read/", views.read)]\n'


def django(root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[tuple[str, int, str, str]]:
    """Write a project and check it: (file, line, code, message) of each REL5 finding."""
    files = {"jobs/__init__.py": "", "jobs/views.py": READ_VIEW, "proj/__init__.py": "", "proj/urls.py": READ_URLS, **files}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"))
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--select", "REL5", "--output-format", "json", "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted(
        (Path(f["filename"]).resolve().relative_to(root.resolve()).as_posix(), f["location"]["row"], f["code"], f["message"])
        for f in json.loads(result.stdout)
    )


def placed(rows: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str]]:
    return [(r[0], r[1], r[2]) for r in rows]


# ------------------------------------------------------------------ Django: which settings


SETTINGS_CASES = {
    "no settings: nothing can be told": ({}, []),
    "manage.py names them": ({"manage.py": MANAGE, "proj/settings.py": OPEN_MW}, [("proj/urls.py", 3, "REL503")]),
    "manage.py's settings enforce a login": ({"manage.py": MANAGE, "proj/settings.py": LOGIN_MW}, []),
    "a settings.py next to urls.py": ({"proj/settings.py": OPEN_MW}, [("proj/urls.py", 3, "REL503")]),
    "wsgi.py names them": (
        {"proj/wsgi.py": MANAGE.replace("proj.settings", "proj.prod"), "proj/prod.py": LOGIN_MW, "proj/settings.py": OPEN_MW}, []),
    "asgi.py names them": (
        {"proj/asgi.py": MANAGE.replace("proj.settings", "proj.prod"), "proj/prod.py": LOGIN_MW, "proj/settings.py": OPEN_MW}, []),
    "a launcher naming no module there: the next one": (
        {"manage.py": MANAGE.replace("proj.settings", "proj.missing"), "proj/settings.py": OPEN_MW}, [("proj/urls.py", 3, "REL503")]),
    "urls.py configures its own": ({"proj/urls.py": LOGIN_MW + READ_URLS, "proj/settings.py": OPEN_MW}, []),
    "urls.py's own, open": ({"proj/urls.py": OPEN_MW + READ_URLS, "proj/settings.py": LOGIN_MW}, [("proj/urls.py", 4, "REL503")]),
    "urls.py calls settings.configure": (
        {"proj/urls.py": "from django.conf import settings\nsettings.configure(DEBUG=True)\n" + READ_URLS, "proj/settings.py": LOGIN_MW},
        [("proj/urls.py", 5, "REL503")]),
    "urls.py names its settings module": (
        {"proj/urls.py": MANAGE.replace("proj.settings", "proj.prod") + READ_URLS, "proj/prod.py": OPEN_MW, "proj/settings.py": LOGIN_MW, "manage.py": MANAGE},
        [("proj/urls.py", 5, "REL503")]),
    "a star-imported base enforces a login": ({"manage.py": MANAGE, "proj/settings.py": "from .base import *\n", "proj/base.py": LOGIN_MW}, []),
    "a star-imported base, open": (
        {"manage.py": MANAGE, "proj/settings.py": "from .base import *\n", "proj/base.py": OPEN_MW}, [("proj/urls.py", 3, "REL503")]),
    "the login middleware added to a base's list": (
        {"manage.py": MANAGE, "proj/base.py": OPEN_MW,
         "proj/settings.py": "from .base import *\nMIDDLEWARE += ['django.contrib.auth.middleware.LoginRequiredMiddleware']\n"}, []),
    "a star import from outside the project: unknown": ({"manage.py": MANAGE, "proj/settings.py": "from elsewhere import *\n"}, []),
    "a middleware package outside the catalogue: unknown": ({"manage.py": MANAGE, "proj/settings.py": 'MIDDLEWARE = ["somepkg.Middleware"]\n'}, []),
    "a middleware known not to authenticate": (
        {"manage.py": MANAGE, "proj/settings.py": 'MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]\n'}, [("proj/urls.py", 3, "REL503")]),
    "a middleware entry that is no string: unknown": ({"manage.py": MANAGE, "proj/settings.py": 'X = "a"\nMIDDLEWARE = [X]\n'}, []),
}


@pytest.mark.parametrize("case", list(SETTINGS_CASES))
def test_the_settings_a_urls_module_is_judged_by(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files, expected = SETTINGS_CASES[case]
    assert placed(django(tmp_path, monkeypatch, files)) == expected


GUARD_MIDDLEWARE = '''
from django.http import HttpResponseForbidden


class Guard:
    def __init__(self, get_response):
        self.get_response = get_response

    def METHOD(self, request):
        if not request.user.is_authenticated:
            return HttpResponseForbidden()
        return self.get_response(request)


class Plain:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


def guard(get_response):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return get_response


def plain(get_response):
    return get_response
'''


@pytest.mark.parametrize(
    ("method", "middleware", "reported"),
    [
        ("__call__", "Guard", False), ("process_request", "Guard", False), ("process_view", "Guard", False),
        ("other", "Guard", True), ("__call__", "Plain", True), ("__call__", "guard", False), ("__call__", "plain", True),
        ("__call__", "Missing", False),
    ],
)  # fmt: skip
def test_a_project_middleware_is_judged_by_what_runs_per_request(
    method: str, middleware: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"manage.py": MANAGE, "proj/mw.py": GUARD_MIDDLEWARE.replace("METHOD", method), "proj/settings.py": f'MIDDLEWARE = ["proj.mw.{middleware}"]\n'}
    assert placed(django(tmp_path, monkeypatch, files)) == ([("proj/urls.py", 3, "REL503")] if reported else [])


# ------------------------------------------------------------------ Django: views

VIEWS = '''
import subprocess
from django.http import HttpResponse, HttpResponseForbidden
from django.utils.decorators import method_decorator
from django.contrib.auth.decorators import login_required, login_not_required
from django.views.decorators.http import require_POST, require_GET, require_safe, require_http_methods
from django.views.generic import CreateView, ListView, View
from django.contrib.auth.mixins import LoginRequiredMixin
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated, AllowAny
from rest_framework.views import APIView
from rest_framework import viewsets
from somepkg import Base

def read(request):
    return HttpResponse("r")

@require_POST
def rpost(request):
    return HttpResponse("r")

@require_safe
def rsafe(request):
    return HttpResponse("r")

@require_http_methods(["GET", "PUT"])
def rhm(request):
    return HttpResponse("r")

@require_http_methods(METHODS)
def rhmvar(request):
    return HttpResponse("r")

@api_view(["POST", "GET"])
def api_post(request):
    return HttpResponse("r")

@api_view()
def api_get(request):
    return HttpResponse("r")

@api_view(["POST"])
@permission_classes([IsAuthenticated])
def api_auth(request):
    return HttpResponse("r")

@api_view(["POST"])
@permission_classes([AllowAny])
def api_allow(request):
    return HttpResponse("r")

@login_not_required
def lnr(request):
    return HttpResponse("r")

def checks(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    return HttpResponse("r")

def calls_checks(request):
    checks(request)
    subprocess.run(["x"])
    return HttpResponse("r")

class Disp(View):
    @method_decorator(login_required)
    def dispatch(self, *a, **k):
        return super().dispatch(*a, **k)
    def post(self, request):
        return HttpResponse("p")

@method_decorator(login_required, name="post")
class HalfNew(CreateView):
    model = None

@method_decorator(login_required, name="dispatch")
class WholeNew(CreateView):
    model = None

@method_decorator(login_not_required, name="dispatch")
class OpenByDesign(ListView):
    model = None

class Perm(View):
    def get_permissions(self):
        return []
    def post(self, request):
        return HttpResponse("p")

class ApiA(APIView):
    permission_classes = [IsAuthenticated]
    def post(self, request):
        return HttpResponse("p")

class ApiOpen(APIView):
    def post(self, request):
        subprocess.run(["x"])
        return HttpResponse("p")
    def get(self, request):
        return HttpResponse("p")

class ApiChild(ApiA):
    def delete(self, request):
        return HttpResponse("p")

class Mine(LoginRequiredMixin, View):
    pass

class MineChild(Mine):
    def post(self, request):
        return HttpResponse("p")

class Unknown(Base):
    def post(self, request):
        return HttpResponse("p")

class Sets(viewsets.ModelViewSet):
    queryset = None

class Acts(viewsets.ViewSet):
    def list(self, request):
        return HttpResponse("p")
    def create(self, request):
        return HttpResponse("p")

class GetCheck(View):
    def get(self, request):
        if not request.user.is_authenticated:
            return HttpResponseForbidden()
        return HttpResponse("g")
    def post(self, request):
        return HttpResponse("p")
'''
VIEW_NAMES = [line.split()[1].split("(")[0].rstrip(":") for line in VIEWS.splitlines() if line.startswith(("def ", "class "))]
VIEW_URLS = "from django.urls import path\nfrom jobs import views\nurlpatterns = [\n" + "".join(
    f'    path("{n}/", views.{n}{".as_view()" if n[0].isupper() else ""}),\n' for n in VIEW_NAMES
) + "]\n"


def view_findings(root: Path, monkeypatch: pytest.MonkeyPatch, middleware: str) -> list[tuple[str, str, str]]:
    """(view, code, what the message says after "has no authentication") of each finding."""
    settings = f'ROOT_URLCONF = "proj.urls"\nMIDDLEWARE = ["{middleware}"]\n'
    rows = django(root, monkeypatch, {"manage.py": MANAGE, "proj/settings.py": settings, "jobs/views.py": VIEWS, "proj/urls.py": VIEW_URLS})
    return [(VIEW_NAMES[line - 4], code, message.split(" has no authentication")[1].split(":")[0]) for _, line, code, message in rows]


def test_function_and_class_views_their_decorators_permissions_and_bases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert view_findings(tmp_path, monkeypatch, "django.contrib.auth.middleware.AuthenticationMiddleware") == [
        ("read", "REL503", ""),
        ("rpost", "REL501", " and accepts POST"),
        ("rsafe", "REL503", ""),
        ("rhm", "REL501", " and accepts PUT"),
        ("rhmvar", "REL503", ""),  # methods not literal: not restricted
        ("api_post", "REL501", " and accepts POST"),
        ("api_get", "REL503", ""),
        ("api_allow", "REL501", " and accepts POST"),
        ("lnr", "REL503", ""),
        ("HalfNew", "REL503", ""),  # login required for POST only: GET is open
        ("OpenByDesign", "REL503", ""),
        ("ApiOpen", "REL501", " and accepts POST"),
        ("Sets", "REL501", " and accepts DELETE/PATCH/POST/PUT"),
        ("Acts", "REL501", " and accepts POST"),
        ("GetCheck", "REL501", " and accepts POST"),  # GET checks in its body, POST does not
    ]


def test_a_login_enforcing_middleware_lets_only_views_marked_login_not_required_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert view_findings(tmp_path, monkeypatch, "django.contrib.auth.middleware.LoginRequiredMiddleware") == [
        ("lnr", "REL503", ""),
        ("OpenByDesign", "REL503", ""),
    ]


# ------------------------------------------------------------------ Django: what urls.py names

ROUTED_VIEWS = '''
import subprocess
from django.http import HttpResponse
from rest_framework import viewsets


def read(request):
    return HttpResponse("r")


def export(request):
    subprocess.run(["x"])
    return HttpResponse("r")


class Acts(viewsets.ViewSet):
    def list(self, request):
        subprocess.run(["x"])
        return HttpResponse("p")

    def create(self, request):
        return HttpResponse("p")
'''
ROUTES = '''
from django.urls import include, path, re_path
from django.conf.urls import url
from django.conf.urls.i18n import i18n_patterns
from rest_framework.routers import DefaultRouter
from jobs import views
from jobs.views import Acts

ROUTE = "var/"
extra = [path("x/", views.read), path("y/", views.export)]
router = DefaultRouter()
router.register("acts/", Acts)
router.register(ROUTE, views.Acts)

urlpatterns = [
    re_path(r"^re/$", views.read),
    url(r"^old/$", views.read),
    path(route="kw/", view=views.read),
    path(ROUTE, views.read),
    path("lam/", lambda r: None),
    path("inc/", include(extra)),
    path("incl/", include([path("z/", views.read)])),
    path("acts/", views.Acts.as_view({"get": "list"})),
    path("acts2/", views.Acts.as_view({"post": "create"})),
    path("health/", views.read),
    re_path(r"^health/$", views.export),
] + [path("plus/", views.read)]
urlpatterns += [path("aug/", views.read)]
urlpatterns += i18n_patterns(path("lang/", views.read))
urlpatterns.append(path("app/", views.read))
urlpatterns.insert(0, path("ins/", views.read))
urlpatterns.extend([path("ext/", views.read)])
'''


@pytest.mark.parametrize("root", [True, False])
def test_every_way_urls_py_names_a_view(root: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ('ROOT_URLCONF = "proj.urls"\n' if root else "") + "MIDDLEWARE = []\n"
    rows = django(tmp_path, monkeypatch, {"manage.py": MANAGE, "proj/settings.py": settings, "jobs/views.py": ROUTED_VIEWS, "proj/urls.py": ROUTES})
    prefix = "" if root else "..."
    shown = [(line, code, message.split(" (defined in")[0].removeprefix("Django view `jobs.views.")) for _, line, code, message in rows]
    read, export, acts = "read` at `" + prefix, "export` at `" + prefix, "Acts` at `" + prefix
    assert shown == [
        (9, "REL501", export + "/inc/y/`"),
        (9, "REL503", read + "/inc/x/`"),
        (11, "REL501", "Acts` at `.../acts/`"),  # a router's routes: where it is included is not followed
        (12, "REL501", "Acts` at `?`"),
        (15, "REL503", read + "/re/`"),
        (16, "REL503", read + "/old/`"),
        (17, "REL503", read + "/kw/`"),
        (18, "REL503", "read` at `?`"),
        (21, "REL503", read + "/incl/z/`"),
        (22, "REL501", acts + "/acts/`"),
        (23, "REL501", acts + "/acts2/`"),
        (25, "REL501", export + "/health/`"),  # exempt by path, but it starts a process
        (26, "REL503", read + "/plus/`"),
        (27, "REL503", read + "/aug/`"),
        (28, "REL503", read + "/<language>/lang/`"),
        (29, "REL503", read + "/app/`"),
        (30, "REL503", read + "/ins/`"),
        (31, "REL503", read + "/ext/`"),
    ]
    effects = {line: message.split("has no authentication and ")[1].split(":")[0] for _, line, code, message in rows if code == "REL501"}
    assert effects == {9: "starts a process (`subprocess.run`)", 11: "accepts POST", 12: "accepts POST", 22: "starts a process (`subprocess.run`)", 23: "accepts POST", 25: "starts a process (`subprocess.run`)"}


# ------------------------------------------------------------------ gcloud commands

PUBLIC = "makes the service public with --allow-unauthenticated"


def rows(text: str, path: str = "deploy.sh", **kwargs: Any) -> list[tuple[int, int, int, str, str]]:
    return [(f.line, f.col, f.end_col, f.code, f.message) for f in check_text(text, ["REL5"], path=path, **kwargs)]


def shown(text: str, path: str = "deploy.sh") -> list[tuple[int, int, int, str, str]]:
    """(line, col, end col, code, the command as the message shows it) of each finding."""
    return [(line, col, end, code, message.split("`")[1]) for line, col, end, code, message in rows(text, path)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("time gcloud run deploy svc --allow-unauthenticated\n", [(1, 5, 50, "REL511", "gcloud run deploy svc")]),
        ("exec gcloud run deploy svc --allow-unauthenticated\n", [(1, 5, 50, "REL511", "gcloud run deploy svc")]),
        ("env gcloud run deploy svc --allow-unauthenticated\n", []),  # `env`'s argument, not read
        ("gcloud run deploy -q svc --allow-unauthenticated\n", [(1, 0, 48, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy --quiet svc --allow-unauthenticated\n", [(1, 0, 53, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy --image img svc --allow-unauthenticated\n", [(1, 0, 57, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy --image --allow-unauthenticated\n", [(1, 0, 49, "REL511", "gcloud run deploy")]),
        ("gcloud run deploy svc $FLAGS --allow-unauthenticated\n", [(1, 0, 52, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy svc --allow-unauthenticated \\\n", [(1, 0, 47, "REL511", "gcloud run deploy svc")]),
        ("local FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAG\n", [(2, 0, 27, "REL511", "gcloud run deploy svc")]),
        ("X=1 Y=2\ngcloud run deploy svc --allow-unauthenticated\n", [(2, 0, 45, "REL511", "gcloud run deploy svc")]),
        (
            "echo x; gcloud run deploy svc --allow-unauthenticated && gcloud run deploy two --allow-unauthenticated\n",
            [(1, 8, 102, "REL511", "gcloud run deploy svc"), (1, 8, 102, "REL511", "gcloud run deploy two")],
        ),
        ("gcloud run services update svc --allow-unauthenticated\n", []),
    ],
)
def test_how_a_gcloud_command_is_read(text: str, expected: list[tuple[int, int, int, str, str]]) -> None:
    assert shown(text) == expected


def test_nested_loops_give_at_most_fifty_commands() -> None:
    text = "for a in 1 2 3 4 5 6 7 8; do\nfor b in 1 2 3 4 5 6 7 8; do\n  gcloud run deploy s$a$b --allow-unauthenticated\ndone\ndone\n"
    found = shown(text)
    assert len(found) == 50
    assert found[0] == (3, 2, 49, "REL511", "gcloud run deploy s11") and found[-1][4] == "gcloud run deploy s72"


def test_a_secret_from_a_variable_is_pointed_at_on_its_command() -> None:
    text = "PW=Xk29slQpw7ab\ngcloud run deploy svc --set-env-vars DB_PASSWORD=$PW\n"
    assert [r[:4] for r in rows(text)] == [(2, 0, 52, "REL514")]
    text = "gcloud run deploy svc --set-env-vars DB_PASSWORD=Xk29slQpw7ab --update-env-vars API_TOKEN=Yk29slQpw7ab\n"
    assert [(r[:4], r[4].split(" (")[0]) for r in rows(text)] == [
        ((1, 49, 61, "REL514"), "`DB_PASSWORD` is passed in plain text with --set-env-vars"),
        ((1, 90, 102, "REL514"), "`API_TOKEN` is passed in plain text with --update-env-vars"),
    ]


def test_a_short_secret_counts_from_the_secrets_family_s_min_length() -> None:
    text = "gcloud run deploy svc --set-env-vars DB_PASSWORD=abcdefgh\n"
    assert [r[3] for r in rows(text)] == ["REL514"]
    assert [r[3] for r in rows(text, options={"secrets": {"min-length": 10}})] == []


# ------------------------------------------------------------------ REL515: the deployed folder

APP = "from flask import Flask\napp = Flask(__name__)\n\n@app.post('/run')\ndef run():\n    return ''\n"
DEPLOY = "gcloud run deploy svc --allow-unauthenticated\n"


def deployed(root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], cwd: str = "", target: str = ".") -> list[str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.chdir(root / cwd)
    args = ["check", "--no-cache", "--no-progress", "--select", "REL511,REL515", "--output-format", "concise", target]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    lines = [line.replace(str(root), "ROOT") for line in result.stdout.splitlines() if ": REL5" in line]
    return [line.split(" `gcloud")[0] + (" " + line.split("(`run`) ")[1].split(" ")[0] if "(`run`)" in line else "") for line in lines]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"app.py": APP, "scripts/deploy.sh": DEPLOY}, ["scripts/deploy.sh:1:1: REL515 (app.py:5)"]),
        ({"app.py": APP, "pyproject.toml": "", "scripts/deploy.sh": DEPLOY}, ["scripts/deploy.sh:1:1: REL515 (app.py:5)"]),
        ({"app.py": APP, "proj/pyproject.toml": "", "proj/scripts/deploy.sh": DEPLOY}, ["proj/scripts/deploy.sh:1:1: REL511"]),
        ({"app.py": APP, "proj/.git/HEAD": "", "proj/scripts/deploy.sh": DEPLOY}, ["proj/scripts/deploy.sh:1:1: REL511"]),
        ({"app.py": APP, "a/b/c/deploy.sh": DEPLOY}, ["a/b/c/deploy.sh:1:1: REL511"]),  # three folders up at most
        ({"app.py": APP, "a/b/deploy.sh": DEPLOY}, ["a/b/deploy.sh:1:1: REL515 (app.py:5)"]),
        ({"app.py": APP, "a/b/deploy.sh": DEPLOY.replace("svc", "svc --source $SRC")}, ["a/b/deploy.sh:1:1: REL511"]),
        ({"app.py": APP, "a/b/deploy.sh": DEPLOY.replace("svc", "svc --source https://x/y")}, ["a/b/deploy.sh:1:1: REL511"]),
    ],
)
def test_the_deployed_folder_is_looked_for_up_to_the_project_s_root(
    files: dict[str, str], expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert deployed(tmp_path, monkeypatch, files) == expected


def test_a_route_outside_the_current_folder_is_shown_by_its_whole_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"svc/app.py": APP, "svc/deploy.sh": DEPLOY, "other/x.py": ""}
    assert deployed(tmp_path, monkeypatch, files, cwd="other", target="../svc") == ["../svc/deploy.sh:1:1: REL515 (ROOT/svc/app.py:5)"]


# ------------------------------------------------------------------ what authenticates a Python route

FLASK = "from flask import Flask, abort, request\napp = Flask(__name__)\n"
FASTAPI = "from fastapi import FastAPI, Depends, Security\nfrom typing import Annotated\napp = FastAPI()\n"
SCHEME = "from fastapi.security import OAuth2PasswordBearer\nscheme = OAuth2PasswordBearer(tokenUrl='t')\n"
CHECK = "def check():\n    if request.headers.get('Authorization') != 'x':\n        abort(401)\n"
GUARD = "def guard(view):\n    def wrapper():\n        if request.headers.get('Authorization') != 'x':\n            abort(401)\n        return view()\n    return wrapper\n"


def flask_route(head: str, decorator: str = "", body: str = "return ''") -> str:
    return FLASK + head + f"@app.post('/x')\n{decorator}def run():\n    {body}\n"


def fastapi_route(head: str, parameters: str) -> str:
    return FASTAPI + head + f"@app.post('/x')\ndef run({parameters}):\n    return 1\n"


ROUTE_CASES = {
    "flask-httpauth's login_required": (flask_route("from flask_httpauth import HTTPTokenAuth\nauth = HTTPTokenAuth()\n", "@auth.login_required\n"), []),
    "another flask-httpauth method: unknown": (flask_route("from flask_httpauth import HTTPTokenAuth\nauth = HTTPTokenAuth()\n", "@auth.verify_token\n"), []),
    "a decorator known not to authenticate": (flask_route("from flask_cors import cross_origin\n", "@cross_origin()\n"), ["REL501"]),
    "a method known not to authenticate": (flask_route("from flask_limiter import Limiter\nlimiter = Limiter()\n", "@limiter.limit('1/s')\n"), ["REL501"]),
    "an unknown package's decorator: unknown": (flask_route("from lib import thing\n", "@thing\n"), []),
    "a decorator of the module that checks": (flask_route(GUARD, "@guard\n"), []),
    "a decorator of the module that does not": (flask_route("def guard(view):\n    return view\n", "@guard\n"), ["REL501"]),
    "a class as a decorator: unknown": (flask_route("class Guard:\n    pass\n", "@Guard\n"), []),
    "a variable as a decorator: unknown": (flask_route("guard = lambda f: f\n", "@guard\n"), []),
    "a body that calls a check": (flask_route(CHECK, body="check()\n    return ''"), []),
    "two calls down to a check": (flask_route(CHECK + "def a():\n    check()\n", body="a()\n    return ''"), []),
    "three calls down: too deep": (flask_route(CHECK + "def a():\n    check()\ndef b():\n    a()\n", body="b()\n    return ''"), ["REL501"]),
    "a body that calls no check": (flask_route("def helper():\n    return 1\n", body="helper()\n    return ''"), ["REL501"]),
    "Security()": (fastapi_route("from fastapi.security import HTTPBearer\n", "t=Security(HTTPBearer())"), []),
    "Security() of any function": (fastapi_route("def user():\n    return 1\n", "t=Security(user)"), []),
    "Depends(dependency=scheme)": (fastapi_route(SCHEME, "t=Depends(dependency=scheme)"), []),
    "Depends(dependency=...) of a function that checks nothing": (fastapi_route("def dep():\n    return 1\n", "t=Depends(dependency=dep)"), ["REL501"]),
    "Depends() on an annotated class: unknown": (fastapi_route("", "t: int = Depends()"), []),
    "Depends() of a function that checks nothing": (fastapi_route("def dep():\n    return 1\n", "t=Depends(dep)"), ["REL501"]),
    "Depends() of a security scheme instance": (fastapi_route("from fastapi.security import HTTPBearer\n", "t=Depends(HTTPBearer())"), []),
    "Annotated[..., Depends(scheme)]": (fastapi_route(SCHEME, "t: Annotated[str, Depends(scheme)]"), []),
    "keyword-only Annotated": (fastapi_route(SCHEME, "*, t: Annotated[str, Depends(scheme)]"), []),
    "keyword-only default": (fastapi_route(SCHEME, "*, t=Depends(scheme)"), []),
    "positional-only Annotated": (fastapi_route(SCHEME, "t: Annotated[str, Depends(scheme)], /"), []),
    "a dependency that depends on a scheme": (fastapi_route(SCHEME + "def user(t=Depends(scheme)):\n    return t\n", "u=Depends(user)"), []),
    "Annotated without a dependency": (fastapi_route("", "t: Annotated[str, 'x']"), ["REL501"]),
}


@pytest.mark.parametrize("case", list(ROUTE_CASES))
def test_what_authenticates_a_python_route(case: str) -> None:
    text, expected = ROUTE_CASES[case]
    assert [f.code for f in check_text(text, ["REL501", "REL503"])] == expected


def test_trusted_decorators_and_dependencies_from_the_options() -> None:
    decorated = flask_route("def guard(view):\n    return view\n", "@guard\n")
    assert [f.code for f in check_text(decorated, ["REL501"])] == ["REL501"]
    assert [f.code for f in check_text(decorated, ["REL501"], options={"auth": {"trusted-decorators": ["guard"]}})] == []
    depends = fastapi_route("def dep():\n    return 1\n", "t=Depends(dep)")
    for option in ("trusted-decorators", "trusted-dependencies"):
        assert [f.code for f in check_text(depends, ["REL501"], options={"auth": {option: ["dep"]}})] == [], option
    assert [f.code for f in check_text(depends, ["REL501"], options={"auth": {"trusted-dependencies": ["other"]}})] == ["REL501"]


# ------------------------------------------------------------------ YAML: Cloud Build and CI

GCLOUD_DEPLOY = "gcloud run deploy svc --allow-unauthenticated"


def yaml_rows(text: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.code, f.message.split(" makes")[0].split(" is passed")[0]) for f in check_text(text, ["REL5", "REL000"], path="cloudbuild.yaml")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an anchor visited once, however often it is named: the other keys are still read
        (f"d:\n  script: {GCLOUD_DEPLOY}\na: &x\n  k: 1\nb: *x\n", [(2, "REL511", "`gcloud run deploy svc`")]),
        ("# gcloud\na: &x\n  b: *x\n", []),  # a recursive anchor ends
        ("steps:\n- name: example.com/cloud-sdkX\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n", []),
        (
            "substitutions:\n  _SVC: ''\n  _M: {a: 1}\nsteps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, '${_SVC}', --allow-unauthenticated]\n"
            "- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, '$_M', --allow-unauthenticated]\n",
            [(6, "REL511", "`gcloud run deploy`"), (8, "REL511", "`gcloud run deploy`")],
        ),
        (
            "substitutions:\n  _FLAG: --allow-unauthenticated\nsteps:\n- name: x\n  script: gcloud run deploy svc ${_FLAG}\n"
            "- name: x\n  entrypoint: bash\n  args: [-c, 'gcloud run deploy two $_FLAG']\n",
            [(5, "REL511", "`gcloud run deploy svc`"), (8, "REL511", "`gcloud run deploy two`")],
        ),
        (f"steps:\n- name: x\n  entrypoint: bash\n  args: ['{GCLOUD_DEPLOY}', -c]\n", []),  # `-c` names the next argument only
        (
            f"steps:\n- name: x\n  entrypoint: bash\n  args: [-xc, '{GCLOUD_DEPLOY}']\n- name: x\n  entrypoint: bash\n  args: [-eu, 'gcloud run deploy b --allow-unauthenticated']\n"
            "- name: x\n  entrypoint: bash\n  args: [-euo, 'gcloud run deploy c --allow-unauthenticated']\n",
            [(4, "REL511", "`gcloud run deploy svc`"), (7, "REL511", "`gcloud run deploy b`"), (10, "REL511", "`gcloud run deploy c`")],
        ),
        ("steps:\n- name: x\n  entrypoint: python\n  args: [run, deploy, svc, --allow-unauthenticated]\n", []),
        (
            "steps:\n- name: x\n  entrypoint: bash\n  env: ['FLAG=--set-env-vars=DB_PASSWORD=Xk29slQpw7ab']\n  args: [-c, 'gcloud run deploy svc $FLAG']\n",
            [(5, "REL514", "`DB_PASSWORD`")],
        ),
        (f"jobs:\n  d:\n    steps:\n    - run: >\n        {GCLOUD_DEPLOY}\n", [(5, "REL511", "`gcloud run deploy svc`")]),
        (f'jobs:\n  d:\n    steps:\n    - run: "echo a\\n{GCLOUD_DEPLOY}"\n', []),  # a quoted scalar's lines are one line
        ('jobs:\n  d:\n    steps:\n    - run: "gcloud run deploy svc\\n--allow-unauthenticated"\n', [(4, "REL511", "`gcloud run deploy svc`")]),
        ("steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [scheduler, jobs, create, http, job, --uri=x, '$_FLAGS']\n", []),
        ("steps:\n- name: x\n  entrypoint: bash\n  args: [-c, 'gcloud scheduler jobs create http job --uri=x $FLAGS']\n", []),
        ("steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, 'svc$$x', --allow-unauthenticated]\n", [(3, "REL511", "`gcloud run deploy svc$x`")]),
        (f"---\n---\njobs:\n  d:\n    steps:\n    - run: {GCLOUD_DEPLOY}\n", [(6, "REL511", "`gcloud run deploy svc`")]),
    ],
)
def test_how_yaml_commands_are_read(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert yaml_rows(text) == expected


def test_a_folded_block_is_read_paragraph_by_paragraph() -> None:
    text = f"jobs:\n  d:\n    steps:\n    - run: >\n        echo a\n\n        {GCLOUD_DEPLOY}\n"
    assert [row[1:] for row in yaml_rows(text)] == [("REL511", "`gcloud run deploy svc`")]


# ------------------------------------------------------------------ REL514: which values, where

SECRET_CASES = [
    ("--set-env-vars DB_PASSWORD=Xk29sl", [(1, 49, 55, "`DB_PASSWORD`")]),  # six characters: the secrets family's default
    ("--set-env-vars A=,DB_PASSWORD=Xk29slQpw7ab", [(1, 52, 64, "`DB_PASSWORD`")]),  # an empty value does not end the list
    ("--set-env-vars=_=AKIAIOSFODNN7EXAMPLF", [(1, 39, 59, "`_`")]),
    ("--set-env-vars DB_PASSWORD=Xk29slQpw7ab --labels=x=Xk29slQpw7ab", [(1, 49, 61, "`DB_PASSWORD`")]),  # the first place it is written
    ("--update-env-vars=^:^A=1^2:API_TOKEN=Xk29slQpw7ab", [(1, 59, 71, "`API_TOKEN`")]),
    ("--set-env-vars=DB_PASSWORD=abc=Xk29slQpw7ab", [(1, 49, 65, "`DB_PASSWORD`")]),
    ("--set-env-vars==AKIAIOSFODNN7EXAMPLF", []),  # no name: not a variable
    ("--set-env-vars=DB_PASSWORD=Xk^29^slQpw7ab", [(1, 49, 63, "`DB_PASSWORD`")]),  # `^` inside a value is no delimiter
]


@pytest.mark.parametrize(("flags", "expected"), SECRET_CASES)
def test_the_environment_variables_that_hold_a_secret_and_where(flags: str, expected: list[tuple[int, int, int, str]]) -> None:
    found = rows(f"gcloud run deploy svc {flags}\n")
    assert [(line, col, end, message.split(" is passed")[0]) for line, col, end, _, message in found] == expected


def test_a_secret_without_a_usable_name_is_stored_as_secret() -> None:
    (finding,) = rows("gcloud run deploy svc --set-env-vars=_=AKIAIOSFODNN7EXAMPLF\n")
    assert "`gcloud secrets create secret --data-file=-`" in finding[4] and "`--update-secrets=_=secret:latest`" in finding[4]


def test_the_secrets_family_s_min_length_applies() -> None:
    text = "gcloud run deploy svc --set-env-vars DB_PASSWORD=Xk29sl\n"
    assert [r[3] for r in rows(text, options={"secrets": {"min-length": 7}})] == []
    assert [r[3] for r in rows(text, options={"secrets": {"min-length": 6}})] == ["REL514"]


# ------------------------------------------------------------------ Makefiles: variables of variables


@pytest.mark.parametrize(("depth", "found"), [(3, ["REL511"]), (42, ["REL511"]), (43, [])])
def test_make_variables_naming_variables_are_followed_a_bounded_depth(depth: int, found: list[str]) -> None:
    defs = "".join(f"A{i} = $(A{i + 1})\n" for i in range(1, depth)) + f"A{depth} = --allow-unauthenticated\n"
    assert [f.code for f in check_text(defs + "deploy:\n\tgcloud run deploy svc $(A1)\n", ["REL5"], path="Makefile")] == found


def test_an_unknown_make_variable_is_kept() -> None:
    text = "deploy:\n\tgcloud run deploy svc $(UNKNOWN) --allow-unauthenticated\n\tgcloud run deploy two ${UNKNOWN}\n"
    assert [f.code for f in check_text(text, ["REL5"], path="Makefile")] == []


def test_a_viewset_mapping_that_is_not_literal_serves_the_class_s_methods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = ROUTES.split("urlpatterns = [")[0] + 'more = {}\nurlpatterns = [path("a/", views.Acts.as_view({"get": "list", **more}))]\n'
    rows = django(tmp_path, monkeypatch, {"manage.py": MANAGE, "proj/settings.py": "MIDDLEWARE = []\n", "jobs/views.py": ROUTED_VIEWS, "proj/urls.py": urls})
    assert [(r[2], r[3].split("has no authentication and ")[1].split(":")[0]) for r in rows if "/a/" in r[3]] == [("REL501", "accepts POST")]


@pytest.mark.parametrize("builtin", ["declare", "declare -x", "local -r", "typeset", "export", "readonly", ""])
def test_a_variable_set_by_a_declaring_builtin_is_followed(builtin: str) -> None:
    """Bug found by mutation testing: `declare FLAG=...` (and `declare -x`, `local -r`) was
    read as a command, not an assignment, so the flag it held was not seen."""
    text = f"{builtin} FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAG\n".lstrip()
    assert [f.code for f in check_text(text, ["REL5"], path="deploy.sh")] == ["REL511"]


def test_a_command_that_is_not_a_declaring_builtin_sets_no_variable() -> None:
    for head in ("echo", "sudo", "declare -x -r"):
        text = f"{head} FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAG\n"
        assert [f.code for f in check_text(text, ["REL5"], path="deploy.sh")] == [], head


# ------------------------------------------------------------------ Dockerfiles, Makefiles, Markdown


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("Dockerfile", 'FROM x\nENV TARGET "svc --allow-unauthenticated"\nRUN gcloud run deploy $TARGET\n', 3),  # the quotes are no part of it
        ("Dockerfile", "ARG FLAG=--allow-unauthenticated\nFROM x\nRUN gcloud run deploy svc $FLAG\n", 3),  # a first line is no continuation
        ("Makefile", "a:\n\techo a\nb:\n\tgcloud run deploy svc --allow-unauthenticated\n", 4),
        ("notes.md", "```console\n  $ gcloud run deploy svc --allow-unauthenticated\n```\n", 2),
    ],
)
def test_deploy_files_are_read_line_by_line(path: str, text: str, line: int) -> None:
    assert [(f.line, f.code) for f in check_text(text, ["REL5"], path=path)] == [(line, "REL511")]


def test_yaml_with_a_character_yaml_forbids_is_a_file_error_without_a_line() -> None:
    found = [(f.line, f.code, f.message) for f in check_text("# gcloud\nsteps: \x01\n", ["REL5", "REL000"], path="ci.yml")]
    assert found == [(1, "REL000", "cannot read the YAML: its gcloud commands are not checked")]


def test_a_decorator_is_judged_by_its_last_name() -> None:
    limited = flask_route("import ext\n", "@ext.limiter.limit('1/s')\n")
    assert [f.code for f in check_text(limited, ["REL501"])] == ["REL501"]  # a rate limit is no authentication
    assert [f.code for f in check_text(limited, ["REL501"], options={"auth": {"trusted-decorators": ["limit"]}})] == []


def test_a_flask_httpauth_object_s_other_methods_are_unknown() -> None:
    text = flask_route("from flask_httpauth import HTTPTokenAuth\nauth = HTTPTokenAuth()\n", "@auth.doc\n")
    assert [f.code for f in check_text(text, ["REL501"])] == []  # not `doc` of a documentation extension


def test_a_cloud_build_args_list_is_pointed_at_from_its_indentation_and_its_fix_is_unsafe() -> None:
    text = "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args:\n  - run\n  - deploy\n  - svc\n  - --allow-unauthenticated\n"
    assert [(f.line, f.col, f.end_col, f.code) for f in check_text(text, ["REL511"], path="cloudbuild.yaml")] == [(4, 2, 7, "REL511")]
    (finding,) = check_text("gcloud run deploy svc --allow-unauthenticated\n", ["REL511"], path="deploy.sh")
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


# ------------------------------------------------------------------ survivors of the lead's run 7 (h/auth-deploy)


@pytest.mark.parametrize(
    ("recipe", "found"),
    [
        ("\t@gcloud run deploy svc --allow-unauthenticated\n", [(2, "REL511")]),
        ("\t-gcloud run deploy svc --allow-unauthenticated\n", [(2, "REL511")]),
        ("\t+ gcloud run deploy svc --allow-unauthenticated\n", [(2, "REL511")]),
        ("\tXgcloud run deploy svc --allow-unauthenticated\n", []),  # another program: only make's own prefixes go
        ("\tX gcloud run deploy svc --allow-unauthenticated\n", []),  # gcloud as another command's argument
    ],
)
def test_a_recipe_line_loses_only_make_s_prefixes(recipe: str, found: list[tuple[int, str]]) -> None:
    assert [(f.line, f.code) for f in check_text("deploy:\n" + recipe, ["REL5"], path="Makefile")] == found


@pytest.mark.parametrize("value", ["pw$SUFFIX1", "Xk29sl${REST}x", "$PW"])
def test_a_value_holding_an_unknown_variable_is_not_reported(value: str) -> None:
    assert rows(f"gcloud run deploy svc --set-env-vars DB_PASSWORD={value}\n") == []
    assert [r[3] for r in rows("REST=Qpw7ab\ngcloud run deploy svc --set-env-vars DB_PASSWORD=Xk29sl$REST\n")] == ["REL514"]  # known: expanded


def test_only_a_credential_s_shape_or_a_secret_s_name_tells_not_a_keyword_inside_the_value() -> None:
    # a keyword detector or an entropy test would flag these values; REL514 reads shapes and names only
    assert rows("gcloud run deploy svc '--set-env-vars=OPTS=password=\"Zk29slQpw7abR8tnXq2LmZ\"'\n") == []
    assert rows("gcloud run deploy svc '--set-env-vars=NOTE=\"Zk29slQpw7abR8tnXq2LmZ\"'\n") == []
    assert [r[3] for r in rows("gcloud run deploy svc '--set-env-vars=OPTS=AKIAIOSFODNN7EXAMPLF'\n")] == ["REL514"]


@pytest.mark.parametrize("head", ["export MODE", "local mode", "readonly A", "declare -x"])
def test_a_declaring_builtin_sets_its_assignment_after_other_names(head: str) -> None:
    """Bug found by mutation testing (`_is_assignment` 12): `export MODE FLAG=...` sets FLAG in
    the shell, but only options were allowed before the assignment, so the flag was not seen."""
    text = f"{head} FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAG\n"
    assert [f.code for f in check_text(text, ["REL5"], path="deploy.sh")] == ["REL511"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a flag outside the boolean list followed by another flag takes no value
        ("gcloud run deploy --no-invoker-iam-check --region us svc --allow-unauthenticated\n", [(1, 0, 80, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy svc --allow-unauthenticated --region\n", [(1, 0, 54, "REL511", "gcloud run deploy svc")]),  # last: no value
        ("sudo -E gcloud run deploy svc --allow-unauthenticated\n", [(1, 8, 53, "REL511", "gcloud run deploy svc")]),  # sudo's options
    ],
)
def test_which_words_are_flag_values_and_which_the_target(text: str, expected: list[tuple[int, int, int, str, str]]) -> None:
    assert shown(text) == expected


def test_a_flag_after_a_boolean_flag_takes_its_value() -> None:
    text = "gcloud run deploy svc --quiet --set-env-vars DB_PASSWORD=Xk29slQpw7ab\n"
    assert [r[:4] for r in rows(text)] == [(1, 57, 69, "REL514")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an escaped backslash ends no line: the next line is a command of its own
        ("echo a \\\\\ngcloud run deploy svc --allow-unauthenticated\n", [(2, 0, 45, "REL511", "gcloud run deploy svc")]),
        # the continuation's backslash goes, the word before it stays whole
        ("gcloud run deploy svc\\\n  --allow-unauthenticated\n", [(1, 0, 22, "REL511", "gcloud run deploy svc")]),
        # a script ending inside a continuation: its lines still joined by spaces
        ("gcloud run deploy svc \\\n--allow-unauthenticated\\", [(1, 0, 23, "REL511", "gcloud run deploy svc")]),
        ("gcloud run deploy svc \\\n--allow-unauthenticated\n", [(1, 0, 23, "REL511", "gcloud run deploy svc")]),
    ],
)
def test_continuation_lines_are_joined_as_the_shell_joins_them(text: str, expected: list[tuple[int, int, int, str, str]]) -> None:
    assert shown(text) == expected


def test_comments_and_blank_lines_are_skipped_not_the_end_of_the_script() -> None:
    text = "#!/bin/sh\n\n# deploy it\n  # indented\ngcloud run deploy svc --allow-unauthenticated\n"
    assert shown(text) == [(5, 0, 45, "REL511", "gcloud run deploy svc")]
    text = "for s in a b; do\n  # deploy each, then done; done\n  gcloud run deploy $s --allow-unauthenticated\ndone\n"
    assert [row[4] for row in shown(text)] == ["gcloud run deploy a", "gcloud run deploy b"]  # a comment closes no loop


def test_a_recipe_s_dollar_dollar_is_the_shell_s_dollar() -> None:
    text = "export FLAG = --allow-unauthenticated\ndeploy:\n\tgcloud run deploy svc $$FLAG\n"  # exported: the shell has it
    assert shown(text, path="Makefile") == [(3, 1, 29, "REL511", "gcloud run deploy svc")]


def test_a_loop_s_do_may_start_the_next_line() -> None:
    text = "for s in a b\ndo gcloud run deploy $s --allow-unauthenticated\ndone\n"
    assert [row[4] for row in shown(text)] == ["gcloud run deploy a", "gcloud run deploy b"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an inner loop over no value it can read keeps the outer loop's values
        ("NONE=\nfor a in x y; do\nfor b in $NONE; do\n  gcloud run deploy s$a --allow-unauthenticated\ndone\ndone\n", ["gcloud run deploy sx", "gcloud run deploy sy"]),
        # an outer loop over no value it can read still binds the inner loop's
        ("NONE=\nfor a in $NONE; do\nfor b in x y; do\n  gcloud run deploy s$b --allow-unauthenticated\ndone\ndone\n", ["gcloud run deploy sx", "gcloud run deploy sy"]),
        # a value that unbalances the quotes skips that command only
        ("for s in \"x'\" b; do\n  gcloud run deploy s$s --allow-unauthenticated\ndone\n", ["gcloud run deploy sb"]),
    ],
)
def test_each_loop_value_gives_its_command(text: str, expected: list[str]) -> None:
    assert [row[4] for row in shown(text)] == expected


def test_an_unknown_variable_after_an_operator_may_hold_any_flag() -> None:
    for head in ("", "cd app && ", "echo a b; "):
        assert rows(f"{head}gcloud scheduler jobs create http job --uri=x $FLAGS\n") == [], head


def test_a_deployed_route_is_decided_through_the_project_s_other_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REL515 judges the deployed routes with the run's project index: a decorator of another
    module that checks nothing leaves the route open, one that checks makes it authenticated."""
    helpers = "def log_calls(view):\n    return view\n"
    app = "from flask import Flask\nfrom helpers import log_calls\napp = Flask(__name__)\n\n@app.post('/run')\n@log_calls\ndef run():\n    return ''\n"
    files = {"helpers.py": helpers, "app.py": app, "deploy.sh": DEPLOY}
    assert deployed(tmp_path, monkeypatch, files) == ["deploy.sh:1:1: REL515 (app.py:7)"]
    checking = "from flask import abort, request\n\ndef log_calls(view):\n    if request.headers.get('Authorization') != 'x':\n        abort(401)\n    return view\n"
    assert deployed(tmp_path, monkeypatch, {"helpers.py": checking}) == ["deploy.sh:1:1: REL511"]
