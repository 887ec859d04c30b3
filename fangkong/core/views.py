from __future__ import annotations

import mimetypes
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
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


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """A stored photo, read through the storage API whichever backend keeps it (local disk,
    object store or database), so that every app server can answer for it."""
    try:
        stored = default_storage.open(path)
    except (FileNotFoundError, SuspiciousFileOperation, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def docs_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API description behind a login when ``settings.API_DOCS_LOGIN`` (production)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.API_DOCS_LOGIN and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped
