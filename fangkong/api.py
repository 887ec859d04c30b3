"""The JSON API under /api/v1: the officer app's and other police systems' way in.

Handlers are thin: they parse, call one service or selector, and return. Errors become 4xx
answers with a machine-readable ``code``; nothing reaches the client as a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from fangkong.command.api import router as command_router
from fangkong.core.busy import busy_hold, is_busy_error
from fangkong.core.errorpages import database_busy
from fangkong.core.errors import PermissionDeniedError, error_payload, schema_error_message
from fangkong.core.ratelimit import RateLimited
from fangkong.core.schemas import ApiError
from fangkong.core.views import docs_login
from fangkong.duty.api import router as duty_router
from fangkong.grid.api import router as grid_router
from fangkong.grid.sealed_api import router as grid_sealed_router
from fangkong.intel.api import router as intel_router
from fangkong.jobs.api import router as jobs_router
from fangkong.keypersons.api import router as keypersons_router
from fangkong.org.api import router as org_router
from fangkong.passes.api import router as passes_router
from fangkong.registration.api import router as registration_router
from fangkong.roster.api import router as roster_router
from fangkong.screening.api import router as screening_router
from fangkong.sites.api import router as sites_router
from fangkong.supplies.api import router as supplies_router

# The answers any operation may give besides its own, documented on every operation.
ERROR_ANSWERS = {
    "400": "Cannot parse request body (not JSON, not UTF-8, or larger than the limit)",
    "401": "Not logged in",
    "403": "Not allowed",
    "404": "Not found, or outside the caller's jurisdiction",
    "422": "Some input is not valid: errors per field",
    "503": "The database is busy: nothing was saved; try again after Retry-After seconds",
}


class FangkongAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        document_errors(schema)
        return schema


def document_errors(schema: dict[str, Any]) -> None:
    """Add the common error answers, with the error contract's schema, to every operation."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error.pop("$defs", {}))
    components["ApiError"] = error
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                if status not in responses and int(status) not in responses:
                    responses[status] = {"description": description, "content": content}


api = FangkongAPI(
    title="Fangkong API",
    version="1",
    description="Fangkong (防控) epidemic-control command platform",
    auth=django_auth,
    urls_namespace="api",
    docs_decorator=docs_login,
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, error_payload(exc), status=422)


# Where the source and the parameter's name lead a pydantic error's location.
_SOURCES = {"body": 2, "form": 2, "file": 2, "query": 1, "path": 1, "header": 1, "cookie": 1}


def _field_name(loc: Any) -> str:
    parts = [str(part) for part in loc]
    skip = _SOURCES.get(parts[0], 0) if parts else 0
    return ".".join(parts[skip:]) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with ``errors`` as the contract has it: field → [{code, message}]."""
    errors: dict[str, list[dict[str, str]]] = {}
    for error in exc.errors:
        field = _field_name(error.get("loc", ()))
        code = str(error.get("type") or "invalid")
        errors.setdefault(field, []).append({"code": code, "message": schema_error_message(error)})
    body = {"code": "invalid_input", "message": _("Some input is not valid."), "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja's own: "Cannot parse request body" (400) and the like, in the error contract.
    code = "bad_request" if exc.status_code == 400 else f"http_{exc.status_code}"
    message = _("The request body could not be read.") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)


@api.exception_handler(OperationalError)
def on_database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    if not is_busy_error(exc):
        raise exc
    busy_hold.start()
    return database_busy(request)


@api.exception_handler(PermissionDeniedError)
def on_forbidden(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "message": str(exc)}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthenticated", "message": _("Log in first.")}
    return api.create_response(request, body, status=401)


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message, "retry_after": exc.verdict.retry_after}
    response = api.create_response(request, body, status=429)
    response["Retry-After"] = str(exc.verdict.retry_after)
    return response


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
api.add_router("/", jobs_router)
api.add_router("/", supplies_router)
api.add_router("/", duty_router)
api.add_router("/", intel_router)
api.add_router("/", grid_router)
api.add_router("/", grid_sealed_router)
api.add_router("/", keypersons_router)
