"""Keeping the command centre's rollups current, and rebuilding them from raw data.

**Same transaction, not a task behind.** Each check (and registration) bumps its site-hour
rollup in the transaction that saves it: the service that saves it (``check_record``,
``registration_create``) calls :func:`record_check` or :func:`record_registrations`, which
do one UPSERT increment
(``INSERT … ON CONFLICT (site_id, hour) DO UPDATE SET persons = persons + 1 …``, which
SQLite ≥ 3.24 and PostgreSQL both accept). Why:

- the dashboards are exact at once: a check that the officer saw saved is on the wall;
- nothing can be lost or counted twice between the raw table and the rollup: they commit or
  roll back together, and an offline check that is synced twice is stored (and counted) once,
  because the idempotency key refuses the second insert before the recorder runs;
- a task behind would need a watermark on ``received_at``, a scheduler that never stops, and
  still a rebuild for the checks that arrive late; it would buy nothing here, because
- the cost is small: one statement per check, and the row lock it takes is per site and hour,
  where checks come every few seconds at most (a site has a few lanes), so writers at different
  sites never wait on each other.

A late-arriving (offline-synced) check lands in the hour of its ``checked_at``, not of its
arrival. Deleting a check (the retention purge) does **not** decrement anything, on purpose,
so the rollups keep the history that the purge removes.

What is counted, and how ``rollup_rebuild`` recomputes it with GROUP BY:

- persons, outcomes, overrides (outcome ≠ recommended): per check, hour of ``checked_at``;
- health-code colours: the colour the check's registration declared; a walk-up check without a
  registration counts as "not available";
- vehicles: a travel group with a vehicle counts once, at its site, in the hour of its earliest
  check (a late check that is earlier than the group's others moves the vehicle to its hour);
- registrations by kind: hour of ``created_at``;
- persons, outcomes and overrides again per local day (``SiteDayRollup``), for trends;
- origins (``OriginRollup``): per check, the province of its travel group's origin, or, for a
  check without a group, of the registration's declared "coming from"; day in local time.

The calls are explicit, not signal receivers, so that a reader of the service sees the write
to another app (zulip's ``do_*`` actions). Code that inserts many checks at once (the demo)
feeds the same counters through :class:`RollupBatch`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, TextField
from django.db.models.functions import Cast, TruncDate, TruncHour
from django.utils import timezone

from fangkong.command.models import (
    CODE_COLUMNS,
    COUNTER_COLUMNS,
    DAY_COLUMNS,
    OUTCOME_COLUMNS,
    OriginRollup,
    SiteDayRollup,
    SiteHourRollup,
)
from fangkong.core.sql import execute
from fangkong.org.models import Unit
from fangkong.registration.models import Registration, TravelGroup
from fangkong.screening.models import Check
from fangkong.sites.models import Site

_DIVISION = re.compile(r"\d{6}")
_COLOURS = ("green", "yellow", "red")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def hour_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def local_date(moment: datetime) -> date:
    return moment.astimezone(local_zone()).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants where a local day starts and ends."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=local_zone())
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=local_zone())
    return start.astimezone(UTC), end.astimezone(UTC)


def province(code: Any) -> str | None:
    # SQLite's JSON extraction hands a digits-only string back as a number.
    code = str(code) if isinstance(code, int) else code
    if not isinstance(code, str) or not _DIVISION.fullmatch(code):
        return None
    return code[:2] + "0000"


def health_colour(declared: Any) -> str:
    colour = declared.get("health_code") if isinstance(declared, dict) else None
    return colour if colour in _COLOURS else "unknown"


def check_colour(check: Check, declared: Any) -> str:
    """A check's health-code colour: what its registration declared; for a check without a
    registration (a walk-up, a synthetic check), the health-code rule among its reasons, the
    colour the officer saw. ``_check_colour_q`` is the same rule in SQL, for the rebuild."""
    if check.registration_id:
        return health_colour(declared)
    codes = {r.get("code") for r in check.reasons or [] if isinstance(r, dict)}
    return next((c for c in _COLOURS if f"health_code_{c}" in codes), "unknown")


def _check_colour_q(colour: str) -> Q:
    return Q(registration__declared__health_code=colour) | Q(
        registration__isnull=True, reasons_text__contains=f'"health_code_{colour}"'
    )


class RollupBatch:
    """Counter deltas gathered in memory and written with one UPSERT per row."""

    def __init__(self) -> None:
        self.hours: defaultdict[tuple[int, datetime], Counter[str]] = defaultdict(Counter)
        self.days: defaultdict[tuple[int, date], Counter[str]] = defaultdict(Counter)
        self.origins: Counter[tuple[int, date, str]] = Counter()

    def add_check(
        self,
        *,
        site_id: int,
        checked_at: datetime,
        outcome: str,
        recommended: str,
        colour: str,
        origin: str | None,
    ) -> None:
        row = self.hours[(site_id, hour_start(checked_at))]
        day = self.days[(site_id, local_date(checked_at))]
        for counts in (row, day):
            counts["persons"] += 1
            counts[f"outcome_{outcome}"] += 1
            if outcome != recommended:
                counts["overrides"] += 1
        row[f"code_{colour}"] += 1
        origin_province = province(origin)
        if origin_province:
            self.origins[(site_id, local_date(checked_at), origin_province)] += 1

    def add_vehicle(self, *, site_id: int, at: datetime, count: int = 1) -> None:
        self.hours[(site_id, hour_start(at))]["vehicles"] += count

    def add_registration(self, *, site_id: int, created_at: datetime, kind: str) -> None:
        self.hours[(site_id, hour_start(created_at))][f"reg_{kind}"] += 1

    def flush(self) -> None:
        if any(hour <= hour_start(timezone.now()) - timedelta(days=1) for _s, hour in self.hours):
            history_changed()
        if self.hours:
            _upsert_counters(SiteHourRollup, "hour", COUNTER_COLUMNS, self.hours.items())
        if self.days:
            _upsert_counters(SiteDayRollup, "date", DAY_COLUMNS, self.days.items())
        if self.origins:
            _upsert_origins(self.origins.items())
        self.hours.clear()
        self.days.clear()
        self.origins.clear()


# The dashboard keeps each site's usual traffic, read from rollups at least a day old, for an
# hour (``selectors.usual_traffic``). A count added to such an hour (a late offline sync, the
# generator, a rebuild) moves this version on, which drops every kept answer.
HISTORY_VERSION_KEY = "command-history-version"


def history_version() -> int:
    version = django_cache.get(HISTORY_VERSION_KEY)
    if version is None:
        version = 1
        django_cache.add(HISTORY_VERSION_KEY, version, timeout=None)
    return int(version)


def history_changed() -> None:
    """Move the version on now, and again when the transaction commits: an answer computed
    in between, from the data before the commit, is dropped too."""

    def bump() -> None:
        try:
            django_cache.incr(HISTORY_VERSION_KEY)
        except ValueError:
            django_cache.set(HISTORY_VERSION_KEY, 2, timeout=None)

    bump()
    transaction.on_commit(bump)


@cache
def _counters_sql(
    table: str, period: str, columns: tuple[str, ...], counted: tuple[str, ...]
) -> str:
    names = ", ".join(columns)
    # A column the row does not count starts at 0 on insert and is left alone on conflict.
    placeholders = ", ".join("%s" if c in counted else "0" for c in columns)
    # The unit path is set when the row is made and left alone after: writing it again would
    # rewrite its index entry on every count.
    updates = [f"{c} = {table}.{c} + excluded.{c}" for c in counted]
    sites, units = Site._meta.db_table, Unit._meta.db_table
    # Table and column names come from the models, never from input.
    # The unit path is read from the site in the same statement, so a check costs one query.
    return " ".join(
        [
            f"INSERT INTO {table} (site_id, {period}, unit_path, {names})",  # noqa: S608
            f"SELECT s.id, %s, u.path, {placeholders} FROM {sites} s",  # noqa: S608
            f"JOIN {units} u ON u.id = s.unit_id WHERE s.id = %s",
            f"ON CONFLICT (site_id, {period}) DO UPDATE SET {', '.join(updates)}",
        ]
    )


def _upsert_counters(
    model: type[SiteHourRollup] | type[SiteDayRollup],
    period: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple[tuple[int, Any], Counter[str]]],
) -> None:
    """Add counts to the rows of a site-and-period rollup table, creating missing rows.

    One row, as every registration and every check adds inside its transaction, goes on the
    driver's own cursor and updates only the columns it counts (a registration counts one of
    twenty); many rows, as the generator adds, go in one batch that updates every column."""
    field = model._meta.get_field(period)
    rows = list(rows)
    if len(rows) == 1:
        (site_id, when), counts = rows[0]
        counted = tuple(c for c in columns if counts[c])
        if not counted:  # Counts that cancel out (a vehicle moved within its hour).
            return
        sql = _counters_sql(model._meta.db_table, period, columns, counted)
        hour_or_day = field.get_db_prep_value(when, connection)
        execute(sql, [hour_or_day, *(counts[c] for c in counted), site_id])
        return
    params = [
        [field.get_db_prep_value(when, connection), *(counts[c] for c in columns), site_id]
        for (site_id, when), counts in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(_counters_sql(model._meta.db_table, period, columns, columns), params)


def _upsert_origins(rows: Iterable[tuple[tuple[int, date, str], int]]) -> None:
    table = OriginRollup._meta.db_table
    sql = " ".join(
        [
            f"INSERT INTO {table} (site_id, date, origin, count)",  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            "ON CONFLICT (site_id, date, origin) DO UPDATE SET",
            f"count = {table}.count + excluded.count",
        ]
    )
    adapt = connection.ops.adapt_datefield_value
    params = [[site_id, adapt(day), origin, n] for (site_id, day, origin), n in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _declared_of(check: Check) -> dict[str, Any]:
    if not check.registration_id:
        return {}
    if Check.registration.is_cached(check):  # type: ignore[attr-defined]
        return check.registration.declared if check.registration else {}
    declared = (
        Registration.objects.filter(pk=check.registration_id)
        .values_list("declared", flat=True)
        .first()
    )
    return declared or {}


def _group_vehicle(batch: RollupBatch, check: Check, group: tuple[Any, ...]) -> None:
    """Count the group's vehicle in the hour of its earliest check."""
    site_id, vehicle_id, _origin, first_other = group
    if vehicle_id is None:
        return
    if first_other is None:
        batch.add_vehicle(site_id=site_id, at=check.checked_at)
    elif check.checked_at < first_other and hour_start(check.checked_at) != hour_start(first_other):
        batch.add_vehicle(site_id=site_id, at=first_other, count=-1)
        batch.add_vehicle(site_id=site_id, at=check.checked_at)


def record_check(check: Check) -> None:
    """Add one newly saved check to the rollups (at most four queries)."""
    batch = RollupBatch()
    declared = _declared_of(check)
    origin = declared.get("coming_from") if isinstance(declared, dict) else None
    if check.group_id:
        # Lock the group, so two of its checks saved at once cannot both count its vehicle.
        group = (
            TravelGroup.objects.select_for_update()
            .filter(pk=check.group_id)
            .values_list("site_id", "vehicle_id", "origin_division")
            .first()
        )
        if group is not None:
            origin = group[2]
            first_other = (
                Check.objects.filter(group_id=check.group_id)
                .exclude(pk=check.pk)
                .aggregate(first=Min("checked_at"))["first"]
            )
            _group_vehicle(batch, check, (*group, first_other))
    batch.add_check(
        site_id=check.site_id,
        checked_at=check.checked_at,
        outcome=check.outcome,
        recommended=check.recommended,
        colour=check_colour(check, declared),
        origin=origin,
    )
    batch.flush()


def record_registrations(registrations: Iterable[Registration]) -> None:
    """Add newly saved registrations to the rollups (one query per site and hour)."""
    batch = RollupBatch()
    for registration in registrations:
        batch.add_registration(
            site_id=registration.site_id,
            created_at=registration.created_at,
            kind=registration.kind,
        )
    batch.flush()


# --- Rebuild from raw data -------------------------------------------------------------------


def _check_hours(start: datetime, end: datetime) -> Iterable[dict[str, Any]]:
    outcome_counts = {
        column: Count("id", filter=Q(outcome=column.removeprefix("outcome_")))
        for column in OUTCOME_COLUMNS
    }
    colour_counts = {
        f"code_{colour}": Count("id", filter=_check_colour_q(colour)) for colour in _COLOURS
    }
    return (
        Check.objects.filter(checked_at__gte=start, checked_at__lt=end)
        .annotate(h=TruncHour("checked_at", tzinfo=UTC), reasons_text=Cast("reasons", TextField()))
        .values("site_id", "h")
        .annotate(
            persons=Count("id"),
            overrides=Count("id", filter=~Q(outcome=F("recommended"))),
            **outcome_counts,
            **colour_counts,
        )
        .order_by()
    )


def _rebuilt_hours(start: datetime, end: datetime) -> dict[tuple[int, datetime], Counter[str]]:
    hours: defaultdict[tuple[int, datetime], Counter[str]] = defaultdict(Counter)
    for row in _check_hours(start, end):
        counts = hours[(row["site_id"], hour_start(row["h"]))]
        for column in ("persons", "overrides", *OUTCOME_COLUMNS, *CODE_COLUMNS[:3]):
            counts[column] += row[column]
        counts["code_unknown"] += row["persons"] - sum(row[c] for c in CODE_COLUMNS[:3])
    groups = (
        TravelGroup.objects.filter(vehicle__isnull=False)
        .annotate(first=Min("checks__checked_at"))
        .filter(first__gte=start, first__lt=end)
        .values_list("site_id", "first")
    )
    for site_id, first in groups.iterator():
        hours[(site_id, hour_start(first))]["vehicles"] += 1
    registrations = (
        Registration.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(h=TruncHour("created_at", tzinfo=UTC))
        .values("site_id", "h", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in registrations:
        hours[(row["site_id"], hour_start(row["h"]))][f"reg_{row['kind']}"] += row["n"]
    return hours


def _rebuilt_days(start: datetime, end: datetime) -> dict[tuple[int, date], dict[str, int]]:
    outcome_counts = {
        column: Count("id", filter=Q(outcome=column.removeprefix("outcome_")))
        for column in OUTCOME_COLUMNS
    }
    rows = (
        Check.objects.filter(checked_at__gte=start, checked_at__lt=end)
        .annotate(d=TruncDate("checked_at", tzinfo=local_zone()))
        .values("site_id", "d")
        .annotate(
            persons=Count("id"),
            overrides=Count("id", filter=~Q(outcome=F("recommended"))),
            **outcome_counts,
        )
        .order_by()
    )
    return {(r["site_id"], r["d"]): {c: r[c] for c in DAY_COLUMNS} for r in rows}


def _rebuilt_origins(start: datetime, end: datetime) -> Counter[tuple[int, date, str]]:
    checks = Check.objects.filter(checked_at__gte=start, checked_at__lt=end).annotate(
        d=TruncDate("checked_at", tzinfo=local_zone())
    )
    by_group = (
        checks.filter(group__isnull=False)
        .values("site_id", "d", o=F("group__origin_division"))
        .annotate(n=Count("id"))
        .order_by()
    )
    by_declared = (
        checks.filter(group__isnull=True, registration__isnull=False)
        .values("site_id", "d", o=F("registration__declared__coming_from"))
        .annotate(n=Count("id"))
        .order_by()
    )
    origins: Counter[tuple[int, date, str]] = Counter()
    for row in [*by_group, *by_declared]:
        origin = province(row["o"])
        if origin:
            origins[(row["site_id"], row["d"], origin)] += row["n"]
    return origins


def rollups_rebuild(*, first_day: date, last_day: date) -> dict[str, int]:
    """Recompute the rollups of whole local days from the raw checks and registrations.

    Only meaningful while the raw data is still there: a day that the retention purge has
    emptied would be rebuilt as (nearly) empty, so callers keep to the retention window.
    """
    start, _ = day_bounds(first_day)
    _, end = day_bounds(last_day)
    with transaction.atomic():
        history_changed()
        hours = _rebuilt_hours(start, end)
        days = _rebuilt_days(start, end)
        origins = _rebuilt_origins(start, end)
        paths = dict(Site.objects.values_list("id", "unit__path"))
        SiteHourRollup.objects.filter(hour__gte=start, hour__lt=end).delete()
        SiteDayRollup.objects.filter(date__gte=first_day, date__lte=last_day).delete()
        OriginRollup.objects.filter(date__gte=first_day, date__lte=last_day).delete()
        SiteHourRollup.objects.bulk_create(
            [
                SiteHourRollup(site_id=site_id, hour=hour, unit_path=paths[site_id], **counts)
                for (site_id, hour), counts in hours.items()
            ],
            batch_size=1000,
        )
        SiteDayRollup.objects.bulk_create(
            [
                SiteDayRollup(site_id=site_id, date=day, unit_path=paths[site_id], **counts)
                for (site_id, day), counts in days.items()
            ],
            batch_size=1000,
        )
        OriginRollup.objects.bulk_create(
            [
                OriginRollup(site_id=site_id, date=day, origin=origin, count=n)
                for (site_id, day, origin), n in origins.items()
            ],
            batch_size=1000,
        )
    return {"hours": len(hours), "days": len(days), "origins": len(origins)}
