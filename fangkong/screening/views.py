"""Screening pages: the officer's checkpoint app, the command centre's policy page, a site's
live counters, and a check's detail (full identity only for a stated, audited reason)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import user_unit
from fangkong.core.pwa import service_worker_response
from fangkong.org.permissions import can_reveal_identity
from fangkong.registration.choices import DocumentType
from fangkong.roster.selectors import duty_now
from fangkong.screening import presenters, selectors, services
from fangkong.screening.choices import Outcome
from fangkong.screening.forms import PolicyForm, RevealForm, RiskAreaImportForm
from fangkong.screening.messages import RULE_LABELS, client_strings, outcome_label
from fangkong.screening.models import Check
from fangkong.screening.selectors.policy import complete_rules, policy_client_json, policy_row_at
from fangkong.screening.selectors.policy import policy_versions as stored_versions
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_get_for_user, site_id_assigned_to

# What the service worker keeps for the officer app to open without a network.
OFFICER_STATIC = (
    "screening/officer.css",
    "screening/rules.js",
    "screening/outbox.js",
    "screening/kit.js",
    "screening/plate.js",
    "screening/party.js",
    "screening/officer.js",
    "screening/icon.svg",
    "vendor/qr-scanner/qr-scanner.umd.min.js",
    "vendor/qr-scanner/qr-scanner-worker.min.js",
)


# --- the officer app ------------------------------------------------------------------------


@login_required
@never_cache
def officer(request: HttpRequest) -> HttpResponse:
    sites = [
        {"id": s.pk, "name": s.name, "code": s.code, "unit": s.unit.name}
        for s in selectors.officer_sites(user=request.user)
    ]
    staff = getattr(request.user, "staff", None)
    config = {
        "sites": sites,
        # The site of the officer's duty on the shift running now: the app opens on it.
        "dutySite": _duty_site_id(staff),
        "policy": policy_client_json(),
        "strings": client_strings(),
        "user": {
            "username": request.user.get_username(),
            "name": staff.name if staff is not None else request.user.get_username(),
            "unit": str(user_unit(request.user) or ""),
        },
        "urls": {
            "checks": "/api/v1/checks",
            "lookup": "/api/v1/checks/lookup",
            "policy": "/api/v1/policy/current",
            "sw": reverse("screening:officer_sw"),
            "scope": reverse("screening:officer"),
            "login": reverse("login"),
        },
        "documents": [{"value": v, "label": str(label)} for v, label in DocumentType.choices],
    }
    return render(request, "screening/officer.html", {"config": config})


def _duty_site_id(staff: Any) -> int | None:
    """The site of the shift running now by the published rosters, else the site the officer
    is assigned to (the last one, if several)."""
    if staff is None:
        return None
    duty = duty_now(staff=staff, now=timezone.now())
    if duty is not None and duty.site_id is not None:
        return duty.site_id
    return site_id_assigned_to(staff=staff)


@require_GET
def officer_sw(request: HttpRequest) -> HttpResponse:
    """The service worker, served under the app's own path so that its scope is the app."""
    return service_worker_response(
        cache_name="fangkong-officer",
        app_url=reverse("screening:officer"),
        static_paths=OFFICER_STATIC,
        network_first=["/api/v1/policy/current"],
    )


@require_GET
def officer_manifest(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    scope = reverse("screening:officer")
    return JsonResponse(
        {
            "name": _("Fangkong checkpoint"),
            "short_name": _("Checkpoint"),
            "start_url": scope,
            "scope": scope,
            "display": "standalone",
            "background_color": "#f3f5f8",
            "theme_color": "#0b3a6e",
            "icons": [
                {"src": static("screening/icon.svg"), "sizes": "any", "type": "image/svg+xml"}
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# --- the policy page ------------------------------------------------------------------------


def _policy_context(request: HttpRequest, form: PolicyForm, upload: RiskAreaImportForm) -> Any:
    current = policy_row_at()
    rules = complete_rules(current.rules)
    today = timezone.localdate()
    return {
        "current": current,
        "rules": rules,
        "action_rows": [
            {"code": code, "label": RULE_LABELS[code], "outcome": outcome_label(outcome)}
            for code, outcome in rules["actions"].items()
            if code in RULE_LABELS
        ],
        "pending": [v for v in stored_versions() if v.effective_from > timezone.now()],
        "versions": stored_versions(),
        "form": form,
        "upload": upload,
        "areas": selectors.risk_area_list_current(day=today)[:500],
        "today": today,
    }


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_policy(request.user):
        return render(request, "screening/forbidden.html", status=403)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_from(policy_row_at()))
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.policy_publish(
                actor=request.user,
                rules=form.rules(),
                effective_from=form.cleaned_data["effective_from"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Version %(v)s published.") % {"v": policy.version})
            return redirect("screening:policy")
    context = _policy_context(request, form, RiskAreaImportForm())
    return render(request, "screening/policy.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def risk_area_import(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_policy(request.user):
        return render(request, "screening/forbidden.html", status=403)
    upload = RiskAreaImportForm(request.POST, request.FILES)
    if upload.is_valid():
        try:
            result = services.risk_area_import(actor=request.user, file=upload.cleaned_data["file"])
        except ValidationError as exc:
            upload.add_service_errors(exc)
        else:
            message = _("Imported %(created)s new risk areas; %(replaced)s updated.")
            messages.success(request, message % result._asdict())
            return redirect(reverse("screening:policy") + "#risk-areas")
    form = PolicyForm(initial=PolicyForm.initial_from(policy_row_at()))
    return render(
        request, "screening/policy.html", _policy_context(request, form, upload), status=422
    )


# --- a site's counters and recent checks ------------------------------------------------------


@login_required
def site_counters(request: HttpRequest, site_id: int) -> HttpResponse:
    try:
        site = site_get_for_user(user=request.user, site_id=site_id)
    except Site.DoesNotExist:
        raise Http404 from None
    if not request.htmx:
        # Opened directly: the page around the panel, which then polls this URL.
        return render(request, "screening/site_checks_page.html", {"site": site})
    context = {
        "site": site,
        "counters": selectors.site_counters(site=site),
        "recent": selectors.check_list_for_user(
            user=request.user,
            site=site,
            since=selectors.local_day_bounds(timezone.localdate())[0],
        )[:15],
        "updated_at": timezone.now(),
    }
    return render(request, "screening/partials/site_counters.html", context)


# --- one check ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    try:
        check = selectors.check_get_for_user(user=request.user, check_id=check_id)
    except Check.DoesNotExist:
        raise Http404 from None
    form = RevealForm(request.POST or None)
    revealed = None
    may_reveal = can_reveal_identity(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.person_reveal(
                actor=request.user,
                check=check,
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDeniedError:
            return render(request, "screening/forbidden.html", status=403)
    context = {
        "check": check,
        "out": presenters.check_out(check),
        "form": form,
        "may_reveal": may_reveal,
        "revealed": revealed,
        "outcomes": dict(Outcome.choices),
    }
    response = render(request, "screening/check_detail.html", context)
    # A page showing a full ID number must not stay in any cache.
    response["Cache-Control"] = "no-store"
    return response
