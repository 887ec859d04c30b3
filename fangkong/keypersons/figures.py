"""The command view's figures: key persons by category, measure and status per unit, today's
follow-ups per grid cell (due, done, missing, abnormal), measures ending today, and the
door-to-door sweep's coverage.

The counts come from the tallies that triggers keep on every write of an episode
(``models.StatusTally``, ``MeasureTally``, ``DayTally``): a detachment's figures add up a few
thousand counts, not its hundred thousand episodes, and do not grow with the released ones. At
100,000 key persons (the same data, a machine loaded alike) the two grouped scans of 100,000
and 85,000 episodes became sums over 2,000 and 14,000 tally rows: SQLite CPU median 58 -> 27
ms, PostgreSQL wall median 451 -> 77 ms. The communities and cells in scope are read as tuples
and the doors filtered by a subquery: at a detachment's thousand cells, model instances and a
thousand-id list cost as much as the counts."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from fangkong.grid.models import Door
from fangkong.grid.scope import GridScope, grid_q, grid_scope
from fangkong.grid.selectors import Coverage, cell_list_for_user, community_list_for_user
from fangkong.keypersons.models import Category, DayTally, MeasureTally, StatusTally
from fangkong.keypersons.selectors import SWEEP_DAYS, keyperson_list_for_user
from fangkong.org.models import Unit


@dataclass
class GridFigures:
    cell_id: int | None
    cell: str
    community: str
    due: int = 0
    done: int = 0
    missing: int = 0
    abnormal: int = 0


@dataclass
class Summary:
    day: date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[int, dict[str, int]] = field(default_factory=dict)
    by_measure: dict[str, dict[str, int]] = field(default_factory=dict)
    by_unit: dict[int, dict[str, int]] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    grids: list[GridFigures] = field(default_factory=list)
    ending_today: int = 0
    coverage: list[Coverage] = field(default_factory=list)


# The figures are kept this long for everyone with the same scope: a command view refreshed
# by many screens computes them once a minute, not once a screen.
SUMMARY_TTL_S = 60


def summary_for_user(
    *, user: Any, day: date | None = None, coverage: bool = True, fresh: bool = False
) -> Summary:
    """The figures in ``user``'s grid scope, at most ``SUMMARY_TTL_S`` old (``fresh``: computed
    now). Users with the same scope share them."""
    day = day or timezone.localdate()
    key = _cache_key(grid_scope(user), day, coverage)
    if not fresh:
        cached = cache.get(key)
        if isinstance(cached, Summary):
            return cached
    summary = summary_compute(user=user, day=day, coverage=coverage)
    cache.set(key, summary, SUMMARY_TTL_S)
    return summary


def _cache_key(scope: GridScope, day: date, coverage: bool) -> str:
    parts = (scope.kind, scope.unit_path, sorted(scope.communities), sorted(scope.cells))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"kp:summary:{digest}:{day.isoformat()}:{int(coverage)}"


def summary_compute(*, user: Any, day: date, coverage: bool = True) -> Summary:
    """The figures computed now. The communities and cells in scope are read first as plain
    tuples (a few thousand rows at most, no model instances); the counts are summed from the
    tallies in scope."""
    summary = Summary(day=day)
    communities: dict[int, tuple[str, int]] = {
        pk: (name, station)
        for pk, name, station in community_list_for_user(user=user)
        .order_by()
        .values_list("pk", "name", "station_id")
    }
    cells_in_scope = cell_list_for_user(user=user).order_by()
    cells: dict[int, tuple[str, int]] = {
        pk: (name, community)
        for pk, name, community in cells_in_scope.values_list("pk", "name", "community_id")
    }
    for community, category, measure, status, n in _by_status(user):
        station = communities[community][1] if community in communities else None
        summary.total += n
        summary.by_status[status] = summary.by_status.get(status, 0) + n
        _add(summary.by_category, category, status, n)
        _add(summary.by_measure, measure, status, n)
        _add(summary.by_unit, station, status, n)
    summary.categories = dict(
        Category.objects.filter(pk__in=summary.by_category).values_list("pk", "name")
    )
    summary.units = dict(Unit.objects.filter(pk__in=summary.by_unit).values_list("pk", "name"))
    summary.grids, summary.ending_today = _grids(user, day, communities, cells)
    if coverage:
        start = datetime.combine(day - timedelta(days=SWEEP_DAYS - 1), datetime.min.time())
        doors = Door.objects.filter(cell_id__in=cells_in_scope.values("pk"))
        summary.coverage = _coverage(doors, cells, communities, timezone.make_aware(start))
    return summary


def tallies_for_user(model: type[Any], *, user: Any) -> QuerySet[Any]:
    """A tally's rows in ``user``'s grid scope, as the episodes they count are scoped."""
    return model.objects.filter(grid_q(user)).order_by()


def _by_status(user: Any) -> QuerySet[Any]:
    """(community, category, measure, status, episodes) in scope. The status tally counts by
    community: a grid worker's episodes, a few cells' worth, are counted one by one (also
    for a community officer who works cells of another community besides)."""
    fields = ("community_id", "category_id", "measure", "status")
    if grid_scope(user).cells:
        episodes = keyperson_list_for_user(user=user).select_related(None).order_by()
        return episodes.values_list(*fields).annotate(total=Count("*"))
    return (
        tallies_for_user(StatusTally, user=user)
        .filter(n__gt=0)
        .values_list(*fields)
        .annotate(total=Sum("n"))
    )


def _add(table: dict[Any, dict[str, int]], key: Any, status: str, n: int) -> None:
    row = table.setdefault(key, {})
    row[status] = row.get(status, 0) + n


def _under_measure(user: Any, day: date, *group: str) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Per ``group``: the episodes under the measure on ``day`` (``due``) and those of them
    whose measure ends that day (``ending``); and that day's follow-up tallies."""
    due = (
        tallies_for_user(MeasureTally, user=user)
        .filter(start_on__lte=day, planned_end_on__gte=day, n__gt=0)
        .values_list(*group)
        .annotate(due=Sum("n"), ending=Sum("n", filter=Q(planned_end_on=day)))
    )
    done = (
        tallies_for_user(DayTally, user=user)
        .filter(day=day)
        .values_list(*group)
        .annotate(done=Sum("done"), abnormal=Sum("abnormal"))
    )
    return due, done


def _grids(
    user: Any,
    day: date,
    communities: dict[int, tuple[str, int]],
    cells: dict[int, tuple[str, int]],
) -> tuple[list[GridFigures], int]:
    due_rows, done_rows = _under_measure(user, day, "cell_id", "community_id")
    marks = {(cell, community): (d, a) for cell, community, d, a in done_rows}
    grids, ending_today = [], 0
    for cell_id, community_id, due, ending in sorted(due_rows):
        done, abnormal = marks.get((cell_id, community_id), (0, 0))
        cell = cells[cell_id][0] if cell_id in cells else ""
        community = communities[community_id][0] if community_id in communities else ""
        grids.append(GridFigures(cell_id or None, cell, community, due, done, due - done, abnormal))
        ending_today += ending or 0
    return grids, ending_today


def _coverage(
    doors: Any,
    cells: dict[int, tuple[str, int]],
    communities: dict[int, tuple[str, int]],
    since: datetime,
) -> list[Coverage]:
    """Doors and doors visited since ``since`` per cell: one grouped query over the doors'
    (cell, last visit) index, the cells in scope a subquery rather than a list of ids."""
    rows = (
        doors.values_list("cell_id")
        .annotate(n=Count("*"), visited=Count("id", filter=Q(swept_at__gte=since)))
        .order_by("cell_id")
    )
    out = []
    for cell_id, n, visited in rows:
        name, community_id = cells[cell_id]
        community = communities[community_id][0] if community_id in communities else ""
        out.append(Coverage(cell_id, name, community, n, visited))
    return out


def by_station(summary: Summary) -> dict[str, dict[str, int]]:
    """The per-unit figures under the units' names, for the page."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for unit_id, row in summary.by_unit.items():
        out[summary.units.get(unit_id, "-")] = row
    return dict(out)


@dataclass
class CommunityFigures:
    """One community on the command map: its key persons under the measure today and their
    follow-ups (due, done, still missing, abnormal)."""

    community_id: int
    name: str
    station: str
    lat: float | None
    lng: float | None
    active: int = 0
    ending_today: int = 0
    due: int = 0
    done: int = 0
    missing: int = 0
    abnormal: int = 0

    @property
    def state(self) -> str:
        """``abnormal`` (an abnormal follow-up today), ``missing`` (follow-ups not yet done),
        ``done`` (all done) or ``none`` (nobody under the measure)."""
        if self.abnormal:
            return "abnormal"
        if self.missing:
            return "missing"
        return "done" if self.due else "none"


def by_community_for_user(
    *, user: Any, day: date | None = None, unit_path: str | None = None
) -> list[CommunityFigures]:
    """Every community in ``user``'s grid scope (within ``unit_path``, if given) with its
    figures of ``day``: two grouped queries over the tallies."""
    day = day or timezone.localdate()
    communities = community_list_for_user(user=user).select_related("station")
    if unit_path:
        communities = communities.filter(station__path__startswith=unit_path)
    rows = {
        c.pk: CommunityFigures(c.pk, c.name, c.station.name, c.lat, c.lng)
        for c in communities.order_by("code")
    }
    due_rows, done_rows = _under_measure(user, day, "community_id")
    marks = {community: (d, a) for community, d, a in done_rows}
    for community_id, due, ending in due_rows:
        if community_id not in rows:
            continue
        row = rows[community_id]
        done, abnormal = marks.get(community_id, (0, 0))
        row.active = row.due = due
        row.done, row.missing, row.abnormal = done, due - done, abnormal
        row.ending_today = ending or 0
    return list(rows.values())
