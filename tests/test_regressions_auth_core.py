"""Regressions (issue 18, mutmut) for the auth family's core (catalogue, checks, routes,
decide, module, project, imported): project trees whose routes are decided by other
modules (shared decorators, blueprints registered elsewhere, hooks, relative imports,
FastAPI routers), the route forms of each framework and what the checks report; through
`reliability_lint.testing` and the command line in this process."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text
from tests.rules.auth.auth_trees import write_tree as write


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str, select: str = "REL5") -> list[dict[str, Any]]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--no-progress", "--select", select, "--output-format", "json", *args, "."], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def found(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> set[tuple[str, str, int]]:
    """(code, path relative to root, line) of each finding."""
    return {
        (f["code"], Path(f["filename"]).resolve().relative_to(root.resolve()).as_posix(), f["location"]["row"])
        for f in run(root, monkeypatch, *args)
    }


def codes(text: str, **kwargs: Any) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_text(text, ["REL5"], **kwargs)]


AUTH_MODULE = '''
    import os
    from functools import wraps
    from flask import request, abort

    def require_api_key(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.headers.get("X-API-Key") != os.environ["API_KEY"]:
                abort(401)
            return view(*args, **kwargs)
        return wrapper

    def log_calls(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            print("called", view.__name__)
            return view(*args, **kwargs)
        return wrapper
'''

ROUTES = '''
    from flask import Blueprint
    from svc.auth import require_api_key, log_calls
    from ..auth import require_api_key as key_required

    bp = Blueprint("api", __name__)

    @bp.route("/jobs", methods=["POST"])
    @require_api_key
    def start_job():
        return "started"

    @bp.get("/jobs")
    @key_required
    def list_jobs():
        return []

    @bp.delete("/jobs/<job>")
    @log_calls
    def delete_job(job):
        return "gone"

    @bp.get("/report")
    @log_calls
    def report():
        return "r"
'''

APP = '''
    from flask import Flask
    from svc.api.routes import bp

    app = Flask(__name__)
    app.register_blueprint(bp, url_prefix="/api")
'''


# ------------------------------------------------------------------ decorators of other project modules


def test_a_blueprint_s_routes_decided_by_a_shared_auth_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"svc/__init__.py": "", "svc/auth.py": AUTH_MODULE, "svc/api/__init__.py": "", "svc/api/routes.py": ROUTES, "svc/app.py": APP}
    root = write(tmp_path, files)
    # Two of each route's three siblings carry the shared decorator (however imported).
    assert found(root, monkeypatch) == {("REL502", "svc/api/routes.py", 19), ("REL502", "svc/api/routes.py", 24)}
    write(root, {"svc/api/routes.py": ROUTES.replace("    @key_required\n", "")})
    assert found(root, monkeypatch) == {("REL501", "svc/api/routes.py", 18), ("REL503", "svc/api/routes.py", 23), ("REL503", "svc/api/routes.py", 13)}


def test_a_relative_import_beyond_the_top_package_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    routes = ROUTES.replace("from ..auth import", "from ...auth import")
    files = {"svc/__init__.py": "", "svc/auth.py": AUTH_MODULE, "svc/api/__init__.py": "", "svc/api/routes.py": routes, "svc/app.py": APP}
    root = write(tmp_path, files)
    # `list_jobs`'s decorator cannot be resolved: unknown, so neither open nor a sibling mark.
    assert found(root, monkeypatch) == {("REL501", "svc/api/routes.py", 19), ("REL503", "svc/api/routes.py", 24)}


# ------------------------------------------------------------------ blueprints and their registrations

VIEWS = '''
    from flask import Blueprint
    bp = Blueprint("views", __name__)

    @bp.post("/export")
    def export():
        return "ok"
'''
CHECKING_HOOK = '''
    @app.before_request
    def check_token():
        if request.headers.get("Authorization") != "Bearer " + app.config["TOKEN"]:
            abort(403)
'''


@pytest.mark.parametrize(
    "registering",
    [
        "from flask import Flask, request, abort\nfrom . import views\n\napp = Flask(__name__)\napp.register_blueprint(views.bp)\n",
        "from flask import Flask, request, abort\nfrom svc.views import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n",
        "from flask import Flask, request, abort\nfrom .views import bp as views_bp\n\napp = Flask(__name__)\napp.register_blueprint(views_bp)\n",
    ],
)
def test_a_blueprint_registered_in_another_module_is_decided_by_that_app(registering: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"svc/__init__.py": "", "svc/views.py": VIEWS, "svc/app.py": registering})
    assert found(root, monkeypatch) == {("REL501", "svc/views.py", 5)}
    write(root, {"svc/app.py": registering + textwrap.dedent(CHECKING_HOOK)})
    assert found(root, monkeypatch) == set()


def test_a_registration_of_another_blueprint_decides_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registering = "from flask import Flask\nfrom svc import views\n\napp = Flask(__name__)\napp.register_blueprint(views.other)\n"
    root = write(tmp_path, {"svc/__init__.py": "", "svc/views.py": VIEWS, "svc/app.py": registering})
    assert found(root, monkeypatch) == set()  # bp's own registration is nowhere: its app may check


def test_a_blueprint_registered_nowhere_visible_is_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"views.py": VIEWS})
    assert found(root, monkeypatch) == set()


@pytest.mark.parametrize("folder", [".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox", "build", "dist", ".hidden"])
def test_a_registration_in_a_skipped_folder_is_not_seen(folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registering = "from flask import Flask\nfrom views import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n"
    # The project's files are listed once per process and root: each tree is a new root.
    hidden = write(tmp_path / "hidden", {"views.py": VIEWS, f"{folder}/app.py": registering})
    assert found(hidden, monkeypatch) == set()
    seen = write(tmp_path / "seen", {"views.py": VIEWS, "app.py": registering})
    assert found(seen, monkeypatch) == {("REL501", "views.py", 5)}


def test_an_app_wide_hook_of_a_blueprint_protects_every_route_of_the_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '''
        from flask import Flask, Blueprint, request, abort
        app = Flask(__name__)
        bp = Blueprint("b", __name__)
        app.register_blueprint(bp)

        @bp.before_app_request
        def check():
            if request.headers.get("Authorization") != "x":
                abort(401)

        @app.post("/x")
        def x():
            return ""
    '''
    root = write(tmp_path, {"app.py": text})
    assert found(root, monkeypatch) == set()
    write(root, {"app.py": text.replace("@bp.before_app_request", "@bp.after_request")})
    assert found(root, monkeypatch) == {("REL501", "app.py", 12)}


def test_hooks_registered_by_a_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '''
        from flask import Flask, Blueprint, request, abort
        app = Flask(__name__)

        def check():
            if request.headers.get("Authorization") != "x":
                abort(401)

        app.before_request(check)

        @app.post("/x")
        def x():
            return ""
    '''
    root = write(tmp_path, {"app.py": text})
    assert found(root, monkeypatch) == set()
    write(root, {"app.py": text.replace("app.before_request(check)", "app.after_request(check)")})
    assert found(root, monkeypatch) == {("REL501", "app.py", 11)}
    blueprint = text.replace("app.before_request(check)", "bp = Blueprint('b', __name__)\n        app.register_blueprint(bp)\n        bp.before_app_request(check)")
    write(root, {"app.py": blueprint})
    assert found(root, monkeypatch) == set()


def test_a_hook_that_checks_nothing_does_not_protect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '''
        from flask import Flask, g
        app = Flask(__name__)

        @app.before_request
        def open_db():
            g.db = connect()

        @app.route("/rows", methods=["PUT"])
        def put_rows():
            return "ok"
    '''
    root = write(tmp_path, {"app.py": text})
    assert found(root, monkeypatch) == {("REL501", "app.py", 9)}


def test_an_app_imported_from_another_module_is_decided_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from flask import Flask, request, abort\napp = Flask(__name__)\n"
    views = "from flask import request\nfrom svc.app import app\n\n@app.post('/x')\ndef x():\n    return ''\n"
    root = write(tmp_path, {"svc/__init__.py": "", "svc/app.py": app, "svc/views.py": views})
    assert found(root, monkeypatch) == {("REL501", "svc/views.py", 5)}
    write(root, {"svc/app.py": app + textwrap.dedent(CHECKING_HOOK)})
    assert found(root, monkeypatch) == set()


# ------------------------------------------------------------------ FastAPI: dependencies on routes, routers and apps

SECURITY = '''
    from fastapi import Header, HTTPException, status
    from fastapi.security import OAuth2PasswordBearer

    oauth2 = OAuth2PasswordBearer(tokenUrl="token")

    def verify_key(x_api_key: str = Header(...)):
        if x_api_key != "expected":
            raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)

    def get_db():
        yield "db"
'''
ADMIN = '''
    from fastapi import APIRouter
    admin = APIRouter()

    @admin.post("/purge")
    def purge():
        return {}
'''
MAIN = '''
    from typing import Annotated
    from fastapi import FastAPI, APIRouter, Depends, Security
    from .security import oauth2, verify_key, get_db
    from .admin import admin

    app = FastAPI()
    guarded = APIRouter(dependencies=[Depends(verify_key)])
    public = APIRouter()

    @app.post("/a")
    def a(token: str = Depends(oauth2)):
        return {}

    @app.post("/b", dependencies=[Security(oauth2)])
    def b():
        return {}

    @app.post("/c")
    def c(user: Annotated[str, Depends(verify_key)]):
        return {}

    @guarded.delete("/d")
    def d():
        return {}

    @public.post("/e")
    def e(db=Depends(get_db)):
        return {}

    @public.get("/f")
    async def f():
        return {}

    app.include_router(guarded)
    app.include_router(public)
    app.include_router(admin, prefix="/admin", dependencies=[Depends(verify_key)])
'''


def test_fastapi_dependencies_on_the_route_the_router_and_include_router(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"api/__init__.py": "", "api/security.py": SECURITY, "api/admin.py": ADMIN, "api/main.py": MAIN})
    assert found(root, monkeypatch) == {("REL501", "api/main.py", 27), ("REL503", "api/main.py", 31)}
    unguarded = MAIN.replace(', dependencies=[Depends(verify_key)])\n', ')\n')
    write(root, {"api/main.py": unguarded})
    assert ("REL501", "api/admin.py", 5) in found(root, monkeypatch)


def test_fastapi_app_level_dependency_covers_every_router(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = '''
        from fastapi import FastAPI, APIRouter, Depends, Request, HTTPException

        def verify(request: Request):
            if request.headers.get("authorization") is None:
                raise HTTPException(401)

        app = FastAPI(dependencies=[Depends(verify)])
        router = APIRouter()

        @router.post("/x")
        def x():
            return {}

        app.include_router(router)
    '''
    root = write(tmp_path, {"main.py": text})
    assert found(root, monkeypatch) == set()
    write(root, {"main.py": text.replace("FastAPI(dependencies=[Depends(verify)])", "FastAPI()")})
    assert found(root, monkeypatch) == {("REL501", "main.py", 11)}


def test_a_router_registered_in_another_module_with_dependencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    main = '''
        from fastapi import FastAPI, Depends
        from api.security import verify_key
        from api import admin

        app = FastAPI()
        app.include_router(admin.admin, dependencies=[Depends(verify_key)])
    '''
    root = write(tmp_path, {"api/__init__.py": "", "api/security.py": SECURITY, "api/admin.py": ADMIN, "api/main.py": main})
    assert found(root, monkeypatch) == set()
    other = write(tmp_path / "other", {"api/__init__.py": "", "api/security.py": SECURITY, "api/admin.py": ADMIN,
                                       "api/main.py": main.replace(", dependencies=[Depends(verify_key)]", "")})  # fmt: skip
    assert found(other, monkeypatch) == {("REL501", "api/admin.py", 5)}


FASTAPI = "from fastapi import FastAPI, Depends, Security, APIRouter\napp = FastAPI()\n"


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        (FASTAPI + "from fastapi.security import HTTPBearer\nbearer = HTTPBearer()\n@app.post('/x')\ndef x(t=Depends(bearer)):\n    return 1\n", False),
        (FASTAPI + "from fastapi.security import HTTPBearer\n@app.post('/x')\ndef x(t=Depends(HTTPBearer())):\n    return 1\n", False),
        (FASTAPI + "@app.post('/x')\ndef x(t=Security(lambda: 1)):\n    return 1\n", False),
        (FASTAPI + "def noop():\n    return 1\n@app.post('/x', dependencies=[Depends(dependency=noop)])\ndef x():\n    return 1\n", True),
        (FASTAPI + "from lib import guard\n@app.post('/x', dependencies=[Depends(dependency=guard)])\ndef x():\n    return 1\n", False),
        (FASTAPI + "def noop():\n    return 1\n@app.post('/x')\ndef x(*, t=Depends(noop)):\n    return 1\n", True),
        (FASTAPI + "from lib import guard\n@app.post('/x')\ndef x(*, t=Depends(guard)):\n    return 1\n", False),
        (FASTAPI + "from lib import guard\n@app.post('/x')\ndef x(t=Depends(guard), /):\n    return 1\n", False),
        (FASTAPI + "from fastapi import params\n@app.post('/x')\ndef x(t=params.Security(lambda: 1)):\n    return 1\n", False),
        (FASTAPI + "import fastapi\n@app.post('/x')\ndef x(t=fastapi.Security(lambda: 1)):\n    return 1\n", False),
        (FASTAPI + "@app.post('/x', dependencies=[Depends()])\ndef x():\n    return 1\n", False),
        (FASTAPI + "def check(t: str):\n    return t\n@app.post('/x', dependencies=[Depends(check), 'junk'])\ndef x():\n    return 1\n", True),
    ],
)
def test_fastapi_dependencies_and_security(text: str, reported: bool) -> None:
    assert bool(codes(text)) is reported


def test_only_fastapi_reads_a_route_s_parameter_dependencies() -> None:
    """A dependency that cannot be told leaves a FastAPI route unknown; Flask never calls it."""
    text = "from {} import {}\nfrom fastapi import Depends\nfrom lib import guard\napp = {}\n@app.post('/x')\ndef x(t=Depends(guard)):\n    return 1\n"
    assert codes(text.format("fastapi", "FastAPI", "FastAPI()")) == []
    assert [c for _, c in codes(text.format("flask", "Flask", "Flask(__name__)"))] == ["REL501"]


# ------------------------------------------------------------------ route forms

FLASK = "from flask import Flask\napp = Flask(__name__)\n"


def labels(text: str, **kwargs: Any) -> list[str]:
    return [f.message.split(" has no")[0].split(" lacks")[0] for f in check_text(text, ["REL5"], **kwargs)]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (FLASK + "@app.route(rule='/k', methods=('post',))\ndef k():\n    return ''\n", "Route POST `/k` (`k`)"),
        (FLASK + "@app.route('/k', methods={'PUT'})\ndef k():\n    return ''\n", "Route PUT `/k` (`k`)"),
        (FLASK + "@app.route('/k', methods=['PUT', m])\ndef k():\n    return ''\n", "Route any method `/k` (`k`)"),
        (FLASK + "@app.route('/k', methods=M)\ndef k():\n    return ''\n", "Route any method `/k` (`k`)"),
        (FLASK + "@app.route(P, methods=['PUT'])\ndef k():\n    return ''\n", "Route PUT `?` (`k`)"),
        (FASTAPI + "@app.api_route(path='/k', methods=['DELETE'])\ndef k():\n    return ''\n", "Route DELETE `/k` (`k`)"),
        (FASTAPI + "@app.put('/k')\ndef k():\n    return ''\n", "Route PUT `/k` (`k`)"),
        (FASTAPI + "@app.patch('/k')\ndef k():\n    return ''\n", "Route PATCH `/k` (`k`)"),
        (FASTAPI + "@app.head('/k')\ndef k():\n    return ''\n", "Route HEAD `/k` (`k`)"),
        (FASTAPI + "@app.options('/k')\ndef k():\n    return ''\n", "Route OPTIONS `/k` (`k`)"),
        (FLASK + "def k():\n    return ''\napp.add_url_rule('/k', 'k', k, methods=['POST'])\n", "Route POST `/k` (`k`)"),
        (FLASK + "def k():\n    return ''\napp.add_url_rule('/k', view_func=k)\n", "Route GET `/k` (`k`)"),
        (FLASK + "def k():\n    return ''\napp.add_url_rule('/k', endpoint=k, methods=['PUT'])\n", "Route PUT `/k` (`k`)"),
        (FASTAPI + "def k():\n    return ''\napp.add_api_route('/k', k, methods=['POST'])\n", "Route POST `/k` (`k`)"),
        ("import functions_framework\n@functions_framework.http\ndef k(request):\n    return ''\n", "Cloud Function `k`"),
        ("from flask import Blueprint, Flask\nfrom flask import blueprints\napp = Flask(__name__)\nbp = blueprints.Blueprint('b', __name__)\napp.register_blueprint(bp)\n@bp.put('/k')\ndef k():\n    return ''\n", "Route PUT `/k` (`k`)"),
        ("from fastapi import applications, routing\napp = applications.FastAPI()\nr = routing.APIRouter()\napp.include_router(r)\n@r.put('/k')\ndef k():\n    return ''\n", "Route PUT `/k` (`k`)"),
    ],
)
def test_each_route_form_is_labelled_by_its_methods_and_path(text: str, label: str) -> None:
    assert labels(text) == [label]


@pytest.mark.parametrize(
    "text",
    [
        FLASK + "def k():\n    return ''\napp.add_url_rule('/k', 'k')\n",
        FLASK + "def k():\n    return ''\napp.add_url_rule('/k', 'k', other)\n",
        FLASK + "def k():\n    return ''\nother.add_url_rule('/k', 'k', k, methods=['POST'])\n",
        FLASK + "def k():\n    return ''\napp.add_rule('/k', 'k', k, methods=['POST'])\n",
        FASTAPI + "def k():\n    return ''\napp.add_api_route('/k')\n",
        FLASK + "app.add_url_rule('/k', view_func=Missing.as_view('m'), methods=['POST'])\n",
        FLASK + "@app.submit('/k')\ndef k():\n    return ''\n",
        FLASK + "@app.post\ndef k():\n    return ''\n",
        FLASK + "@post('/k')\ndef k():\n    return ''\n",
    ],
)
def test_what_is_no_route(text: str) -> None:
    assert codes(text) == []


def test_a_class_view_s_methods_and_decorators() -> None:
    head = FLASK + "from flask.views import MethodView\nfrom flask_login import login_required\n"
    items = "class Items(MethodView):\n    def get(self):\n        return []\n    async def post(self):\n        return 'made'\n"
    assert labels(head + items + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n") == ["Route GET/POST `/items` (`Items`)"]
    assert labels(head + items + "app.add_url_rule('/items', view_func=Items.as_view('items'), methods=['GET'])\n") == ["Route GET `/items` (`Items`)"]
    guarded = "class Items(MethodView):\n    decorators = [login_required]\n    def post(self):\n        return 'made'\n"
    assert codes(head + guarded + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n") == []
    other = "class Items(MethodView):\n    x = decorators = [login_required]\n    def post(self):\n        return 'made'\n"
    assert codes(head + other + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n") == []
    named = "class Items(MethodView):\n    decorators = (login_required,)\n    def post(self):\n        return 'made'\n"
    assert codes(head + named + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n") == []
    computed = "class Items(MethodView):\n    decorators = make()\n    other = [login_required]\n    def post(self):\n        return 'made'\n"
    assert [c for _, c in codes(head + computed + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n")] == ["REL501"]
    none = "class Items(MethodView):\n    def helper(self):\n        return 1\n"
    assert labels(head + none + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n") == ["Route any method `/items` (`Items`)"]
    dispatch = "class Items(MethodView):\n    def dispatch_request(self):\n        import subprocess\n        subprocess.run(['x'])\n"
    ((message,),) = [[f.message for f in check_text(head + dispatch + "app.add_url_rule('/items', view_func=Items.as_view('items'))\n", ["REL5"])]]
    assert "starts a process" in message


@pytest.mark.parametrize(
    ("app", "views", "reported"),
    [
        ("from flask import Flask\napp = Flask(__name__)\n", "from flask import request\nfrom svc.app import app\n@app.post('/x')\ndef x():\n    return ''\n", True),
        ("from flask import Flask\napp = Flask(__name__)\n", "from flask import request\nfrom svc.app import app\n@app.post(P)\ndef x():\n    return ''\n", False),
        ("from flask import Flask\napp = Flask(__name__)\n", "from flask import request\nfrom svc.app import app\n@app.post('x')\ndef x():\n    return ''\n", False),
        ("from flask import Flask\napp = Flask(__name__)\n", "import flask\nfrom svc.app import app\n@app.post('/x')\ndef x():\n    return ''\n", True),
        ("from flask import Flask\napp = Flask(__name__)\n", "import os\nfrom svc.app import app\n@app.post('/x')\ndef x():\n    return ''\n", False),
        ("from flask import Flask\napp = Flask(__name__)\n", "from flask import request\n@app.post('/x')\ndef x():\n    return ''\n", False),
        # Which framework: FastAPI's routes read their parameters' dependencies (an unknown one: not reported).
        ("from fastapi import FastAPI\napp = FastAPI()\n", "from fastapi import Depends\nfrom lib import guard\nfrom svc.app import app\n@app.post('/x')\ndef x(t=Depends(guard)):\n    return ''\n", False),
        ("from fastapi import FastAPI\napp = FastAPI()\n", "from starlette.requests import Request\nfrom fastapi import Depends\nfrom lib import guard\nfrom svc.app import app\n@app.post('/x')\ndef x(t=Depends(guard)):\n    return ''\n", False),
        ("from fastapi import FastAPI\napp = FastAPI()\n", "from flask import request\nfrom fastapi import Depends\nfrom lib import guard\nfrom svc.app import app\n@app.post('/x')\ndef x(t=Depends(guard)):\n    return ''\n", True),
        # The module's imports alone make the imported app's decorator a route: FastAPI's, or Starlette's.
        ("from fastapi import FastAPI\napp = FastAPI()\n", "from fastapi import Request\nfrom svc.app import app\n@app.post('/x')\ndef x(request: Request):\n    return ''\n", True),
        ("from fastapi import FastAPI\napp = FastAPI()\n", "from starlette.requests import Request\nfrom svc.app import app\n@app.post('/x')\ndef x(request: Request):\n    return ''\n", True),
        ("from fastapi import FastAPI\napp = FastAPI()\n", "import os  # the fastapi app's views\nfrom svc.app import app\n@app.post('/x')\ndef x(request):\n    return ''\n", False),
    ],
)
def test_a_route_of_an_imported_app(app: str, views: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"svc/__init__.py": "", "svc/app.py": app, "svc/views.py": views})
    assert bool(found(root, monkeypatch)) is reported



# ------------------------------------------------------------------ Django: a view's decorators, read from its module's facts

MANAGE = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
SETTINGS = 'ROOT_URLCONF = "proj.urls"\nMIDDLEWARE = ["django.contrib.auth.middleware.AuthenticationMiddleware"]\n'
DJANGO_VIEWS = """
import functools
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.contrib.auth.decorators import login_required
from flask_httpauth import HTTPBasicAuth
from flask_limiter import Limiter
from lib import anything

basic = HTTPBasicAuth()
limiter = Limiter()


def staff_only(view):
    return view


def checks_key(view):
    def wrapper(request):
        if request.headers.get("X-API-Key") != "k":
            return HttpResponse(status=401)
        return view(request)
    return wrapper


@csrf_exempt
def known_not_auth(request):
    return HttpResponse("x")


@basic.login_required
def httpauth(request):
    return HttpResponse("x")


@basic.verify_password
def httpauth_other(request):
    return HttpResponse("x")


@limiter.limit("1/second")
def limited(request):
    return HttpResponse("x")


@staff_only
def local_trusted(request):
    return HttpResponse("x")


@checks_key
def local_checking(request):
    return HttpResponse("x")


@anything
def unknown(request):
    return HttpResponse("x")


@DECORATORS[0]
def unreadable(request):
    return HttpResponse("x")


@method_decorator(login_required, name="get")
class Guarded(View):
    def get(self, request):
        return HttpResponse("x")


@method_decorator(csrf_exempt, name="get")
class Open(View):
    def get(self, request):
        return HttpResponse("x")


@method_decorator(name="get")
class Nothing(View):
    def get(self, request):
        return HttpResponse("x")


class Mixed(View):
    @method_decorator(basic.login_required)
    def get(self, request):
        return HttpResponse("x")

    def post(self, request):
        return HttpResponse("x")


class MixedUnknown(View):
    @method_decorator(basic.verify_password)
    def get(self, request):
        return HttpResponse("x")

    def post(self, request):
        return HttpResponse("x")


@method_decorator(checks_key, name="get")
class Keyed(View):
    def get(self, request):
        return HttpResponse("x")


class MixedCached(View):
    @method_decorator(functools.lru_cache)
    def get(self, request):
        return HttpResponse("x")

    def post(self, request):
        return HttpResponse("x")
"""
DJANGO_URLS = """
from django.urls import path
from jobs import views

urlpatterns = [
    path("a/", views.known_not_auth),
    path("b/", views.httpauth),
    path("c/", views.httpauth_other),
    path("d/", views.limited),
    path("e/", views.local_trusted),
    path("f/", views.local_checking),
    path("g/", views.unknown),
    path("h/", views.unreadable),
    path("i/", views.Guarded.as_view()),
    path("j/", views.Open.as_view()),
    path("k/", views.Nothing.as_view()),
    path("l/", views.Mixed.as_view()),
    path("m/", views.MixedUnknown.as_view()),
    path("n/", views.MixedCached.as_view()),
    path("o/", views.Keyed.as_view()),
]
"""


def test_a_django_view_s_decorators_decide_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": DJANGO_URLS,
        "jobs/__init__.py": "", "jobs/views.py": DJANGO_VIEWS,
        "pyproject.toml": "[tool.reliability-lint.auth]\ntrusted-decorators = ['staff_only']\n",
    }  # fmt: skip
    root = write(tmp_path, files)
    reported = sorted(f["message"].split("`")[3] for f in run(root, monkeypatch))
    # A method whose decorator authenticates leaves the others open (`/l/`: POST); one whose
    # decorator cannot be told leaves the view unknown (`/m/`).
    assert reported == ["/a/", "/d/", "/j/", "/l/", "/n/"]


# ------------------------------------------------------------------ FastAPI dependencies defined in another project module

DEPS = '''
    from fastapi import Depends, Security
    from fastapi.security import OAuth2PasswordBearer
    from lib import user_from_token

    oauth2 = OAuth2PasswordBearer(tokenUrl="t")


    def helper():
        return 1


    def current_user(token: str = Depends(oauth2)):
        return token


    def secured(token: str = Security(helper)):
        return token


    def from_token(user=Depends(user_from_token)):
        return user


    def local(user=Depends(helper)):
        return user


    def chained(user=Depends(current_user)):
        return user


    def chained_plain(user=Depends(from_token)):
        return user


    def nothing():
        return 1
'''
DEP_ROUTES = "from fastapi import FastAPI, Depends\nfrom api import deps\napp = FastAPI()\n" + "".join(
    f"@app.post('/{name}')\ndef {name}_route(u=Depends(deps.{name})):\n    return 1\n"
    for name in ("current_user", "secured", "from_token", "local", "chained", "chained_plain", "nothing")
)


@pytest.mark.parametrize(
    ("config", "open_routes"),
    [
        ("", ["chained_plain", "from_token", "local", "nothing"]),
        ("trusted-dependencies = ['lib.user_from_token']", ["local", "nothing"]),
        ("trusted-decorators = ['user_from_token']", ["local", "nothing"]),
        ("trusted-dependencies = ['helper']", ["chained_plain", "from_token", "nothing"]),
    ],
)
def test_a_dependency_from_another_module_is_decided_by_its_own_dependencies(
    config: str, open_routes: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"api/__init__.py": "", "api/deps.py": DEPS, "api/main.py": DEP_ROUTES, "pyproject.toml": f"[tool.reliability-lint.auth]\n{config}\n"}
    root = write(tmp_path, files)
    assert sorted(f["message"].split("`")[1][1:] for f in run(root, monkeypatch)) == open_routes


# ------------------------------------------------------------------ middleware and hooks

MIDDLEWARE_HEAD = """from fastapi import FastAPI, Request, HTTPException
from starlette.middleware.authentication import AuthenticationMiddleware
from fastapi.middleware.cors import CORSMiddleware
from lib import Installed
app = FastAPI()

class Checker:
    async def dispatch(self, request, call_next):
        if request.headers.get("Authorization") != "x":
            raise HTTPException(401)
        return await call_next(request)

class Lazy:
    async def dispatch(self, request, call_next):
        return await call_next(request)

class NoDispatch:
    pass

"""
ROUTE_X = "@app.post('/x')\ndef x():\n    return {}\n"


@pytest.mark.parametrize(
    ("middleware", "reported"),
    [
        ("AuthenticationMiddleware", False),
        ("CORSMiddleware", True),
        ("Checker", False),
        ("Lazy", True),
        ("NoDispatch", False),
        ("Installed", False),
    ],
)
def test_middleware_added_to_the_app(middleware: str, reported: bool) -> None:
    text = MIDDLEWARE_HEAD + f"app.add_middleware({middleware})\n" + ROUTE_X
    assert bool(codes(text)) is reported


@pytest.mark.parametrize(("check", "reported"), [("if request.headers.get('Authorization') != 'x':\n        raise HTTPException(401)\n    ", False), ("", True)])
def test_an_http_middleware_function(check: str, reported: bool) -> None:
    text = MIDDLEWARE_HEAD + f"@app.middleware('http')\nasync def mw(request, call_next):\n    {check}return await call_next(request)\n" + ROUTE_X
    assert bool(codes(text)) is reported


def test_a_class_hook_of_a_flask_app_cannot_be_told() -> None:
    assert codes(FLASK + "class Hook:\n    pass\napp.before_request(Hook)\n" + ROUTE_X) == []
    assert [c for _, c in codes(FLASK + "class Hook:\n    pass\napp.after_request(Hook)\n" + ROUTE_X)] == ["REL501"]


def test_router_dependencies_given_where_it_is_included() -> None:
    head = FASTAPI + "from fastapi import Request, HTTPException\ndef verify(request: Request):\n    if request.headers.get('authorization') is None:\n        raise HTTPException(401)\nrouter = APIRouter()\n"
    route = "@router.post('/x')\ndef x():\n    return {}\n"
    assert codes(head + route + "app.include_router(router, dependencies=[Depends(verify)])\n") == []
    assert codes(head + route + "app.include_router(router, dependencies=(Depends(verify),))\n") == []
    assert [c for _, c in codes(head + route + "app.include_router(router, extra=[Depends(verify)])\n")] == ["REL501"]
    assert [c for _, c in codes(head + route + "app.include_router(router, dependencies=[verify])\n")] == ["REL501"]
    assert [c for _, c in codes(head + route + "app.include_router(router)\n")] == ["REL501"]
    assert [c for _, c in codes(head + route + "app.include_router(prefix='/p')\n")] == []  # nothing included: unknown
    assert codes(head.replace("router = APIRouter()", "router = APIRouter(dependencies=[Depends(verify)])") + route + "app.include_router(router)\n") == []


@pytest.mark.parametrize(("depth", "reported"), [(3, True), (4, False)])
def test_nested_blueprints_are_followed_three_levels_up(depth: int, reported: bool) -> None:
    """A blueprint registered on a blueprint... on the app: three registrations are followed,
    the fourth is not (unknown)."""
    names = [f"bp{i}" for i in range(depth)]
    text = "from flask import Flask, Blueprint\napp = Flask(__name__)\n" + "".join(f"{n} = Blueprint('{n}', __name__)\n" for n in names)
    chain = ["app", *names]
    text += "".join(f"{parent}.register_blueprint({child})\n" for parent, child in zip(chain, chain[1:]))
    text += f"@{names[-1]}.post('/x')\ndef x():\n    return ''\n"
    assert bool(codes(text)) is reported


# ------------------------------------------------------------------ REL502's marks

SIBLINGS = "from flask import Flask\nfrom lib import require_role, other_role, third_role\napp = Flask(__name__)\n"


def sibling(name: str, mark: str) -> str:
    return f"@app.post('/{name}')\n{mark}def {name}():\n    return ''\n"


@pytest.mark.parametrize(
    ("marks", "expected"),
    [
        (["@require_role('admin')\n"] * 3, "REL502 `@require_role('admin')`"),
        (["@require_role('admin')\n", "@require_role('user')\n", "@require_role('ops')\n"], "REL501"),
        (["@require_role('admin')\n", "@other_role('admin')\n", "@third_role('admin')\n"], "REL501"),
        (["@require_role(role='admin')\n"] * 3, "REL502 `@require_role(role='admin')`"),
    ],
)
def test_a_sibling_mark_is_the_decorator_with_its_arguments(marks: list[str], expected: str) -> None:
    text = SIBLINGS + "".join(sibling(n, m) for n, m in zip("abc", marks)) + sibling("d", "")
    trusted = {"auth": {"trusted-decorators": ["require_role", "other_role", "third_role"]}}
    found = [f"{f.code} `{f.message.split('`')[5]}`" if f.code == "REL502" else f.code for f in check_text(text, ["REL5"], options=trusted)]
    assert found == [expected]


def test_a_parameter_dependency_is_no_sibling_mark() -> None:
    head = FASTAPI + "from fastapi.security import OAuth2PasswordBearer\nscheme = OAuth2PasswordBearer(tokenUrl='t')\n"
    routes = "".join(f"@app.post('/{n}')\ndef {n}(t=Depends(scheme)):\n    return 1\n" for n in "abc")
    assert [c for _, c in codes(head + routes + "@app.post('/d')\ndef d():\n    return 1\n")] == ["REL501"]


def test_exempt_routes_need_a_literal_path_and_read_methods() -> None:
    assert [c for _, c in codes(FLASK + "@app.route('/health', methods=METHODS)\ndef h():\n    return ''\n")] == ["REL503"]
    assert [c for _, c in codes(FLASK + "@app.route('/health', methods=['GET', 'POST'])\ndef h():\n    return ''\n")] == ["REL501"]
    assert codes(FLASK + "@app.route('/health', methods=['GET', 'HEAD'])\ndef h():\n    return ''\n") == []
    assert [c for _, c in codes(FLASK + "@app.get(P)\ndef h():\n    return ''\n", options={"auth": {"exempt-routes": ["*"]}})] == ["REL503"]


# ------------------------------------------------------------------ REL502's fix: the decorator and its import


def factory(imported: str, mark: str) -> str:
    """An app made in a function that imports its auth decorator there: three routes carry
    it, `d` does not."""
    body = "".join(f"    @app.post('/{n}')\n    {mark}\n    def {n}():\n        return ''\n" for n in "abc")
    return f"from flask import Flask\ndef create_app():\n    {imported}\n    app = Flask(__name__)\n{body}    @app.post('/d')\n    def d():\n        return ''\n    return app\n"


GUARD = {"auth": {"trusted-decorators": ["guard"]}}


@pytest.mark.parametrize(
    ("imported", "mark", "added"),
    [
        ("from lib import guard", "@guard", "from lib import guard\n"),
        ("from lib.auth import guard", "@guard", "from lib.auth import guard\n"),
        ("import lib", "@lib.guard", "import lib\n"),
        ("from lib import guard", "@guard()", "from lib import guard\n"),
    ],
)
def test_rel502_s_fix_imports_a_decorator_bound_only_inside_a_function(imported: str, mark: str, added: str) -> None:
    text = factory(imported, mark)
    (finding,) = check_text(text, ["REL5"], options=GUARD)
    assert finding.code == "REL502" and finding.fix is not None and finding.fix.applicability == "unsafe"
    fixed = fix_text(text, ["REL502"], options=GUARD)
    assert fixed.startswith("from flask import Flask\n" + added)
    assert f"    @app.post('/d')\n    {mark}\n    def d():" in fixed


@pytest.mark.parametrize(
    ("imported", "mark"),
    [
        ("from .lib import guard", "@guard"),  # relative: the package is not known here
        ("from lib import guard as g", "@g"),  # bug found by mutation testing: `from lib import guard` left `g` unbound
        ("import lib as auth", "@auth.guard"),
        ("import lib.auth as la", "@la.guard"),
    ],
)
def test_rel502_s_fix_is_withheld_when_the_import_cannot_be_written(imported: str, mark: str) -> None:
    text = factory(imported, mark)
    (finding,) = check_text(text, ["REL5"], options=GUARD)
    assert finding.code == "REL502" and finding.fix is None
    assert fix_text(text, ["REL502"], options=GUARD) == text


def test_rel502_s_fix_needs_the_route_decorator_above_the_handler() -> None:
    routes = "".join(f"@app.post('/{n}')\n@guard\ndef {n}():\n    return ''\n" for n in "abc")
    text = "from flask import Flask\nfrom lib import guard\napp = Flask(__name__)\n" + routes + "def d():\n    return ''\napp.add_url_rule('/d', 'd', d, methods=['POST'])\n"
    (finding,) = check_text(text, ["REL5"], options=GUARD)
    assert finding.code == "REL502" and finding.fix is None


# ------------------------------------------------------------------ the family's options


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("trusted-decorators = ['']", "tool.reliability-lint.auth.trusted-decorators must be a list of non-empty strings"),
        ("trusted-dependencies = ['a', 1]", "tool.reliability-lint.auth.trusted-dependencies must be a list of non-empty strings"),
        ("exempt-routes = ['']", "tool.reliability-lint.auth.exempt-routes must be a list of non-empty strings"),
        ("private-services = { 'svc/*' = ' ' }", 'tool.reliability-lint.auth.private-services must be a table of glob = "reason" (a non-empty reason for each service)'),
        ("private-services = { 'svc/*' = 1 }", 'tool.reliability-lint.auth.private-services must be a table of glob = "reason" (a non-empty reason for each service)'),
    ],
)
def test_a_wrong_auth_option_is_named_in_one_line(table: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"app.py": "x = 1\n", "pyproject.toml": f"[tool.reliability-lint.auth]\n{table}\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "."])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(message)


def test_good_auth_options_are_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = "[tool.reliability-lint.auth]\ntrusted-decorators = ['a.b']\nexempt-routes = ['/x']\nprivate-services = { 'svc/*' = 'VPC only' }\n"
    root = write(tmp_path, {"app.py": FLASK + "@app.post('/y')\ndef y():\n    return ''\n", "pyproject.toml": config})
    assert found(root, monkeypatch) == {("REL501", "app.py", 4)}


# ------------------------------------------------------------------ REL515: the routes of a deployed folder

PUBLIC_RUN = "gcloud run deploy svc --source svc --allow-unauthenticated\n"
PUBLIC_FUNCTION = "gcloud functions deploy handle --source fn --trigger-http --allow-unauthenticated\n"
OPEN_ROUTE = "from flask import Flask\napp = Flask(__name__)\n\n@app.post('/run')\ndef run():\n    return ''\n"


def deploy_codes(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--no-progress", "--select", "REL511,REL515", "--output-format", "json", *args, "."], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return [f["code"] for f in json.loads(result.stdout) if f["code"] != "REL000"]  # a file that cannot be read: its own error


def service(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (tmp_path / "deploy.sh").write_text(PUBLIC_RUN)
    files = {"settings.py": "X = 1\n", **files}  # the deployed folder is one that holds a .py file
    for name, text in files.items():
        path = tmp_path / "svc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    "files",
    [
        {"main.py": OPEN_ROUTE},
        {"a_util.py": "x = 1\n", "main.py": OPEN_ROUTE},  # a file without a framework does not end the walk
        {"a_broken.py": "from flask import Flask\ndef (:\n", "main.py": OPEN_ROUTE},  # nor one that does not parse
        {"a_latin.py": b"from flask import Flask\n# caf\xe9\n", "main.py": OPEN_ROUTE},  # nor one that is not UTF-8
        {"main.py": "# flask fastapi starlette functions_framework\n" + OPEN_ROUTE},
    ],
)
def test_a_public_service_s_open_route_is_rel515(files: dict[str, str | bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert deploy_codes(service(tmp_path, files), monkeypatch, "--no-cache") == ["REL515"]


def test_an_unreadable_file_does_not_end_the_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = service(tmp_path, {"main.py": OPEN_ROUTE})
    (root / "svc" / "a_gone.py").symlink_to(root / "nowhere.py")
    assert deploy_codes(root, monkeypatch, "--no-cache") == ["REL515"]


def test_a_public_service_s_finding_is_keyed_on_its_route_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = service(tmp_path, {"main.py": OPEN_ROUTE})
    assert deploy_codes(root, monkeypatch) == ["REL515"]
    (root / "svc" / "main.py").write_text(OPEN_ROUTE.replace("@app.post('/run')\n", "@app.post('/run')\n@login_required\n").replace("from flask import Flask\n", "from flask import Flask\nfrom flask_login import login_required\n"))
    assert deploy_codes(root, monkeypatch) == ["REL511"]  # with the cache on: re-checked


def function(tmp_path: Path, main: str, **files: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (tmp_path / "deploy.sh").write_text(PUBLIC_FUNCTION)
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text(main)
    for name, text in files.items():
        (tmp_path / "fn" / f"{name}.py").write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("main", "code"),
    [
        ("def handle(request):\n    return 'ok'\n", "REL515"),
        ("def outer():\n    def handle(request):\n        return 'ok'\n    return handle\n", "REL511"),  # not a module-level function
        ("from flask_login import login_required\n\n@login_required\ndef handle(request):\n    return 'ok'\n", "REL511"),
        ("def other(request):\n    return 'ok'\n", "REL511"),
        ("def handle(request):\n    return 'ok'\ndef (:\n", "REL511"),
    ],
)
def test_a_public_cloud_function_s_entry_point(main: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert deploy_codes(function(tmp_path, main), monkeypatch, "--no-cache") == [code]


def test_a_cloud_function_s_entry_point_checked_by_a_project_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    helpers = "import hmac\nfrom flask import request, abort\n\ndef verify():\n    if not hmac.compare_digest(request.headers.get('X-Token', ''), 'x'):\n        abort(401)\n"
    main = "from helpers import verify\n\ndef handle(request):\n    verify()\n    return 'ok'\n"
    assert deploy_codes(function(tmp_path, main, helpers=helpers), monkeypatch, "--no-cache") == ["REL511"]
    other = tmp_path / "other"
    other.mkdir()
    plain = "def verify():\n    return 1\n"
    assert deploy_codes(function(other, main, helpers=plain), monkeypatch, "--no-cache") == ["REL515"]


# ------------------------------------------------------------------ checks followed through other project modules

CALLS_CHECK = "import os\nfrom flask import request, abort\n\ndef f():\n    if request.headers.get('X-API-Key') != os.environ['K']:\n        abort(401)\n"


@pytest.mark.parametrize(("hops", "reported"), [(0, False), (5, False), (6, True)])
def test_a_check_is_followed_through_a_chain_of_project_functions(hops: int, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The route calls `pkg.m0.f`, which calls `pkg.m1.f`... the last one checks: followed
    so far, then not (open: no check seen)."""
    files = {"pkg/__init__.py": "", f"pkg/m{hops}.py": CALLS_CHECK}
    files.update({f"pkg/m{i}.py": f"from pkg.m{i + 1} import f as g\n\ndef f():\n    g()\n" for i in range(hops)})
    files["pkg/app.py"] = "from flask import Flask\nfrom pkg.m0 import f\napp = Flask(__name__)\n\n@app.post('/x')\ndef x():\n    f()\n    return ''\n"
    root = write(tmp_path, files)
    assert bool(found(root, monkeypatch)) is reported


def test_a_django_class_view_defined_in_the_urls_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = (
        "import subprocess\nfrom django.urls import path\nfrom django.views import View\nfrom django.http import HttpResponse\n\n"
        "class Here(View):\n    def post(self, request):\n        subprocess.run(['x'])\n        return HttpResponse('x')\n\n"
        "def here(request):\n    return HttpResponse('x')\n\n"
        "urlpatterns = [\n    path('cls/', Here.as_view()),\n    path('fn/', here),\n    path('fn-as-class/', here.as_view()),\n    path('missing/', Missing.as_view()),\n]\n"
    )
    files = {"manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "proj/urls.py": urls}
    root = write(tmp_path, files)
    rows = sorted((f["location"]["row"], f["code"], f["message"].split(" has no")[0]) for f in run(root, monkeypatch))
    assert rows == [(15, "REL501", "Django view `Here` at `/cls/`"), (16, "REL503", "Django view `here` at `/fn/`")]


# ------------------------------------------------------------------ what a module binds


@pytest.mark.parametrize(
    "head",
    [
        "import fastapi as fa\napp = fa.applications.FastAPI()\n",
        "from fastapi import FastAPI\napp: FastAPI = FastAPI()\n",
        "from fastapi import *\nimport fastapi\napp = fastapi.FastAPI()\n",
        "import fastapi.applications\napp = fastapi.applications.FastAPI()\n",
        "from fastapi import FastAPI\napp = FastAPI()\nother = app = FastAPI(title='second')\n",
    ],
)
def test_an_app_is_known_however_its_class_is_imported(head: str) -> None:
    assert labels(head + "@app.post('/x')\ndef x():\n    return {}\n") == ["Route POST `/x` (`x`)"]


def test_an_app_imported_by_a_relative_import_is_decided_where_it_is_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from flask import Flask, request, abort\napp = Flask(__name__)\n"
    views = "from flask import request\nfrom ..app import app\n\n@app.post('/x')\ndef x():\n    return ''\n"
    root = write(tmp_path, {"svc/__init__.py": "", "svc/app.py": app, "svc/api/__init__.py": "", "svc/api/views.py": views})
    assert found(root, monkeypatch) == {("REL501", "svc/api/views.py", 5)}


@pytest.mark.parametrize(
    ("bound", "mark"),
    [
        ("import lib as L", "@L.guard"),
        ("from lib import guard as g", "@g"),
        ("from lib import guard", "@guard"),
        ("guard = make_guard()", "@guard"),
        ("def guard(view):\n    return view", "@guard"),
    ],
)
def test_rel502_s_fix_adds_no_import_for_a_name_the_module_binds(bound: str, mark: str) -> None:
    routes = "".join(f"@app.post('/{n}')\n{mark}\ndef {n}():\n    return ''\n" for n in "abc")
    text = f"from flask import Flask\n{bound}\napp = Flask(__name__)\n" + routes + "@app.post('/d')\ndef d():\n    return ''\n"
    options = {"auth": {"trusted-decorators": ["guard"]}}
    fixed = fix_text(text, ["REL502"], options=options)
    assert fixed == text.replace("@app.post('/d')\n", f"@app.post('/d')\n{mark}\n")


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ("sub/routes.py", "REL515"),
        ("venv/routes.py", "REL511"),
        ("build/routes.py", "REL511"),
        (".hidden/routes.py", "REL511"),
        ("sub/.hidden/routes.py", "REL511"),
    ],
)
def test_the_folders_of_a_deployed_service_that_are_read(where: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert deploy_codes(service(tmp_path, {where: OPEN_ROUTE}), monkeypatch, "--no-cache") == [code]


@pytest.mark.parametrize(("others", "code"), [(2998, "REL515"), (2999, "REL511")])  # with main.py and settings.py
def test_a_deployed_folder_of_more_than_3000_python_files_is_not_read(others: int, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = service(tmp_path, {"main.py": OPEN_ROUTE})
    many = root / "svc" / "many"
    many.mkdir()
    for i in range(others):
        (many / f"m{i}.py").write_bytes(b"")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--select", "REL511,REL515", "--output-format", "json", "deploy.sh"], catch_exceptions=False)
    assert [f["code"] for f in json.loads(result.stdout)] == [code]


def test_only_depends_and_security_calls_are_dependencies() -> None:
    route = "@app.post('/x', dependencies=[make_dep()])\ndef x():\n    return {}\n"
    assert [c for _, c in codes(FASTAPI + route)] == ["REL501"]  # a call of something else guards nothing
    router = "r = APIRouter(dependencies=[make_dep()])\n@r.post('/x')\ndef x():\n    return {}\napp.include_router(r)\n"
    assert [c for _, c in codes(FASTAPI + router)] == ["REL501"]


def test_a_registering_module_that_does_not_parse_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registering = "from flask import Flask\nfrom views import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n"
    root = write(tmp_path, {"views.py": VIEWS, "app.py": registering, "aa_broken.py": "app.register_blueprint(bp\n"})
    assert ("REL501", "views.py", 5) in found(root, monkeypatch)


@pytest.mark.parametrize(("others", "reported"), [(2998, True), (2999, False)])
def test_a_project_of_more_than_3000_files_is_not_searched_for_registrations(others: int, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registering = "from flask import Flask\nfrom views import bp\n\napp = Flask(__name__)\napp.register_blueprint(bp)\n"
    root = write(tmp_path, {"views.py": VIEWS, "app.py": registering})
    (root / "many").mkdir()
    for i in range(others):
        (root / "many" / f"m{i}.py").write_bytes(b"")
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--select", "REL5", "--output-format", "json", "views.py"], catch_exceptions=False)
    assert bool(json.loads(result.stdout)) is reported


def test_a_public_service_s_route_decorated_from_another_project_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    route = "from flask import Flask\nfrom auth import log_calls\napp = Flask(__name__)\n\n@app.post('/run')\n@log_calls\ndef run():\n    return ''\n"
    # Read in the project index: the decorator is known to check nothing, so the route is open.
    assert deploy_codes(service(tmp_path, {"auth.py": "def log_calls(view):\n    return view\n", "main.py": route}), monkeypatch, "--no-cache") == ["REL515"]


@pytest.mark.parametrize(("middleware", "reported"), [("django.contrib.auth.middleware.LoginRequiredMiddleware", False), ("django.contrib.auth.middleware.AuthenticationMiddleware", True)])
def test_django_settings_star_imported_from_a_base_module(middleware: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "",
        "proj/settings.py": 'from proj.base import *\n\nROOT_URLCONF = "proj.urls"\n',
        "proj/base.py": f'MIDDLEWARE = ["{middleware}"]\n',
        "proj/urls.py": "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [\n    path('a/', views.known_not_auth),\n]\n",
        "jobs/__init__.py": "", "jobs/views.py": DJANGO_VIEWS,
    }  # fmt: skip
    root = write(tmp_path, files)
    assert bool(run(root, monkeypatch)) is reported


@pytest.mark.parametrize(
    "app",
    [
        None,  # the module it is imported from is not in the project
        "from flask import Flask\napp = Flask(__name__)\ndef (:\n",  # it does not parse
    ],
)
def test_an_imported_app_that_cannot_be_read_is_unknown(app: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    views = "from flask import request\nfrom svc.app import app\n\n@app.post('/x')\ndef x():\n    return ''\n"
    files = {"svc/__init__.py": "", "svc/views.py": views}
    if app is not None:
        files["svc/app.py"] = app
    root = write(tmp_path, files)
    assert {f for f in found(root, monkeypatch) if f[1] == "svc/views.py"} == set()


def test_an_imported_app_s_hook_that_calls_a_third_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    auth = "import os\nfrom flask import request, abort\n\ndef verify():\n    if request.headers.get('X-API-Key') != os.environ['K']:\n        abort(401)\n"
    app = "from flask import Flask\nfrom svc.auth import verify\napp = Flask(__name__)\n\n@app.before_request\ndef check():\n    verify()\n"
    views = "from flask import request\nfrom svc.app import app\n\n@app.post('/x')\ndef x():\n    return ''\n"
    root = write(tmp_path, {"svc/__init__.py": "", "svc/auth.py": auth, "svc/app.py": app, "svc/views.py": views})
    assert found(root, monkeypatch) == set()


def test_a_route_decided_by_an_imported_app_is_rechecked_when_the_app_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = "from flask import Flask, request, abort\napp = Flask(__name__)\n"
    views = "from flask import request\nfrom svc.app import app\n\n@app.post('/x')\ndef x():\n    return ''\n"
    root = write(tmp_path, {"pyproject.toml": "[tool.reliability-lint]\n", "svc/__init__.py": "", "svc/app.py": app + textwrap.dedent(CHECKING_HOOK), "svc/views.py": views})

    def cached() -> list[str]:
        result = CliRunner().invoke(cli, ["check", "--no-progress", "--select", "REL5", "--output-format", "json", "."], catch_exceptions=False)
        return [f["code"] for f in json.loads(result.stdout)]

    monkeypatch.chdir(root)
    assert cached() == []
    write(root, {"svc/app.py": app})  # the hook is gone: views.py's route is open now
    assert cached() == ["REL501"]


def test_a_trusted_local_dependency_is_matched_by_its_whole_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the `#` marking a module's own name goes before matching (a name may start with any letter)."""
    deps = DEPS.replace("helper", "Xhelper")
    files = {"api/__init__.py": "", "api/deps.py": deps, "api/main.py": DEP_ROUTES, "pyproject.toml": "[tool.reliability-lint.auth]\ntrusted-dependencies = ['Xhelper']\n"}
    root = write(tmp_path, files)
    assert sorted(f["message"].split("`")[1][1:] for f in run(root, monkeypatch)) == ["chained_plain", "from_token", "nothing"]


# ------------------------------------------------------------------ run 8's cut: imported and decide (h/authcore)


def deps_tree(tmp_path: Path, deps: str, names: tuple[str, ...]) -> Path:
    main = "from fastapi import FastAPI, Depends\nfrom api import deps\napp = FastAPI()\n" + "".join(
        f"@app.post('/{name}')\ndef {name}_route(u=Depends(deps.{name})):\n    return 1\n" for name in names
    )
    return write(tmp_path, {"api/__init__.py": "", "api/deps.py": deps, "api/main.py": main})


def test_a_dependency_on_a_library_instance_is_no_credential_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another module's dependency that itself depends on an instance (`RateLimiter(...)`)
    checks nothing: only a security scheme's instance would."""
    deps = "from fastapi import Depends\nfrom fastapi_limiter.depends import RateLimiter\n\ndef throttled(_=Depends(RateLimiter(times=2, seconds=5))):\n    return 1\n"
    assert found(deps_tree(tmp_path, deps, ("throttled",)), monkeypatch) == {("REL501", "api/main.py", 5)}


@pytest.mark.parametrize("scheme", ["HTTPBearer()", "security.HTTPBearer()", "APIKeyHeader(name='X-Key')"])
def test_a_security_scheme_instance_in_another_module_s_dependency(scheme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug (fixed): `Depends(HTTPBearer())` in another module was read as `HTTPBearer()`,
    no scheme, and the route reported open; only `security.HTTPBearer()` was qualified."""
    deps = f"from fastapi import Depends\nfrom fastapi import security\nfrom fastapi.security import HTTPBearer, APIKeyHeader\n\ndef bearer(_=Depends({scheme})):\n    return 1\n"
    assert found(deps_tree(tmp_path, deps, ("bearer",)), monkeypatch) == set()


def test_a_router_imported_from_another_module_is_decided_by_its_dependencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    routers = "from fastapi import FastAPI, APIRouter, Depends\nfrom api.security import verify_key\nrouter = APIRouter(dependencies=[Depends(verify_key)])\napp = FastAPI()\napp.include_router(router)\n"
    views = "from fastapi import Body\nfrom api.routers import router\n\n@router.post('/x')\ndef x():\n    return {}\n"
    root = write(tmp_path, {"api/__init__.py": "", "api/security.py": SECURITY, "api/routers.py": routers, "api/views.py": views})
    assert found(root, monkeypatch) == set()
    write(root, {"api/routers.py": routers.replace("dependencies=[Depends(verify_key)]", "")})
    assert found(root, monkeypatch) == {("REL501", "api/views.py", 5)}


def blueprint_chain(modules: int) -> dict[str, str]:
    """`views.py` puts a route on `pkg.m1.bp`; each `m<k>` registers its blueprint on the one
    imported from `m<k+1>`, the last registers it on an app that checks nothing."""
    files = {"pkg/__init__.py": "", "pkg/views.py": "from flask import request\nfrom pkg.m1 import bp\n\n@bp.post('/x')\ndef x():\n    return ''\n"}
    for k in range(1, modules):
        files[f"pkg/m{k}.py"] = f"from flask import Blueprint\nfrom pkg.m{k + 1} import bp as parent\nbp = Blueprint('b{k}', __name__)\nparent.register_blueprint(bp)\n"
    files[f"pkg/m{modules}.py"] = f"from flask import Flask, Blueprint\nfrom pkg.m{modules + 1} import app\nbp = Blueprint('b{modules}', __name__)\napp.register_blueprint(bp)\n"
    files[f"pkg/m{modules + 1}.py"] = "from flask import Flask\napp = Flask(__name__)\n"
    return files


@pytest.mark.parametrize(("modules", "reported"), [(0, True), (1, True), (2, False)])
def test_a_chain_of_imported_blueprints_is_followed_to_the_depth_limit(modules: int, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each registration and each import is a step: the route's blueprint, imported, and
    its app, imported (3 steps) are followed; one module more is not (unknown)."""
    if modules == 0:
        files = {"pkg/__init__.py": "", "pkg/views.py": "from flask import request\nfrom pkg.m1 import bp\n\n@bp.post('/x')\ndef x():\n    return ''\n",
                 "pkg/m1.py": "from flask import Flask, Blueprint\nbp = Blueprint('b1', __name__)\napp = Flask(__name__)\napp.register_blueprint(bp)\n"}  # fmt: skip
    else:
        files = blueprint_chain(modules)
    root = write(tmp_path, files)
    assert found(root, monkeypatch) == ({("REL501", "pkg/views.py", 5)} if reported else set())


KEY_CHECK = '''
    import os
    from functools import wraps
    from flask import request, abort

    def require_key(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.headers.get("X-API-Key") != os.environ["API_KEY"]:
                abort(401)
            return view(*args, **kwargs)
        return wrapper

    def require_role(role):
        def decorator(view):
            @wraps(view)
            def wrapper(*args, **kwargs):
                if request.headers.get("X-API-Key") != os.environ[role]:
                    abort(403)
                return view(*args, **kwargs)
            return wrapper
        return decorator
'''


def marked_routes(head: str, marks: list[str]) -> str:
    """Four routes carrying `marks` (two each), a fifth carrying none."""
    body = "".join(f"@app.post('/{n}')\n@{m}\ndef {n}():\n    return ''\n" for n, m in zip("abcd", marks))
    return head + "app = Flask(__name__)\n" + body + "@app.post('/e')\ndef e():\n    return ''\n"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        # One decorator factory, imported by name and through its module: one mark.
        ({"svc/__init__.py": "", "svc/auth.py": KEY_CHECK,
          "svc/routes.py": marked_routes("from flask import Flask\nfrom svc import auth\nfrom svc.auth import require_role\n",
                                         ["require_role('admin')", "require_role('admin')", "auth.require_role('admin')", "auth.require_role('admin')"])},
         "REL502"),
        # Two modules' decorators of the same name: two marks, neither on most siblings.
        ({"svc/__init__.py": "", "svc/admin_auth.py": KEY_CHECK, "svc/api_auth.py": KEY_CHECK,
          "svc/routes.py": marked_routes("from flask import Flask\nfrom svc import admin_auth, api_auth\n",
                                         ["admin_auth.require_key", "admin_auth.require_key", "api_auth.require_key", "api_auth.require_key"])},
         "REL501"),
        # A service folder (no package) importing a decorator re-exported by its `auth` package.
        ({"services/orders/auth/__init__.py": "from .keys import require_key\n", "services/orders/auth/keys.py": KEY_CHECK,
          "services/orders/main.py": marked_routes("from flask import Flask\nimport auth.keys\nfrom auth import require_key\n",
                                                   ["require_key", "require_key", "auth.keys.require_key", "auth.keys.require_key"])},
         "REL502"),
    ],
)  # fmt: skip
def test_a_sibling_mark_is_the_decorator_wherever_it_is_defined(files: dict[str, str], code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """REL502 counts the decorator the siblings carry by where it is defined, however each
    route spells it."""
    assert [f["code"] for f in run(write(tmp_path, files), monkeypatch)] == [code]


CHAIN_CHECK = "from django.http import HttpResponse\n\ndef f(request):\n    if request.headers.get('X-API-Key') != 'k':\n        return HttpResponse(status=401)\n"


@pytest.mark.parametrize(("hops", "reported"), [(6, False), (7, True)])
def test_a_django_view_s_decorator_is_followed_through_a_chain_of_modules(hops: int, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`@guard` (pkg.m0) calls pkg.m1.f, which calls pkg.m2.f... the last one checks: the
    decorator and six calls are followed, a seventh is not (open: no check seen)."""
    guard = "from pkg.m1 import f as g\n\ndef guard(view):\n    def wrapper(request, *args, **kwargs):\n        g(request)\n        return view(request, *args, **kwargs)\n    return wrapper\n"
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "pkg/__init__.py": "",
        "proj/urls.py": "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [path('x/', views.x)]\n",
        "jobs/__init__.py": "", "jobs/views.py": "from django.http import HttpResponse\nfrom pkg.m0 import guard\n\n@guard\ndef x(request):\n    return HttpResponse('x')\n",
        "pkg/m0.py": guard, f"pkg/m{hops}.py": CHAIN_CHECK,
    }  # fmt: skip
    files.update({f"pkg/m{i}.py": f"from pkg.m{i + 1} import f as g\n\ndef f(request):\n    g(request)\n" for i in range(1, hops)})
    assert bool(found(write(tmp_path, files), monkeypatch)) is reported


HOOK_HELPER = '''
from fastapi import FastAPI, Depends, Request, HTTPException
from starlette.middleware.base import BaseHTTPMiddleware
app = FastAPI()

def get_settings():
    return {"key": "k"}

def verify(request: Request, settings=Depends(get_settings)):
    if request.headers.get("X-API-Key") != settings["key"]:
        raise HTTPException(status_code=401)
'''


@pytest.mark.parametrize(
    "hook",
    [
        "@app.middleware('http')\nasync def check(request, call_next):\n    verify(request)\n    return await call_next(request)\n",
        "class Check(BaseHTTPMiddleware):\n    async def dispatch(self, request, call_next):\n        verify(request)\n        return await call_next(request)\napp.add_middleware(Check)\n",
    ],
)
def test_a_middleware_calling_a_dependency_that_checks(hook: str) -> None:
    """A middleware (a function, or a class's `dispatch`) that calls a dependency function
    which checks the key protects every route, whatever that function itself depends on."""
    route = "@app.post('/x')\ndef x():\n    return {}\n"
    assert codes(HOOK_HELPER + hook + route) == []
    assert [c for _, c in codes(HOOK_HELPER + hook.replace("verify(request)", "get_settings()") + route)] == ["REL501"]


@pytest.mark.parametrize(
    ("wrapped", "reported"),
    [
        ("method_decorator(csrf_exempt, name='post')", True),
        ("method_decorator(name='post', decorator=csrf_exempt)", True),
        ("method_decorator(decorator=csrf_exempt, name='post')", True),
        ("method_decorator(name='post', decorator=checks_key)", False),
    ],
)
def test_method_decorator_s_decorator_given_by_keyword(wrapped: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bug (fixed): `method_decorator(decorator=csrf_exempt, name=...)` was read as a
    decorator named `decorator=...`, which nothing could tell: the view was never reported."""
    views = (
        "from django.http import HttpResponse\nfrom django.utils.decorators import method_decorator\nfrom django.views import View\n"
        "from django.views.decorators.csrf import csrf_exempt\nfrom pkg.keys import checks_key\n\n"
        f"@{wrapped}\nclass Jobs(View):\n    def post(self, request):\n        return HttpResponse('x')\n"
    )
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS, "pkg/__init__.py": "",
        "pkg/keys.py": "from django.http import HttpResponse\n\ndef checks_key(view):\n    def wrapper(request, *a, **k):\n        if request.headers.get('X-API-Key') != 'k':\n            return HttpResponse(status=401)\n        return view(request, *a, **k)\n    return wrapper\n",
        "proj/urls.py": "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [path('x/', views.Jobs.as_view())]\n",
        "jobs/__init__.py": "", "jobs/views.py": views,
    }  # fmt: skip
    assert bool(found(write(tmp_path, files), monkeypatch)) is reported


def test_a_trusted_local_view_decorator_is_matched_by_its_whole_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the `#` marking the module's own name goes before matching a Django view's
    decorator against `trusted-decorators` (a name may start with any letter)."""
    views = "from django.http import HttpResponse\n\ndef Xstaff(view):\n    return view\n\n@Xstaff\ndef x(request):\n    return HttpResponse('x')\n"
    files = {
        "manage.py": MANAGE, "proj/__init__.py": "", "proj/settings.py": SETTINGS,
        "proj/urls.py": "from django.urls import path\nfrom jobs import views\n\nurlpatterns = [path('x/', views.x)]\n",
        "jobs/__init__.py": "", "jobs/views.py": views,
    }  # fmt: skip
    root = write(tmp_path, files)
    assert found(root, monkeypatch) == {("REL503", "proj/urls.py", 4)}
    write(root, {"pyproject.toml": "[tool.reliability-lint.auth]\ntrusted-decorators = ['Xstaff']\n"})
    assert found(root, monkeypatch) == set()


def test_depends_and_security_from_fastapi_param_functions_are_fastapi_s() -> None:
    """`fastapi.Depends` is `fastapi.param_functions.Depends`: imported from there, as from
    `fastapi`, it authenticates a route with a security scheme."""
    head = "from fastapi import FastAPI\nfrom {} import Security, Depends\nfrom fastapi.security import HTTPBearer\napp = FastAPI()\nbearer = HTTPBearer()\n"
    routes = "@app.post('/a', dependencies=[Security(bearer)])\ndef a():\n    return 1\n@app.post('/b')\ndef b(token=Depends(bearer)):\n    return 1\n"
    assert codes(head.format("fastapi.param_functions") + routes) == codes(head.format("fastapi") + routes) == []
    assert codes(head.format("fastapi.param_functions") + "@app.post('/c')\ndef c():\n    return 1\n") == [(7, "REL501")]  # an open route is still open
