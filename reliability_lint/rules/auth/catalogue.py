"""What the auth family knows by name: the web frameworks' app and router classes, the
decorators and dependencies of the common auth extensions, the decorators known not to
authenticate, and the family's rules and options."""

from __future__ import annotations

from typing import Any

from reliability_lint.registry import Option, options, rule

FAMILY = "auth"

# Classes whose instances carry routes: (framework, whether it is a group inside an app).
APP_CLASSES = {
    "flask.Flask": ("flask", False),
    "flask.Blueprint": ("flask", True),
    "flask.blueprints.Blueprint": ("flask", True),
    "fastapi.FastAPI": ("fastapi", False),
    "fastapi.applications.FastAPI": ("fastapi", False),
    "fastapi.APIRouter": ("fastapi", True),
    "fastapi.routing.APIRouter": ("fastapi", True),
    "starlette.applications.Starlette": ("fastapi", False),
}
# Decorator methods that register a route, and the methods they imply (None: from `methods=`).
ROUTE_DECORATORS: dict[str, tuple[str, ...] | None] = {
    "route": None, "api_route": None,
    "get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",),
    "delete": ("DELETE",), "head": ("HEAD",), "options": ("OPTIONS",),
}  # fmt: skip
CLOUD_FUNCTION_DECORATORS = frozenset({"functions_framework.http"})
METHOD_VIEWS = frozenset({"flask.views.MethodView", "flask.views.View"})
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Decorators (qualified names) that authenticate whatever they wrap.
TRUSTED_DECORATORS = frozenset({
    "flask_login.login_required", "flask_login.fresh_login_required",
    "flask_login.utils.login_required",
    "flask_security.auth_required", "flask_security.login_required",
    "flask_security.roles_required", "flask_security.roles_accepted",
    "flask_security.permissions_required", "flask_security.http_auth_required",
    "flask_security.token_auth_required",
    "flask_jwt_extended.jwt_required", "flask_jwt_extended.fresh_jwt_required",
    "flask_jwt_extended.jwt_refresh_token_required",
    "flask_praetorian.auth_required", "flask_praetorian.roles_required",
    "django.contrib.auth.decorators.login_required",
    "django.contrib.auth.decorators.permission_required",
    "django.contrib.admin.views.decorators.staff_member_required",
})  # fmt: skip
# A decorator of this bare name is trusted wherever it comes from: a `login_required` that
# does not check is not a mistake this family can tell from one that does.
TRUSTED_BARE_NAMES = frozenset({"login_required", "jwt_required", "auth_required", "roles_required"})
# Objects whose `login_required` (and `verify_password`-backed) decorators authenticate.
HTTPAUTH_CLASSES = frozenset({
    "flask_httpauth.HTTPBasicAuth", "flask_httpauth.HTTPTokenAuth",
    "flask_httpauth.HTTPDigestAuth", "flask_httpauth.MultiAuth",
})  # fmt: skip
HTTPAUTH_METHODS = frozenset({"login_required"})
# FastAPI security schemes: a dependency on one of these reads a credential (and rejects
# a request without one unless auto_error=False).
SECURITY_SCHEMES = frozenset({
    "fastapi.security.OAuth2PasswordBearer", "fastapi.security.OAuth2AuthorizationCodeBearer",
    "fastapi.security.HTTPBearer", "fastapi.security.HTTPBasic", "fastapi.security.HTTPDigest",
    "fastapi.security.APIKeyHeader", "fastapi.security.APIKeyQuery",
    "fastapi.security.APIKeyCookie", "fastapi.security.OpenIdConnect", "fastapi.security.OAuth2",
})  # fmt: skip
DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends"})
SECURITY = frozenset({"fastapi.Security", "fastapi.params.Security"})
AUTH_MIDDLEWARE = frozenset({"starlette.middleware.authentication.AuthenticationMiddleware"})

# Decorators known not to authenticate: they neither make a route safe nor leave it unknown.
NON_AUTH_DECORATORS = frozenset({
    "functools.wraps", "functools.lru_cache", "functools.cache",
    "flask_cors.cross_origin", "flask_cors.decorator.cross_origin",
    "flask.typing", "flask_compress.compress", "flasgger.swag_from",
    "webargs.flaskparser.use_args", "webargs.flaskparser.use_kwargs",
    "staticmethod", "classmethod", "property",
})  # fmt: skip
# Methods of objects, by attribute name, that are known not to authenticate
# (`@limiter.limit(...)`, `@cache.cached(...)`, `@bp.response(...)`).
NON_AUTH_METHODS = frozenset({"limit", "exempt", "cached", "memoize", "response", "arguments", "doc"})

# Words in a handler body that mean it changes or exports something (REL501 rather than REL503).
WRITE_CALLS = frozenset({
    "publish", "insert_rows", "insert_rows_json", "load_table_from_uri", "load_table_from_file",
    "load_table_from_dataframe", "load_table_from_json", "extract_table", "copy_table",
    "delete_table", "delete_dataset", "create_table", "create_dataset", "upload_from_string",
    "upload_from_filename", "upload_from_file", "delete_blob", "delete_blobs", "copy_blob",
    "set", "add", "update", "delete", "commit", "create", "to_gbq", "to_sql", "execute",
    "run", "Popen", "call", "check_call", "check_output", "system", "spawn", "remove",
    "unlink", "rmtree", "write_text", "write_bytes", "trigger", "send",
})  # fmt: skip
SUBPROCESS_MODULES = frozenset({"subprocess", "os"})

DEFAULT_EXEMPT = ["/health*", "/ready*", "/live*", "/", "/metrics", "/_ah/health", "/healthz", "/readyz", "/livez"]


def _str_list(value: Any) -> str | None:
    return None if all(isinstance(item, str) and item for item in value) else "must be a list of non-empty strings"


def _reasons(value: Any) -> str | None:
    if all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in value.items()):
        return None
    return 'must be a table of glob = "reason" (a non-empty reason for each service)'


options(
    FAMILY,
    Option("trusted-decorators", list, [], _str_list),
    Option("trusted-dependencies", list, [], _str_list),
    Option("exempt-routes", list, DEFAULT_EXEMPT, _str_list),
    Option("private-services", dict, {}, _reasons),
)

SECURITY_TAGS = ("security",)  # code scanning ranks these as security alerts

rule("REL501", "unauthenticated-route",
     "HTTP route that writes, triggers, deletes or exports with no authentication", "P0", family=FAMILY,
     page="REL501-unauthenticated-route.md", tags=SECURITY_TAGS)
rule("REL502", "route-missing-sibling-auth",
     "HTTP route lacks the auth decorator or dependency its sibling routes carry", "P0",
     fix="unsafe", family=FAMILY,
     page="REL502-route-missing-sibling-auth.md", tags=SECURITY_TAGS)
rule("REL503", "unauthenticated-read-route", "Read-only HTTP route with no authentication", "P1", family=FAMILY,
     page="REL503-unauthenticated-read-route.md", tags=SECURITY_TAGS)
rule("REL511", "public-deploy", "Cloud Run service or Cloud Function deployed with --allow-unauthenticated",
     "P1", fix="unsafe", family=FAMILY,
     page="REL511-public-deploy.md", tags=SECURITY_TAGS)
rule("REL512", "scheduler-job-without-auth", "Cloud Scheduler HTTP job sends no OIDC or OAuth token",
     "P1", family=FAMILY,
     page="REL512-scheduler-job-without-auth.md", tags=SECURITY_TAGS)
rule("REL513", "push-subscription-without-auth",
     "Pub/Sub push subscription sends no authenticating token to its endpoint", "P1", family=FAMILY,
     page="REL513-push-subscription-without-auth.md", tags=SECURITY_TAGS)
rule("REL514", "secret-in-env-vars", "Credential passed in plain text with --set-env-vars / --update-env-vars",
     "P0", family=FAMILY,
     page="REL514-secret-in-env-vars.md", tags=SECURITY_TAGS)
rule("REL515", "public-deploy-of-open-route",
     "Deployed with --allow-unauthenticated, and the deployed code has a route with no authentication",
     "P0", fix="unsafe", family=FAMILY,
     page="REL515-public-deploy-of-open-route.md", tags=SECURITY_TAGS)
rule("REL516", "subscription-without-dead-letter",
     "Pub/Sub subscription with no dead-letter topic: a message that always fails is retried until it expires",
     "P2", family=FAMILY,
     page="REL516-subscription-without-dead-letter.md")
