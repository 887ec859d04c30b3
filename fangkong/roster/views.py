"""Roster pages: list, generate, calendars, shortages, publish, re-roster, export, my duties
and the staffing proposal. Views are thin: a form or selector, one service, a template."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment, export_with_reason
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import user_unit
from fangkong.jobs.models import Job
from fangkong.jobs.selectors import jobs_active
from fangkong.org.permissions import can_administer
from fangkong.org.selectors import staff_list_for_user
from fangkong.roster import advice, selectors, services
from fangkong.roster.choices import LeaveKind
from fangkong.roster.forms import (
    GenerateForm,
    LeaveForm,
    QueueForm,
    RerosterForm,
    RulesForm,
    StaffingForm,
    apply_errors,
)
from fangkong.roster.models import Roster
from fangkong.sites.models import Site
from fangkong.sites.selectors import site_get_for_user


def _roster_or_404(request: HttpRequest, roster_id: int) -> Roster:
    try:
        return selectors.roster_get_for_user(user=request.user, roster_id=roster_id)
    except Roster.DoesNotExist:
        raise Http404 from None


def _forbidden(exc: PermissionDeniedError) -> HttpResponse:
    return HttpResponse(str(exc), status=403)


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    rosters = selectors.roster_list_for_user(user=request.user)
    page = Paginator(rosters, 30).get_page(request.GET.get("page"))
    can_generate = selectors.rosterable_units(user=request.user).exists()
    context = {
        "page": page,
        "can_generate": can_generate,
        "jobs": list(jobs_active(user=request.user, kind_prefix="roster.")[:10]),
    }
    return render(request, "roster/roster_list.html", context)


@login_required
def roster_generate(request: HttpRequest) -> HttpResponse:
    units = selectors.rosterable_units(user=request.user)
    mine = user_unit(request.user)
    initial = {
        "start": timezone.localdate() + timedelta(days=1),
        "unit": mine,
        "wartime": bool(mine and services.rules_for_unit(mine).wartime),
    }
    form = GenerateForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.roster_generate(
                actor=request.user,
                unit=data["unit"],
                start=data["start"],
                days=data["days"],
                time_limit_s=data["time_limit_s"],
                wartime=data["wartime"],
            )
        except PermissionDeniedError as exc:
            return _forbidden(exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _follow(job, reverse("roster:list"))
    return render(request, "roster/roster_generate.html", {"form": form})


def _follow(job: Job, back: str) -> HttpResponse:
    """The job's page, which shows the solve as it runs and then goes on to the roster."""
    return redirect(f"{reverse('jobs:detail', args=[job.pk])}?follow=1&back={back}")


@login_required
def roster_detail(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = _roster_or_404(request, roster_id)
    assignments = selectors.roster_assignments(roster)
    shortages = selectors.roster_shortages(roster)
    context = {
        "roster": roster,
        "dates": selectors.roster_dates(roster),
        "rows": selectors.site_calendar(roster, assignments, shortages),
        "key_sites": selectors.key_site_ids(roster),
        "shortages": shortages,
        "changes": roster.summary.get("changes") or [],
        "can_roster": services.can_roster(request.user, roster.unit),
        "headline": advice.headline(roster),
        "supply": advice.supply_rows(roster),
        "remedies": advice.remedy_lines(roster),
    }
    return render(request, "roster/roster_detail.html", context)


@login_required
def roster_people(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = _roster_or_404(request, roster_id)
    assignments = selectors.roster_assignments(roster)
    context = {
        "roster": roster,
        "dates": selectors.roster_dates(roster),
        "people": selectors.person_calendar(roster, assignments),
    }
    return render(request, "roster/roster_people.html", context)


@login_required
@require_POST
def roster_publish(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = _roster_or_404(request, roster_id)
    try:
        roster = services.roster_publish(
            actor=request.user,
            roster=roster,
            accept_shortfall=request.POST.get("accept_shortfall") == "1",
        )
    except PermissionDeniedError as exc:
        return _forbidden(exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Published as version %(version)s.") % {"version": roster.version}
        )
    return redirect("roster:detail", roster.pk)


@login_required
def roster_reroster(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = _roster_or_404(request, roster_id)
    if not services.can_roster(request.user, roster.unit):
        return HttpResponse(_("You may not roster this unit."), status=403)
    staff = staff_list_for_user(user=request.user, unit=roster.unit, subtree=True, active=True)
    initial = {"starts_on": max(roster.start, timezone.localdate())}
    form = RerosterForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The leave is a fact whether or not a new roster follows, so it is kept.
            leave = services.leave_create(actor=request.user, **data)
            job = services.roster_reroster(actor=request.user, roster=roster, leave=leave)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _follow(job, reverse("roster:detail", args=[roster.pk]))
    return render(request, "roster/roster_reroster.html", {"roster": roster, "form": form})


@login_required
def roster_export(request: HttpRequest, roster_id: int) -> HttpResponse:
    roster = _roster_or_404(request, roster_id)

    def respond(reason: str) -> HttpResponse:
        content = services.roster_export(
            actor=request.user, roster=roster, reason=reason, ip=client_ip(request)
        )
        name = f"roster-{roster.unit.code}-{roster.start.isoformat()}.xlsx"
        return attachment(content, XLSX, name)

    what = _("Roster of %(unit)s from %(start)s (Excel)") % {
        "unit": roster.unit.name,
        "start": roster.start.isoformat(),
    }
    return export_with_reason(request, what=what, respond=respond)


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    units = selectors.rosterable_units(user=request.user)
    paths = [u.path for u in units]
    staff = staff_list_for_user(user=request.user).none()
    if units:
        top = min(units, key=lambda u: len(u.path))  # the user's own: the others lie below it
        staff = staff_list_for_user(user=request.user, unit=top, subtree=True, active=True)
    form = LeaveForm(request.POST or None, staff=staff, initial={"kind": LeaveKind.LEAVE})
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_create(actor=request.user, **form.cleaned_data)
        except PermissionDeniedError as exc:
            return _forbidden(exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The leave is recorded."))
            return redirect("roster:leave")
    leave = Paginator(selectors.leave_list_for_user(user=request.user), 50)
    context = {"form": form, "page": leave.get_page(request.GET.get("page")), "can_add": paths}
    return render(request, "roster/leave_list.html", context)


@login_required
def roster_rules(request: HttpRequest) -> HttpResponse:
    """The rules and shift pattern of the user's own unit (inherited from above if unset)."""
    unit = user_unit(request.user)
    if unit is None:
        raise Http404
    rules = services.rules_for_unit(unit)
    pattern = services.pattern_for_unit(unit)
    form = RulesForm(request.POST or None, instance=rules, initial={"pattern": pattern})
    may_change = can_administer(request.user, unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_settings_set(actor=request.user, unit=unit, **form.cleaned_data)
        except PermissionDeniedError as exc:
            return _forbidden(exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The roster rules are saved."))
            return redirect("roster:rules")
    inherited = rules.unit_id != unit.pk if rules.unit_id else False
    context = {"form": form, "unit": unit, "may_change": may_change, "inherited": inherited}
    return render(request, "roster/rules.html", context)


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    staff = getattr(request.user, "staff", None)
    today = timezone.localdate()
    duties = selectors.duties_for_staff(staff=staff, since=today) if staff else []
    return render(request, "roster/my_duties.html", {"duties": duties, "today": today})


@login_required
def staffing(request: HttpRequest, site_id: int) -> HttpResponse:
    try:
        site = site_get_for_user(user=request.user, site_id=site_id)
    except Site.DoesNotExist:
        raise Http404 from None
    pattern = services.pattern_for_unit(site.unit)
    queue = QueueForm(request.GET or None)
    service, wait = queue.values()
    proposal = services.staffing_propose(
        site=site, pattern=pattern, service_minutes=service, target_wait_minutes=wait
    )
    initial = {"officers": proposal.officers, "auxiliaries": proposal.auxiliaries}
    form = StaffingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.staffing_accept(actor=request.user, site=site, **form.cleaned_data)
        except PermissionDeniedError as exc:
            return _forbidden(exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The site's requirement per shift is updated."))
            return redirect(request.get_full_path())
    chart = {
        "hours": [f"{h:02d}:00" for h in range(24)],
        "arrivals": list(proposal.hourly),
        "servers": list(proposal.servers),
        "labels": {"arrivals": _("Checks per hour"), "servers": _("Lanes needed")},
    }
    context = {
        "site": site,
        "proposal": proposal,
        "form": form,
        "queue": queue,
        "chart": chart,
        "key": selectors.site_is_key(site),
        "can_roster": services.can_roster(request.user, site.unit),
    }
    return render(request, "roster/staffing.html", context)


@login_required
@require_POST
def key_site(request: HttpRequest, site_id: int) -> HttpResponse:
    """Mark a site as a key post (重点卡点) or clear the mark."""
    try:
        site = site_get_for_user(user=request.user, site_id=site_id)
    except Site.DoesNotExist:
        raise Http404 from None
    key = request.POST.get("key") == "1"
    try:
        services.key_site_set(actor=request.user, site=site, key=key)
    except PermissionDeniedError as exc:
        return _forbidden(exc)
    if key:
        messages.success(request, _("Marked as a key post: its posts are covered first."))
    else:
        messages.success(request, _("No longer a key post."))
    return redirect("roster:staffing", site.pk)
