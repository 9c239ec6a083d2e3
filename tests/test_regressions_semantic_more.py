"""Regressions (issue 18, mutmut survivors of reliability_lint.semantic.auth_facts, .index
and reliability_lint.applicability, tests/MUTATION.md): what the project index tells the
auth rules about another module (decorators, dependencies, routers, credentials) and which
fixes a run applies. Through `reliability_lint.testing` and the command line in this
process (CliRunner), on a package written to a temporary folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text


def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], *args: str, select: str = "REL5", full: bool = False
) -> list[str]:
    """Every finding of the project, `path:line:col: CODE` (with its message if `full`): a
    crash of the model shows as REL000."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = ["check", "--select", select, "--output-format", "concise", "--no-cache", "--no-progress", *args]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    found = [line for line in result.stdout.splitlines() if re.match(r"\S+:\d+:\d+: REL\d", line)]
    return sorted(found if full else [" ".join(line.split()[:2]) for line in found])


AUTH = """\
import functools
from flask import abort, request

def needs_user(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        if not request.headers.get("Authorization"):
            abort(401)
        return f(*args, **kwargs)
    return wrapper
"""


def test_a_decorator_from_another_module_that_checks_the_user_authenticates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/auth.py": AUTH,
        "pkg/app.py": "from flask import Flask\nfrom pkg.auth import needs_user\napp = Flask(__name__)\n\n@app.post('/a')\n@needs_user\ndef a():\n    return ''\n\n@app.post('/b')\ndef b():\n    return ''\n",
    }
    assert run(tmp_path, monkeypatch, files) == ["pkg/app.py:11:1: REL501"]


# ------------------------------------------------------------------ Django settings, read from their module's facts

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
VIEWS = """\
import subprocess
from django.http import HttpResponse

def export(request):
    subprocess.run(["export.sh"])
    return HttpResponse("ok")
"""
URLS = 'from django.urls import path\nfrom jobs import views\n\nurlpatterns = [\n    path("export/", views.export),\n]\n'
ENFORCING = "django.contrib.auth.middleware.LoginRequiredMiddleware"


def django(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, full: bool = False, **files: str) -> list[str]:
    """The findings of a Django project whose one view (`export`, which starts a process) is
    open unless the settings say otherwise; `files` adds or replaces files (`proj_base` for
    `proj/base.py`)."""
    tree = {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": settings, "proj/urls.py": URLS, "jobs/__init__.py": "", "jobs/views.py": VIEWS}
    tree.update({name.replace("_", "/", 1) + ".py" if "_" in name else name + ".py": text for name, text in files.items()})
    return run(tmp_path, monkeypatch, tree, full=full)


OPEN = ["proj/urls.py:5:5: REL501"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("", OPEN),  # Django's default: no middleware
        ("MIDDLEWARE = []\n", OPEN),
        (f"MIDDLEWARE = [{ENFORCING!r}]\n", []),
        (f"MIDDLEWARE_CLASSES = [{ENFORCING!r}]\n", []),
        (f"MIDDLEWARE = ({ENFORCING!r},)\n", []),
        (f"MIDDLEWARE = []\nMIDDLEWARE += [{ENFORCING!r}]\n", []),
        ("MIDDLEWARE = []\nMIDDLEWARE += ['django.middleware.common.CommonMiddleware']\n", OPEN),
        ("MIDDLEWARE = list(extra)\nMIDDLEWARE += ['django.middleware.common.CommonMiddleware']\n", []),  # added to an unknown list
        (f"MIDDLEWARE = []\nMIDDLEWARE_CLASSES += [{ENFORCING!r}]\n", []),
        (f"MIDDLEWARE = ['django.middleware.common.CommonMiddleware']\nMIDDLEWARE.append({ENFORCING!r})\n", []),
        (f"MIDDLEWARE = []\nMIDDLEWARE.insert(0, {ENFORCING!r})\n", []),
        (f"MIDDLEWARE = [{ENFORCING!r}]\nMIDDLEWARE = []\n", OPEN),  # the last assignment wins
        ("MIDDLEWARE = []\nMIDDLEWARE.remove('x')\n", []),  # changed in a way not followed: unknown
        ("MIDDLEWARE = []\nMIDDLEWARE += extra\n", []),  # added from a name: unknown
        ("MIDDLEWARE = list(extra)\n", []),  # not a literal list: unknown
        ("MIDDLEWARE = [extra]\n", []),  # an entry that is not a string: unknown
        ("import os\nMIDDLEWARE = []\nOTHER = []\nOTHER += [1]\nOTHER.append(2)\nos.path.join('a')\n", OPEN),  # other lists
    ],
)
def test_the_middleware_a_settings_module_configures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, expected: list[str]) -> None:
    assert django(tmp_path, monkeypatch, settings) == expected


@pytest.mark.parametrize(
    ("base", "settings", "expected"),
    [
        (f"MIDDLEWARE = [{ENFORCING!r}]\n", "from proj.base import *\n", []),
        ("MIDDLEWARE = []\n", "from proj.base import *\n", OPEN),
        ("MIDDLEWARE = []\n", f"from proj.base import *\nMIDDLEWARE += [{ENFORCING!r}]\n", []),
        ("MIDDLEWARE = []\n", f"from proj.base import *\nMIDDLEWARE.append({ENFORCING!r})\n", []),
        ("MIDDLEWARE = []\n", "from proj.base import *\nMIDDLEWARE += ['django.middleware.common.CommonMiddleware']\n", OPEN),
        ("MIDDLEWARE = list(extra)\n", "from proj.base import *\nMIDDLEWARE += ['x.Y']\n", []),  # the base is unknown
        ("X = 1\n", "from proj.base import *\n", OPEN),  # neither assigns it: Django's default
        ("MIDDLEWARE = []\n", "from proj.base import *\nMIDDLEWARE += extra\n", []),  # added from a name: unknown
        ("MIDDLEWARE = []\n", f"from proj.base import *\nMIDDLEWARE += [{ENFORCING!r}]\nMIDDLEWARE.append('django.middleware.common.CommonMiddleware')\n", []),
    ],
)
def test_middleware_added_to_a_list_inherited_by_a_star_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base: str, settings: str, expected: list[str]
) -> None:
    assert django(tmp_path, monkeypatch, settings, proj_base=base) == expected


DRF_VIEWS = """\
from rest_framework.decorators import api_view
from rest_framework.response import Response

@api_view(["POST"])
def export(request):
    return Response()
"""
IS_AUTHENTICATED = "rest_framework.permissions.IsAuthenticated"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("", OPEN),  # REST framework's default: AllowAny
        (f"REST_FRAMEWORK = {{'DEFAULT_PERMISSION_CLASSES': [{IS_AUTHENTICATED!r}]}}\n", []),
        (f"REST_FRAMEWORK = {{'PAGE_SIZE': 10, 'DEFAULT_PERMISSION_CLASSES': ({IS_AUTHENTICATED!r},)}}\n", []),
        ("REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': ['rest_framework.permissions.AllowAny']}\n", OPEN),
        ("REST_FRAMEWORK = {'PAGE_SIZE': 10}\n", OPEN),
        ("REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': PERMISSIONS}\n", []),  # not a literal list: unknown
        ("REST_FRAMEWORK = {**BASE, 'PAGE_SIZE': 10}\n", []),  # another dict's keys: unknown
        ("REST_FRAMEWORK = dict(BASE)\n", []),
    ],
)
def test_rest_framework_s_default_permission_classes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, expected: list[str]) -> None:
    assert django(tmp_path, monkeypatch, "MIDDLEWARE = []\n" + settings, jobs_views=DRF_VIEWS) == expected


@pytest.mark.parametrize(
    ("settings", "base", "route"),
    [
        ('ROOT_URLCONF = "proj.urls"\n', "", "/export/"),
        ('ROOT_URLCONF = "jobs.urls"\n', "", ".../export/"),  # another module is the root
        ("ROOT_URLCONF = URLS\n", "", ".../export/"),
        ("", "", ".../export/"),
        ("from proj.base import *\n", 'ROOT_URLCONF = "proj.urls"\n', "/export/"),
    ],
)
def test_root_urlconf_makes_the_urls_module_s_paths_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: str, base: str, route: str
) -> None:
    (found,) = django(tmp_path, monkeypatch, settings + "MIDDLEWARE = []\n", full=True, proj_base=base)
    assert f"Django view `jobs.views.export` at `{route}` (defined in ../jobs/views.py)" in found


@pytest.mark.parametrize(
    ("manage", "expected"),
    [
        ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.prod")\n', OPEN),
        ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", NAME)\n', []),  # not a literal: unknown settings
        ('import os\nos.environ.setdefault("OTHER_MODULE", "conf.prod")\n', []),
        ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.prod", 1)\n', []),
        ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.missing")\n', []),
    ],
)
def test_the_settings_module_a_launcher_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, manage: str, expected: list[str]) -> None:
    """The settings are in conf/prod.py, found only through manage.py's DJANGO_SETTINGS_MODULE;
    without them the middleware is unknown and nothing is reported."""
    tree = {"manage.py": manage, "conf/__init__.py": "", "conf/prod.py": "MIDDLEWARE = []\n", "proj/__init__.py": "", "proj/urls.py": URLS}
    tree |= {"jobs/__init__.py": "", "jobs/views.py": VIEWS}
    assert run(tmp_path, monkeypatch, tree) == expected


SINGLE = """\
import subprocess
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure({arguments})

def export(request):
    subprocess.run(["x"])
    return HttpResponse("ok")

urlpatterns = [path("export/", export)]
"""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("DEBUG=True, MIDDLEWARE=[]", ["app.py:12:16: REL501 Django view `export` at `/export/`"]),
        (f"DEBUG=True, MIDDLEWARE=[{ENFORCING!r}]", []),
        ("**OPTIONS", ["app.py:12:16: REL501 Django view `export` at `/export/`"]),  # Django's default middleware
    ],
)
def test_a_single_file_project_that_configures_its_own_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: str, expected: list[str]
) -> None:
    found = run(tmp_path, monkeypatch, {"app.py": SINGLE.format(arguments=arguments)}, full=True)
    assert [line.partition(" has no")[0] for line in found] == expected


# ------------------------------------------------------------------ FastAPI dependencies defined in another module

ROUTE = """\
from fastapi import FastAPI, Depends
from pkg.deps import current_user
app = FastAPI()

@app.post("/x")
def run(user=Depends(current_user)):
    return 1
"""
DEPS_HEAD = "from typing import Annotated\nfrom fastapi import Cookie, Depends, Header, HTTPException, Query, Security\n"
REJECT = "    if not KEYS.get(str(key)):\n        raise HTTPException(status_code=401)\n    return key\n"


@pytest.mark.parametrize(
    ("deps", "expected"),
    [
        ("def current_user(x_api_key: str = Header(...)):\n    key = x_api_key\n" + REJECT, []),
        ("def current_user(authorization: Annotated[str, Header()]):\n    key = authorization\n" + REJECT, []),
        ("def current_user(value: str = Header(..., alias='X-Auth-Token')):\n    key = value\n" + REJECT, []),
        ("def current_user(value: str = Header(..., alias=ALIAS)):\n    key = value\n" + REJECT, ["pkg/app.py:6:1: REL501"]),
        ("def current_user(*, api_key: str = Query(None)):\n    key = api_key\n" + REJECT, []),
        ("import fastapi.params\ndef current_user(request, x_api_key: str = fastapi.params.Header(...)):\n    key = x_api_key\n" + REJECT, []),
        ("def current_user(request, x_api_key: str = lib.Header.make(...)):\n    key = x_api_key\n" + REJECT, ["pkg/app.py:6:1: REL501"]),
        ("def current_user(a=1, *, token: str = Cookie(None)):\n    key = token\n" + REJECT, []),
        ("def current_user(name: str = Header(...)):\n    key = name\n" + REJECT, ["pkg/app.py:6:1: REL501"]),
        ("def current_user(name: Annotated[str, Header()]):\n    key = name\n" + REJECT, ["pkg/app.py:6:1: REL501"]),
        ("def current_user(x_api_key: str = Header(...)):\n    return x_api_key\n", ["pkg/app.py:6:1: REL501"]),  # read, never refused
        ("def current_user(token=Security(scheme)):\n    return token\n", []),
        ("def current_user(token: Annotated[str, Security(scheme)]):\n    return token\n", []),
        ("def current_user(token: Annotated[str, Depends(verify)]):\n    return token\n" + "def verify(x_api_key: str = Header(...)):\n    key = x_api_key\n" + REJECT, []),
        ("def current_user(token=Depends(verify)):\n    return token\n" + "def verify(x_api_key: str = Header(...)):\n    key = x_api_key\n" + REJECT, []),
        ("def current_user(token=Depends(verify)):\n    return token\n" + "def verify(name: str = Header(...)):\n    return name\n", ["pkg/app.py:6:1: REL501"]),
        ("def current_user():\n    return verify()\n" + "def verify(x_api_key: str = Header(...)):\n    key = x_api_key\n" + REJECT, []),
        ("def current_user():\n    return helpers.verify()\n", []),  # through a third module
        ("def current_user():\n    return helpers.nothing()\n", ["pkg/app.py:6:1: REL501"]),
        ("from fastapi.security import OAuth2PasswordBearer\nscheme = OAuth2PasswordBearer(tokenUrl='t')\ndef current_user(token=Depends(scheme)):\n    return token\n", []),
    ],
)
def test_a_dependency_from_another_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deps: str, expected: list[str]) -> None:
    helpers = DEPS_HEAD + "def verify(x_api_key: str = Header(...)):\n    key = x_api_key\n" + REJECT + "def nothing():\n    return 1\n"
    files = {"pkg/__init__.py": "", "pkg/app.py": ROUTE, "pkg/deps.py": DEPS_HEAD + "from pkg import helpers\n" + deps, "pkg/helpers.py": helpers}
    assert run(tmp_path, monkeypatch, files) == expected


# ------------------------------------------------------------------ Django views, judged from their module's facts

VIEW_HEAD = """\
import subprocess
from django.contrib.auth.decorators import login_not_required, login_required, permission_required
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView
from jobs import checks
from django.core.exceptions import PermissionDenied
"""
CHECKS = """\
from functools import wraps
from django.core.exceptions import PermissionDenied

def staff_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapper

def noop(view):
    return view

def ensure_staff(request):
    if not request.user.is_staff:
        raise PermissionDenied

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View

class Secure(LoginRequiredMixin, View):
    pass

class Plain(View):
    pass
"""
LOCAL = "def local(request):\n    if not request.user.is_staff:\n        raise PermissionDenied\n"
READ_BODY = "(request):\n    return HttpResponse('r')\n"


def view_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, views: str, urls_entry: str = "views.export", settings: str = "MIDDLEWARE = []\n") -> list[str]:
    """The findings (code and what the message says the view does) of one view `export` of
    jobs/views.py, named in proj/urls.py."""
    urls = URLS.replace("views.export", urls_entry)
    found = django(tmp_path, monkeypatch, settings, full=True, jobs_views=VIEW_HEAD + views, jobs_checks=CHECKS, proj_urls=urls)
    return [re.sub(r"^\S+ (REL\d+) .* has no authentication(?: and ([^:]*))?:.*$", r"\1 \2", line).strip() for line in found]


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        ("def export" + READ_BODY, ["REL503"]),
        ("@require_POST\ndef export" + READ_BODY, ["REL501 accepts POST"]),
        ("@require_http_methods(['GET', 'POST'])\ndef export" + READ_BODY, ["REL501 accepts POST"]),
        ("@require_http_methods(('GET',))\ndef export" + READ_BODY, ["REL503"]),
        ("@require_http_methods(METHODS)\ndef export" + READ_BODY, ["REL503"]),
        ("@api_view(['PUT'])\ndef export" + READ_BODY, ["REL501 accepts PUT"]),
        ("@api_view()\ndef export" + READ_BODY, ["REL503"]),
        ("@api_view(http_method_names=['POST'])\ndef export" + READ_BODY, ["REL501 accepts POST"]),  # was REL503: the keyword was not read
        ("@require_http_methods(request_method_list=['GET', 'DELETE'])\ndef export" + READ_BODY, ["REL501 accepts DELETE"]),
        ("@require_http_methods(other=['DELETE'])\ndef export" + READ_BODY, ["REL503"]),
        ("@api_view(['POST'])\n@permission_classes([IsAuthenticated])\ndef export" + READ_BODY, []),
        ("@api_view(['POST'])\n@permission_classes([AllowAny])\ndef export" + READ_BODY, ["REL501 accepts POST"]),
        ("@login_required\ndef export" + READ_BODY, []),
        ("@login_required()\ndef export" + READ_BODY, []),
        ("@permission_required('jobs.run')\ndef export" + READ_BODY, []),
        ("@csrf_exempt\ndef export" + READ_BODY, ["REL503"]),
        ("@checks.staff_only\ndef export" + READ_BODY, []),
        ("@checks.noop\ndef export" + READ_BODY, ["REL503"]),
        ("def export(request):\n    subprocess.run(['x'])\n    return HttpResponse('r')\n", ["REL501 starts a process (`subprocess.run`)"]),
        ("def export(request):\n    return HttpResponse('r')\nexport = login_required(export)\n", []),  # bound twice: not followed
        ("def export(request):\n    checks.ensure_staff(request)\n    return 1\n", []),
        ("from jobs.checks import ensure_staff\ndef export(request):\n    ensure_staff(request)\n    return 1\n", []),
        ("from jobs.checks import ensure_staff as e2\ndef export(request):\n    e2(request)\n    return 1\n", []),
        ("def export(request):\n    local(request)\n    return 1\n" + LOCAL, []),
        ("def export(request):\n    local(request)\n    return 1\n" + LOCAL + "local = None\n", ["REL503"]),
        ("def export(request):\n    checks.noop(request)\n    return 1\n", ["REL503"]),
        ("def export(request):\n    x = 1\n    x.y.ensure_staff(request)\n    return 1\n", ["REL503"]),
    ],
)
def test_a_function_view_s_decorators_and_body(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, views: str, expected: list[str]) -> None:
    assert view_findings(tmp_path, monkeypatch, views) == expected


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("login_required(views.export)", []),
        ("permission_required('jobs.run')(views.export)", []),
        ("csrf_exempt(views.export)", ["REL503"]),
        ("checks.staff_only(views.export)", []),
        ("checks.noop(views.export)", ["REL503"]),
    ],
)
def test_a_view_wrapped_in_urls_py(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, expected: list[str]) -> None:
    urls = (
        "from django.contrib.auth.decorators import login_required, permission_required\n"
        "from django.views.decorators.csrf import csrf_exempt\nfrom jobs import checks\n" + URLS.replace("views.export", entry)
    )
    found = django(tmp_path, monkeypatch, "MIDDLEWARE = []\n", jobs_views=VIEW_HEAD + "def export" + READ_BODY, jobs_checks=CHECKS, proj_urls=urls)
    assert [line.split()[1] for line in found] == expected


def test_login_not_required_opens_a_view_to_an_enforcing_middleware(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = f"MIDDLEWARE = [{ENFORCING!r}]\n"
    assert view_findings(tmp_path, monkeypatch, "def export" + READ_BODY, settings=settings) == []
    assert view_findings(tmp_path, monkeypatch, "@login_not_required\ndef export" + READ_BODY, settings=settings) == ["REL503"]


CLASS_POST = "    def post(self, request):\n        return HttpResponse('p')\n"
CLASS_GET = "    def get(self, request):\n        return HttpResponse('g')\n"


@pytest.mark.parametrize(
    ("views", "expected"),
    [
        ("class Export(View):\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Export(View):\n" + CLASS_GET, ["REL503"]),
        ("class Export(View):\n    def post(self, request):\n        subprocess.run(['x'])\n", ["REL501 accepts POST"]),
        ("@method_decorator(login_required, name='dispatch')\nclass Export(View):\n" + CLASS_POST, []),
        ("@method_decorator(login_required)\nclass Export(View):\n" + CLASS_POST, []),
        ("@method_decorator(login_required, name='post')\nclass Export(View):\n" + CLASS_POST + CLASS_GET, ["REL503"]),
        ("@method_decorator(checks.noop, name='post')\nclass Export(View):\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Export(View):\n    @method_decorator(login_required)\n" + CLASS_POST + CLASS_GET, ["REL503"]),
        ("class Export(View):\n    @method_decorator(login_required)\n    def dispatch(self, *a, **k):\n        return super().dispatch(*a, **k)\n" + CLASS_POST, []),
        ("class Export(View):\n    def post(self, request):\n        if not request.user.is_authenticated:\n            raise PermissionError('denied')\n        return 1\n", []),
        ("class Export(APIView):\n" + CLASS_POST, []),  # REST framework's default from the settings: IsAuthenticated
        ("class Export(APIView):\n    permission_classes = [AllowAny]\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Export(APIView):\n    permission_classes = ()\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Export(APIView):\n    permission_classes = PERMISSIONS\n" + CLASS_POST, []),  # unknown
        ("class Export(APIView):\n    other = [AllowAny]\n    x.permission_classes = [AllowAny]\n" + CLASS_POST, []),
        ("class Base(APIView):\n    permission_classes = [AllowAny]\n\nclass Export(Base):\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Base(View):\n" + CLASS_POST + "\nclass Export(Base):\n" + CLASS_GET, ["REL501 accepts POST"]),
        ("from jobs.checks import Secure\n\nclass Export(Secure):\n" + CLASS_POST, []),
        ("from jobs.checks import Plain\n\nclass Export(Plain):\n" + CLASS_POST, ["REL501 accepts POST"]),
        ("class Export(checks.Missing):\n" + CLASS_POST, []),  # a base that cannot be seen
    ],
)
def test_a_class_view_s_decorators_methods_permissions_and_bases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, views: str, expected: list[str]
) -> None:
    settings = f"MIDDLEWARE = []\nREST_FRAMEWORK = {{'DEFAULT_PERMISSION_CLASSES': [{IS_AUTHENTICATED!r}]}}\n"
    assert view_findings(tmp_path, monkeypatch, views, "views.Export.as_view()", settings=settings) == expected


# ------------------------------------------------------------------ the content cache follows what a finding read of other modules

NOT_CHECKING = "def needs_user(f):\n    return f\n"
USES = "from flask import Flask\nfrom pkg.auth import needs_user\napp = Flask(__name__)\n\n@app.post('/a')\n@needs_user\ndef a():\n    return ''\n"


def _cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], select: str) -> list[str]:
    """`run` with the content cache on (in the project's folder), over the whole project."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = ["check", "--select", select, "--output-format", "concise", "--no-progress", "."]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted(" ".join(line.split()[:2]) for line in result.stdout.splitlines() if re.match(r"\S+:\d+:\d+: REL\d", line))


def test_a_warm_cache_rechecks_a_route_when_the_decorator_it_reads_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/auth.py": AUTH, "pkg/app.py": USES}
    assert _cached(tmp_path, monkeypatch, files, "REL5") == []
    assert _cached(tmp_path, monkeypatch, {}, "REL5") == []  # warm
    assert _cached(tmp_path, monkeypatch, {"pkg/auth.py": NOT_CHECKING}, "REL5") == ["pkg/app.py:7:1: REL501"]
    assert _cached(tmp_path, monkeypatch, {}, "REL5") == ["pkg/app.py:7:1: REL501"]
    assert _cached(tmp_path, monkeypatch, {"pkg/auth.py": AUTH + "# a comment changes no fact\n"}, "REL5") == []
    assert _cached(tmp_path, monkeypatch, {"pkg/auth.py": AUTH}, "REL5") == []


def test_a_warm_cache_rechecks_an_importer_when_the_module_it_imports_appears(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/app.py": USES}
    assert _cached(tmp_path, monkeypatch, files, "REL5") == []  # pkg.auth cannot be found: unknown
    assert _cached(tmp_path, monkeypatch, {"pkg/auth.py": NOT_CHECKING}, "REL5") == ["pkg/app.py:7:1: REL501"]
    (tmp_path / "pkg" / "auth.py").unlink()
    assert _cached(tmp_path, monkeypatch, {}, "REL5") == []


SESSION_MAKER = "import requests\n\ndef make():\n    return requests.Session()\n"
OTHER_MAKER = "def make():\n    return object()\n"


def test_a_warm_cache_rechecks_a_session_s_user_when_its_maker_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/clients.py": SESSION_MAKER, "pkg/use.py": "from pkg.clients import make\n\nmake().get('u')\n"}
    assert _cached(tmp_path, monkeypatch, files, "REL204") == ["pkg/use.py:3:1: REL204"]
    assert _cached(tmp_path, monkeypatch, {}, "REL204") == ["pkg/use.py:3:1: REL204"]
    assert _cached(tmp_path, monkeypatch, {"pkg/clients.py": OTHER_MAKER}, "REL204") == []
    assert _cached(tmp_path, monkeypatch, {"pkg/clients.py": SESSION_MAKER}, "REL204") == ["pkg/use.py:3:1: REL204"]


# ------------------------------------------------------------------ whether another module's function reports (REL102)

OBS = """\
import logging

logger = logging.getLogger("pkg")


def report_failure(where):
    logger.error("failure in %s", where)


class Reporter:
    def __init__(self, where):
        logger.error("failure in %s", where)
"""
HANDLER = "from pkg import obs\n\n\ndef a():\n    try:\n        step()\n    except Exception:\n        {call}\n"


@pytest.mark.parametrize(
    ("call", "reported"),
    [
        ("obs.report_failure('a')", False),
        ("obs.report_failure.delay('a')", True),  # an attribute of the function: not the function's call
        ("obs.Reporter('a')", True),  # a class: not followed
        ("obs.cleanup('a')", True),  # not a function of the module
    ],
)
def test_a_handler_reports_only_through_a_call_of_another_module_s_reporting_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, reported: bool
) -> None:
    files = {"pkg/__init__.py": "", "pkg/obs.py": OBS, "pkg/job.py": HANDLER.format(call=call)}
    found = run(tmp_path, monkeypatch, files, select="REL102")
    assert found == (["pkg/job.py:7:5: REL102"] if reported else [])


# ------------------------------------------------------------------ the bases of another module's class (REL204)

SESSIONS = """\
import abc
import typing_extensions
import requests


class Abstract(abc.ABC, requests.Session):
    pass


class Extended(typing_extensions.Generic, requests.Session):
    pass


class Other(typing_extensions_more.Base, requests.Session):
    pass
"""


def test_typing_and_abc_bases_of_another_module_s_session_subclass_are_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uses = "from pkg.sessions import Abstract, Extended, Other\nAbstract().get('u')\nExtended().get('u')\nOther().get('u')\n"
    files = {"pkg/__init__.py": "", "pkg/sessions.py": SESSIONS, "pkg/uses.py": uses}
    assert run(tmp_path, monkeypatch, files, select="REL204") == ["pkg/uses.py:2:1: REL204", "pkg/uses.py:3:1: REL204"]


# ------------------------------------------------------------------ what a body that checks credentials looks like

FLASK_HEAD = "from flask import Flask, abort, redirect, request\nfrom flask import session\nimport status, errors, lib\napp = Flask(__name__)\n\n"


def route_codes(body: str, head: str = FLASK_HEAD, params: str = "") -> list[str]:
    """The findings of one POST route whose body is `body` (indented by four spaces)."""
    text = head + f"@app.post('/x')\ndef run({params}):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return [f.code for f in check_text(text, ["REL5"])]


READS = "if request.headers.get('Authorization') != KEY:\n"


@pytest.mark.parametrize(
    ("body", "checks"),
    [
        (READS + "    abort(401)\nreturn ''", True),
        (READS + "    abort(403)\nreturn ''", True),
        (READS + "    abort(404)\nreturn ''", False),
        (READS + "    abort(401.0)\nreturn ''", False),  # a number that is not a status
        (READS + "    return '', status.HTTP_401_UNAUTHORIZED\nreturn ''", True),
        (READS + "    return '', FORBIDDEN\nreturn ''", True),
        (READS + "    return '', status.HTTP_404_NOT_FOUND\nreturn ''", False),
        (READS + "    raise PermissionDenied\nreturn ''", True),
        (READS + "    raise errors.AuthError('no')\nreturn ''", True),
        (READS + "    raise lib.auth.Oops()\nreturn ''", False),  # the exception's own name decides
        (READS + "    raise ValueError('no')\nreturn ''", False),
        (READS + "    raise\nreturn ''", False),
        (READS + "    return redirect('/login')\nreturn ''", True),
        (READS + "    return lib.login.unauthorized()\nreturn ''", True),
        (READS + "    return lib.views.redirect_to_login('/x')\nreturn ''", True),
        (READS + "    return lib.redirect.other()\nreturn ''", False),
        (READS + "    return ''\nreturn ''", False),  # read, never refused
    ],
)
def test_a_body_checks_when_it_reads_a_credential_and_refuses_without_it(body: str, checks: bool) -> None:
    assert route_codes(body) == ([] if checks else ["REL501"])


@pytest.mark.parametrize(
    ("head", "body", "checks"),
    [
        ("", "claims = lib.jwt.verify_token(request.args.get('t'))\nif not claims:\n    abort(401)\nreturn ''", True),
        ("", "claims = lib.jwt.load_token(request.args.get('t'))\nif not claims:\n    abort(401)\nreturn ''", False),
        ("import jwt\n", "claims = jwt.decode(request.args.get('t'), KEY)\nif not claims:\n    abort(401)\nreturn ''", True),
        ("from jose import jwt\n", "claims = jwt.decode(request.args.get('t'), KEY)\nif not claims:\n    abort(401)\nreturn ''", True),
        ("import json as jwt\n", "claims = lib.decode(request.args.get('t'), KEY)\nif not claims:\n    abort(401)\nreturn ''", False),
        ("", "if request.headers.get(' X-API-Key ') != KEY:\n    abort(401)\nreturn ''", True),
        ("", "if request.headers.get('X-Request-Id') != KEY:\n    abort(401)\nreturn ''", False),
        ("", "if request.user.is_staff is False:\n    abort(403)\nreturn ''", True),
        ("", "if request.user.name is None:\n    abort(403)\nreturn ''", False),
        ("", "if 'user' not in session:\n    abort(401)\nreturn ''", True),
        ("from flask_login import current_user\n", "if current_user.id is None:\n    abort(401)\nreturn ''", True),
        ("from flask import g\n", "if g.user is None:\n    abort(401)\nreturn ''", True),
        ("from flask import g\n", "if g.other is None:\n    abort(401)\nreturn ''", False),
    ],
)
def test_what_reads_a_credential_or_the_caller_s_identity(head: str, body: str, checks: bool) -> None:
    assert route_codes(body, FLASK_HEAD + head) == ([] if checks else ["REL501"])


@pytest.mark.parametrize(
    ("body", "effect"),
    [
        ("import subprocess\nsubprocess.check_output(['x'])", "starts a process (`subprocess.check_output`)"),
        ("import os\nos.system('x')", "starts a process (`os.system`)"),
        ("lib.run('x')", None),
        ("import os\nos.listdir('x')", None),
        ("lib.bq.client.insert_rows_json('t', [])", "writes or triggers something (`insert_rows_json`)"),
        ("db.collection('jobs').document('a').set({})", "writes or triggers something (`set`)"),
        ("db.document('jobs/a').delete()", "writes or triggers something (`delete`)"),
        ("cache.set('a', 1)", None),  # `set` of something that is not a document
        ("cursor.execute('  insert into t values (1)')", "runs a statement that writes or exports data"),
        ("cursor.execute('SELECT 1')", None),
        ("cursor.execute(42)", None),
    ],
)
def test_what_a_read_route_s_body_does_that_makes_it_rel501(body: str, effect: str | None) -> None:
    text = FLASK_HEAD + "@app.get('/x')\ndef run():\n" + "".join(f"    {line}\n" for line in body.splitlines()) + "    return ''\n"
    (finding,) = check_text(text, ["REL5"])
    if effect is None:
        assert finding.code == "REL503"
    else:
        assert (finding.code, finding.message.partition(" and ")[2].partition(":")[0]) == ("REL501", effect)


BLUEPRINT = 'from flask import Blueprint\nbp = Blueprint("jobs", __name__)\n\n@bp.post("/run")\ndef run():\n    return ""\n'
HOOKED_APP = """\
from flask import Flask, abort, request
from pkg.routes import bp
app = Flask(__name__)

def check():
    if request.headers.get("Authorization") != KEY:
        abort(401)

app.before_request(check)
app.register_blueprint(bp)
"""


def test_a_warm_cache_rechecks_a_blueprint_s_routes_when_the_app_s_hooks_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the wiring call changes (the hook's function stays): the app module's summary
    must change with it."""
    files = {"pkg/__init__.py": "", "pkg/routes.py": BLUEPRINT, "pkg/app.py": HOOKED_APP}
    assert _cached(tmp_path, monkeypatch, files, "REL5") == []
    unhooked = HOOKED_APP.replace("app.before_request(check)", "app.after_request(check)")
    assert _cached(tmp_path, monkeypatch, {"pkg/app.py": unhooked}, "REL5") == ["pkg/routes.py:5:1: REL501"]
    assert _cached(tmp_path, monkeypatch, {"pkg/app.py": HOOKED_APP}, "REL5") == []


DOWNLOAD = "from google.cloud import bigquery\n\nrows = bigquery.Client().list_rows('t', timeout=5)\nframe = rows.to_dataframe()\n"


def test_a_warm_cache_follows_the_dependency_pins_a_finding_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REL206 depends on the pinned google-cloud-bigquery (a fact of the index other than a
    summary): a cached finding is used only while the pins are unchanged."""
    files = {"requirements.txt": "google-cloud-bigquery==3.41.0\n", "jobs/m.py": DOWNLOAD}
    assert _cached(tmp_path, monkeypatch, files, "REL206") == ["jobs/m.py:4:9: REL206"]
    assert _cached(tmp_path, monkeypatch, {}, "REL206") == ["jobs/m.py:4:9: REL206"]
    assert _cached(tmp_path, monkeypatch, {"requirements.txt": "google-cloud-bigquery==3.30.0\n"}, "REL206") == []
    assert _cached(tmp_path, monkeypatch, {}, "REL206") == []
    assert _cached(tmp_path, monkeypatch, {"requirements.txt": "google-cloud-bigquery==3.50.0\n"}, "REL206") == ["jobs/m.py:4:9: REL206"]


# ------------------------------------------------------------------ members of another module's class, typed through a third module

FACTORY = "import requests\n\ndef make():\n    return requests.Session()\n"
CLIENTS = """\
from pkg.factory import make
from pkg.base import Base


class Client:
    def __init__(self):
        self.http = make()

    def session(self):
        return make()


class Child(Base):
    pass
"""
BASE_CLASS = "import requests\n\nclass Base:\n    def __init__(self):\n        self.http = requests.Session()\n"


def test_a_member_of_another_module_s_class_typed_by_a_third_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uses = "from pkg.clients import Client, Child\nClient().http.get('u')\nClient().session().get('u')\nChild().http.get('u')\n"
    files = {"pkg/__init__.py": "", "pkg/factory.py": FACTORY, "pkg/base.py": BASE_CLASS, "pkg/clients.py": CLIENTS, "pkg/uses.py": uses}
    found = run(tmp_path, monkeypatch, files, select="REL204")
    assert found == ["pkg/uses.py:2:1: REL204", "pkg/uses.py:3:1: REL204", "pkg/uses.py:4:1: REL204"]


TYPED_CHILDREN = """\
import abc
import typing
import typing_extensions
from pkg.base import Base


class G(typing.Generic, Base):
    pass


class E(typing_extensions.Protocol, Base):
    pass


class A(abc.ABC, Base):
    pass


class O(other.Mixin, Base):
    pass
"""


def test_typing_and_abc_bases_are_passed_over_for_a_member_of_another_module_s_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uses = "from pkg.children import G, E, A, O\nG().http.get('u')\nE().http.get('u')\nA().http.get('u')\nO().http.get('u')\n"
    files = {"pkg/__init__.py": "", "pkg/base.py": BASE_CLASS, "pkg/children.py": TYPED_CHILDREN, "pkg/uses.py": uses}
    found = run(tmp_path, monkeypatch, files, select="REL204")
    assert found == ["pkg/uses.py:2:1: REL204", "pkg/uses.py:3:1: REL204", "pkg/uses.py:4:1: REL204"]


def test_a_cycle_between_two_modules_classes_is_unknown_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/m1.py": "from pkg.m2 import B\n\nclass A(B):\n    pass\n",
        "pkg/m2.py": "from pkg.m1 import A\n\nclass B(A):\n    pass\n",
        "pkg/uses.py": "from pkg.m1 import A\nA().http.get('u')\nA().session().get('u')\n",
    }
    assert run(tmp_path, monkeypatch, files, select="REL204") == []


def test_the_elements_of_a_list_another_module_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    relay = "from pkg.factory import make\n\ndef many():\n    return [make(), make()]\n"  # elements typed by a third module
    uses = "from pkg.relay import many\nfor s in many():\n    s.get('u')\n"
    files = {"pkg/__init__.py": "", "pkg/factory.py": FACTORY, "pkg/relay.py": relay, "pkg/uses.py": uses}
    assert run(tmp_path, monkeypatch, files, select="REL204") == ["pkg/uses.py:3:5: REL204"]


def test_a_value_cycle_between_two_modules_is_unknown_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/m1.py": "from pkg import m2\n\na = m2.b\n",
        "pkg/m2.py": "from pkg import m1\n\nb = m1.a\n",
        "pkg/uses.py": "from pkg.m1 import a\na.get('u')\n",
    }
    assert run(tmp_path, monkeypatch, files, select="REL204") == []


def test_a_library_method_s_result_typed_through_another_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/factory.py": "from google.cloud import bigquery\n\ndef make():\n    return bigquery.Client()\n",
        "pkg/jobs.py": "from pkg.factory import make\n\njob = make().query('SELECT 1')\nother = make().unknown_method()\n",
        "pkg/uses.py": "from pkg.jobs import job, other\njob.result()\nother.result()\n",
    }
    assert [line for line in run(tmp_path, monkeypatch, files, select="REL201") if line.startswith("pkg/uses.py")] == ["pkg/uses.py:2:1: REL201"]
