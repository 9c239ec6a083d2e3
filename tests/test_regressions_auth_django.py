"""Regressions (issue 18, mutmut) for the auth family's Django support: URL configurations
read for their views, function and class views, their decorators and mixins; through the
command line in this process."""

from __future__ import annotations

import json
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from tests.rules.auth.auth_trees import write_tree as write

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
SETTINGS = 'ROOT_URLCONF = "proj.urls"\nMIDDLEWARE = ["django.contrib.auth.middleware.AuthenticationMiddleware"]\n'
VIEWS = '''
import subprocess
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import CreateView, ListView


def export(request):
    subprocess.run(["export.sh"])
    return HttpResponse("ok")


def read(request):
    return HttpResponse("r")


@login_required
def guarded(request):
    subprocess.run(["x"])
    return HttpResponse("g")


class Jobs(ListView):
    model = None


class NewJob(CreateView):
    model = None


class SafeNew(LoginRequiredMixin, CreateView):
    model = None
'''


def tree(root: Path, urls: str, app_urls: str | None = None, config: str = "") -> Path:
    files = {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": urls, "jobs/__init__.py": "", "jobs/views.py": VIEWS}
    if app_urls is not None:
        files["jobs/urls.py"] = app_urls
    if config:
        files["pyproject.toml"] = config
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def findings(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int, int, str, str]]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--select", "REL5", "--output-format", "json", "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted(
        (Path(f["filename"]).resolve().relative_to(root.resolve()).as_posix(), f["location"]["row"], f["location"]["column"], f["end_location"]["column"], f["code"], f["message"])
        for f in json.loads(result.stdout)
    )


HEAD = "from django.urls import include, path, re_path\nfrom django.contrib.auth.decorators import login_required\nfrom jobs import views\n\nurlpatterns = [\n"


def test_django_views_are_reported_at_their_entry_with_where_they_are_defined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path("export/", views.export),\n    path("read/", views.read),\n    path("guarded/", views.guarded),\n    path("wrapped/", login_required(views.export)),\n    path("new/", views.NewJob.as_view()),\n    path("safe/", views.SafeNew.as_view()),\n]\n'
    rows = findings(tree(tmp_path, urls), monkeypatch)
    assert [(r[0], r[1], r[4]) for r in rows] == [("proj/urls.py", 6, "REL501"), ("proj/urls.py", 7, "REL503"), ("proj/urls.py", 10, "REL501")]
    export, read, new = (r[5] for r in rows)
    assert export == (
        "Django view `jobs.views.export` at `/export/` (defined in ../jobs/views.py) has no authentication and starts a process "
        "(`subprocess.run`): anyone who can reach the service can call it; add `login_required`, a permission class or an auth mixin, "
        "or declare the service private (`private-services`)"
    )
    assert read == "Django view `jobs.views.read` at `/read/` (defined in ../jobs/views.py) has no authentication: anyone who can reach the service can read it"
    assert "accepts POST" in new
    assert [(r[2], r[3]) for r in rows][:1] == [(5, 34)]


def test_a_multi_line_entry_is_pointed_at_on_its_first_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path(\n        "export/",\n        views.export,\n    ),\n]\n'
    rows = findings(tree(tmp_path, urls), monkeypatch)
    assert [(r[1], r[2], r[3]) for r in rows] == [(6, 5, 10)]


def test_exempt_routes_and_the_empty_path_of_an_included_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path("", views.read),\n    path("health/", views.read),\n    path("healthz", views.export),\n    path("jobs/", include("jobs.urls")),\n]\n'
    app = 'from django.urls import path\nfrom . import views\n\nurlpatterns = [\n    path("", views.read),\n    path("list/", views.Jobs.as_view()),\n]\n'
    rows = findings(tree(tmp_path, urls, app), monkeypatch)
    assert [(r[0], r[1], r[4]) for r in rows] == [("jobs/urls.py", 5, "REL503"), ("jobs/urls.py", 6, "REL503"), ("proj/urls.py", 8, "REL501")]
    assert "at `.../`" in rows[0][5] and "(defined in views.py)" in rows[0][5]
    assert "at `.../list/`" in rows[1][5]


def test_a_view_defined_in_the_urls_module_names_no_other_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path("here/", here),\n]\n\n'
    urls = urls.replace("from jobs import views\n", "from jobs import views\nfrom django.http import HttpResponse\n\ndef here(request):\n    return HttpResponse('x')\n")
    rows = findings(tree(tmp_path, urls), monkeypatch)
    assert [r[5] for r in rows] == ["Django view `here` at `/here/` has no authentication: anyone who can reach the service can read it"]


def test_exempt_routes_apply_to_read_views_by_their_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path("public/a/", views.read),\n    path("public/b/", views.export),\n    path("health/", views.read),\n]\n'
    config = '[tool.reliability-lint.auth]\nexempt-routes = ["/public/*"]\n'
    rows = findings(tree(tmp_path, urls, config=config), monkeypatch)
    assert [(r[1], r[4]) for r in rows] == [(7, "REL501"), (8, "REL503")]


def test_private_services_and_test_files_are_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD + '    path("export/", views.export),\n]\n'
    config = '[tool.reliability-lint.auth]\nprivate-services = { "proj/*" = "internal" }\n'
    assert findings(tree(tmp_path, urls, config=config), monkeypatch) == []


# ------------------------------------------------------------------ class views and their bases
# (mutmut run 7: the survivors of django_views; a view is named in urls.py by its class, and
# each finding is shown as (view, code, what follows "has no authentication"))

OPEN_MW = "django.contrib.auth.middleware.AuthenticationMiddleware"
LOGIN_MW = "django.contrib.auth.middleware.LoginRequiredMiddleware"
DRF_AUTH = 'REST_FRAMEWORK = {"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"]}\n'


def named_views(root: Path, monkeypatch: pytest.MonkeyPatch, views: str, names: list[str], settings: str = "", middleware: str = OPEN_MW) -> list[tuple[str, str, str]]:
    """Check a project whose urls.py names each of `names` (a class: `.as_view()`) from
    jobs/views.py, one per line; (view, code, what the message says of it) of each finding."""
    urls = "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [\n" + "".join(
        f'    path("{n.lower()}/", views.{n}{".as_view()" if n[0].isupper() else ""}),\n' for n in names
    ) + "]\n"
    settings = f'ROOT_URLCONF = "proj.urls"\nMIDDLEWARE = ["{middleware}"]\n' + settings
    write(root, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": settings, "proj/urls.py": urls, "jobs/__init__.py": "", "jobs/views.py": views})
    return [
        (names[line - 5], code, message.split(" has no authentication")[1].split(": anyone")[0])
        for _, line, _, _, code, message in findings(root, monkeypatch)
    ]


BASES = '''
import subprocess
from django.http import HttpResponse
from django.views.generic import View, ListView, CreateView
from django.contrib.messages.views import SuccessMessageMixin
from django.utils.decorators import method_decorator
from django.contrib.auth.decorators import login_required, login_not_required
from django.contrib.auth.mixins import LoginRequiredMixin
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSetMixin
from rest_framework.permissions import IsAuthenticated, AllowAny
from somepkg import Base


class StaffRequiredMixin:  # the project's own (django-braces style): trusted by its name
    pass


class Staff(StaffRequiredMixin, CreateView):
    model = None


class Messages(SuccessMessageMixin, CreateView):
    model = None


class Helper(object):
    def post(self, request):
        return HttpResponse("p")


class Helped(Helper, View):
    pass


class OpenBase(View):
    def post(self, request):
        return HttpResponse("p")


class OpenChild(OpenBase):
    pass


class ExportBase(View):
    def get(self, request):
        subprocess.run(["export.sh"])
        return HttpResponse("g")


class ExportChild(ExportBase):
    pass


class Guarded(View):
    @method_decorator(login_required)
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)


class GuardedChild(Guarded):
    def post(self, request):
        return HttpResponse("p")


class Shadow(Base):
    pass


class ShadowChild(Shadow):
    def post(self, request):
        return HttpResponse("p")


class Mixed(LoginRequiredMixin, OpenBase):
    pass


class Plain(View):
    pass


class Listed(ListView, Plain):
    model = None


@method_decorator(login_not_required, name="dispatch")
class Public(ListView):
    model = None


class PublicChild(Public):
    pass


class AllowBase(APIView):
    permission_classes = [AllowAny]


class AllowChild(AllowBase):
    def post(self, request):
        return HttpResponse("p")


class MixinLast(APIView, SuccessMessageMixin):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return HttpResponse("p")


class SetOpen(ViewSetMixin, View):
    def create(self, request):
        return HttpResponse("p")
'''
BASE_NAMES = [line.split()[1].split("(")[0].rstrip(":") for line in BASES.splitlines() if line.startswith("class ")]
# A chain of project classes: the view is CHAIN_n, the method is defined n levels up.
CHAIN = "\n".join(["class Chain0(View):\n    def post(self, request):\n        return HttpResponse('p')\n"] + [f"class Chain{n}(Chain{n - 1}):\n    pass\n" for n in range(1, 10)])


def test_project_base_classes_are_followed_for_their_methods_checks_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert named_views(tmp_path, monkeypatch, BASES, BASE_NAMES) == [
        ("Messages", "REL501", " and accepts POST"),  # a django mixin that does not authenticate
        ("Helper", "REL501", " and accepts POST"),
        ("Helped", "REL501", " and accepts POST"),  # a base of `object`, its method inherited
        ("OpenBase", "REL501", " and accepts POST"),
        ("OpenChild", "REL501", " and accepts POST"),
        ("ExportBase", "REL501", " and starts a process (`subprocess.run`)"),
        ("ExportChild", "REL501", " and starts a process (`subprocess.run`)"),  # what the base's method writes
        ("Listed", "REL503", ""),  # ListView's GET, kept when a project base adds no method
        ("Public", "REL503", ""),
        ("PublicChild", "REL503", ""),
        ("AllowChild", "REL501", " and accepts POST"),
        ("SetOpen", "REL501", " and accepts POST"),  # a REST framework class: its (default) permissions decide
    ]


def test_inherited_permission_classes_and_the_default_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert named_views(tmp_path, monkeypatch, BASES, BASE_NAMES, settings=DRF_AUTH) == [
        ("Messages", "REL501", " and accepts POST"),
        ("Helper", "REL501", " and accepts POST"),
        ("Helped", "REL501", " and accepts POST"),
        ("OpenBase", "REL501", " and accepts POST"),
        ("OpenChild", "REL501", " and accepts POST"),
        ("ExportBase", "REL501", " and starts a process (`subprocess.run`)"),
        ("ExportChild", "REL501", " and starts a process (`subprocess.run`)"),
        ("Listed", "REL503", ""),
        ("Public", "REL503", ""),
        ("PublicChild", "REL503", ""),
        ("AllowChild", "REL501", " and accepts POST"),  # its base's AllowAny wins over the default
    ]


def test_a_base_marked_login_not_required_opens_its_subclasses_under_a_login_middleware(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert named_views(tmp_path, monkeypatch, BASES, BASE_NAMES, middleware=LOGIN_MW) == [("Public", "REL503", ""), ("PublicChild", "REL503", "")]


def test_project_bases_are_followed_eight_levels_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    views = "from django.http import HttpResponse\nfrom django.views.generic import View\n\n\n" + CHAIN
    assert named_views(tmp_path, monkeypatch, views, ["Chain7", "Chain8", "Chain9"]) == [("Chain7", "REL501", " and accepts POST"), ("Chain8", "REL501", " and accepts POST")]


METHODS = '''
import subprocess
from django.http import HttpResponse, HttpResponseForbidden
from django.views.generic import View, ListView
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_POST
from django.contrib.auth.decorators import login_required, login_not_required
from django.contrib.auth.views import LogoutView
from rest_framework import viewsets
from rest_framework.views import APIView
from somepkg import check_token


def signed_in(view):  # the project's own decorator: read through the index
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)
    return wrapper


class HasToken:  # a project permission class: what it lets in cannot be told
    def has_permission(self, request, view):
        return True


class AllowAny:  # a project class named as REST framework's open one
    def has_permission(self, request, view):
        return True


@method_decorator(signed_in, name="post")
class SignedPost(View):
    def post(self, request):
        return HttpResponse("p")


class SignedMethod(View):
    @method_decorator(signed_in)
    def post(self, request):
        return HttpResponse("p")


class Cached(View):
    @method_decorator(never_cache)
    def get(self, request):
        return HttpResponse("g")


class OpenGet(View):
    @method_decorator(login_not_required)
    def get(self, request):
        return HttpResponse("g")


class Helpers(ListView):
    model = None

    def get_queryset(self):
        return []


@method_decorator(login_required, name="dispatch")
class Dispatching(View):
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)

    def post(self, request):
        return HttpResponse("p")


class Maybe(View):
    @method_decorator(check_token)
    def post(self, request):
        return HttpResponse("p")

    def get(self, request):
        return HttpResponse("g")


@method_decorator(login_required, name="create")
class Creating(viewsets.ViewSet):
    def create(self, request):
        return HttpResponse("p")


class Tokened(APIView):
    permission_classes = [HasToken]

    def post(self, request):
        return HttpResponse("p")


class Anyone(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        return HttpResponse("p")


@cache_page(60)
@require_POST
def cached_post(request):
    return HttpResponse("p")
'''
METHOD_NAMES = [line.split()[1].split("(")[0].rstrip(":") for line in METHODS.splitlines() if line.startswith(("class ", "def ")) and "request" not in line.split("(")[0]]
METHOD_NAMES = [n for n in METHOD_NAMES if n not in ("signed_in", "HasToken", "AllowAny")]


def test_method_decorators_helpers_and_permission_classes_of_class_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert named_views(tmp_path, monkeypatch, METHODS, [*METHOD_NAMES, "LogoutView"]) == [
        ("Cached", "REL503", ""),
        ("OpenGet", "REL503", ""),
        ("Helpers", "REL503", ""),  # get_queryset is no HTTP method
        ("Anyone", "REL501", " and accepts POST"),  # AllowAny by its bare name
        ("cached_post", "REL501", " and accepts POST"),  # the methods of a later decorator
    ]


def test_a_login_middleware_and_method_decorators_of_class_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert named_views(tmp_path, monkeypatch, METHODS, METHOD_NAMES, middleware=LOGIN_MW) == [("OpenGet", "REL503", "")]


def test_a_view_wrapped_in_urls_py(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = HEAD.replace("from jobs import views\n", "from jobs import views\nfrom jobs.guards import signed_in\n") + (
        '    path("new/", login_required(views.NewJob.as_view())),\n    path("export/", signed_in(views.export)),\n    path("read/", views.read),\n]\n'
    )
    guards = METHODS.split("class HasToken")[0]
    root = tree(tmp_path, urls)
    write(root, {"jobs/guards.py": guards})
    assert [(r[1], r[4]) for r in findings(root, monkeypatch)] == [(9, "REL503")]  # only the read view


# ------------------------------------------------------------------ which urls module is ROOT_URLCONF

READ_ONLY = "from django.http import HttpResponse\n\n\ndef read(request):\n    return HttpResponse('r')\n"
READ_URL = "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [path('read/', views.read)]\n"


def star_chain(levels: int, last: str) -> dict[str, str]:
    """proj/settings.py star-imports proj/s1.py, which star-imports s2 ... down to s<levels>,
    which holds `last`; the middleware is the settings module's own."""
    files = {"proj/settings.py": f"from .s1 import *\nMIDDLEWARE = ['{OPEN_MW}']\n"}
    files.update({f"proj/s{n}.py": f"from .s{n + 1} import *\n" for n in range(1, levels)})
    files[f"proj/s{levels}.py"] = last
    return files


@pytest.mark.parametrize(
    ("files", "route"),
    [
        (star_chain(8, "ROOT_URLCONF = 'proj.urls'\n"), "/read/"),  # eight star imports down: followed
        (star_chain(9, "ROOT_URLCONF = 'proj.urls'\n"), ".../read/"),  # nine: not
        (star_chain(2, "from .s1 import *\n"), ".../read/"),  # star imports in a cycle
        (star_chain(3, "ROOT_URLCONF = 'other.urls'\n"), ".../read/"),
    ],
    ids=["eight", "nine", "cycle", "another"],
)
def test_root_urlconf_through_star_imported_settings(files: dict[str, str], route: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/urls.py": READ_URL, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY, **files})
    assert [(r[4], r[5].split("` at `")[1].split("`")[0]) for r in findings(tmp_path, monkeypatch)] == [("REL503", route)]


# ------------------------------------------------------------------ a trusted dependency declared by a view

DEPENDS_VIEWS = '''
from fastapi import Depends
from django.http import HttpResponse
from django.views.generic import View
from shared.auth import current_user


def read(request, user=Depends(current_user)):
    return HttpResponse("r")


class Jobs(View):
    def post(self, request, user=Depends(current_user)):
        return HttpResponse("p")
'''
DEPENDS_MIDDLEWARE = '''
class Guard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request, user=Depends(current_user)):
        return self.get_response(request)
'''


@pytest.mark.parametrize("trusted", [True, False])
@pytest.mark.parametrize("where", ["views", "middleware"])
def test_views_and_middleware_that_declare_a_trusted_dependency(where: str, trusted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.reliability-lint.auth]\ntrusted-dependencies = ["current_user"]\n' if trusted else ""
    write(tmp_path, {"pyproject.toml": config, "proj/mw.py": "from fastapi import Depends\nfrom shared.auth import current_user\n" + DEPENDS_MIDDLEWARE})
    if where == "views":
        rows = named_views(tmp_path, monkeypatch, DEPENDS_VIEWS, ["read", "Jobs"])
    else:
        rows = named_views(tmp_path, monkeypatch, DEPENDS_VIEWS.replace(", user=Depends(current_user)", ""), ["read", "Jobs"], middleware="proj.mw.Guard")
    assert rows == ([] if trusted else [("read", "REL503", ""), ("Jobs", "REL501", " and accepts POST")])


FACTORY = '''
from django.http import HttpResponseForbidden
from proj.checks import deny_anonymous


def guard(get_response):
    def middleware(request):
        deny_anonymous(request)
        return get_response(request)
    return middleware
'''
CHECKS = '''
from django.core.exceptions import PermissionDenied


def deny_anonymous(request):
    if not request.user.is_authenticated:
        raise PermissionDenied()


def log_request(request):
    print(request.path)
'''


@pytest.mark.parametrize(("helper", "reported"), [("deny_anonymous", False), ("log_request", True)])
def test_a_middleware_factory_is_judged_by_the_project_functions_it_calls(helper: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"proj/mw.py": FACTORY.replace("deny_anonymous", helper), "proj/checks.py": CHECKS})
    assert named_views(tmp_path, monkeypatch, READ_ONLY, ["read"], middleware="proj.mw.guard") == ([("read", "REL503", "")] if reported else [])


# ------------------------------------------------------------------ how urlpatterns is built

def test_urlpatterns_assigned_or_extended_by_the_name_of_a_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug (found by mutmut run 7): `urlpatterns = api` and `urlpatterns += more` were not
    # followed (a name was read only inside a list, `+` or include()), so their views were missed
    urls = "from django.urls import path\nfrom jobs import views\n\napi = [path('api/', views.read)]\nmore = [path('more/', views.read)]\nurlpatterns = api\nurlpatterns += more\n"
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": urls, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY})
    assert [(r[1], r[4], r[5].split("` at `")[1].split("`")[0]) for r in findings(tmp_path, monkeypatch)] == [(4, "REL503", "/api/"), (5, "REL503", "/more/")]


ENTRY = "path('x/', views.read)"
NESTED = {  # urlpatterns whose one entry is `depth` steps down (a list, a `+`, a name, a wrapper each)
    "lists": lambda depth: f"urlpatterns = {'[' * depth}{ENTRY}{']' * depth}\n",
    "plus on the left": lambda depth: f"urlpatterns = [{ENTRY}]" + " + []" * (depth - 1) + "\n",
    "plus on the right": lambda depth: "urlpatterns = " + "[] + (" * (depth - 2) + f"[] + [{ENTRY}]" + ")" * (depth - 2) + "\n",
    "names": lambda depth: f"a0 = [{ENTRY}]\n" + "".join(f"a{n} = a{n - 1}\n" for n in range(1, depth - 1)) + f"urlpatterns = a{depth - 2}\n",
    "wrappers": lambda depth: "from rest_framework.urlpatterns import format_suffix_patterns as f\nurlpatterns = " + "f(" * depth + ENTRY + ")" * depth + "\n",
}


@pytest.mark.parametrize("depth", [8, 9])
@pytest.mark.parametrize("shape", list(NESTED))
def test_urlpatterns_are_read_eight_steps_down(shape: str, depth: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = "from django.urls import path\nfrom jobs import views\n" + NESTED[shape](depth)
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": urls, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY})
    routes = [r[5].split("` at `")[1].split("`")[0] for r in findings(tmp_path, monkeypatch)]
    assert routes == (["/x/"] if depth == 8 else [])


@pytest.mark.parametrize(("levels", "last", "reported"), [(8, f"MIDDLEWARE = ['{OPEN_MW}']\n", True), (9, f"MIDDLEWARE = ['{OPEN_MW}']\n", False), (2, "from .s1 import *\n", False)], ids=["eight", "nine", "cycle"])
def test_middleware_through_star_imported_settings(levels: int, last: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = star_chain(levels, last)
    files["proj/settings.py"] = "from .s1 import *\nROOT_URLCONF = 'proj.urls'\n"
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/urls.py": READ_URL, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY, **files})
    assert [r[4] for r in findings(tmp_path, monkeypatch)] == (["REL503"] if reported else [])  # an unknown middleware: nothing told


FLASK_GUARDS = '''
from flask import abort, request


def require_key():
    if request.headers.get("X-API-Key") != "k":
        abort(401)
'''
FLASK_APP = '''
from flask import Flask
from flask_httpauth import HTTPTokenAuth
from svc import guards

app = Flask(__name__)
auth = HTTPTokenAuth()


@app.post("/called")
def called():
    guards.require_key()
    return ""


@app.post("/marked")
@auth.login_required
def marked():
    return ""


@app.post("/marked2")
@auth.login_required
def marked2():
    return ""


@app.post("/bare")
def bare():
    return ""
'''


def test_a_route_calling_an_imported_module_s_check_and_a_sibling_of_an_httpauth_route(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"svc/__init__.py": "", "svc/guards.py": FLASK_GUARDS, "svc/app.py": FLASK_APP})
    rows = findings(tmp_path, monkeypatch)
    assert [(r[1], r[4]) for r in rows] == [(28, "REL502")]  # only /bare: /called checks through guards, the others by auth
    assert "@auth.login_required" in rows[0][5]


ODD_URLS = '''
from django.urls import include, path
from rest_framework.routers import DefaultRouter
from somepkg import Registry, make_viewset, shared_patterns
from jobs import views

ROUTE = "var/"
extra = [path("x/", views.read)]
registry = Registry()
registry.register("jobs", views.Jobs)
router = DefaultRouter()
router.register("made", make_viewset())
router.register("jobs", views.Jobs)

urlpatterns = [
    path("kw/", view=views.read),
    path(ROUTE, include(extra)),
    path("missing/", include(missing)),
    path("made/", views.make()),
] + shared_patterns
'''
ODD_VIEWS = READ_ONLY + "\n\nclass Jobs:\n    def post(self, request):\n        return HttpResponse('p')\n\n\ndef make():\n    return read\n"


def test_what_urls_py_names_and_what_it_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": ODD_URLS, "jobs/__init__.py": "", "jobs/views.py": ODD_VIEWS})
    rows = findings(tmp_path, monkeypatch)
    assert [(r[1], r[4], r[5].split("` at `")[1].split("`")[0]) for r in rows] == [
        (12, "REL501", ".../jobs/"),  # the router's, not the other registry's
        (15, "REL503", "/kw/"),  # route by position, view by keyword
    ]  # nothing under a route that is not literal, an unknown include or a view made by a call


ADDED_URLS = '''
from django.urls import path, register_converter
from proj.base_urls import *
from jobs import views


class Year:
    regex = "[0-9]{4}"


register_converter(Year, "yyyy")
urlpatterns += [path("aug/", views.read)]
urlpatterns.append(path("app/", views.read))
urlpatterns.extend([path("ext/", views.read)])
'''
ROUTER_ONLY = '''
from rest_framework.routers import DefaultRouter
from jobs.views import Jobs

router = DefaultRouter()
router.register("jobs", Jobs)
'''


def test_urlpatterns_added_to_without_being_assigned_here_and_a_module_of_routers_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [path('base/', views.read)]\n"
    write(tmp_path, {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": ADDED_URLS, "proj/base_urls.py": base,
                     "proj/api.py": ROUTER_ONLY, "jobs/__init__.py": "", "jobs/views.py": ODD_VIEWS})  # fmt: skip
    rows = findings(tmp_path, monkeypatch)
    assert [(r[0], r[1], r[4], r[5].split("` at `")[1].split("`")[0]) for r in rows] == [
        ("proj/api.py", 5, "REL501", ".../jobs/"),
        ("proj/base_urls.py", 4, "REL503", ".../base/"),
        ("proj/urls.py", 11, "REL503", "/aug/"),
        ("proj/urls.py", 12, "REL503", "/app/"),
        ("proj/urls.py", 13, "REL503", "/ext/"),
    ]


# ------------------------------------------------------------------ credentials: what a decorator,
# a dependency or a called function tells (h/creds, survivors of mutmut run 7b)

VERIFY_APP = """
from flask import Flask
from flask_httpauth import HTTPTokenAuth

app = Flask(__name__)
auth = HTTPTokenAuth()
""" + "".join(f'\n\n@app.post("/{n}")\n@auth.verify_token\ndef {n}():\n    return ""\n' for n in ("one", "two", "three")) + '\n\n@app.post("/bare")\ndef bare():\n    return ""\n'


def test_an_httpauth_method_other_than_login_required_is_no_auth_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `@auth.verify_token` registers a callback, it does not guard the route: "cannot tell"
    # (silent), never an auth mark that the siblings' REL502 would ask /bare to carry
    write(tmp_path, {"svc/__init__.py": "", "svc/guards.py": FLASK_GUARDS, "svc/app.py": VERIFY_APP})
    rows = findings(tmp_path, monkeypatch)
    assert [(r[4], r[5].split("`")[1]) for r in rows] == [("REL501", "/bare")]
    assert "verify_token" not in rows[0][5]


DEPENDS_IN_HELPERS = '''
from fastapi import Depends, FastAPI
from shared.auth import current_user

app = FastAPI()


def guarded(func, user=Depends(current_user)):
    return func


def helper(user=Depends(current_user)):
    return user


@app.post("/a")
@guarded
def a():
    return {}


@app.post("/b")
def b():
    helper()
    return {}
'''


@pytest.mark.parametrize("trusted", [True, False])
def test_a_project_decorator_or_called_helper_whose_parameters_depend_on_a_trusted_name(trusted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.reliability-lint.auth]\ntrusted-dependencies = ["current_user"]\n' if trusted else ""
    write(tmp_path, {"pyproject.toml": config, "main.py": DEPENDS_IN_HELPERS})
    assert [(r[1], r[4]) for r in findings(tmp_path, monkeypatch)] == ([] if trusted else [(17, "REL501"), (22, "REL501")])


ROUTES = '''
from fastapi import APIRouter

router = APIRouter()


@router.post("/jobs")
def create():
    return {}
'''
INCLUDES = '''
from fastapi import FastAPI
from fastapi.param_functions import Security, Depends
from api import routes


def current_user():
    return "someone"


app = FastAPI()
app.include_router(routes.router, dependencies=[Security(current_user, scopes=["jobs"])])
'''


@pytest.mark.parametrize(("kind", "reported"), [("Security", False), ("Depends", True)])
def test_include_router_with_a_security_of_fastapi_s_param_functions(kind: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `fastapi.param_functions.Security` is fastapi.Security by its defining module: it authenticates
    main = INCLUDES.replace("Security(current_user", f"{kind}(current_user")
    write(tmp_path, {"api/__init__.py": "", "api/routes.py": ROUTES, "api/main.py": main})
    assert [(r[0], r[1], r[4]) for r in findings(tmp_path, monkeypatch)] == ([("api/routes.py", 7, "REL501")] if reported else [])


CHAIN_DECORATOR = '''
from flask import Flask, abort, request

app = Flask(__name__)


def step3():
    if request.headers.get("X-API-Key") != "k":
        abort(401)


def step2():
    step3()


def step1():
    step2()


def guard(view):
    def wrapper(*args, **kwargs):
        step1()
        return view(*args, **kwargs)
    return wrapper


@app.post("/jobs")
@guard
def jobs():
    return ""
'''


@pytest.mark.parametrize(("checker", "reported"), [("step2", False), ("step3", True)])
def test_a_decorator_s_check_is_followed_two_calls_down_not_three(checker: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CHAIN_DECORATOR if checker == "step3" else CHAIN_DECORATOR.replace("def step2():\n    step3()", "def step2():\n    step3()\n    if request.headers.get('X-API-Key') != 'k':\n        abort(401)")
    write(tmp_path, {"svc/app.py": text})
    assert [r[4] for r in findings(tmp_path, monkeypatch)] == (["REL501"] if reported else [])


PACKAGE_CHECKS = FLASK_GUARDS + '''

def log_request():
    print(request.path)
'''
RELATIVE_APP = '''
from flask import Flask
from . import log_request, require_key
import X

app = Flask(__name__)


@app.post("/a")
def a():
    require_key()
    return ""


@app.post("/b")
def b():
    log_request()
    return ""


@app.post("/c")
def c():
    X.require_key()
    return ""
'''


def test_a_check_imported_from_the_package_itself_or_a_module_named_x(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `from . import require_key` (qualified `.require_key`: relative, no other dot) is followed
    # into svc/__init__.py; so is `X.require_key` of a top-level module X.py
    write(tmp_path, {"svc/__init__.py": PACKAGE_CHECKS, "svc/app.py": RELATIVE_APP, "X.py": FLASK_GUARDS})
    assert [(r[0], r[5].split("`")[1]) for r in findings(tmp_path, monkeypatch)] == [("svc/app.py", "/b")]


def test_a_handler_s_calls_are_followed_among_its_first_400_nodes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # each body: one statement of 398 (or 399) nodes, then `require_key()`, whose Call node is
    # the 400th (or the 401st) that `ast.walk` yields: only the first is followed
    def route(name: str, zeros: int) -> str:
        return f"\n\n@app.post('/{name}')\ndef {name}():\n    values = [{', '.join(['0'] * zeros)}]\n    require_key()\n    return ''\n"

    app = "from flask import Flask\nfrom svc.guards import require_key\n\napp = Flask(__name__)\n" + route("inside", 393) + route("beyond", 394)
    write(tmp_path, {"svc/__init__.py": "", "svc/guards.py": FLASK_GUARDS, "svc/app.py": app})
    assert [r[5].split("`")[1] for r in findings(tmp_path, monkeypatch)] == ["/beyond"]


def test_a_parameter_annotated_by_a_one_argument_subscript_is_no_dependency(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `NotAnnotated[str]` ends in "Annotated" but holds no tuple of metadata to look into
    text = "from fastapi import FastAPI\nfrom models import NotAnnotated\n\napp = FastAPI()\n\n\n@app.post('/x')\ndef x(q: NotAnnotated[str]):\n    return {}\n"
    write(tmp_path, {"main.py": text})
    assert [(r[1], r[4]) for r in findings(tmp_path, monkeypatch)] == [(8, "REL501")]


# ------------------------------------------------------------------ django_views: settings found and read
# (h/creds, survivors of mutmut run 7b)

DRF_VIEW = "from django.http import HttpResponse\nfrom rest_framework.views import APIView\n\n\nclass Jobs(APIView):\n    def post(self, request):\n        return HttpResponse('p')\n"


@pytest.mark.parametrize(
    ("levels", "permission", "reported"),
    [(8, "AllowAny", True), (8, "IsAuthenticated", False), (9, "AllowAny", False)],
    ids=["eight-open", "eight-auth", "nine"],
)
def test_default_permission_classes_through_star_imported_settings(levels: int, permission: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # REST_FRAMEWORK eight star imports below settings.py decides; nine down it cannot be told
    last = f'REST_FRAMEWORK = {{"DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.{permission}"]}}\n'
    files = star_chain(levels, last)
    del files["proj/settings.py"]
    write(tmp_path, files)
    rows = named_views(tmp_path, monkeypatch, DRF_VIEW, ["Jobs"], settings="from .s1 import *\n")
    assert rows == ([("Jobs", "REL501", " and accepts POST")] if reported else [])


@pytest.mark.parametrize(
    "made",
    [{"proj/settings.py": SETTINGS}, {"manage.py": MANAGE.replace("proj.settings", "conf"), "conf.py": SETTINGS}],
    ids=["settings.py beside urls.py", "a manage.py naming the settings"],
)
def test_a_settings_module_made_after_a_first_run_rechecks_urls_py(made: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # bug (found by mutmut run 7b, `_settings_place` 79): a settings.py or a manage.py looked
    # for and not there was not consulted, so a warm cache kept the findings urls.py had
    # without settings (none) after one was made
    write(tmp_path, {"proj/__init__.py": "", "proj/urls.py": READ_URL, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY})
    monkeypatch.chdir(tmp_path)

    def codes() -> list[str]:
        result = CliRunner().invoke(cli, ["check", "--no-progress", "--select", "REL5", "--output-format", "json", "."], catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        return [f["code"] for f in json.loads(result.stdout)]

    assert codes() == []  # no settings: the middleware cannot be told
    write(tmp_path, made)
    assert codes() == ["REL503"]


def test_an_unreadable_launcher_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # proj/wsgi.py does not parse: the manage.py above it names the settings
    write(tmp_path, {"proj/wsgi.py": "print 'old'\n"})
    assert named_views(tmp_path, monkeypatch, READ_ONLY, ["read"]) == [("read", "REL503", "")]


def test_settings_py_beside_urls_py_when_the_folders_above_reach_the_filesystem_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # /tmp/<x>/proj/urls.py: the search for a launcher stops at `/`, then settings.py beside urls.py
    if Path(tempfile.gettempdir()) != Path("/tmp") or any((Path(d) / n).exists() for d in ("/", "/tmp") for n in ("manage.py", "wsgi.py", "asgi.py")):
        pytest.skip("needs a /tmp two folders below the root, with no launcher in it or in /")
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        root = Path(folder)
        write(root, {"proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": READ_URL, "jobs/__init__.py": "", "jobs/views.py": READ_ONLY})
        assert [r[4] for r in findings(root, monkeypatch)] == ["REL503"]


FACTORY_DEPENDS = '''
from fastapi import Depends
from shared.auth import current_user


def guard(get_response, user=Depends(current_user)):
    def middleware(request):
        return get_response(request)
    return middleware
'''


@pytest.mark.parametrize("trusted", [True, False])
def test_a_middleware_factory_that_declares_a_trusted_dependency(trusted: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = '[tool.reliability-lint.auth]\ntrusted-dependencies = ["current_user"]\n' if trusted else ""
    write(tmp_path, {"pyproject.toml": config, "proj/mw.py": FACTORY_DEPENDS})
    assert named_views(tmp_path, monkeypatch, READ_ONLY, ["read"], middleware="proj.mw.guard") == ([] if trusted else [("read", "REL503", "")])
