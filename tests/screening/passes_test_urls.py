"""The project's URLs plus the vehicle passes, until they are wired into fangkong.urls and
fangkong.api. The pass router goes into its own NinjaAPI (own URL namespace), with the
project API's error handlers, so this works before and after the wiring."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.urls import include, path
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from fangkong import api as project_api
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.ratelimit import RateLimited
from fangkong.screening.passes_api import router as passes_router
from fangkong.urls import urlpatterns as project_urlpatterns

passes_api = NinjaAPI(
    title="Fangkong API (vehicle passes, tests)",
    version="1-passes-tests",
    auth=django_auth,
    urls_namespace="passes_api_tests",
)
for exc_class, handler in (
    (ValidationError, project_api.on_validation_error),
    (NinjaValidationError, project_api.on_schema_error),
    (PermissionDeniedError, project_api.on_forbidden),
    (AuthenticationError, project_api.on_unauthenticated),
    (ObjectDoesNotExist, project_api.on_not_found),
    (RateLimited, project_api.on_rate_limited),
):
    passes_api.add_exception_handler(exc_class, handler)
passes_api.add_router("/", passes_router)

urlpatterns = [
    path("api/v1/", passes_api.urls),
    *[p for p in project_urlpatterns if getattr(p, "app_name", None) != "passes"],
    path("passes/", include("fangkong.screening.passes_urls")),
]
