"""Sends a staff member whose password someone else chose to change it before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# What such a user may still reach: the change itself, logging out, the language switch and
# static files.
EXEMPT_NAMES = ("password_change", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a session cookie nobody is logged in: the citizens' form and /healthz never
        # read a session (nor the database) for this check.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and _must_change(request):
            if not _exempt(request.path_info):
                return _to_password_change(request)
        return self.get_response(request)


def _must_change(request: HttpRequest) -> bool:
    user = request.user
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return bool(staff is not None and staff.password_change_required)


def _exempt(path: str) -> bool:
    if path.startswith(settings.STATIC_URL):
        return True
    return any(path == reverse(name) for name in EXEMPT_NAMES)


def _to_password_change(request: HttpRequest) -> HttpResponse:
    message = _("Change your password before you continue.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "password_change_required", "message": message}, status=403)
    target = reverse("password_change")
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)
