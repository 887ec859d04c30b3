"""Pages of list matching and tracing: thin, over the services and selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def list_index(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def list_detail(request: HttpRequest, list_id: int) -> HttpResponse:
    raise NotImplementedError
