"""Error answers that never fail themselves: the 400/403/404/500 handlers, the 503 of a busy
database, and the JSON error contract for the API.

Django's own handlers are wrapped in ``requires_csrf_token``, which reads ``request.POST``
again: a body that could not be parsed the first time (a form posted in a charset other than
UTF-8, a body past the size limit) raised again in the 400 handler, and the answer became a
500. These handlers read nothing from the body, render a page without the request's context
(no CSRF token, no user, no query) and answer the API's paths with its JSON contract.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

API_PREFIX = "/api/"
CITIZEN_PREFIXES = ("/r/", "/passes/apply")
# Seconds a client is asked to wait before trying again when the database is busy.
RETRY_AFTER_S = 2


_TITLES = {
    400: gettext_lazy("Bad request"),
    403: gettext_lazy("No access"),
    404: gettext_lazy("Page not found"),
    500: gettext_lazy("Server error"),
    503: gettext_lazy("System busy"),
}


def _static_or_none(path: str) -> str | None:
    # An error page must not fail itself: without collected static files (their manifest),
    # it goes without its style rather than raising in the handler.
    try:
        return static(path)
    except ValueError:
        return None


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    errors: dict[str, Any] | None = None,
) -> HttpResponse:
    """The API's JSON error body on API paths, a small page elsewhere."""
    if is_api(request):
        body: dict[str, Any] = {"code": code, "message": message}
        if errors is not None:
            body["errors"] = errors
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        context = {
            "status": status,
            "title": _TITLES.get(status, _("Error")),
            "message": message,
            # Citizens come by a site's QR code and have no menu to go back to.
            "citizen": request.path_info.startswith(CITIZEN_PREFIXES),
            "css": _static_or_none("core/fangkong.css"),
            "icon": _static_or_none("core/icons/favicon.svg"),
        }
        html = render_to_string("core/error.html", context)
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def database_busy(request: HttpRequest) -> HttpResponse:
    message = _("The system is busy. Nothing was saved; please try again in a moment.")
    return error_response(request, status=503, code="busy", message=message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("The request could not be read. Reload the page and try again.")
    return error_response(request, status=400, code="bad_request", message=message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("You may not open this page.")
    return error_response(request, status=403, code="forbidden", message=message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("There is no page at this address. It may have moved, or the link is mistyped.")
    return error_response(request, status=404, code="not_found", message=message)


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("Something went wrong on the server. It has been logged; please try again.")
    return error_response(request, status=500, code="server_error", message=message)
