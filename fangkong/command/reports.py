"""The daily analysis report (研判报告) of a unit: its figures from the rollups, the change
on the day before and on the same day last week, origins, outcomes, the exceptions of the day
(quiet sites, overrides of the policy, persuade-to-return peaks), the reports of the units
below it (a brigade's report feeds its detachment's), and a short generated summary.

While a report is a draft its figures are computed live; the duty leader's sign-off freezes
them into ``AnalysisReport.data`` (see services.py), and every format (page, PDF, workbook)
is drawn from that one dictionary.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from fangkong.command import selectors
from fangkong.command.choices import ReportStatus
from fangkong.command.models import AnalysisReport
from fangkong.command.rollups import day_bounds, local_zone
from fangkong.core.names import person_name
from fangkong.keypersons.report import keyperson_section
from fangkong.org.models import Unit
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site

# A site silent this many hours in a row during the day is an exception of the day.
QUIET_GAP_HOURS = 4
# An hour with at least this many persuaded back, and twice the day's hourly average, is a peak.
PEAK_MINIMUM = 3
# A unit's report is due by this local time on the next day; signed later, it is late.
REPORT_DUE = time(10, 0)

FIGURES = (
    "persons",
    "vehicles",
    "outcome_pass",
    "outcome_priority_pass",
    "outcome_test_then_pass",
    "outcome_persuade_return",
    "outcome_refer_health",
    "code_green",
    "code_yellow",
    "code_red",
    "code_unknown",
    "reg_road",
    "reg_community",
    "reg_floating",
    "overrides",
)


def report_due(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), REPORT_DUE, tzinfo=local_zone())


def _change(now: int, before: int) -> float | None:
    return round((now - before) * 100.0 / before, 1) if before else None


def _silent_stretch(hours_with_checks: set[int], last_hour: int) -> int:
    """The longest run of local hours 0..last_hour without a check."""
    longest = run = 0
    for hour in range(last_hour + 1):
        run = 0 if hour in hours_with_checks else run + 1
        longest = max(longest, run)
    return longest


def _quiet_sites(scope: selectors.Scope, day: date, now: datetime) -> list[dict[str, Any]]:
    start, end = day_bounds(day)
    last_hour = 23 if now >= end else max(int((now - start).total_seconds() // 3600), 0)
    sites = list(
        selectors.scoped_sites(scope)
        .filter(status=SiteStatus.OPEN)
        .select_related("unit")
        .order_by("unit__path", "code")
    )
    busy: dict[int, set[int]] = {}
    rows = (
        selectors.rollup_hours(scope)
        .filter(hour__gte=start, hour__lt=end, persons__gt=0)
        .values_list("site_id", "hour")
    )
    for site_id, hour in rows:
        busy.setdefault(site_id, set()).add(hour.astimezone(local_zone()).hour)
    quiet = []
    for site in sites:
        gap = _silent_stretch(busy.get(site.pk, set()), last_hour)
        if gap >= QUIET_GAP_HOURS:
            quiet.append({"id": site.pk, "name": site.name, "unit": site.unit.name, "hours": gap})
    return quiet


def _override_sites(scope: selectors.Scope, day: date) -> list[dict[str, Any]]:
    start, end = day_bounds(day)
    rows = (
        selectors.rollup_hours(scope)
        .filter(hour__gte=start, hour__lt=end, overrides__gt=0)
        .values("site_id", "site__name")
        .annotate(n=Sum("overrides"))
        .order_by("-n", "site__name")
    )
    return [{"id": r["site_id"], "name": r["site__name"], "count": r["n"]} for r in rows]


def _persuade_peaks(hourly: list[dict[str, Any]]) -> list[dict[str, int]]:
    # The hours still to come (None) of today's draft count as none.
    counts = [(p["hour"], p["persuade_return"] or 0) for p in hourly]
    average = sum(n for _hour, n in counts) / 24
    return [
        {"hour": hour, "count": n} for hour, n in counts if n >= PEAK_MINIMUM and n >= 2 * average
    ]


def _sub_reports(unit: Unit, day: date, live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each unit below: its figures (as signed, when it has signed) and its report's state."""
    reports = {
        r.unit_id: r
        for r in AnalysisReport.objects.filter(unit__parent=unit, day=day).select_related(
            "signed_by"
        )
    }
    # Only units with sites of their own or below them owe a report.
    site_paths = set(
        Site.objects.filter(unit__path__startswith=unit.path)
        .values_list("unit__path", flat=True)
        .distinct()
    )
    paths = dict(Unit.objects.filter(parent=unit).values_list("pk", "path"))
    due = report_due(day)
    rows = []
    for row in live:
        report = reports.get(row["unit_id"]) if row["unit_id"] != unit.pk else None
        entry = {**row, "report": "", "signed_at": None}
        path = paths.get(row["unit_id"])
        if path and any(p.startswith(path) for p in site_paths):
            if report is None or report.status != ReportStatus.SIGNED:
                entry["report"] = "missing"
            else:
                entry["report"] = "late" if report.signed_at > due else "on_time"
                entry["signed_at"] = report.signed_at.isoformat()
                frozen = report.data.get("figures", {})
                entry["today"] = frozen.get("persons", row["today"])
                entry["persuade_return"] = frozen.get(
                    "outcome_persuade_return", row["persuade_return"]
                )
                entry["refer_health"] = frozen.get("outcome_refer_health", row["refer_health"])
                entry["vehicles"] = frozen.get("vehicles", row["vehicles"])
        rows.append(entry)
    return rows


def report_data(*, unit: Unit, day: date, now: datetime | None = None) -> dict[str, Any]:
    """The report's figures, computed from the rollups now. JSON-ready."""
    now = now or timezone.now()
    scope = selectors.Scope(unit=unit)
    figures = selectors.outcome_split(scope=scope, first=day, last=day)
    yesterday = selectors.outcome_split(
        scope=scope, first=day - timedelta(days=1), last=day - timedelta(days=1)
    )
    week = selectors.outcome_split(
        scope=scope, first=day - timedelta(days=7), last=day - timedelta(days=7)
    )
    hourly = selectors.hourly_series(scope=scope, day=day)
    units = _sub_reports(unit, day, selectors.unit_figures(scope=scope, day=day))
    data = {
        "unit": {"id": unit.pk, "name": unit.name, "kind": unit.kind},
        "day": day.isoformat(),
        "generated_at": now.isoformat(),
        "figures": {k: figures[k] for k in FIGURES},
        "yesterday": {k: yesterday[k] for k in FIGURES},
        "last_week": {k: week[k] for k in FIGURES},
        "change_day": _change(figures["persons"], yesterday["persons"]),
        "change_week": _change(figures["persons"], week["persons"]),
        "origins": selectors.origin_top(scope=scope, first=day, last=day),
        "hourly": hourly,
        "units": units,
        "totals": {
            k: sum(u[k] for u in units)
            for k in ("today", "vehicles", "persuade_return", "refer_health")
        },
        "exceptions": {
            "quiet_sites": _quiet_sites(scope, day, now),
            "override_sites": _override_sites(scope, day),
            "persuade_peaks": _persuade_peaks(hourly),
        },
        # Key persons on the grid below the unit (fangkong/keypersons/report.py).
        "keypersons": keyperson_section(unit_path=unit.path, day=day),
        "not_submitted": [u["name"] for u in units if u["report"] == "missing"],
        "late": [u["name"] for u in units if u["report"] == "late"],
    }
    data["summary"] = report_summary(data)
    return data


def _change_words(pct: float | None) -> str:
    if pct is None:
        return _("no figures to compare")
    if pct > 0:
        return _("up %(pct)s%%") % {"pct": pct}
    if pct < 0:
        return _("down %(pct)s%%") % {"pct": -pct}
    return _("unchanged")


def report_summary(data: dict[str, Any]) -> str:
    """A short paragraph, in the active language, that says what the figures say."""
    f = data["figures"]
    parts = [
        _(
            "On %(day)s %(unit)s checked %(persons)s persons and %(vehicles)s vehicles, "
            "%(change_day)s on the day before and %(change_week)s on the same day last week."
        )
        % {
            "day": data["day"],
            "unit": data["unit"]["name"],
            "persons": f["persons"],
            "vehicles": f["vehicles"],
            "change_day": _change_words(data["change_day"]),
            "change_week": _change_words(data["change_week"]),
        },
        _(
            "%(persuade)s persons were persuaded to return and %(refer)s referred to health; "
            "%(red)s red and %(yellow)s yellow health codes were seen."
        )
        % {
            "persuade": f["outcome_persuade_return"],
            "refer": f["outcome_refer_health"],
            "red": f["code_red"],
            "yellow": f["code_yellow"],
        },
    ]
    if data["origins"]:
        names = _(", ").join(o["name"] for o in data["origins"][:3])
        parts.append(_("Most came from %(places)s.") % {"places": names})
    exceptions = data["exceptions"]
    if exceptions["quiet_sites"] or f["overrides"] or exceptions["persuade_peaks"]:
        parts.append(
            _(
                "Exceptions: %(quiet)s quiet sites, %(overrides)s decisions against the "
                "policy's recommendation, %(peaks)s hours with a peak of persuasions to return."
            )
            % {
                "quiet": len(exceptions["quiet_sites"]),
                "overrides": f["overrides"],
                "peaks": len(exceptions["persuade_peaks"]),
            }
        )
    kp = data.get("keypersons")  # not in reports signed before the section existed
    if kp and (kp["active"] or kp["started"] or kp["ended"]):
        parts.append(
            _(
                "%(active)s key persons were under a measure (%(started)s new, %(ended)s "
                "ended); %(missing)s of %(due)s follow-ups were missing and %(abnormal)s "
                "abnormal."
            )
            % {
                "active": kp["active"],
                "started": kp["started"],
                "ended": kp["ended"],
                "missing": kp["followups"]["missing"],
                "due": kp["followups"]["due"],
                "abnormal": kp["followups"]["abnormal"],
            }
        )
    if data["not_submitted"]:
        parts.append(
            _("Not yet submitted: %(units)s.") % {"units": _(", ").join(data["not_submitted"])}
        )
    if data["late"]:
        parts.append(_("Submitted late: %(units)s.") % {"units": _(", ").join(data["late"])})
    # Chinese sentences follow each other without a space.
    separator = "" if (get_language() or "").startswith("zh") else " "
    return separator.join(parts)


def report_for(*, unit: Unit, day: date) -> tuple[AnalysisReport, dict[str, Any]]:
    """The unit's report of the day (unsaved if nobody has touched it yet) and its figures:
    frozen once signed, live before."""
    report = (
        AnalysisReport.objects.filter(unit=unit, day=day)
        .select_related("signed_by__staff", "drafted_by__staff")
        .first()
    )
    if report is None:
        report = AnalysisReport(unit=unit, day=day)
    if report.status == ReportStatus.SIGNED:
        return report, report.data
    return report, report_data(unit=unit, day=day)


def report_signatures(report: AnalysisReport) -> list[tuple[str, str, str]]:
    """The signature block: who drafted the report and who signed it, each by name (family
    name first) with the local time, or a dash while nobody has."""

    def line(label: str, user: Any, at: datetime | None) -> tuple[str, str, str]:
        if user is None or at is None:
            return label, "—", ""
        return label, person_name(user), timezone.localtime(at).strftime("%Y-%m-%d %H:%M")

    return [
        line(_("Drafted by"), report.drafted_by, report.drafted_at),
        line(_("Signed by"), report.signed_by, report.signed_at),
    ]


def report_status_line(report: AnalysisReport) -> str:
    """Who signed the report and when, or that it is a draft of figures as of now."""
    if report.signed:
        return _("Signed by %(name)s at %(time)s") % {
            "name": person_name(report.signed_by) if report.signed_by else "—",
            "time": timezone.localtime(report.signed_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("Draft: figures as of %(time)s") % {
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")
    }
