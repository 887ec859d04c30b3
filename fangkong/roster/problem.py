"""The roster problem read from the database: the unit's open sites, active staff, leave,
shift pattern and rules, the leaders bound to key posts and the hours actually worked before
the period (:mod:`.history`), as the pure engine's :class:`PoliceProblem`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Staff, Unit
from fangkong.roster import history
from fangkong.roster.choices import PATTERN_SHIFTS, PatternKind
from fangkong.roster.engine import police
from fangkong.roster.models import KeySite, Leave, RosterRules, ShiftPattern
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site, SiteAssignment

# -- configuration lookup --------------------------------------------------------------------


def _ancestor_codes(unit: Unit) -> list[str]:
    """The unit's own code first, then its parents' up to the root."""
    return [code for code in unit.path.strip("/").split("/") if code][::-1]


def rules_for_unit(unit: Unit) -> RosterRules:
    """The nearest rules up the unit tree, or the defaults (unsaved)."""
    codes = _ancestor_codes(unit)
    found = {r.unit.code: r for r in RosterRules.objects.filter(unit__code__in=codes)}
    return next((found[c] for c in codes if c in found), RosterRules(unit=unit))


def pattern_for_unit(unit: Unit) -> str:
    codes = _ancestor_codes(unit)
    found = dict(
        ShiftPattern.objects.filter(unit__code__in=codes, site__isnull=True).values_list(
            "unit__code", "kind"
        )
    )
    return next((found[c] for c in codes if c in found), PatternKind.THREE)


def police_rules(rules: RosterRules, *, wartime: bool) -> police.PoliceRules:
    night_rule = (("night", "day"),) if rules.forbid_night_to_morning else ()
    if wartime:
        return police.PoliceRules(
            min_rest_hours=rules.wartime_min_rest_hours,
            forbidden_successions=night_rule,
            max_consecutive_days=rules.wartime_max_consecutive_days,
            max_consecutive_nights=rules.wartime_max_consecutive_nights,
            max_hours_per_week=rules.wartime_max_hours_per_week,
        )
    return police.PoliceRules(
        min_rest_hours=rules.min_rest_hours,
        forbidden_successions=night_rule,
        max_consecutive_days=rules.max_consecutive_days,
        max_consecutive_nights=rules.max_consecutive_nights,
        max_hours_per_week=rules.max_hours_per_week,
    )


# -- building the engine problem -------------------------------------------------------------


@dataclass
class RosterInput:
    """The engine problem and what maps its ids back to rows."""

    problem: police.PoliceProblem
    staff: dict[str, Staff]
    sites: dict[str, Site]


def _staff_roles(staff: Staff) -> frozenset[str]:
    roles: set[str] = set()
    if staff.kind == StaffKind.OFFICER:
        roles.add(police.OFFICER)
    elif staff.kind == StaffKind.AUXILIARY:
        roles.add(police.AUXILIARY)
    if staff.has_role(RoleCode.DUTY_LEADER) and staff.kind != StaffKind.AUXILIARY:
        roles.add(police.LEADER)
    return frozenset(roles)


def dates_of(start: date, days: int) -> list[date]:
    return [start + timedelta(days=d) for d in range(days)]


def build_input(
    *,
    unit: Unit,
    start: date,
    days: int,
    wartime: bool,
    previous: tuple[police.Duty, ...] = (),
) -> RosterInput:
    """The roster problem of ``unit``'s subtree: open sites, active staff, leave and rules."""
    end = start + timedelta(days=days - 1)
    sites = list(
        Site.objects.filter(unit__path__startswith=unit.path, status=SiteStatus.OPEN).order_by(
            "unit__path", "code"
        )
    )
    staff_rows = list(
        Staff.objects.filter(unit__path__startswith=unit.path, active=True)
        .prefetch_related("roles")
        .order_by("unit__path", "kind", "badge_number")
    )
    leave: dict[int, set[date]] = defaultdict(set)
    for span in Leave.objects.filter(
        staff__in=staff_rows, starts_on__lte=end, ends_on__gte=start
    ).values("staff_id", "starts_on", "ends_on"):
        first, last = max(span["starts_on"], start), min(span["ends_on"], end)
        leave[span["staff_id"]] |= set(dates_of(first, (last - first).days + 1))
    home: dict[int, int] = {}
    for staff_id, site_id in SiteAssignment.objects.filter(site__in=sites).values_list(
        "staff_id", "site_id"
    ):
        home.setdefault(staff_id, site_id)
    pattern = pattern_for_unit(unit)
    shift_ids = [s["code"] for s in PATTERN_SHIFTS[pattern]]
    key_sites = set(KeySite.objects.filter(site__in=sites).values_list("site_id", flat=True))
    engine_sites = tuple(
        police.Site(
            id=str(site.pk),
            name=site.name,
            requirements={
                shift: {
                    police.OFFICER: site.required_officers,
                    police.AUXILIARY: site.required_auxiliaries,
                }
                for shift in shift_ids
            },
            unit=unit.code,
            kind=site.kind,
            key=site.pk in key_sites,
        )
        for site in sites
    )
    engine_staff = []
    kept: dict[str, Staff] = {}
    worked = history.worked_before([row.pk for row in staff_rows], start)
    for row in staff_rows:
        roles = _staff_roles(row)
        if not roles:
            continue
        kept[str(row.pk)] = row
        before = worked.get(row.pk, history.Worked())
        engine_staff.append(
            police.Staff(
                id=str(row.pk),
                name=row.name,
                roles=roles,
                unit=unit.code,
                home_site=str(home[row.pk]) if row.pk in home else None,
                leave=frozenset(leave.get(row.pk, ())),
                history=dict(before.minutes),
                last_off=before.last_off,
            )
        )
    rules = rules_for_unit(unit)
    problem = police.PoliceProblem(
        start=start,
        days=days,
        sites=engine_sites,
        staff=tuple(engine_staff),
        shift_pattern=pattern,
        rules=police_rules(rules, wartime=False),
        wartime=wartime,
        wartime_rules=police_rules(rules, wartime=True),
        previous=previous,
        post_leaders=history.post_leaders([site.pk for site in sites], start, days),
    )
    return RosterInput(problem, kept, {str(s.pk): s for s in sites})
