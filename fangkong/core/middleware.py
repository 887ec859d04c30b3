"""Two guards at the edge: input that must not reach a view, and a database that is busy.

:class:`TextHygieneMiddleware` refuses control characters (fangkong/core/text.py) in the
query string of every request and in the JSON body of every API request, before the view
runs: the API answers 422 with the field's error, a page 400. Form bodies are checked by
the forms themselves, which put the message on the field.

:class:`DatabaseBusyMiddleware` turns a write that waited its (short) turn for the
database's lock in vain into a 503 with ``Retry-After`` and a message, instead of a 500; and
for a moment after one, the writes of this process try the lock without waiting for it
(fangkong/core/busy.py), so that the workers stay free for the reads, which never wait for a
writer (SQLite in WAL mode, PostgreSQL's MVCC).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fangkong.core import errorpages
from fangkong.core.busy import busy_hold, is_busy_error, without_waiting
from fangkong.core.text import MESSAGE, bad_text_paths, has_control_characters

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS and busy_hold.active():
            with without_waiting():
                return self.get_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        if not is_busy_error(exception):
            return None
        busy_hold.start()
        return errorpages.database_busy(request)


def _query_errors(request: HttpRequest) -> list[str]:
    return [
        key
        for key, values in request.GET.lists()
        if has_control_characters(key) or any(has_control_characters(v) for v in values)
    ]


def _body_errors(request: HttpRequest) -> list[str]:
    if request.method in SAFE_METHODS or request.content_type != "application/json":
        return []
    try:
        data = json.loads(request.body)
    except ValueError:
        return []  # The API answers 400 "Cannot parse request body" itself.
    return list(bad_text_paths(data))


class TextHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = errorpages.is_api(request)
        fields = _query_errors(request) + (_body_errors(request) if api else [])
        if not fields:
            return self.get_response(request)
        if not api:
            return errorpages.bad_request(request)
        error = [{"code": "control_characters", "message": str(MESSAGE)}]
        return errorpages.error_response(
            request,
            status=422,
            code="control_characters",
            message=_("Some input is not valid."),
            errors={field: error for field in fields},
        )


class ApiMethodNotAllowedMiddleware:
    """The API answers a method a path does not take (405) with its JSON error body, the
    ``Allow`` header kept, as every other API error; django-ninja's own 405 is an empty page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not errorpages.is_api(request):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        answer = errorpages.error_response(
            request,
            status=405,
            code="method_not_allowed",
            message=_("This address does not take %(method)s.") % {"method": request.method},
        )
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer
