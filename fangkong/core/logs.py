"""Structured logs: one JSON object a line, stamped in the app's time zone, with the id of the
request that wrote it, so the lines of one request can be found across the app servers.

nginx passes its ``$request_id`` as ``X-Request-ID`` (deploy/nginx/fangkong.conf); without
one (a test, gunicorn alone) the middleware makes an id. Either way the response carries it
back, and the access log line of gunicorn can print it (``%({x-request-id}i)s``).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# What an id may look like when it comes from outside: nothing that could forge a log line.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if _VALID_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx or 5xx answer after the middleware has returned, with the request
        # in the record: the id is read from there then.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """``{"time": "2026-03-01T08:00:00.123+08:00", "level": ..., "logger": ..., "request_id":
    ..., "message": ...}``, with ``exception`` when there is one."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.fromtimestamp(record.created, zone).isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
