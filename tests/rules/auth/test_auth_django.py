"""REL501 / REL503 for Django views named in urls.py, on real project trees (manage.py,
settings, urls.py, views.py) through the executable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from auth_trees import check_tree, codes_by_place, write_tree

MANAGE = '''
    import os
    import sys


    def main():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
        from django.core.management import execute_from_command_line
        execute_from_command_line(sys.argv)
'''
SETTINGS = '''
    ROOT_URLCONF = "proj.urls"
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
'''
ROOT_URLS = '''
    from django.contrib.auth.decorators import login_required, permission_required
    from django.urls import include, path, re_path
    from django.views.decorators.csrf import csrf_exempt

    from jobs import views

    urlpatterns = [
        path("jobs/", include("jobs.urls")),
        path("export/", csrf_exempt(views.export)),  # csrf_exempt is not auth
        path("report/", login_required(views.report)),
        path("purge/", permission_required("jobs.purge")(views.purge)),
        re_path(r"^health/$", views.health),
        path(
            "stats/",  # a comment in an odd place
            views.stats,
        ),
    ]
'''
APP_URLS = '''
    from django.urls import path
    from rest_framework import routers

    from . import views

    router = routers.DefaultRouter()
    router.register(r"runs", views.RunViewSet)
    router.register(r"logs", views.LogViewSet)

    urlpatterns = [
        path("", views.JobList.as_view()),
        path("new/", views.JobCreate.as_view()),
        path("<int:pk>/delete/", views.JobDelete.as_view()),
        path("secret/", views.Secret.as_view()),
        path("api/start/", views.api_start),
        path("api/safe/", views.api_safe),
        path("mine/", views.Mine.as_view()),
    ]
    urlpatterns += [path("late/", views.late)]
'''
VIEWS = '''
    import subprocess

    from django.contrib.auth.decorators import login_required
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.http import HttpResponse
    from django.utils.decorators import method_decorator
    from django.views import View
    from django.views.generic import CreateView, DeleteView, ListView
    from rest_framework import viewsets
    from rest_framework.decorators import api_view, permission_classes
    from rest_framework.permissions import IsAuthenticated

    from jobs.base import OwnedView


    def export(request):
        subprocess.run(["export.sh"])
        return HttpResponse("ok")


    def report(request):
        return HttpResponse("r")


    def purge(request):
        return HttpResponse("p")


    def health(request):
        return HttpResponse("ok")


    async def stats(request):
        return HttpResponse("ß")


    class JobList(ListView):
        model = None


    class JobCreate(CreateView):
        model = None


    class JobDelete(LoginRequiredMixin, DeleteView):
        model = None


    @method_decorator(login_required, name="dispatch")
    class Secret(View):
        def post(self, request):
            return HttpResponse("x")


    class RunViewSet(viewsets.ModelViewSet):
        queryset = None


    class LogViewSet(viewsets.ReadOnlyModelViewSet):
        permission_classes = [IsAuthenticated]


    @api_view(["POST"])
    def api_start(request):
        return HttpResponse("x")


    @api_view(["POST"])
    @permission_classes([IsAuthenticated])
    def api_safe(request):
        return HttpResponse("x")


    class Mine(OwnedView):
        def post(self, request):
            return HttpResponse("x")


    def late(request):
        return HttpResponse("late")
'''
BASE = '''
    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.views import View


    class OwnedView(LoginRequiredMixin, View):
        pass
'''


def django_tree(root: Path, **overrides: str) -> Path:
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": ROOT_URLS,
        "jobs/__init__.py": "", "jobs/urls.py": APP_URLS, "jobs/views.py": VIEWS, "jobs/base.py": BASE,
    }  # fmt: skip
    files.update({name.replace("__", "/").replace("_py", ".py"): text for name, text in overrides.items()})
    return write_tree(root, files)


OPEN_IN_THE_BASE_TREE = {
    ("REL501", "proj/urls.py", 9),  # export starts a process
    ("REL503", "proj/urls.py", 13),  # stats, async, read-only
    ("REL503", "jobs/urls.py", 11),  # ListView under an unknown prefix: its "" is not the site's /
    ("REL501", "jobs/urls.py", 12),  # CreateView accepts POST
    ("REL501", "jobs/urls.py", 7),  # ModelViewSet, AllowAny by default
    ("REL501", "jobs/urls.py", 15),  # @api_view(["POST"]) without permission classes
    ("REL503", "jobs/urls.py", 19),  # added with +=
}


def test_views_named_in_urls_are_entry_points(tmp_path: Path) -> None:
    findings = check_tree(django_tree(tmp_path))
    assert codes_by_place(findings, tmp_path) == OPEN_IN_THE_BASE_TREE
    messages = {f["location"]["row"]: f["message"] for f in findings if f["filename"].endswith("proj/urls.py")}
    assert messages[9].startswith("Django view `jobs.views.export` at `/export/` (defined in ../jobs/views.py)")
    assert "starts a process (`subprocess.run`)" in messages[9]
    app = {f["location"]["row"]: f["message"] for f in findings if f["filename"].endswith("jobs/urls.py")}
    assert "at `.../new/`" in app[12] and "accepts POST" in app[12]


def test_an_auth_enforcing_middleware_authenticates_every_view_but_those_marked_open(tmp_path: Path) -> None:
    views = VIEWS.replace("    def export(request):", "    @login_not_required\n    def export(request):").replace(
        "import subprocess\n", "import subprocess\n\n    from django.contrib.auth.decorators import login_not_required\n"
    )
    root = django_tree(
        tmp_path,
        manage_py=MANAGE.replace('"proj.settings"', '"proj.settings.prod"'),
        proj__settings_py="",
        jobs__views_py=views,
    )
    write_tree(root, {
        "proj/settings/__init__.py": "",
        "proj/settings/base.py": SETTINGS,
        "proj/settings/prod.py": '''
            from .base import *  # noqa: F403

            MIDDLEWARE += ["django.contrib.auth.middleware.LoginRequiredMiddleware"]
        ''',
    })  # fmt: skip
    (root / "proj" / "settings.py").unlink()
    assert codes_by_place(check_tree(root), root) == {("REL501", "proj/urls.py", 9)}


def test_project_middleware_rest_framework_defaults_and_unknown_middleware(tmp_path: Path) -> None:
    checking = '''
        from django.shortcuts import redirect


        class RequireLogin:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                if not request.user.is_authenticated:
                    return redirect("/login/")
                return self.get_response(request)


        class Timing:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                return self.get_response(request)
    '''
    root = django_tree(tmp_path, proj__middleware_py=checking)
    settings = SETTINGS.replace("    ]\n", '        "proj.middleware.RequireLogin",\n    ]\n')
    write_tree(root, {"proj/settings.py": settings})
    assert codes_by_place(check_tree(root), root) == set()
    write_tree(root, {"proj/settings.py": SETTINGS.replace("    ]\n", '        "proj.middleware.Timing",\n    ]\n')})
    assert codes_by_place(check_tree(root), root) == OPEN_IN_THE_BASE_TREE  # Timing checks nothing
    write_tree(root, {"proj/settings.py": SETTINGS.replace("    ]\n", '        "some_package.middleware.Gate",\n    ]\n')})
    assert codes_by_place(check_tree(root), root) == set()  # a package's middleware may enforce: unknown
    rest = SETTINGS + '''
    REST_FRAMEWORK = {
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    }
    '''
    write_tree(root, {"proj/settings.py": rest})
    assert codes_by_place(check_tree(root), root) == OPEN_IN_THE_BASE_TREE - {
        ("REL501", "jobs/urls.py", 7), ("REL501", "jobs/urls.py", 15),
    }  # fmt: skip


def test_unknown_views_and_projects_without_settings_are_not_reported(tmp_path: Path) -> None:
    root = django_tree(tmp_path)
    (root / "manage.py").unlink()
    (root / "proj" / "settings.py").unlink()
    assert codes_by_place(check_tree(root), root) == set()  # MIDDLEWARE cannot be read
    root = django_tree(tmp_path / "other", proj__urls_py='''
        from allauth.account import views as account_views
        from django.urls import path

        from jobs.missing import view
        from jobs import views

        urlpatterns = [
            path("login/", account_views.login),
            path("gone/", view),
            path("lambda/", lambda request: None),
            path("dynamic/", getattr(views, "export")),
        ]
    ''')  # fmt: skip
    found = codes_by_place(check_tree(root), root)
    assert not {place for place in found if place[1] == "proj/urls.py"}


def test_project_decorators_that_check_and_look_alikes_that_do_not(tmp_path: Path) -> None:
    shared = '''
        from functools import wraps

        from django.core.exceptions import PermissionDenied


        def staff_only(view):
            @wraps(view)
            def wrapper(request, *args, **kwargs):
                if not request.user.is_staff:
                    raise PermissionDenied
                return view(request, *args, **kwargs)
            return wrapper


        def audited(view):
            @wraps(view)
            def wrapper(request, *args, **kwargs):
                print("audit", request.path)
                return view(request, *args, **kwargs)
            return wrapper
    '''
    views = '''
        from django.http import HttpResponse
        from django.views.decorators.http import require_POST

        from proj.guards import audited, staff_only


        @staff_only
        @require_POST
        def wipe(request):
            return HttpResponse("gone")


        @audited
        @require_POST
        def wipe_too(request):
            return HttpResponse("gone")
    '''
    urls = '''
        from django.urls import path

        from jobs.views import wipe, wipe_too

        urlpatterns = [path("wipe/", wipe), path("wipe-too/", wipe_too)]
    '''
    root = django_tree(tmp_path, proj__guards_py=shared, jobs__views_py=views, proj__urls_py=urls)
    found = {place for place in codes_by_place(check_tree(root), root) if place[1] == "proj/urls.py"}
    assert found == {("REL501", "proj/urls.py", 5)}


def test_crlf_non_ascii_local_lists_and_i18n_patterns(tmp_path: Path) -> None:
    urls = '''
        # -*- coding: utf-8 -*-
        from django.conf.urls.i18n import i18n_patterns
        from django.urls import include, path

        from jobs import views

        api = [
            path("wipe/", views.export),  # «export»
        ]
        urlpatterns = i18n_patterns(path("api/", include(api)), path("über/", views.report))
        urlpatterns.append(path("health/", views.health))
    '''
    root = django_tree(tmp_path, proj__urls_py=urls)
    path = root / "proj" / "urls.py"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    findings = [f for f in check_tree(root) if f["filename"].endswith("proj/urls.py")]
    assert codes_by_place(findings, root) == {("REL501", "proj/urls.py", 8), ("REL503", "proj/urls.py", 10)}
    assert any("at `/<language>/api/wipe/`" in f["message"] for f in findings)
    assert any("at `/<language>/über/`" in f["message"] for f in findings)


def test_a_warm_cache_rechecks_urls_when_a_view_or_the_settings_change(tmp_path: Path) -> None:
    root = django_tree(tmp_path)

    def run() -> set[tuple[str, str, int]]:
        done = subprocess.run(
            [sys.executable, "-m", "reliability_lint", "check", "--select", "REL5", "--output-format", "json", "."],
            cwd=root, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        import json

        return codes_by_place(json.loads(done.stdout), root)

    assert run() == OPEN_IN_THE_BASE_TREE
    assert run() == OPEN_IN_THE_BASE_TREE  # warm
    write_tree(root, {"jobs/base.py": BASE.replace("LoginRequiredMixin, View", "View")})
    assert run() == OPEN_IN_THE_BASE_TREE | {("REL501", "jobs/urls.py", 17)}  # Mine lost its mixin
    write_tree(root, {"proj/settings.py": SETTINGS.replace("    ]\n", '        "django.contrib.auth.middleware.LoginRequiredMiddleware",\n    ]\n')})
    assert run() == set()
