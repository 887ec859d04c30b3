"""Dashboard reads. Every figure comes from the rollups, never from the raw checks, and is
limited to the caller's jurisdiction: a brigade sees only its part of every figure.

Days are local (Asia/Shanghai) days; a rollup hour belongs to the local day it starts in,
which is exact because the offset from UTC is a whole number of hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, CharField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.models import (
    CODE_COLUMNS,
    OUTCOME_COLUMNS,
    OriginRollup,
    SiteDayRollup,
    SiteHourRollup,
)
from fangkong.command.rollups import day_bounds, hour_start, local_zone
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.jurisdiction import jurisdiction_root, sees_everything
from fangkong.lib.divisions import division_name
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_for_user
from fangkong.roster.selectors import understaffed_now
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site

DEFAULT_QUIET_HOURS = 2


@dataclass(frozen=True)
class Scope:
    """Whose figures: a unit's subtree (or everything, for a superuser without a unit), and
    optionally one kind of site."""

    unit: Unit | None
    kind: str = ""

    @property
    def path(self) -> str:
        return self.unit.path if self.unit is not None else "/"


def scope_for_user(*, user: Any, unit_id: int | None = None, kind: str = "") -> Scope:
    """The caller's jurisdiction, narrowed to ``unit_id`` if it lies within it."""
    if unit_id is not None:
        return Scope(unit=unit_get_for_user(user=user, unit_id=unit_id), kind=kind)
    unit = jurisdiction_root(user)
    if unit is None and not sees_everything(user):
        raise PermissionDeniedError(_("Your account belongs to no unit."))
    return Scope(unit=unit, kind=kind)


def path_within(field: str, path: str) -> Q:
    """``field`` starts with the unit path ``path``, as a range an index can serve (a LIKE
    cannot, on SQLite, nor on PostgreSQL without a pattern index). Paths end with "/" and
    "0" sorts right after it, so the strings with this prefix are exactly the range."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "0"})


def rollup_hours(scope: Scope) -> QuerySet[SiteHourRollup]:
    rows = SiteHourRollup.objects.filter(path_within("unit_path", scope.path))
    return rows.filter(site__kind=scope.kind) if scope.kind else rows


def scoped_sites(scope: Scope) -> QuerySet[Site]:
    sites = Site.objects.filter(unit__path__startswith=scope.path)
    return sites.filter(kind=scope.kind) if scope.kind else sites


def _between(first: date, last: date) -> Q:
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    return Q(hour__gte=start, hour__lt=end)


def _sum(column: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(column, filter=condition), 0)


def next_level_units(scope: Scope) -> list[Unit]:
    if scope.unit is None:
        return list(Unit.objects.filter(parent__isnull=True).order_by("sort_order", "path"))
    return list(scope.unit.children.order_by("sort_order", "path"))


def _change(now: int, before: int) -> float | None:
    """Relative change in per cent; None when there is nothing to compare with."""
    return round((now - before) * 100.0 / before, 1) if before else None


def _day_bucket(days: dict[str, date]) -> Case:
    """The local day a rollup hour belongs to, as a plain CASE over the hour column: cheaper
    than a time-zone conversion per row, which SQLite would do in Python."""
    return Case(
        *[When(_between(d, d), then=Value(name)) for name, d in days.items()],
        default=Value(""),
        output_field=CharField(),
    )


def _bucket_of(unit_path: str, children: list[Unit]) -> str:
    for child in children:
        if unit_path.startswith(child.path):
            return str(child.pk)
    return "self"


def unit_figures(*, scope: Scope, day: date) -> list[dict[str, Any]]:
    """Today, yesterday and the same day last week for each unit of the next level (each one
    summing its subtree), and a row for the sites the unit holds itself, if any.

    The database sums per unit path and day (a few dozen rows); the units of the next level
    are summed from those here, which is cheaper than a pattern match per rollup row."""
    children = next_level_units(scope)
    days = {"today": day, "yesterday": day - timedelta(days=1), "week": day - timedelta(days=7)}
    within = Q()
    for d in days.values():
        within |= _between(d, d)
    measures = ("persons", "vehicles", "outcome_persuade_return", "outcome_refer_health")
    sums = (
        rollup_hours(scope)
        .filter(within)
        .annotate(d=_day_bucket(days))
        .values("unit_path", "d")
        .annotate(**{m: _sum(m) for m in measures})
        .order_by()
    )
    rows: dict[str, dict[str, int]] = {}
    for r in sums:
        row = rows.setdefault(_bucket_of(r["unit_path"], children), {})
        for m in measures:
            key = f"{r['d']}_{m}"
            row[key] = row.get(key, 0) + r[m]
    units: list[tuple[str, int | None, str]] = [(str(c.pk), c.pk, c.name) for c in children]
    if "self" in rows and scope.unit is not None:
        units.append(("self", scope.unit.pk, scope.unit.name))
    return [_unit_row(unit_id, name, rows.get(key, {})) for key, unit_id, name in units]


def _unit_row(unit_id: int | None, name: str, row: dict[str, Any]) -> dict[str, Any]:
    today, yesterday, week = (row.get(f"{d}_persons", 0) for d in ("today", "yesterday", "week"))
    return {
        "unit_id": unit_id,
        "name": name,
        "today": today,
        "yesterday": yesterday,
        "last_week": week,
        "vehicles": row.get("today_vehicles", 0),
        "persuade_return": row.get("today_outcome_persuade_return", 0),
        "refer_health": row.get("today_outcome_refer_health", 0),
        "change_day": _change(today, yesterday),
        "change_week": _change(today, week),
    }


def hourly_series(*, scope: Scope, day: date) -> list[dict[str, Any]]:
    """24 points, by local hour of the day."""
    sums = (
        rollup_hours(scope)
        .filter(_between(day, day))
        .values("hour")
        .annotate(
            persons=_sum("persons"),
            vehicles=_sum("vehicles"),
            persuade_return=_sum("outcome_persuade_return"),
            refer_health=_sum("outcome_refer_health"),
        )
        .order_by()
    )
    by_hour = {hour_start(r["hour"]).astimezone(local_zone()).hour: r for r in sums}
    keys = ("persons", "vehicles", "persuade_return", "refer_health")
    return [{"hour": h, **{k: by_hour.get(h, {}).get(k, 0) for k in keys}} for h in range(24)]


def outcome_split(*, scope: Scope, first: date, last: date) -> dict[str, int]:
    """Persons, vehicles, each outcome, each health-code colour, registrations, overrides."""
    columns = (
        "persons",
        "vehicles",
        *OUTCOME_COLUMNS,
        *CODE_COLUMNS,
        "reg_road",
        "reg_community",
        "reg_floating",
        "overrides",
    )
    return (
        rollup_hours(scope).filter(_between(first, last)).aggregate(**{c: _sum(c) for c in columns})
    )


def origin_top(*, scope: Scope, first: date, last: date, limit: int = 10) -> list[dict[str, Any]]:
    rows = OriginRollup.objects.filter(
        site__unit__path__startswith=scope.path, date__gte=first, date__lte=last
    )
    if scope.kind:
        rows = rows.filter(site__kind=scope.kind)
    top = rows.values("origin").annotate(n=Sum("count")).order_by("-n", "origin")[:limit]
    return [
        {"code": r["origin"], "name": division_name(r["origin"]) or r["origin"], "count": r["n"]}
        for r in top
    ]


def daily_trends(*, scope: Scope, first: date, last: date) -> list[dict[str, Any]]:
    """Persons, persuaded to return and referred to health, per local day, from the day
    rollups: a row per site and day, where the hourly rollups would give twenty-four."""
    keys = ("persons", "persuade_return", "refer_health")
    rows = SiteDayRollup.objects.filter(
        path_within("unit_path", scope.path), date__gte=first, date__lte=last
    )
    if scope.kind:
        rows = rows.filter(site__kind=scope.kind)
    sums = {
        r["date"]: r
        for r in rows.values("date")
        .annotate(
            persons=_sum("persons"),
            persuade_return=_sum("outcome_persuade_return"),
            refer_health=_sum("outcome_refer_health"),
        )
        .order_by()
    }
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [{"date": d, **{k: sums.get(d, {}).get(k, 0) for k in keys}} for d in days]


def _quiet_since(now: datetime, hours: int) -> datetime:
    # Rollups know the hour of a check, not its minute: a site is quiet when none of the last
    # ``hours`` clock hours, the current one included, has a check.
    return hour_start(now) - timedelta(hours=hours - 1)


def site_volumes(
    *, scope: Scope, day: date, quiet_hours: int = DEFAULT_QUIET_HOURS, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Each site's volume on the day and whether it is quiet (open, no recent check)."""
    now = now or timezone.now()
    since = _quiet_since(now, quiet_hours)
    start, end = day_bounds(day)
    sites = (
        scoped_sites(scope)
        .annotate(
            volume=_sum(
                "hour_rollups__persons",
                Q(hour_rollups__hour__gte=start, hour_rollups__hour__lt=end),
            ),
            last_hour=Max("hour_rollups__hour", filter=Q(hour_rollups__persons__gt=0)),
        )
        .select_related("unit")
        .order_by("unit__path", "code")
    )
    return [
        {
            "id": s.pk,
            "name": s.name,
            "kind": s.kind,
            "unit": s.unit.name,
            "status": s.status,
            "lat": s.lat,
            "lng": s.lng,
            "volume": s.volume,
            "last_hour": s.last_hour,
            "quiet": s.status == SiteStatus.OPEN and (s.last_hour is None or s.last_hour < since),
        }
        for s in sites
    ]


def quiet_sites(
    *, scope: Scope, quiet_hours: int = DEFAULT_QUIET_HOURS, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Open sites with no check in the last ``quiet_hours`` hours (静默卡点)."""
    since = _quiet_since(now or timezone.now(), quiet_hours)
    sites = (
        scoped_sites(scope)
        .filter(status=SiteStatus.OPEN)
        .annotate(last_hour=Max("hour_rollups__hour", filter=Q(hour_rollups__persons__gt=0)))
        .filter(Q(last_hour__lt=since) | Q(last_hour__isnull=True))
        .select_related("unit")
        .order_by("last_hour", "unit__path", "code")
    )
    return [
        {"id": s.pk, "name": s.name, "unit": s.unit.name, "last_hour": s.last_hour} for s in sites
    ]


def dashboard(
    *,
    scope: Scope,
    day: date,
    first: date | None = None,
    quiet_hours: int = DEFAULT_QUIET_HOURS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the dashboard page shows, in one answer (about ten queries)."""
    first = first or day - timedelta(days=13)
    units = unit_figures(scope=scope, day=day)
    return {
        "day": day,
        "first": first,
        "unit": scope.unit.name if scope.unit else "",
        "totals": {
            k: sum(u[k] for u in units)
            for k in ("today", "yesterday", "last_week", "persuade_return", "refer_health")
        },
        "units": units,
        "hourly": hourly_series(scope=scope, day=day),
        "outcomes": outcome_split(scope=scope, first=day, last=day),
        "origins": origin_top(scope=scope, first=first, last=day),
        "trends": daily_trends(scope=scope, first=first, last=day),
        "quiet": quiet_sites(scope=scope, quiet_hours=quiet_hours, now=now),
        "understaffed": understaffed_now(unit_path=scope.path, now=now or timezone.now()),
        "sites": site_volumes(scope=scope, day=day, quiet_hours=quiet_hours, now=now),
    }
