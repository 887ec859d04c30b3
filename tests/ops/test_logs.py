"""Structured logs: JSON lines in the app's time zone carrying the request's id, which the
response returns; an id from outside is kept only when it cannot forge a log line."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from fangkong.core.logs import JsonFormatter, RequestIdFilter

logger = logging.getLogger("tests.ops")


def logging_view(request: Any) -> HttpResponse:
    logger.warning("something worth a line")
    return HttpResponse("ok")


urlpatterns = [path("log/", logging_view)]


def _json_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "tests.ops"]


@pytest.fixture
def logged(settings: Any, caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    settings.ROOT_URLCONF = "tests.ops.test_logs"
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


@time_machine.travel("2026-03-01 00:00:00+00:00", tick=False)
def test_a_line_is_json_in_beijing_time_with_the_request_id(logged: Any) -> None:
    response = Client().get("/log/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = _json_lines(logged)
    assert line["time"] == "2026-03-01T08:00:00.000+08:00"
    assert line["request_id"] == request_id
    assert (line["level"], line["message"]) == ("WARNING", "something worth a line")


def test_the_proxy_s_request_id_is_kept(logged: Any) -> None:
    given = "0123456789abcdef0123456789abcdef"
    response = Client().get("/log/", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] == given
    assert _json_lines(logged)[0]["request_id"] == given


def test_a_forged_request_id_is_replaced(logged: Any) -> None:
    forged = 'x" level=CRITICAL message="forged'
    response = Client().get("/log/", HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert _json_lines(logged)[0]["request_id"] == response["X-Request-ID"]


def test_django_s_line_about_a_404_carries_the_id(logged: Any) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    (line,) = [r for r in logged.records if r.name == "django.request"]
    assert JsonFormatter().format(line).count(response["X-Request-ID"]) == 1
