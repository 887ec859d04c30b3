"""Reads of rosters, always scoped to the user's jurisdiction, and the calendar tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fangkong.core.jurisdiction import scope_q, sees_everything
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import user_roles
from fangkong.roster.choices import PATTERN_SHIFTS, DutyRole, PatternKind, RosterStatus
from fangkong.roster.engine.police import LEAD_SHIFT, SHIFT_PATTERNS
from fangkong.roster.models import (
    ROSTER_ROLES,
    KeySite,
    Leave,
    Roster,
    RosterAssignment,
    RosterShortage,
    shift_label,
)
from fangkong.sites.models import Site


def roster_list_for_user(*, user: Any, status: str | None = None) -> QuerySet[Roster]:
    rosters = Roster.objects.filter(scope_q(user)).select_related("unit", "created_by__staff")
    if status:
        rosters = rosters.filter(status=status)
    return rosters.order_by("-start", "-id")


def roster_get_for_user(*, user: Any, roster_id: int) -> Roster:
    """The roster, if the user's jurisdiction covers its unit; ``DoesNotExist`` otherwise."""
    return (
        Roster.objects.filter(scope_q(user))
        .select_related("unit", "created_by", "published_by", "based_on")
        .get(pk=roster_id)
    )


def roster_assignments(roster: Roster) -> list[RosterAssignment]:
    return list(roster.assignments.select_related("staff", "site").order_by("date", "staff_id"))


def roster_shortages(roster: Roster) -> list[RosterShortage]:
    rows = list(roster.shortages.select_related("site").order_by("date", "shift", "site_id"))
    for row in rows:
        row.roster = roster  # the text names the roster's unit for the duty leader
    return rows


def rosterable_units(*, user: Any) -> QuerySet[Unit]:
    """The units the user may roster: their jurisdiction, if they hold a rostering role."""
    if not (sees_everything(user) or user_roles(user) & ROSTER_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(scope_q(user, unit_field="")).order_by("path")


def leave_list_for_user(*, user: Any) -> QuerySet[Leave]:
    return (
        Leave.objects.filter(scope_q(user, unit_field="staff__unit"))
        .select_related("staff", "staff__unit")
        .order_by("-starts_on", "-id")
    )


def roster_dates(roster: Roster) -> list[date]:
    return [roster.start + timedelta(days=d) for d in range(roster.days)]


def roster_shifts(roster: Roster) -> list[tuple[str, str]]:
    return [(s["code"], shift_label(s["code"])) for s in PATTERN_SHIFTS[roster.pattern]]


@dataclass
class Cell:
    names: list[str] = field(default_factory=list)
    missing: int = 0


@dataclass
class CalendarRow:
    site: Site | None  # None: the duty leader row
    shift: str
    label: str
    cells: list[Cell]


CalendarKey = tuple[int | None, str]  # (site id, shift code); no site: the duty leader row


def site_calendar(
    roster: Roster,
    assignments: list[RosterAssignment],
    shortages: list[RosterShortage],
) -> list[CalendarRow]:
    """Rows of sites × shifts (and the duty leader), columns of days, names in the cells."""
    dates = roster_dates(roster)
    column = {d: i for i, d in enumerate(dates)}
    sites: dict[int, Site] = {}
    for item in [*assignments, *shortages]:
        if item.site_id:
            sites[item.site_id] = item.site
    keys = _calendar_keys(roster, sites, assignments, shortages)
    grid = {key: [Cell() for _ in dates] for key in keys}
    for duty in assignments:
        cell = grid.get((duty.site_id, duty.shift))
        if cell is not None and duty.date in column:
            cell[column[duty.date]].names.append(_duty_label(duty))
    for gap in shortages:
        cell = grid.get((gap.site_id, gap.shift))
        if cell is not None and gap.date in column:
            cell[column[gap.date]].missing += gap.missing
    return [
        CalendarRow(sites.get(site_id) if site_id else None, code, shift_label(code), grid[key])
        for key in keys
        for site_id, code in (key,)
    ]


def _calendar_keys(
    roster: Roster,
    sites: dict[int, Site],
    assignments: list[RosterAssignment],
    shortages: list[RosterShortage],
) -> list[CalendarKey]:
    """The calendar's rows in order: the duty leader, then each site by code with its shifts."""
    # A key post's bound leader (包保) leads it: a lead row above the post's shifts.
    led = {a.site_id for a in assignments if a.shift == LEAD_SHIFT.id}
    led |= {g.site_id for g in shortages if g.shift == LEAD_SHIFT.id}
    shifts = [code for code, _label in roster_shifts(roster)]
    keys: list[CalendarKey] = [(None, LEAD_SHIFT.id)]
    for site_id in sorted(sites, key=lambda s: sites[s].code):
        lead = [LEAD_SHIFT.id] if site_id in led else []
        keys += [(site_id, code) for code in lead + shifts]
    return keys


def _duty_label(duty: RosterAssignment) -> str:
    """A name in a calendar cell; an auxiliary officer's is starred."""
    if duty.role == DutyRole.AUXILIARY:
        return f"{duty.staff.name}*"
    return duty.staff.name


@dataclass
class PersonRow:
    staff: Staff
    cells: list[RosterAssignment | None]
    shifts: int


def person_calendar(roster: Roster, assignments: list[RosterAssignment]) -> list[PersonRow]:
    dates = roster_dates(roster)
    column = {d: i for i, d in enumerate(dates)}
    people: dict[int, Staff] = {}
    cells: dict[int, list[RosterAssignment | None]] = defaultdict(lambda: [None] * len(dates))
    for duty in assignments:
        people[duty.staff_id] = duty.staff
        cells[duty.staff_id][column[duty.date]] = duty
    order = sorted(people.values(), key=lambda s: (s.kind, s.badge_number))
    return [PersonRow(p, cells[p.pk], sum(1 for c in cells[p.pk] if c is not None)) for p in order]


def duties_for_staff(*, staff: Staff, since: date, days: int = 14) -> list[RosterAssignment]:
    """A person's published duties from ``since`` on, for the phone page."""
    until = since + timedelta(days=days)
    return list(
        RosterAssignment.objects.filter(
            staff=staff,
            roster__status=RosterStatus.PUBLISHED,
            date__gte=since,
            date__lt=until,
        )
        .select_related("site", "roster", "roster__unit")
        .order_by("date", "shift")
    )


# No roster is longer than this (the services refuse more), so older ones cannot cover today.
MAX_ROSTER_DAYS = 366


def running_shift(pattern: str, moment: datetime) -> tuple[date, str]:
    """The shift of ``pattern`` running at a local ``moment``, and the roster day it belongs
    to (a 12-hour night that began yesterday evening is yesterday's)."""
    minute = moment.hour * 60 + moment.minute
    day = moment.date()
    shifts = SHIFT_PATTERNS.get(pattern) or SHIFT_PATTERNS[PatternKind.THREE]
    for shift in shifts:
        if shift.start_minute <= minute < shift.end_minute:
            return day, shift.id
        if minute < shift.end_minute - 24 * 60:
            return day - timedelta(days=1), shift.id
    return day, shifts[0].id  # pragma: no cover - the patterns cover the whole day


def understaffed_now(*, unit_path: str, now: datetime) -> list[dict[str, Any]]:
    """Sites short of staff on the shift running now, by the published rosters of the units
    within ``unit_path``: what the command centre's dashboard raises as an alert."""
    local = timezone.localtime(now)
    rosters = Roster.objects.filter(
        status=RosterStatus.PUBLISHED,
        unit__path__startswith=unit_path,
        start__lte=local.date(),
        start__gte=local.date() - timedelta(days=MAX_ROSTER_DAYS),
    )
    wanted = Q(pk__in=[])
    for roster in rosters:
        day, shift = running_shift(roster.pattern, local)
        if roster.start <= day < roster.start + timedelta(days=roster.days):
            wanted |= Q(roster=roster, date=day, shift=shift)
    short: dict[int, dict[str, Any]] = {}
    for gap in (
        RosterShortage.objects.filter(wanted, site__isnull=False)
        .select_related("site", "site__unit")
        .order_by("site__unit__path", "site__code", "role")
    ):
        row = short.setdefault(
            gap.site_id,
            {"id": gap.site_id, "name": gap.site.name, "unit": gap.site.unit.name, "missing": {}},
        )
        row["missing"][gap.role] = row["missing"].get(gap.role, 0) + gap.missing
    for row in short.values():
        row["text"] = pgettext("list separator", ", ").join(
            _("short of %(count)s %(role)s") % {"count": n, "role": DutyRole(role).label}
            for role, n in row["missing"].items()
        )
    return list(short.values())


def site_is_key(site: Site) -> bool:
    return KeySite.objects.filter(site=site).exists()


def key_site_ids(roster: Roster) -> set[int]:
    """The key posts (重点卡点) among the sites of the roster's unit."""
    return set(
        KeySite.objects.filter(site__unit__path__startswith=roster.unit.path).values_list(
            "site_id", flat=True
        )
    )


def duty_now(*, staff: Staff, now: datetime) -> RosterAssignment | None:
    """The staff member's duty on the shift running now, by the published rosters: where the
    officer's app opens (a night duty that began yesterday evening is yesterday's)."""
    local = timezone.localtime(now)
    duties = (
        RosterAssignment.objects.filter(
            staff=staff,
            roster__status=RosterStatus.PUBLISHED,
            date__gte=local.date() - timedelta(days=1),
            date__lte=local.date(),
        )
        .select_related("roster", "site")
        .order_by("-date")
    )
    for duty in duties:
        if running_shift(duty.roster.pattern, local) == (duty.date, duty.shift):
            return duty
    return None
