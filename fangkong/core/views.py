from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from fangkong.core.health import run_checks


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("sites:map")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Each dependency as ``{"ok", "required", "detail"}``; 503, naming what is down, when a
    required one fails (monitoring reads the names; see docs/deploy.md on load balancers)."""
    checks = run_checks()
    down = [check.name for check in checks if check.required and not check.ok]
    body = {
        "status": "down" if down else "ok",
        "down": down,
        "checks": {
            check.name: {"ok": check.ok, "required": check.required, "detail": check.detail}
            for check in checks
        },
    }
    return JsonResponse(body, status=503 if down else 200)


def docs_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API description behind a login when ``settings.API_DOCS_LOGIN`` (production)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
