"""What the auth family knows by name: the web frameworks' app and router classes, the
decorators and dependencies of the common auth extensions, the decorators known not to
authenticate, and the family's rules and options."""

from __future__ import annotations

from typing import Any

from reliability_lint.registry import Option, options, rule
from reliability_lint.semantic import auth_facts

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
    "django.contrib.auth.decorators.user_passes_test",
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
DEPENDS, SECURITY = auth_facts.DEPENDS, auth_facts.SECURITY  # shared with the facts other modules' summaries hold
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

# ------------------------------------------------------------------ Django and REST framework

DJANGO_ROUTE_CALLS = frozenset({"django.urls.path", "django.urls.re_path", "django.conf.urls.url", "django.urls.conf.path", "django.urls.conf.re_path"})
DJANGO_INCLUDE = frozenset({"django.urls.include", "django.conf.urls.include", "django.urls.conf.include"})
DJANGO_PATTERN_WRAPPERS = frozenset({"django.conf.urls.i18n.i18n_patterns", "rest_framework.urlpatterns.format_suffix_patterns"})
DRF_ROUTERS = frozenset({"rest_framework.routers.DefaultRouter", "rest_framework.routers.SimpleRouter"})
# Bases that make a class view authenticate (by bare name: django-braces has its own).
TRUSTED_MIXINS = frozenset({
    "LoginRequiredMixin", "PermissionRequiredMixin", "UserPassesTestMixin", "StaffuserRequiredMixin",
    "SuperuserRequiredMixin", "GroupRequiredMixin", "StaffRequiredMixin",
})  # fmt: skip
# Library view classes known not to authenticate, with the HTTP methods they handle (their
# subclasses add their own `get`/`post`...); "drf:" marks REST framework classes, whose
# permission_classes decide.
_GENERIC = "django.views.generic."
_DRF = "rest_framework."
DJANGO_VIEW_BASES: dict[str, tuple[str, ...]] = {
    "django.views.View": (), "django.views.generic.View": (), "django.views.generic.base.View": (),
    _GENERIC + "TemplateView": ("GET",), _GENERIC + "base.TemplateView": ("GET",),
    _GENERIC + "RedirectView": ("GET", "POST", "PUT", "PATCH", "DELETE"),
    _GENERIC + "ListView": ("GET",), _GENERIC + "DetailView": ("GET",),
    _GENERIC + "list.ListView": ("GET",), _GENERIC + "detail.DetailView": ("GET",),
    _GENERIC + "CreateView": ("GET", "POST"), _GENERIC + "UpdateView": ("GET", "POST"),
    _GENERIC + "DeleteView": ("GET", "POST"), _GENERIC + "FormView": ("GET", "POST"),
    _GENERIC + "edit.CreateView": ("GET", "POST"), _GENERIC + "edit.UpdateView": ("GET", "POST"),
    _GENERIC + "edit.DeleteView": ("GET", "POST"), _GENERIC + "edit.FormView": ("GET", "POST"),
    _GENERIC + "ArchiveIndexView": ("GET",), _GENERIC + "YearArchiveView": ("GET",),
    _DRF + "views.APIView": (), _DRF + "generics.GenericAPIView": (),
    _DRF + "generics.ListAPIView": ("GET",), _DRF + "generics.RetrieveAPIView": ("GET",),
    _DRF + "generics.CreateAPIView": ("POST",), _DRF + "generics.DestroyAPIView": ("DELETE",),
    _DRF + "generics.UpdateAPIView": ("PUT", "PATCH"), _DRF + "generics.ListCreateAPIView": ("GET", "POST"),
    _DRF + "generics.RetrieveUpdateAPIView": ("GET", "PUT", "PATCH"),
    _DRF + "generics.RetrieveDestroyAPIView": ("GET", "DELETE"),
    _DRF + "generics.RetrieveUpdateDestroyAPIView": ("GET", "PUT", "PATCH", "DELETE"),
    _DRF + "viewsets.ViewSet": (), _DRF + "viewsets.GenericViewSet": (),
    _DRF + "viewsets.ModelViewSet": ("GET", "POST", "PUT", "PATCH", "DELETE"),
    _DRF + "viewsets.ReadOnlyModelViewSet": ("GET",),
    _DRF + "mixins.ListModelMixin": ("GET",), _DRF + "mixins.RetrieveModelMixin": ("GET",),
    _DRF + "mixins.CreateModelMixin": ("POST",), _DRF + "mixins.UpdateModelMixin": ("PUT", "PATCH"),
    _DRF + "mixins.DestroyModelMixin": ("DELETE",),
}  # fmt: skip
VIEWSET_ACTIONS = {"list": "GET", "retrieve": "GET", "create": "POST", "update": "PUT", "partial_update": "PATCH", "destroy": "DELETE"}
# REST framework permission classes (bare names) that require an authenticated caller, and
# the one that lets anyone in.
DRF_AUTH_PERMISSIONS = frozenset({
    "IsAuthenticated", "IsAdminUser", "IsAuthenticatedOrReadOnly", "DjangoModelPermissions",
    "DjangoObjectPermissions", "DjangoModelPermissionsOrAnonReadOnly", "TokenHasScope",
    "TokenHasReadWriteScope", "IsAuthenticatedOrTokenHasScope",
})  # fmt: skip
DRF_OPEN_PERMISSIONS = frozenset({"AllowAny"})
# Django decorators that restrict methods, and the methods they leave.
DJANGO_METHOD_DECORATORS = {
    "django.views.decorators.http.require_GET": ("GET",),
    "django.views.decorators.http.require_POST": ("POST",),
    "django.views.decorators.http.require_safe": ("GET", "HEAD"),
}
DJANGO_METHODS_FROM_ARGS = frozenset({"django.views.decorators.http.require_http_methods", "rest_framework.decorators.api_view"})
DJANGO_METHOD_DECORATOR = "django.utils.decorators.method_decorator"
DRF_PERMISSION_DECORATOR = "rest_framework.decorators.permission_classes"
DJANGO_LOGIN_NOT_REQUIRED = "django.contrib.auth.decorators.login_not_required"
# Middleware that refuses an anonymous caller on every view (Django 5.1's, and the common
# packages'); a view marked `@login_not_required` is let through.
AUTH_ENFORCING_MIDDLEWARE = frozenset({
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "login_required.middleware.LoginRequiredMiddleware",
    "django_auth_adfs.middleware.LoginRequiredMiddleware",
    "lockdown.middleware.LockdownMiddleware",
})  # fmt: skip
# Middleware known not to refuse anyone (AuthenticationMiddleware only sets request.user).
NON_AUTH_MIDDLEWARE_PACKAGES = ("django.", "whitenoise.", "corsheaders.", "debug_toolbar.", "csp.", "silk.", "allauth.account.middleware.", "django_htmx.", "simple_history.")
DJANGO_NON_AUTH_DECORATORS = frozenset({
    "django.views.decorators.csrf.csrf_exempt", "django.views.decorators.csrf.csrf_protect",
    "django.views.decorators.csrf.ensure_csrf_cookie", "django.views.decorators.csrf.requires_csrf_token",
    "django.views.decorators.http.require_GET", "django.views.decorators.http.require_POST",
    "django.views.decorators.http.require_safe", "django.views.decorators.http.require_http_methods",
    "django.views.decorators.http.condition", "django.views.decorators.http.etag",
    "django.views.decorators.http.last_modified", "django.views.decorators.cache.cache_page",
    "django.views.decorators.cache.never_cache", "django.views.decorators.cache.cache_control",
    "django.views.decorators.vary.vary_on_headers", "django.views.decorators.vary.vary_on_cookie",
    "django.views.decorators.gzip.gzip_page", "django.db.transaction.atomic",
    "django.views.decorators.clickjacking.xframe_options_exempt",
    "django.views.decorators.clickjacking.xframe_options_deny",
    "django.views.decorators.clickjacking.xframe_options_sameorigin",
    "django.contrib.auth.decorators.login_not_required",
    "rest_framework.decorators.api_view", "rest_framework.decorators.throttle_classes",
    "rest_framework.decorators.renderer_classes", "rest_framework.decorators.parser_classes",
    "rest_framework.decorators.authentication_classes", "rest_framework.decorators.schema",
    "rest_framework.decorators.action",
})  # fmt: skip
