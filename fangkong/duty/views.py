"""Duty pages: the officer's sign-in at the post (phone, offline outbox), the duty leader's
attendance page, and the dashboard's "posts short now" card. Thin: selectors do the work."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fangkong.core.exports import XLSX, attachment, export_with_reason
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import jurisdiction_root
from fangkong.core.params import day_within, posted_day
from fangkong.core.pwa import service_worker_response
from fangkong.duty import selectors, services
from fangkong.duty.choices import CHECKLIST, ReportKind, SignFlag, SignKind, SquadState
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_for_user


def _unit_param(request: HttpRequest) -> Unit | None:
    value = request.GET.get("unit", "")
    if not value.isdigit() or len(value) > 18:
        return None
    try:
        return unit_get_for_user(user=request.user, unit_id=int(value))
    except Unit.DoesNotExist:
        return None


def _strings() -> dict[str, str]:
    return {
        "signed_in": _("Signed in"),
        "signed_out": _("Signed out"),
        "waiting": _("Waiting to sync"),
        "synced": _("Synced"),
        "sync_error": _("Not accepted"),
        "no_site": _("Choose your post first."),
        "no_position": _("No position from the phone: the sign-in is kept and flagged."),
        "outside": _("Outside the post's radius: the sign-in is kept and flagged."),
        "offline": _("Offline"),
        "online": _("Online"),
    }


# What the sign-in page loads: cached by its service worker so that it opens offline.
POST_STATIC = (
    "core/fangkong.css",
    "core/page.js",
    "core/icons/favicon.svg",
    "vendor/htmx.org/htmx.min.js",
    "duty/duty.css",
    "screening/outbox.js",
    "duty/signin.js",
)


@require_GET
def post_sw(request: HttpRequest) -> HttpResponse:
    """The sign-in page's service worker, served under the page's path so that its scope is
    the page (as the screening officer app's)."""
    return service_worker_response(
        cache_name="fangkong-duty", app_url=reverse("duty:post"), static_paths=POST_STATIC
    )


@login_required
def post_sign_in(request: HttpRequest) -> HttpResponse:
    """The officer's sign-in page (phone): the posts they may sign in at, their recent
    sign-ins, and the outbox that keeps sign-ins made offline until they sync."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return HttpResponseForbidden(_("Your account is not a staff member's."))
    posts = selectors.own_posts(staff=staff)
    config = {
        "sites": [{"id": s.pk, "name": s.name, "lat": s.lat, "lng": s.lng} for s in posts],
        "user": request.user.get_username(),
        "urls": {
            "signins": "/api/v1/duty/signins",
            "login": reverse("login"),
            "sw": reverse("duty:post_sw"),
            "scope": reverse("duty:post"),
        },
        "kinds": {"in": SignKind.IN, "out": SignKind.OUT},
        "strings": _strings(),
    }
    context = {"config": config, "recent": selectors.own_sign_ins(staff=staff), "staff": staff}
    return render(request, "duty/post.html", context)


def _attendance_context(request: HttpRequest) -> dict[str, Any]:
    unit = _unit_param(request)
    path = selectors.scope_path(request.user, unit)
    posts = selectors.attendance_now(user=request.user, unit=unit)
    return {
        "posts": posts,
        "short": selectors.posts_short_now(path=path),
        "leaders": selectors.post_leaders_on(path=path),
        "seconded": selectors.seconded_now(path=path),
        "unit": unit,
        "flags": dict(SignFlag.choices),
    }


@login_required
def leader(request: HttpRequest) -> HttpResponse:
    """The duty leader's page: who is at each post on the running shift, who is late or
    absent, who is there without a duty, flagged sign-ins, and the posts short now."""
    context = _attendance_context(request)
    if request.headers.get("HX-Request"):
        return render(request, "duty/partials/attendance.html", context)
    return render(request, "duty/leader.html", context)


@login_required
def dashboard_block(request: HttpRequest) -> HttpResponse:
    """The command dashboard's "posts short now" card (loaded by HTMX), from presence."""
    unit = _unit_param(request)
    path = selectors.scope_path(request.user, unit)
    context = {
        "short": selectors.posts_short_now(path=path),
        "leaders": selectors.post_leaders_on(path=path),
        "reports": list(selectors.report_list_for_user(user=request.user)[:5]),
    }
    return render(request, "duty/partials/dashboard_block.html", context)


def _errors_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _site_param(request: HttpRequest, name: str = "site") -> Any:
    value = (request.POST if request.method == "POST" else request.GET).get(name, "")
    if not value.isdigit() or len(value) > 18:
        return None
    try:
        return selectors.site_for_sign_in(user=request.user, site_id=int(value))
    except selectors.Site.DoesNotExist:
        return None


@login_required
def handovers(request: HttpRequest) -> HttpResponse:
    """The handover log (交接班) of the posts in the user's jurisdiction, searchable, with
    the form the outgoing team fills in and the incoming leader's acknowledgement."""
    site = _site_param(request)
    searching = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searching:
        if site is None:
            messages.error(request, _("Choose the post."))
        else:
            texts = {name: request.POST.get(name, "") for name in services.HANDOVER_FIELDS}
            try:
                services.handover_record(actor=request.user, site=site, at=None, **texts)
                messages.success(request, _("Handover recorded."))
            except ValidationError as exc:
                messages.error(request, _errors_text(exc))
        return redirect(request.get_full_path())
    # The words searched for come by POST, so that they stay out of the access log.
    q = request.POST.get("q", "")[:100] if searching else ""
    rows = selectors.handover_list_for_user(user=request.user, site=site, q=q)[:100]
    staff = getattr(request.user, "staff", None)
    posts = selectors.own_posts(staff=staff) if staff is not None else []
    context = {"rows": rows, "q": q, "site": site, "posts": posts, "me": staff}
    return render(request, "duty/handovers.html", context)


@login_required
@require_POST
def handover_acknowledge(request: HttpRequest, handover_id: int) -> HttpResponse:
    handover = get_object_or_404(
        selectors.handover_list_for_user(user=request.user), pk=handover_id
    )
    try:
        services.handover_acknowledge(actor=request.user, handover=handover)
        messages.success(request, _("Handover acknowledged."))
    except (ValidationError, services.PermissionDeniedError) as exc:
        messages.error(request, _errors_text(exc) if isinstance(exc, ValidationError) else str(exc))
    return redirect("duty:handovers")


def _fixes_posted(request: HttpRequest) -> list[services.FixAsked]:
    asked = []
    for i in range(3):
        text = request.POST.get(f"fix_{i}", "").strip()
        deadline = posted_day(request.POST.get(f"deadline_{i}", ""), _("Deadline"))
        if text:
            asked.append(services.FixAsked(text, deadline or timezone.localdate()))
    return asked


def _inspection_post(request: HttpRequest) -> None:
    site = _site_param(request)
    if site is None:
        messages.error(request, _("Choose the post."))
        return
    checklist = {code: request.POST.get(f"item_{code}") == "yes" for code, _label in CHECKLIST}
    try:
        services.inspection_record(
            actor=request.user,
            site=site,
            checklist=checklist,
            findings=request.POST.get("findings", ""),
            fixes=_fixes_posted(request),
            photos=request.FILES.getlist("photos"),
        )
        messages.success(request, _("Supervision visit recorded."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    except services.PermissionDeniedError as exc:
        messages.error(request, str(exc))


@login_required
def inspections(request: HttpRequest) -> HttpResponse:
    """Supervision visits (督导检查): the form, recent visits, open fixes, and the posts no
    visit reached today."""
    if request.method == "POST":
        _inspection_post(request)
        return redirect("duty:inspections")
    unit = _unit_param(request)
    staff = getattr(request.user, "staff", None)
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    context = {
        "rows": selectors.inspection_list_for_user(user=request.user)[:50],
        "fixes": selectors.fix_list_for_user(user=request.user)[:100],
        "unvisited": selectors.posts_not_visited(path=selectors.scope_path(request.user, unit))[
            :200
        ],
        "posts": selectors.own_posts(staff=staff) if staff is not None else [],
        "checklist": CHECKLIST,
        "can_supervise": services.can_supervise(request.user),
        "today": timezone.localdate(),
        "week": week,
    }
    return render(request, "duty/inspections.html", context)


@login_required
@require_POST
def fix_close(request: HttpRequest, fix_id: int) -> HttpResponse:
    fix = get_object_or_404(selectors.fix_list_for_user(user=request.user), pk=fix_id)
    try:
        services.fix_close(actor=request.user, fix=fix, note=request.POST.get("note", ""))
        messages.success(request, _("Fix closed."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    return redirect("duty:inspections")


@login_required
def summary_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The weekly supervision summary of a unit (the user's own by default), as Excel or
    PDF, after the export reason."""
    unit = _unit_param(request) or jurisdiction_root(request.user)
    if unit is None:
        return HttpResponseForbidden(_("Your account belongs to no unit."))
    start = day_within(request.GET.get("week", "")[:10]) or timezone.localdate()
    start = start - timedelta(days=start.weekday())

    def respond(reason: str) -> HttpResponse:
        body = services.summary_export(
            actor=request.user,
            unit=unit,
            week_start=start,
            fmt="pdf" if fmt == "pdf" else "xlsx",
            reason=reason,
            ip=client_ip(request),
        )
        kind = "application/pdf" if fmt == "pdf" else XLSX
        return attachment(body, kind, f"supervision-{unit.code}-{start.isoformat()}.{fmt}")

    return export_with_reason(request, what=_("Weekly supervision summary"), respond=respond)


@login_required
def fatigue(request: HttpRequest) -> HttpResponse:
    """The leader's list of people over their unit's limits (days without a day off, hours
    in 7 days), from the hours actually signed in."""
    path = selectors.scope_path(request.user, _unit_param(request))
    context = {"rows": selectors.fatigue_list(path=path)[:500]}
    return render(request, "duty/fatigue.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A person's own page: hours and days actually worked, any limit exceeded, recent
    sign-ins."""
    staff = getattr(request.user, "staff", None)
    if staff is None:
        return HttpResponseForbidden(_("Your account is not a staff member's."))
    context = {
        "row": selectors.fatigue_of(staff=staff),
        "recent": selectors.own_sign_ins(staff=staff),
        "recalls": selectors.own_recalls(staff=staff),
    }
    return render(request, "duty/me.html", context)


def _report_post(request: HttpRequest) -> None:
    try:
        services.report_raise(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            at=timezone.now(),
            idempotency_key=request.POST.get("key", "")[:64],
            site=_site_param(request),
            photos=request.FILES.getlist("photos"),
        )
        messages.success(request, _("Report sent up."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    except (services.PermissionDeniedError, services.ReportKeyReusedError) as exc:
        messages.error(request, str(exc) or _("This report was already sent."))


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """Important-situation reports (重要情况报告): the form any officer raises one with,
    and the open ones of the jurisdiction, with the level each waits at."""
    if request.method == "POST":
        _report_post(request)
        return redirect("duty:reports")
    staff = getattr(request.user, "staff", None)
    rows = list(selectors.report_list_for_user(user=request.user)[:100])
    context = {
        "rows": [(r, services.can_acknowledge(request.user, r)) for r in rows],
        "kinds": ReportKind.choices,
        "posts": selectors.own_posts(staff=staff) if staff is not None else [],
        "key": uuid.uuid4().hex,
        "can_close": services.can_supervise(request.user),
    }
    return render(request, "duty/reports.html", context)


@login_required
@require_POST
def report_action(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = get_object_or_404(selectors.report_list_for_user(user=request.user), pk=report_id)
    act = services.report_acknowledge if action == "acknowledge" else services.report_close
    try:
        act(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    except services.PermissionDeniedError as exc:
        messages.error(request, str(exc))
    return redirect("duty:reports")


def _squads_post(request: HttpRequest) -> None:
    try:
        if request.POST.get("action") == "recall":
            unit = jurisdiction_root(request.user)
            if unit is None:  # what recall_issue answers anyone outside the unit
                raise services.PermissionDeniedError(_("Only leaders of the unit do this."))
            label = _("Leave cancelled from")
            starts_on = posted_day(request.POST.get("starts_on", ""), label)
            starts_on = starts_on or timezone.localdate()
            order = services.recall_issue(
                actor=request.user,
                unit=unit,
                starts_on=starts_on,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request, _("Recall issued: %(n)s leave cancelled.") % {"n": len(order.cancelled)}
            )
            return
        value = request.POST.get("squad", "")
        squad = selectors.squad_get_for_user(
            user=request.user, squad_id=int(value) if value.isdigit() else 0
        )
        state = request.POST.get("state", "")
        site = _site_param(request) if state == SquadState.DISPATCHED else None
        services.squad_move(actor=request.user, squad=squad, state=state, site=site)
        messages.success(request, _("Squad updated."))
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    except (services.PermissionDeniedError, selectors.ReserveSquad.DoesNotExist) as exc:
        messages.error(request, str(exc) or _("Not found."))


@login_required
def squads(request: HttpRequest) -> HttpResponse:
    """Reserve squads (standing by, dispatched, returned) and recall orders."""
    if request.method == "POST":
        _squads_post(request)
        return redirect("duty:squads")
    staff = getattr(request.user, "staff", None)
    context = {
        "squads": selectors.squad_list_for_user(user=request.user)[:100],
        "recalls": selectors.recall_list_for_user(user=request.user)[:20],
        "posts": selectors.own_posts(staff=staff) if staff is not None else [],
        "states": SquadState.choices,
        "can_lead": services.can_supervise(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "duty/squads.html", context)
