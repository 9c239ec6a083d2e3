"""REL501-REL503 on real multi-file Flask project trees, through the executable."""

from __future__ import annotations

from pathlib import Path

from auth_trees import check_tree, codes_by_place, write_tree

from reliability_lint.testing import check_text, fix_text

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


def test_flask_blueprint_in_a_package_with_a_shared_auth_module(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/auth.py": AUTH_MODULE,
        "svc/api/__init__.py": "",
        "svc/api/routes.py": '''
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
        ''',
        "svc/app.py": '''
            from flask import Flask
            from svc.api.routes import bp

            app = Flask(__name__)
            app.register_blueprint(bp, url_prefix="/api")
        ''',
    })  # fmt: skip
    # Two of each route's three siblings carry the shared decorator (however imported).
    found = codes_by_place(check_tree(root), root)
    assert found == {("REL502", "svc/api/routes.py", 19), ("REL502", "svc/api/routes.py", 24)}
    (root / "svc/api/routes.py").write_text((root / "svc/api/routes.py").read_text().replace("@key_required\n", ""))
    found = codes_by_place(check_tree(root), root)
    assert found == {("REL501", "svc/api/routes.py", 18), ("REL503", "svc/api/routes.py", 23),
                     ("REL503", "svc/api/routes.py", 13)}


def test_app_wide_before_request_in_the_registering_module_protects_the_blueprint(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/views.py": '''
            from flask import Blueprint
            bp = Blueprint("views", __name__)

            @bp.post("/export")
            def export():
                return "ok"
        ''',
        "svc/app.py": '''
            from flask import Flask, request, abort
            from . import views

            app = Flask(__name__)
            app.register_blueprint(views.bp)

            @app.before_request
            def check_token():
                if request.headers.get("Authorization") != "Bearer " + app.config["TOKEN"]:
                    abort(403)
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_blueprint_registered_nowhere_visible_is_not_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "views.py": '''
            from flask import Blueprint
            bp = Blueprint("views", __name__)

            @bp.post("/export")
            def export():
                return "ok"
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_a_hook_that_checks_nothing_does_not_protect(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app.py": '''
            from flask import Flask, g
            app = Flask(__name__)

            @app.before_request
            def open_db():
                g.db = connect()

            @app.route("/rows", methods=["PUT"])
            def put_rows():
                return "ok"
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL501", "app.py", 9)}


def test_sibling_decorator_missing_is_rel502_and_the_fix_adds_it(tmp_path: Path) -> None:
    routes = '''
        from flask import Flask
        from coordinator.auth import require_api_key

        app = Flask(__name__)

        @app.post("/runs")
        @require_api_key
        def start_run():
            return "ok"

        @app.post("/runs/<run>/cancel")
        @require_api_key
        def cancel_run(run):
            return "ok"

        @app.get("/runs")
        @require_api_key
        def list_runs():
            return []

        @app.post("/runs/<run>/retry")
        def retry_run(run):
            return "ok"
    '''
    root = write_tree(tmp_path, {"coordinator/__init__.py": "", "coordinator/auth.py": AUTH_MODULE,
                                 "coordinator/app.py": routes})  # fmt: skip
    findings = check_tree(root)
    assert codes_by_place(findings, root) == {("REL502", "coordinator/app.py", 22)}
    assert "`@require_api_key`" in findings[0]["message"]
    from conftest import run_tool

    done = run_tool("fix", "--no-cache", "--unsafe-fixes", "--select", "REL502", ".", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    fixed = (root / "coordinator/app.py").read_text()
    assert '@app.post("/runs/<run>/retry")\n@require_api_key\ndef retry_run(run):' in fixed
    assert check_tree(root) == []


def test_check_in_the_handler_and_in_a_called_helper(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "helpers.py": '''
            import hmac
            from flask import request, abort

            def verify_caller():
                if not hmac.compare_digest(request.headers.get("X-Token", ""), "x"):
                    abort(401)
        ''',
        "app.py": '''
            from flask import Flask, request, abort
            from helpers import verify_caller

            app = Flask(__name__)

            @app.post("/a")
            def a():
                if request.headers.get("X-API-Key") != "k":
                    return {"error": "no"}, 401
                return ""

            @app.post("/b")
            def b():
                verify_caller()
                return ""
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_method_view_and_add_url_rule(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app.py": '''
            from flask import Flask
            from flask.views import MethodView
            from flask_login import login_required

            app = Flask(__name__)

            class Items(MethodView):
                def get(self):
                    return []

                def post(self):
                    return "made"

            class Guarded(MethodView):
                decorators = [login_required]

                def post(self):
                    return "made"

            def ping():
                return "pong"

            app.add_url_rule("/items", view_func=Items.as_view("items"))
            app.add_url_rule("/guarded", view_func=Guarded.as_view("guarded"))
            app.add_url_rule("/ping", "ping", ping, methods=["POST"])
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL501", "app.py", 7), ("REL501", "app.py", 20)}


def test_noqa_crlf_non_ascii_and_nested_factory() -> None:
    source = (
        "from flask import Flask\r\n"
        "def create_app():\r\n"
        "    app = Flask(__name__)\r\n"
        "    @app.post('/données')  # the route's name is not ASCII\r\n"
        "    def créer():\r\n"
        "        return 'ok'\r\n"
        "    @app.post('/b')\r\n"
        "    def b():  # noqa: REL501\r\n"
        "        return 'ok'\r\n"
        "    return app\r\n"
    )
    found = check_text(source, ["REL5"], path="factory.py")
    assert [(f.code, f.line, f.col, f.end_col) for f in found] == [("REL501", 5, 4, 13)]


def test_fix_keeps_other_decorators_and_async_handlers() -> None:
    source = '''from fastapi import FastAPI
from flask import Flask
from auth_lib import require_key

app = Flask(__name__)

@app.post("/a")
@require_key
def a(): ...

@app.post("/b")
@require_key
def b(): ...

@app.post("/c")
@require_key
def c(): ...

@app.post("/d")
@cached
async def d(): ...
'''
    # require_key comes from an installed package: unknown, so not trusted and not a
    # mark either; nothing to say.
    assert check_text(source, ["REL5"], path="app.py") == []
    trusted = {"auth": {"trusted-decorators": ["auth_lib.require_key"]}}
    found = check_text(source, ["REL5"], path="app.py", options=trusted)
    assert [(f.code, f.line) for f in found] == []  # @cached is unknown: d is not reported
    plain = source.replace("@cached\n", "")
    found = check_text(plain, ["REL5"], path="app.py", options=trusted)
    assert [(f.code, f.line) for f in found] == [("REL502", 20)]
    fixed = fix_text(plain, ["REL502"], path="app.py", options=trusted)
    assert fixed.endswith('@app.post("/d")\n@require_key\nasync def d(): ...\n')


def test_the_fix_adds_the_mark_below_a_multi_line_route_decorator_at_its_indentation() -> None:
    siblings = "".join(f"    @app.post('/{name}')\r\n    @require_key\r\n    def {name}(): ...\r\n\r\n" for name in "abc")
    source = (
        "from flask import Flask\r\nfrom auth_lib import require_key\r\n\r\napp = Flask(__name__)\r\n\r\n"
        f"if app:\r\n{siblings}"
        "    @app.post(\r\n        '/é',  # the upload\r\n    )  # public?\r\n    def upload(): ...\r\n"
    )
    trusted = {"auth": {"trusted-decorators": ["auth_lib.require_key"]}}
    assert [(f.code, f.line) for f in check_text(source, ["REL5"], path="app.py", options=trusted)] == [("REL502", 22)]
    fixed = fix_text(source, ["REL502"], path="app.py", options=trusted)
    assert fixed == source.replace("    )  # public?\r\n", "    )  # public?\r\n    @require_key\r\n")


def test_session_and_current_user_hooks_that_redirect_or_raise_count_as_checks(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "web.py": '''
            from flask import Flask, redirect, session, url_for
            app = Flask(__name__)

            @app.before_request
            def require_login():
                if "user_id" not in session:
                    return redirect(url_for("login"))

            @app.post("/settings")
            def settings():
                return ""
        ''',
        "panel.py": '''
            from flask import Blueprint, Flask
            from flask_login import current_user

            class AuthError(Exception):
                pass

            app = Flask(__name__)
            panel = Blueprint("panel", __name__)

            @panel.before_request
            def only_members():
                if not current_user.is_authenticated:
                    raise AuthError("members only")

            @panel.post("/panel")
            def update_panel():
                return ""

            app.register_blueprint(panel)
        ''',
        "open.py": '''
            from flask import Flask, g, session
            app = Flask(__name__)

            @app.before_request
            def load_user():
                g.user = session.get("user_id")

            @app.post("/open")
            def open_route():
                return ""
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL501", "open.py", 9)}
