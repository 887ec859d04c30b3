"""Logging in: throttled by django-axes, every success and failure in the audit log.

django-axes refuses a login once an account or an address has too many recent failures (see
the ``AXES_*`` settings). It has one limit for both; :class:`LoginAttemptHandler` gives the
address a higher one, since a police station's officers reach us from one address and one
officer's typing must not lock out the others.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.http import client_ip


def _sum(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginAttemptHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a limit per account and another per address.

    axes locks out when the failures it counts reach ``AXES_FAILURE_LIMIT``, the account's
    limit. The address's failures are counted here in units of that limit, so that they reach
    it exactly when they reach the address's own limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _sum(recent.filter(username=username)) if username else 0
        by_address = _sum(recent.filter(ip_address=request.axes_ip_address))
        scaled = by_address * get_failure_limit(request, credentials)
        return max(by_account, scaled // settings.LOGIN_FAILURES_PER_ADDRESS)


def lockout_message() -> str:
    return _(
        "Too many failed logins: this account or this address is locked for %(minutes)d "
        "minutes. Try again later, or ask your unit's administrator to unlock it."
    ) % {"minutes": settings.LOGIN_LOCKOUT_MINUTES}


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The login page again with the lockout message, answered 429 (django-axes calls it)."""
    username = request.POST.get("username", "")
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "locked_message": lockout_message(),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


def login_audit(*, request: HttpRequest, user: Any = None, username: str = "") -> None:
    """A login's audit record: ``login.success`` for ``user``, else ``login.failure`` with the
    user name as typed and whether the throttle refused it. Never the password."""
    ip = client_ip(request)
    if user is not None:
        audit_record(actor=user, action="login.success", target=user, ip=ip)
        return
    locked = bool(getattr(request, "axes_locked_out", False))
    extra = {"username": username[:150], "locked": locked}
    audit_record(actor=None, action="login.failure", extra=extra, ip=ip)


class LoginView(auth_views.LoginView):
    """Django's login page, with each attempt audited (the throttle is django-axes')."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        login_audit(request=self.request, user=form.get_user())
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        login_audit(request=self.request, username=self.request.POST.get("username", ""))
        return super().form_invalid(form)
