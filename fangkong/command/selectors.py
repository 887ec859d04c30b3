"""Dashboard reads. Every figure comes from the rollups, never from the raw checks, and is
limited to the caller's jurisdiction: a brigade sees only its part of every figure.

Days are local (Asia/Shanghai) days; a rollup hour belongs to the local day it starts in,
which is exact because the offset from UTC is a whole number of hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
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
from fangkong.command.rollups import day_bounds, history_version, hour_start, local_zone
from fangkong.core.errors import PermissionDeniedError
from fangkong.core.jurisdiction import jurisdiction_root, sees_everything
from fangkong.lib.divisions import division_name
from fangkong.org.models import Unit
from fangkong.org.selectors import unit_get_for_user
from fangkong.roster.choices import RosterStatus
from fangkong.roster.models import Roster
from fangkong.roster.selectors import MAX_ROSTER_DAYS, understaffed_now
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site

DEFAULT_QUIET_HOURS = 2
TOTALS = (
    "today",
    "yesterday",
    "last_week",
    "yesterday_full",
    "last_week_full",
    "persuade_return",
    "refer_health",
)


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


def until_for(day: date, now: datetime) -> datetime:
    """How far into ``day`` its figures go: now for today, the end of the day for a past day
    (and the start of it for a day to come)."""
    start, end = day_bounds(day)
    return min(max(now, start), end)


def _parts(days: dict[str, date], until: datetime) -> Case:
    """Which part of which day a rollup hour is in, as a plain CASE over the hour column
    (cheaper than a time-zone conversion per row, which SQLite would do in Python):
    ``<day>:done`` for the hours before the time of day ``until`` is at, ``<day>:now`` for
    the hour it is in, ``<day>:rest`` for the hours after."""
    offset = until - day_bounds(days["today"])[0]
    whens = []
    for name, d in days.items():
        start, end = day_bounds(d)
        if offset >= end - start:
            whens.append(When(hour__gte=start, hour__lt=end, then=Value(f"{name}:done")))
            continue
        cut = hour_start(start + offset)
        whens += [
            When(hour__gte=start, hour__lt=cut, then=Value(f"{name}:done")),
            When(hour=cut, then=Value(f"{name}:now")),
            When(hour__gt=cut, hour__lt=end, then=Value(f"{name}:rest")),
        ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _bucket_of(unit_path: str, children: list[Unit]) -> str:
    for child in children:
        if unit_path.startswith(child.path):
            return str(child.pk)
    return "self"


def unit_figures(*, scope: Scope, day: date, now: datetime | None = None) -> list[dict[str, Any]]:
    """Today to the time of day it is now, against yesterday and the same weekday last week
    to the same time of day (a fair comparison at 10:26 is not with the whole of yesterday),
    with their full-day figures beside; for each unit of the next level (each one summing its
    subtree), and a row for the sites the unit holds itself, if any.

    Rollups count by the hour, so the hour now running counts on the earlier days in
    proportion to the minutes gone. The database sums per unit path and part of a day (a few
    dozen rows); the units of the next level are summed from those here."""
    until = until_for(day, now or timezone.now())
    share = (until - hour_start(until)).total_seconds() / 3600
    children = next_level_units(scope)
    days = {"today": day, "yesterday": day - timedelta(days=1), "week": day - timedelta(days=7)}
    within = Q()
    for d in days.values():
        within |= _between(d, d)
    measures = ("persons", "vehicles", "outcome_persuade_return", "outcome_refer_health")
    sums = (
        rollup_hours(scope)
        .filter(within)
        .annotate(d=_parts(days, until))
        .values("unit_path", "d")
        .annotate(**{m: _sum(m) for m in measures})
        .order_by()
    )
    rows: dict[str, dict[str, float]] = {}
    for r in sums:
        row = rows.setdefault(_bucket_of(r["unit_path"], children), {})
        name, _sep, part = r["d"].partition(":")
        for m in measures:
            full = f"{name}_{m}_full"
            row[full] = row.get(full, 0) + r[m]
            if part != "rest":
                weight = share if part == "now" and name != "today" else 1
                key = f"{name}_{m}"
                row[key] = row.get(key, 0) + r[m] * weight
    units: list[tuple[str, int | None, str]] = [(str(c.pk), c.pk, c.name) for c in children]
    if "self" in rows and scope.unit is not None:
        units.append(("self", scope.unit.pk, scope.unit.name))
    return [_unit_row(unit_id, name, rows.get(key, {})) for key, unit_id, name in units]


def _unit_row(unit_id: int | None, name: str, row: dict[str, float]) -> dict[str, Any]:
    def get(key: str) -> int:
        return int(row.get(key, 0) + 0.5)  # half up: a half-hour's share of one check is one

    today, yesterday, week = (get(f"{d}_persons") for d in ("today", "yesterday", "week"))
    return {
        "unit_id": unit_id,
        "name": name,
        "today": today,
        "yesterday": yesterday,
        "last_week": week,
        "yesterday_full": get("yesterday_persons_full"),
        "last_week_full": get("week_persons_full"),
        "vehicles": get("today_vehicles"),
        "persuade_return": get("today_outcome_persuade_return"),
        "refer_health": get("today_outcome_refer_health"),
        "change_day": _change(today, yesterday),
        "change_week": _change(today, week),
    }


def hourly_series(*, scope: Scope, day: date, now: datetime | None = None) -> list[dict[str, Any]]:
    """24 points, by local hour of the day; the hours still to come have no figures (None),
    so that a chart does not draw them as zeros."""
    until = until_for(day, now or timezone.now())
    start, _end = day_bounds(day)
    last = int((until - start).total_seconds() // 3600)  # the hour ``until`` falls in
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
    return [
        {"hour": h, **{k: by_hour.get(h, {}).get(k, 0) if h <= last else None for k in keys}}
        for h in range(24)
    ]


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


def _last_check_hour() -> Subquery:
    """The site's last hour with a check: one index seek per site on (site, hour), where a
    MAX over a join would read every rollup the site ever had."""
    rows = SiteHourRollup.objects.filter(site=OuterRef("pk"), persons__gt=0)
    return Subquery(rows.order_by("-hour").values("hour")[:1])


def _quiet_since(now: datetime, hours: int) -> datetime:
    # Rollups know the hour of a check, not its minute: a site is silent when none of the last
    # ``hours`` clock hours, the current one included, has a check.
    return hour_start(now) - timedelta(hours=hours - 1)


# A silent site is raised when it usually sees at least this many persons in those hours:
# with a Poisson traffic of 3, a silence by chance happens one time in twenty.
QUIET_EXPECTED_PERSONS = 3
USUAL_DAYS = 14


def quiet_sites(
    *, scope: Scope, quiet_hours: int = DEFAULT_QUIET_HOURS, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Open sites with no check in the last ``quiet_hours`` clock hours although they usually
    see people then (静默卡点): each site against its own traffic in the same hours of its
    last two weeks (the days since its first check, if fewer), so a county road at 3 a.m. is
    not raised like a toll station at noon. An open site with no check at all in two weeks is
    raised too. ``usual`` is the persons it usually sees in those hours, None for such a site.

    Those hours of earlier days count the hour now running in proportion to the minutes gone.
    Two parts: the silent sites now (one query over the last hours), and each site's usual
    traffic, which reads only days before today and is kept for the hour (``usual_traffic``)."""
    now = now or timezone.now()
    since = _quiet_since(now, quiet_hours)
    share = (now - hour_start(now)).total_seconds() / 3600
    window_start = since - timedelta(days=USUAL_DAYS)
    usual_by_site = usual_traffic(scope=scope, since=since, current=hour_start(now))
    sites = (
        scoped_sites(scope)
        .filter(status=SiteStatus.OPEN)
        .annotate(
            lately=FilteredRelation("hour_rollups", condition=Q(hour_rollups__hour__gte=since))
        )
        .annotate(recent=_sum("lately__persons"), last_hour=_last_check_hour())
        .filter(recent=0)
        .select_related("unit")
        .order_by("last_hour", "unit__path", "code")
    )
    quiet = []
    for s in sites:
        done, running, first_hour = usual_by_site.get(s.pk, (0, 0, None))
        usual = None
        if first_hour is not None:
            days = min(USUAL_DAYS, max(1, (since - first_hour).days))
            usual = (done + share * running) / days
            if usual < QUIET_EXPECTED_PERSONS:
                continue
        elif s.last_hour is not None and s.last_hour >= window_start:
            continue  # first checked within the day: no earlier traffic to expect
        quiet.append(
            {
                "id": s.pk,
                "name": s.name,
                "unit": s.unit.name,
                "last_hour": s.last_hour,
                "usual": round(usual, 1) if usual is not None else None,
            }
        )
    return quiet


def usual_traffic(
    *, scope: Scope, since: datetime, current: datetime
) -> dict[int, tuple[int, int, datetime | None]]:
    """Per site: persons in the quiet hours (``since`` to ``current``) of each of the last two
    weeks' days, persons in the hour ``current`` of those days, and its first hour with a
    check in them. Only hours at least a day old are read, so the answer is kept in the cache
    for the hour; a check that arrives late for such an hour (an offline sync) drops it at
    once (``rollups.history_changed``)."""
    key = ":".join(
        (
            "command-usual",
            str(history_version()),
            scope.path,
            scope.kind,
            since.isoformat(),
            current.isoformat(),
        )
    )
    cached = cache.get(key)
    if cached is not None:
        return cast(dict[int, tuple[int, int, datetime | None]], cached)
    hours = int((current - since).total_seconds() // 3600)
    done = [since - timedelta(days=d) + timedelta(hours=h) for d in range(1, USUAL_DAYS + 1)
            for h in range(hours)]  # fmt: skip
    running = [current - timedelta(days=d) for d in range(1, USUAL_DAYS + 1)]
    rows = (
        SiteHourRollup.objects.filter(
            site__in=scoped_sites(scope).values("pk"),
            hour__gte=since - timedelta(days=USUAL_DAYS),
            hour__lte=current - timedelta(days=1),
        )
        .values("site_id")
        .annotate(
            done=_sum("persons", Q(hour__in=done)),
            running=_sum("persons", Q(hour__in=running)),
            first=Min("hour", filter=Q(persons__gt=0)),
        )
        .order_by()
    )
    usual = {r["site_id"]: (r["done"], r["running"], r["first"]) for r in rows}
    cache.set(key, usual, timeout=3600)
    return usual


def site_volumes(
    *,
    scope: Scope,
    day: date,
    quiet_hours: int = DEFAULT_QUIET_HOURS,
    now: datetime | None = None,
    quiet: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each site's volume on the day and whether it is quiet (see ``quiet_sites``, whose
    answer the caller may pass when it has it)."""
    if quiet is None:
        quiet = quiet_sites(scope=scope, quiet_hours=quiet_hours, now=now)
    quiet_ids = {q["id"] for q in quiet}
    start, end = day_bounds(day)
    sites = (
        scoped_sites(scope)
        .annotate(
            in_day=FilteredRelation(
                "hour_rollups",
                condition=Q(hour_rollups__hour__gte=start, hour_rollups__hour__lt=end),
            )
        )
        .annotate(volume=_sum("in_day__persons"), last_hour=_last_check_hour())
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
            "quiet": s.pk in quiet_ids,
        }
        for s in sites
    ]


def roster_published_for(*, scope: Scope, day: date) -> bool:
    """Whether a published roster of a unit within the scope covers ``day``: without one the
    dashboard says so, rather than that every post is staffed."""
    rosters = Roster.objects.filter(
        status=RosterStatus.PUBLISHED,
        start__lte=day,
        start__gte=day - timedelta(days=MAX_ROSTER_DAYS),
    ).filter(unit__path__startswith=scope.path)
    return any(r.start + timedelta(days=r.days) > day for r in rosters.only("start", "days"))


def dashboard(
    *,
    scope: Scope,
    day: date,
    first: date | None = None,
    quiet_hours: int = DEFAULT_QUIET_HOURS,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Everything the dashboard page shows, in one answer (about ten queries)."""
    now = now or timezone.now()
    first = first or day - timedelta(days=13)
    units = unit_figures(scope=scope, day=day, now=now)
    quiet = quiet_sites(scope=scope, quiet_hours=quiet_hours, now=now)
    return {
        "day": day,
        "first": first,
        "until": timezone.localtime(until_for(day, now)),
        "unit": scope.unit.name if scope.unit else "",
        "totals": {k: sum(u[k] for u in units) for k in TOTALS},
        "units": units,
        "hourly": hourly_series(scope=scope, day=day, now=now),
        "outcomes": outcome_split(scope=scope, first=day, last=day),
        "origins": origin_top(scope=scope, first=first, last=day),
        "trends": daily_trends(scope=scope, first=first, last=day),
        "quiet": quiet,
        "roster_published": roster_published_for(scope=scope, day=timezone.localdate(now)),
        "understaffed": understaffed_now(unit_path=scope.path, now=now),
        "sites": site_volumes(scope=scope, day=day, now=now, quiet=quiet),
    }
