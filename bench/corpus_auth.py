"""Services and deploy configuration for the auth family (REL501-REL516), with ground truth.

Each service set is a small project tree under `auth/<name>/`: a Flask coordinator whose
routes share a project decorator, a Flask app guarded by an app-wide `before_request`, a
blueprint registered in another module, a look-alike `require_api_key` that checks
nothing, a FastAPI service with dependencies on routes, routers and the app, Cloud
Functions (checked and open) and the scripts that deploy and wire them (shell, Makefile,
Cloud Build, GitHub Actions, a Markdown runbook), and two Django projects (views guarded
one by one, and a project whose middleware enforces login). Lines carry markers while built:

    «D CODE kind»  planted defect: must be reported as CODE on this line
    «N kind»       look-alike: no REL5xx code may be reported on this line
    «O CODE kind»  a defect of another family on the line (REL302 for a key in a script)
"""

from __future__ import annotations

import random
import re
import textwrap
from typing import Any

MARK = re.compile(r"[ \t]*«([DNO]) ([^»]*)»")
VERBS = ["export", "rebuild", "backfill", "purge", "replay", "score", "sync", "compact"]
NOUNS = ["orders", "events", "prices", "sessions", "invoices", "listings", "claims", "visits"]
SECRET_SHAPES = ["sk_live_FAKE{0}", "ghp_FAKE{0}{0}"]  # filled in when built: no literal key here


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def service_set(name: str, rng: random.Random) -> dict[str, str]:
    """The files of one service set (relative path -> text with markers)."""
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    siblings = rng.randint(3, 6)
    files: dict[str, str] = {}
    pkg = f"{name}_coord"
    files[f"{pkg}/__init__.py"] = ""
    files[f"{pkg}/auth.py"] = _dedent('''
        import hmac
        import os
        from functools import wraps

        from flask import abort, request


        def require_api_key(view):
            @wraps(view)
            def wrapper(*args, **kwargs):
                sent = request.headers.get("X-API-Key", "")
                if not hmac.compare_digest(sent, os.environ["COORDINATOR_KEY"]):
                    abort(401)
                return view(*args, **kwargs)
            return wrapper
    ''')
    routes = [f"from flask import Flask\n\nfrom {pkg}.auth import require_api_key\n\napp = Flask(__name__)\n"]
    for i in range(siblings):
        routes.append(_dedent(f'''
            @app.post("/{noun}/{verb}{i}")
            @require_api_key
            def {verb}_{noun}_{i}():  «N sibling-with-decorator»
                return "ok"
        '''))
    routes.append(_dedent(f'''
        @app.post("/{noun}/{verb}-all")
        def {verb}_all_{noun}():  «D REL502 missing-sibling-decorator»
            return "ok"


        @app.get("/healthz")
        def healthz():  «N health-route»
            return "ok"
    '''))
    files[f"{pkg}/app.py"] = "\n\n".join(routes)

    files[f"{name}_hooked/app.py"] = _dedent(f'''
        from flask import Flask, abort, request

        app = Flask(__name__)


        @app.before_request
        def check_token():
            if request.headers.get("Authorization") != "Bearer " + app.config["TOKEN"]:
                abort(403)


        @app.post("/{verb}")
        def {verb}():  «N app-wide-before-request»
            return "ok"


        @app.delete("/{noun}/<key>")
        def drop_{noun}(key):  «N app-wide-before-request»
            return "ok"
    ''')

    bp = f"{name}_bp"
    files[f"{bp}/__init__.py"] = ""
    files[f"{bp}/views.py"] = _dedent(f'''
        from flask import Blueprint
        from google.cloud import pubsub_v1

        views = Blueprint("views", __name__)
        publisher = pubsub_v1.PublisherClient()


        @views.route("/{noun}/publish", methods=["POST"])
        def publish_{noun}():  «D REL501 blueprint-post»
            publisher.publish("projects/p/topics/{noun}", b"go")
            return "ok"


        @views.get("/{noun}")
        def list_{noun}():  «D REL503 blueprint-get»
            return []


        @views.get("/ready")
        def ready():  «N readiness-route»
            return "ok"
    ''')
    files[f"{bp}/main.py"] = _dedent(f'''
        from flask import Flask

        from {bp} import views

        app = Flask(__name__)
        app.register_blueprint(views.views, url_prefix="/v1")
    ''')

    fake = f"{name}_fake"
    files[f"{fake}/__init__.py"] = ""
    files[f"{fake}/decorators.py"] = _dedent('''
        import logging
        from functools import wraps

        log = logging.getLogger(__name__)


        def require_api_key(view):
            """Named for a check it never makes: only logs the call."""
            @wraps(view)
            def wrapper(*args, **kwargs):
                log.info("called %s", view.__name__)
                return view(*args, **kwargs)
            return wrapper
    ''')
    files[f"{fake}/app.py"] = _dedent(f'''
        from flask import Flask

        from .decorators import require_api_key

        app = Flask(__name__)


        @app.put("/{noun}")
        @require_api_key
        def replace_{noun}():  «D REL501 lookalike-decorator-that-checks-nothing»
            return "ok"
    ''')

    api = f"{name}_api"
    files[f"{api}/__init__.py"] = ""
    files[f"{api}/deps.py"] = _dedent('''
        import os

        from fastapi import Header, HTTPException, status
        from fastapi.security import OAuth2PasswordBearer

        oauth2 = OAuth2PasswordBearer(tokenUrl="token")


        def verify_key(x_api_key: str = Header(...)):
            if x_api_key != os.environ["API_KEY"]:
                raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)


        def get_session():
            yield "session"
    ''')
    files[f"{api}/main.py"] = _dedent(f'''
        from fastapi import APIRouter, Depends, FastAPI, Security

        from .deps import get_session, oauth2, verify_key

        app = FastAPI()
        admin = APIRouter(dependencies=[Depends(verify_key)])
        public = APIRouter()


        @app.post("/{verb}")
        def {verb}(token: str = Depends(oauth2)):  «N fastapi-security-scheme»
            return {{}}


        @app.post("/{noun}", dependencies=[Security(oauth2)])
        def create_{noun}():  «N fastapi-security-on-route»
            return {{}}


        @admin.delete("/{noun}/{{key}}")
        def delete_{noun}(key: str):  «N fastapi-router-dependency»
            return {{}}


        @public.post("/{noun}/import")
        def import_{noun}(session=Depends(get_session)):  «D REL501 fastapi-non-auth-dependency»
            return {{}}


        app.include_router(admin)
        app.include_router(public)
    ''')

    fn = f"{name}_functions"
    files[f"{fn}/export/main.py"] = _dedent(f'''
        import functions_framework
        from google.cloud import bigquery


        @functions_framework.http
        def {verb}_warehouse(request):  «D REL501 cloud-function-export»
            bigquery.Client().extract_table("p.dw.{noun}", "gs://exports/{noun}-*.csv", timeout=60)
            return "started"
    ''')
    files[f"{fn}/checked/main.py"] = _dedent(f'''
        from google.auth.transport import requests
        from google.oauth2 import id_token


        def {verb}_checked(request):  «N cloud-function-verifies-id-token»
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            try:
                id_token.verify_oauth2_token(token, requests.Request(), "audience")
            except ValueError:
                return "forbidden", 403
            return "ok"
    ''')
    secret = rng.choice(SECRET_SHAPES).format("".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(24)))
    files[f"{fn}/deploy.sh"] = _dedent(f'''
        #!/usr/bin/env bash
        set -euo pipefail
        REGION=europe-west1
        COMMON="--region=$REGION --runtime=python311 --trigger-http"
        gcloud functions deploy {verb}_warehouse --source=export $COMMON \\  «D REL515 public-deploy-of-open-function»
          --allow-unauthenticated
        gcloud functions deploy {verb}_checked --source=checked $COMMON --allow-unauthenticated  «D REL511 public-deploy-of-checked-function»
        gcloud functions deploy {verb}_internal --source=checked --entry-point={verb}_checked $COMMON --no-allow-unauthenticated  «N no-allow-unauthenticated»
        for job in {verb}-nightly {verb}-hourly; do
          gcloud scheduler jobs create http "$job" --schedule="0 * * * *" --uri="https://{verb}.run.app/$job"  «D REL512 scheduler-without-token-in-loop»
        done
        gcloud scheduler jobs create http {verb}-oidc --schedule="0 3 * * *" --uri=https://x.run.app --oidc-service-account-email=sched@p.iam.gserviceaccount.com  «N scheduler-with-oidc»
        gcloud scheduler jobs create http {verb}-oauth --schedule="0 3 * * *" --uri=https://x.googleapis.com --oauth-service-account-email=sched@p.iam.gserviceaccount.com  «N scheduler-with-oauth»
        gcloud scheduler jobs create http {verb}-unknown --uri=https://x $EXTRA_FLAGS  «N unresolved-variable»
        gcloud pubsub subscriptions create {noun}-push --topic={noun} --push-endpoint=https://w.run.app/push --dead-letter-topic={noun}-dlq  «D REL513 push-without-token»
        gcloud pubsub subscriptions create {noun}-authed --topic={noun} --push-endpoint=https://w.run.app/push --push-auth-service-account=push@p.iam.gserviceaccount.com --dead-letter-topic={noun}-dlq  «N push-with-token»
        gcloud pubsub subscriptions create {noun}-pull --topic={noun}  «D REL516 subscription-without-dead-letter»
        gcloud run deploy {noun}-worker --image=gcr.io/p/w --no-allow-unauthenticated --set-env-vars="MODE=prod,PAYMENTS_API_KEY={secret}"  «D REL514 secret-in-set-env-vars» «O REL302 secret-in-script»
        gcloud run deploy {noun}-worker2 --image=gcr.io/p/w --no-allow-unauthenticated --set-env-vars=MODE=prod,API_KEY=$API_KEY  «N env-var-from-variable»
        echo "gcloud run deploy {noun} --allow-unauthenticated"  «N gcloud-inside-echo»
    ''')
    files[f"{name}_ci/cloudbuild.yaml"] = _dedent(f'''
        substitutions:
          _SERVICE: {noun}-api
          _ACCESS: --allow-unauthenticated
        steps:
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk
            entrypoint: gcloud
            args:
              - run  «D REL511 cloud-build-substitution»
              - deploy
              - ${{_SERVICE}}
              - --image=gcr.io/$PROJECT_ID/api
              - $_ACCESS
          - name: gcr.io/google.com/cloudsdktool/cloud-sdk
            entrypoint: gcloud
            args: [run, deploy, internal, --image=img, --no-allow-unauthenticated]  «N cloud-build-private»
    ''')
    files[f"{name}_ci/.github/workflows/deploy.yml"] = _dedent(f'''
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: |
                  gcloud run deploy {noun}-web --image=img \\  «D REL511 github-actions-run»
                    --allow-unauthenticated
    ''')
    files[f"{name}_ci/RUNBOOK.md"] = _dedent(f'''
        # Replaying {noun}

        ```console
        $ gcloud scheduler jobs create http replay-{noun} --uri=https://x/replay  «D REL512 runbook-console-block»
        ```

        ```python
        os.system("gcloud run deploy x --allow-unauthenticated")  «N python-block-in-runbook»
        ```
    ''')
    files[f"{name}_ci/Makefile"] = _dedent(f'''
        IMAGE ?= gcr.io/p/{noun}
        PRIVATE := --no-allow-unauthenticated

        deploy:
        \tgcloud run deploy {noun}-make --image=$(IMAGE) $(PRIVATE)  «N makefile-private»
    ''')
    files.update(django_sets(name, verb, noun))
    return files


def django_sets(name: str, verb: str, noun: str) -> dict[str, str]:
    """Two Django projects: one whose views are guarded one by one (and some are not), one
    whose settings enforce login with a middleware."""
    dj = f"{name}_django"
    files = {
        f"{dj}/manage.py": _dedent('''
            import os
            import sys

            if __name__ == "__main__":
                os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
                from django.core.management import execute_from_command_line
                execute_from_command_line(sys.argv)
        '''),
        f"{dj}/proj/__init__.py": "",
        f"{dj}/proj/settings.py": _dedent('''
            ROOT_URLCONF = "proj.urls"
            MIDDLEWARE = [
                "django.middleware.security.SecurityMiddleware",
                "django.contrib.sessions.middleware.SessionMiddleware",
                "django.contrib.auth.middleware.AuthenticationMiddleware",
                "proj.middleware.RequestTiming",
            ]
            REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
        '''),
        f"{dj}/proj/middleware.py": _dedent('''
            import time


            class RequestTiming:
                def __init__(self, get_response):
                    self.get_response = get_response

                def __call__(self, request):
                    start = time.monotonic()
                    response = self.get_response(request)
                    response["X-Elapsed"] = str(time.monotonic() - start)
                    return response
        '''),
        f"{dj}/proj/urls.py": _dedent(f'''
            from django.contrib.auth.decorators import login_required
            from django.urls import include, path, re_path
            from django.views.decorators.csrf import csrf_exempt

            from {noun} import views

            urlpatterns = [
                path("{noun}/", include("{noun}.urls")),
                path("{verb}/", csrf_exempt(views.{verb}_all)),  «D REL501 django-csrf-exempt-is-not-auth»
                path("report/", login_required(views.report)),  «N django-login-required-in-urls»
                re_path(r"^healthz/$", views.healthz),  «N django-health-route»
            ]
        '''),
        f"{dj}/{noun}/__init__.py": "",
        f"{dj}/{noun}/guards.py": _dedent('''
            from functools import wraps

            from django.core.exceptions import PermissionDenied


            def require_staff(view):
                @wraps(view)
                def wrapper(request, *args, **kwargs):
                    if not request.user.is_staff:
                        raise PermissionDenied
                    return view(request, *args, **kwargs)
                return wrapper


            def require_audit(view):
                @wraps(view)
                def wrapper(request, *args, **kwargs):
                    print("audit", request.path)
                    return view(request, *args, **kwargs)
                return wrapper
        '''),
        f"{dj}/{noun}/base.py": _dedent('''
            from django.contrib.auth.mixins import LoginRequiredMixin
            from django.views import View


            class StaffView(LoginRequiredMixin, View):
                pass


            class PlainView(View):
                pass
        '''),
        f"{dj}/{noun}/views.py": _dedent(f'''
            import subprocess

            from django.contrib.auth.decorators import login_required
            from django.contrib.auth.mixins import LoginRequiredMixin
            from django.http import HttpResponse
            from django.utils.decorators import method_decorator
            from django.views.decorators.http import require_POST
            from django.views.generic import CreateView, ListView
            from rest_framework import viewsets
            from rest_framework.permissions import IsAuthenticated

            from .base import PlainView, StaffView
            from .guards import require_audit, require_staff


            def {verb}_all(request):
                subprocess.run(["{verb}.sh"])  «O REL207 subprocess-without-timeout»
                return HttpResponse("started")


            def report(request):
                return HttpResponse("report")


            def healthz(request):
                return HttpResponse("ok")


            @require_staff
            @require_POST
            def purge(request):
                return HttpResponse("purged")


            @require_audit
            @require_POST
            def replay(request):
                return HttpResponse("replayed")


            class {noun.title()}List(ListView):
                model = None


            class {noun.title()}Create(LoginRequiredMixin, CreateView):
                model = None


            class {noun.title()}Import(CreateView):
                model = None


            @method_decorator(login_required, name="dispatch")
            class Rebuild(PlainView):
                def post(self, request):
                    return HttpResponse("rebuilt")


            class Compact(StaffView):
                def post(self, request):
                    return HttpResponse("compacted")


            class Sync(PlainView):
                def post(self, request):
                    return HttpResponse("synced")


            class {noun.title()}ViewSet(viewsets.ModelViewSet):
                queryset = None


            class Audit{noun.title()}ViewSet(viewsets.ReadOnlyModelViewSet):
                permission_classes = [IsAuthenticated]
        '''),
        f"{dj}/{noun}/urls.py": _dedent(f'''
            from django.urls import path
            from rest_framework.routers import DefaultRouter

            from . import views

            router = DefaultRouter()
            router.register(r"{noun}", views.{noun.title()}ViewSet)  «D REL501 drf-model-viewset-allow-any»
            router.register(r"audit", views.Audit{noun.title()}ViewSet)  «N drf-permission-classes»

            urlpatterns = [
                path("", views.{noun.title()}List.as_view()),  «D REL503 django-list-view»
                path("new/", views.{noun.title()}Create.as_view()),  «N django-login-required-mixin»
                path("import/", views.{noun.title()}Import.as_view()),  «D REL501 django-create-view»
                path("purge/", views.purge),  «N django-project-decorator-that-checks»
                path("replay/", views.replay),  «D REL501 django-lookalike-decorator»
                path("rebuild/", views.Rebuild.as_view()),  «N django-method-decorator-dispatch»
                path("compact/", views.Compact.as_view()),  «N django-project-base-with-mixin»
                path("sync/", views.Sync.as_view()),  «D REL501 django-project-base-without-auth»
            ]
        '''),
    }
    locked = f"{name}_djlocked"
    for relative, text in list(files.items()):
        if relative.startswith(f"{dj}/"):
            text = MARK.sub("", text) if relative.endswith("urls.py") else text
            files[relative.replace(dj, locked, 1)] = text
    files[f"{locked}/proj/settings.py"] = files[f"{dj}/proj/settings.py"].replace(
        '    "proj.middleware.RequestTiming",\n', '    "django.contrib.auth.middleware.LoginRequiredMiddleware",\n'
    )
    files[f"{locked}/proj/urls.py"] = _dedent(f'''
        from django.urls import include, path

        from {noun} import views

        urlpatterns = [
            path("{noun}/", include("{noun}.urls")),  «N django-login-middleware»
            path("{verb}/", views.{verb}_all),  «N django-login-middleware»
            path("status/", views.status),  «D REL501 django-login-not-required»
        ]
    ''')
    files[f"{locked}/{noun}/views.py"] = files[f"{dj}/{noun}/views.py"] + "\n\n" + _dedent('''


        from django.contrib.auth.decorators import login_not_required


        @login_not_required
        def status(request):
            subprocess.run(["status.sh"])  «O REL207 subprocess-without-timeout»
            return HttpResponse("ok")
    ''')
    return files


def generate(out: Any, sets: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Write `sets` service sets under out/auth/ and return their ground truth."""
    truth: dict[str, list[dict[str, Any]]] = {"defects": [], "negatives": [], "other": []}
    for index in range(sets):
        rng = random.Random(f"{seed}/auth/{index}")
        name = f"s{index:02d}"
        for relative, text in service_set(name, rng).items():
            path = f"auth/{name}/{relative}"
            lines = []
            for number, line in enumerate(text.split("\n"), 1):
                for kind, what in MARK.findall(line):
                    code, _, label = what.partition(" ")
                    if kind == "N":
                        truth["negatives"].append({"file": path, "line": number, "kind": what})
                    else:
                        key = "defects" if kind == "D" else "other"
                        truth[key].append({"file": path, "line": number, "code": code, "kind": label})
                line = MARK.sub("", line)
                lines.append(line)
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines), encoding="utf-8")
    return truth
