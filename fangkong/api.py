"""The JSON API under /api/v1: the officer app's and other police systems' way in.

Handlers are thin: they parse, call one service or selector, and return. Errors become 4xx
answers with a machine-readable ``code``; nothing reaches the client as a 500.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from fangkong.command.api import router as command_router
from fangkong.core.errors import PermissionDeniedError, error_payload
from fangkong.org.api import router as org_router
from fangkong.registration.api import router as registration_router
from fangkong.roster.api import router as roster_router
from fangkong.screening.api import router as screening_router
from fangkong.screening.passes_api import router as passes_router
from fangkong.sites.api import router as sites_router
from fangkong.supplies.api import router as supplies_router

api = NinjaAPI(
    title="Fangkong API",
    version="1",
    description="Fangkong (防控) epidemic-control command platform",
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, error_payload(exc), status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    body = {"code": "invalid_input", "message": _("Some input is not valid."), "errors": exc.errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(PermissionDeniedError)
def on_forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "message": str(exc)}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthenticated", "message": _("Log in first.")}
    return api.create_response(request, body, status=401)


@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    # Records outside the caller's jurisdiction are reported as absent, not as forbidden,
    # so the API does not reveal that they exist.
    body = {"code": "not_found", "message": _("Not found.")}
    return api.create_response(request, body, status=404)


api.add_router("/", org_router)
api.add_router("/", sites_router)
api.add_router("/", registration_router)
api.add_router("/", screening_router)
api.add_router("/", command_router)
api.add_router("/", roster_router)
api.add_router("/", passes_router)
api.add_router("/", supplies_router)
