"""REL501-REL503: FastAPI, functions-framework, the options, and what is not an endpoint."""

from __future__ import annotations

from pathlib import Path

from auth_trees import check_tree, codes_by_place, write_tree


def test_fastapi_dependencies_on_route_router_app_and_include_router(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "api/__init__.py": "",
        "api/security.py": '''
            from fastapi import Header, HTTPException, status
            from fastapi.security import OAuth2PasswordBearer

            oauth2 = OAuth2PasswordBearer(tokenUrl="token")

            def verify_key(x_api_key: str = Header(...)):
                if x_api_key != "expected":
                    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)

            def get_db():
                yield "db"
        ''',
        "api/admin.py": '''
            from fastapi import APIRouter
            admin = APIRouter()

            @admin.post("/purge")
            def purge():
                return {}
        ''',
        "api/main.py": '''
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
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL501", "api/main.py", 27), ("REL503", "api/main.py", 31)}


def test_fastapi_app_level_dependency_covers_every_router(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "main.py": '''
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
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_functions_framework_and_severity_by_what_the_body_does(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "main.py": '''
            import subprocess
            import functions_framework
            from google.cloud import pubsub_v1, bigquery
            from google.oauth2 import id_token
            from google.auth.transport import requests as grequests

            publisher = pubsub_v1.PublisherClient()

            @functions_framework.http
            def trigger(request):
                publisher.publish("projects/p/topics/t", b"go")
                return "ok"

            @functions_framework.http
            def rebuild(request):
                subprocess.run(["make", "all"], check=True)
                return "ok"

            @functions_framework.http
            def status(request):
                return "fine"

            @functions_framework.http
            def export(request):
                token = request.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    id_token.verify_oauth2_token(token, grequests.Request(), "aud")
                except ValueError:
                    return "forbidden", 403
                bigquery.Client().extract_table("p.d.t", "gs://b/t-*.csv")
                return "ok"
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {
        ("REL501", "main.py", 10), ("REL501", "main.py", 15), ("REL503", "main.py", 20),
    }  # fmt: skip


def test_extensions_and_configured_decorators_are_trusted(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "pyproject.toml": '''
            [tool.reliability-lint.auth]
            trusted-decorators = ["iap_required"]
        ''',
        "app.py": '''
            from flask import Flask
            from flask_login import login_required
            from flask_jwt_extended import jwt_required
            from flask_httpauth import HTTPTokenAuth
            from platform_auth import iap_required

            app = Flask(__name__)
            auth = HTTPTokenAuth(scheme="Bearer")

            @app.post("/a")
            @login_required
            def a():
                return ""

            @app.post("/b")
            @jwt_required()
            def b():
                return ""

            @app.post("/c")
            @auth.login_required
            def c():
                return ""

            @app.post("/d")
            @iap_required
            def d():
                return ""
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_unknown_third_party_decorator_is_not_reported(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app.py": '''
            from flask import Flask
            from somewhere_installed import guard

            app = Flask(__name__)

            @app.post("/a")
            @guard
            def a():
                return ""
        ''',
    })  # fmt: skip
    assert check_tree(root) == []


def test_health_routes_exempt_for_reads_only_and_patterns_configurable(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "pyproject.toml": '''
            [tool.reliability-lint.auth]
            exempt-routes = ["/status"]
        ''',
        "app.py": '''
            from flask import Flask
            app = Flask(__name__)

            @app.get("/status")
            def status():
                return "ok"

            @app.get("/healthz")
            def healthz():
                return "ok"

            @app.post("/status")
            def reset():
                return "ok"
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL503", "app.py", 9), ("REL501", "app.py", 13)}


def test_private_services_are_silenced_with_a_reason(tmp_path: Path) -> None:
    app = '''
        from flask import Flask
        app = Flask(__name__)

        @app.post("/run")
        def run():
            return "ok"
    '''
    root = write_tree(tmp_path, {
        "pyproject.toml": '''
            [tool.reliability-lint.auth]
            private-services = { "svc/internal/*" = "internal ingress only, IAM-protected" }
        ''',
        "svc/internal/worker/app.py": app,
        "svc/public/app.py": app,
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL501", "svc/public/app.py", 5)}


def test_a_private_service_without_a_reason_is_a_config_error(tmp_path: Path) -> None:
    from conftest import run_tool

    root = write_tree(tmp_path, {
        "pyproject.toml": '[tool.reliability-lint.auth]\nprivate-services = { "svc/*" = "" }\n',
        "app.py": "x = 1\n",
    })  # fmt: skip
    done = run_tool("check", "--no-cache", ".", cwd=root)
    assert done.returncode == 2
    assert "private-services" in done.stderr and "reason" in done.stderr


def test_apps_of_a_test_suite_are_not_endpoints(tmp_path: Path) -> None:
    app = 'from flask import Flask\napp = Flask(__name__)\n\n@app.post("/x")\ndef x():\n    return ""\n'
    root = write_tree(tmp_path, {"tests/test_api.py": app, "conftest.py": app, "svc/app_test.py": app, "svc/app.py": app})
    assert codes_by_place(check_tree(root), root) == {("REL501", "svc/app.py", 5)}


def test_methods_not_written_as_a_literal_count_as_any_method(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "app.py": '''
            from flask import Flask
            app = Flask(__name__)
            METHODS = ["GET", "POST"]

            @app.route("/", methods=METHODS)
            def index():
                return ""

            @app.route("/")
            def home():
                return ""
        ''',
    })  # fmt: skip
    # Not exempt as a read-only `/`, and no method known to write: read-only severity.
    assert codes_by_place(check_tree(root), root) == {("REL503", "app.py", 6)}


def test_private_services_match_when_the_run_starts_in_a_subfolder(tmp_path: Path) -> None:
    app = 'from flask import Flask\napp = Flask(__name__)\n\n@app.post("/x")\ndef x():\n    return ""\n'
    root = write_tree(tmp_path, {
        "pyproject.toml": '[tool.reliability-lint.auth]\nprivate-services = { "svc/internal/*" = "VPC only" }\n',
        "svc/internal/app.py": app, "svc/public/app.py": app,
    })  # fmt: skip
    from conftest import run_tool

    done = run_tool("check", "--no-cache", "--select", "REL5", "--output-format", "json", ".", cwd=root / "svc")
    assert [Path(f["filename"]).parent.name for f in __import__("json").loads(done.stdout)] == ["public"]
