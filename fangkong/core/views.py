from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fangkong.core.health import run_checks


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url(request))


def _on_phone(request: HttpRequest) -> bool:
    if request.headers.get("Sec-CH-UA-Mobile") == "?1":
        return True
    agent = request.headers.get("User-Agent", "")
    return "Mobile" in agent or "Android" in agent


def landing_url(request: HttpRequest) -> str:
    """Where a user starts: where their role works. The commander at the dashboard (on a phone,
    the one-screen view of the unit's day), an analyst at the daily reports, a leader at
    today's roster, an officer in the checkpoint app, logistics at the supplies."""
    from fangkong.org.choices import RoleCode
    from fangkong.org.permissions import user_roles

    roles = user_roles(request.user)
    if RoleCode.COMMANDER in roles or (request.user.is_superuser and not roles):
        return reverse("command:me" if _on_phone(request) else "command:dashboard")
    if RoleCode.ANALYST in roles:
        return reverse("command:reports")
    if roles & {RoleCode.DUTY_LEADER, RoleCode.UNIT_ADMIN}:
        return _todays_roster_url(request.user)
    if RoleCode.CHECKPOINT in roles:
        return reverse("screening:officer")
    if RoleCode.LOGISTICS in roles:
        return reverse("supplies:overview")
    if RoleCode.GRID_WORKER in roles:
        return reverse("sites:list")
    return reverse("sites:map")


def _todays_roster_url(user: Any) -> str:
    """The published roster covering today of the leader's jurisdiction, else the list."""
    from fangkong.roster.choices import RosterStatus
    from fangkong.roster.selectors import MAX_ROSTER_DAYS, roster_list_for_user

    today = timezone.localdate()
    rosters = roster_list_for_user(user=user, status=RosterStatus.PUBLISHED).filter(
        start__lte=today, start__gte=today - timedelta(days=MAX_ROSTER_DAYS)
    )
    for roster in rosters.order_by("unit__path", "-start")[:20]:
        if roster.start + timedelta(days=roster.days) > today:
            return reverse("roster:detail", args=[roster.pk])
    return reverse("roster:list")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""
    return redirect(static("core/icons/favicon.ico"), permanent=True)


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
