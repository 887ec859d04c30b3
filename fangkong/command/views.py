"""The command centre's pages: the dashboard (also as a dark wall display), the phone view of
my unit's day, the units table as Excel, and the daily analysis reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from fangkong.command import selectors
from fangkong.command.report_formats import (
    exception_lines,
    figure_headers,
    figure_rows,
    keyperson_community_headers,
    keyperson_community_rows,
    keyperson_rows,
    unit_headers,
    unit_rows,
)
from fangkong.command.reports import report_for, report_signatures, report_status_line
from fangkong.command.services import (
    ReportFormat,
    analysis_report_export,
    analysis_report_save,
    analysis_report_sign,
    can_draft_report,
    can_sign_report,
    units_export,
)
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.exports import XLSX, attachment, export_with_reason
from fangkong.core.http import client_ip
from fangkong.core.jurisdiction import jurisdiction_root
from fangkong.core.params import MAX_SPAN_DAYS, day_within
from fangkong.core.text import validate_text
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_for_user, unit_list_for_user
from fangkong.sites.choices import SiteKind


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filters(request: HttpRequest) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    day = day_within(request.GET.get("day")) or timezone.localdate()
    first = day_within(request.GET.get("first"))
    # Trends over at most MAX_SPAN_DAYS (the API answers 422 beyond; a page shows the default).
    if first is not None and not 0 <= (day - first).days <= MAX_SPAN_DAYS:
        first = None
    return {
        "unit": _int(request.GET.get("unit")),
        "day": day,
        "kind": kind if kind in SiteKind.values else "",
        "first": first,
    }


def _scope(request: HttpRequest, filters: dict[str, Any]) -> selectors.Scope:
    try:
        return selectors.scope_for_user(
            user=request.user, unit_id=filters["unit"], kind=filters["kind"]
        )
    except ObjectDoesNotExist:
        raise Http404 from None


def chart_labels() -> dict[str, Any]:
    """Everything the dashboard script writes on a chart, translated here."""
    return {
        "persons": _("Persons"),
        "vehicles": _("Vehicles"),
        "persuadeReturn": _("Persuaded to return"),
        "referHealth": _("Referred to health"),
        "outcomes": {
            "outcome_pass": pgettext("screening outcome", "Pass"),
            "outcome_priority_pass": pgettext("screening outcome", "Priority pass"),
            "outcome_test_then_pass": pgettext("screening outcome", "Test, then pass"),
            "outcome_persuade_return": pgettext("screening outcome", "Persuade to return"),
            "outcome_refer_health": pgettext("screening outcome", "Refer to health"),
        },
        "hourSuffix": _(":00"),
        "noQuiet": _("Every open site has checked someone recently."),
        "noUnderstaffed": _("Every post of the shift on duty is staffed."),
        "noRoster": _("No roster is published for today: staffing cannot be checked."),
        "usual": _("usually %s persons in these hours"),
        "never": _("no check in two weeks"),
        "volume": _("Persons today"),
        "openSite": _("Open site page"),
        "updated": _("Updated"),
        "refreshFailed": _("Refresh failed; retrying in a minute."),
        "sitesLayer": _("Sites"),
        "communitiesLayer": _("Key persons by community"),
        "underMeasure": _("under the measure"),
        "followupsDone": _("follow-ups done today"),
        "followupsMissing": _("not yet followed up"),
        "followupsAbnormal": _("abnormal"),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    try:
        scope = _scope(request, filters)
    except PermissionDeniedError:
        return HttpResponseForbidden(_("Your account belongs to no unit."))
    data = selectors.dashboard(scope=scope, day=filters["day"], first=filters["first"])
    context = {
        "data": data,
        "filters": filters,
        "units": unit_list_for_user(user=request.user, counts=False),
        "kinds": SiteKind.choices,
        "wall": request.GET.get("wall") == "1",
        "config": {
            "api": reverse("api:command_dashboard"),
            "refreshSeconds": 60,
            "siteUrl": reverse("sites:detail", args=[0]),
            "outlineUrl": static("geo/zhangye.geojson"),
            # Key persons per community, a layer of the map (the grid scope decides what).
            "communitiesUrl": reverse("api:keyperson_map"),
            "labels": chart_labels(),
        },
    }
    return render(request, "command/dashboard.html", context)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """My unit's figures today, on one phone screen."""
    try:
        scope = selectors.scope_for_user(user=request.user)
    except PermissionDeniedError:
        return HttpResponseForbidden(_("Your account belongs to no unit."))
    day = timezone.localdate()
    units = selectors.unit_figures(scope=scope, day=day)
    context = {
        "day": day,
        "unit": scope.unit,
        "totals": {k: sum(u[k] for u in units) for k in selectors.TOTALS},
        "outcomes": selectors.outcome_split(scope=scope, first=day, last=day),
        "quiet": selectors.quiet_sites(scope=scope),
        "units": units,
    }
    return render(request, "command/me.html", context)


@login_required
def units_xlsx(request: HttpRequest) -> HttpResponse:
    """Every table of the dashboard, as filtered, in one workbook (the units sheet first)."""
    filters = _filters(request)
    try:
        scope = _scope(request, filters)
    except PermissionDeniedError:
        return HttpResponseForbidden(_("Your account belongs to no unit."))
    name = scope.unit.name if scope.unit else _("All units")
    title = _("%(unit)s: checks on %(day)s") % {"unit": name, "day": filters["day"]}

    def respond(reason: str) -> HttpResponse:
        content = units_export(
            actor=request.user,
            scope=scope,
            day=filters["day"],
            first=filters["first"],
            kind=filters["kind"],
            title=title,
            reason=reason,
            ip=client_ip(request),
        )
        return attachment(content, XLSX, f"units-{filters['day'].isoformat()}.xlsx")

    return export_with_reason(request, what=title, respond=respond)


# --- Daily analysis reports ------------------------------------------------------------------


def _report_unit(request: HttpRequest, unit_id: int) -> Unit:
    try:
        return unit_get_for_user(user=request.user, unit_id=unit_id)
    except ObjectDoesNotExist:
        raise Http404 from None


def _report_day(value: str) -> date:
    day = day_within(value)
    if day is None:
        raise Http404
    return day


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    unit_id = _int(request.GET.get("unit"))
    unit = jurisdiction_root(request.user) if unit_id is None else _report_unit(request, unit_id)
    if unit is None:
        return HttpResponseForbidden(_("Your account belongs to no unit."))
    day = day_within(request.GET.get("day")) or timezone.localdate() - timedelta(days=1)
    return redirect("command:report", unit_id=unit.pk, day=day.isoformat())


@login_required
def report_detail(request: HttpRequest, unit_id: int, day: str) -> HttpResponse:
    unit = _report_unit(request, unit_id)
    report, data = report_for(unit=unit, day=_report_day(day))
    context = {
        "unit": unit,
        "report": report,
        "data": data,
        "status_line": report_status_line(report),
        "figure_headers": figure_headers(),
        "figure_rows": figure_rows(data),
        "unit_headers": unit_headers(),
        "unit_rows": unit_rows(data),
        "keyperson_rows": keyperson_rows(data),
        "keyperson_community_headers": keyperson_community_headers(),
        "keyperson_community_rows": keyperson_community_rows(data),
        "exceptions": exception_lines(data),
        "signatures": report_signatures(report),
        "may_draft": not report.signed and can_draft_report(request.user, unit),
        "may_sign": not report.signed and can_sign_report(request.user, unit),
        "units": unit_list_for_user(user=request.user, counts=False),
    }
    return render(request, "command/report.html", context)


@login_required
@require_POST
def report_sign(request: HttpRequest, unit_id: int, day: str) -> HttpResponse:
    unit = _report_unit(request, unit_id)
    action = analysis_report_sign if "sign" in request.POST else analysis_report_save
    try:
        validate_text(request.POST.get("remarks", ""))
        validate_text(request.POST.get("judgement", ""))
        action(
            user=request.user,
            unit=unit,
            day=_report_day(day),
            remarks=request.POST.get("remarks", "")[:2000],
            judgement=request.POST.get("judgement", "")[:2000],
        )
    except PermissionDeniedError as exc:
        return HttpResponseForbidden(str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("The report is signed.") if "sign" in request.POST else _("Draft saved.")
        messages.success(request, done)
    return redirect("command:report", unit_id=unit.pk, day=day)


def _report_file(request: HttpRequest, unit_id: int, day: str, fmt: ReportFormat) -> HttpResponse:
    unit = _report_unit(request, unit_id)
    the_day = _report_day(day)

    def respond(reason: str) -> HttpResponse:
        body = analysis_report_export(
            actor=request.user,
            unit=unit,
            day=the_day,
            fmt=fmt,
            reason=reason,
            ip=client_ip(request),
        )
        content_type = "application/pdf" if fmt == "pdf" else XLSX
        return attachment(body, content_type, f"report-{unit.code}-{the_day.isoformat()}.{fmt}")

    what = _("Daily report of %(unit)s, %(day)s") % {"unit": unit.name, "day": day}
    return export_with_reason(request, what=f"{what} ({fmt.upper()})", respond=respond)


@login_required
def report_pdf_view(request: HttpRequest, unit_id: int, day: str) -> HttpResponse:
    return _report_file(request, unit_id, day, "pdf")


@login_required
def report_xlsx_view(request: HttpRequest, unit_id: int, day: str) -> HttpResponse:
    return _report_file(request, unit_id, day, "xlsx")
