"""Regressions (issue 18, mutmut) for the auth family's Django support: URL configurations
read for their views, function and class views, their decorators and mixins; through the
command line in this process."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli

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
