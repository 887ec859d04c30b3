"""How many people a site needs per shift, from its hourly check counts and Erlang C.

Each person screening is one Erlang C server (:mod:`fangkong.roster.engine.staffing`):
travellers arrive at the hourly rate seen in the site's checks (or, with no checks yet, a
synthetic profile for the site's kind, labelled as such), each check takes
``service_minutes``, and the count is the smallest whose expected wait is at most
``target_wait_minutes``. A shift needs the largest hourly count within it; a third of them
(at least one) are sworn officers, the rest auxiliaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import FieldErrors
from fangkong.roster.engine import police
from fangkong.roster.engine import staffing as erlang
from fangkong.roster.models import shift_label
from fangkong.sites.models import Site
from fangkong.sites.services import site_update

SOURCE_CHECKS, SOURCE_SYNTHETIC = "checks", "synthetic"

# Travellers a day, by site kind, for sites without checks yet: a planning guess only.
SYNTHETIC_DAILY = {
    "checkpoint": 800,
    "toll_station": 1200,
    "service_area": 600,
    "national_road": 500,
    "county_road": 150,
    "county_border": 300,
    "transport_hub": 2000,
    "community_gate": 400,
    "city_intersection": 700,
    "hospital": 300,
}
# Share of the day's traffic in each hour 0–23 (sums to 100): quiet nights, two peaks.
SYNTHETIC_SHAPE = (1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 6, 5, 5, 6, 7, 7, 7, 6, 5, 3, 2, 1, 1)
OFFICER_SHARE = 1 / 3


# -- the proposal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftNeed:
    code: str
    label: str
    start_hour: int
    hours: int
    servers: int
    officers: int
    auxiliaries: int


@dataclass(frozen=True)
class StaffingProposal:
    site: Site
    source: str  # "checks" or "synthetic"
    days_observed: int
    hourly: tuple[float, ...]  # arrivals per hour of the day, 0–23
    servers: tuple[int, ...]
    shifts: tuple[ShiftNeed, ...]
    service_minutes: float
    target_wait_minutes: float

    @property
    def synthetic(self) -> bool:
        return self.source == SOURCE_SYNTHETIC

    @property
    def officers(self) -> int:
        return max((s.officers for s in self.shifts), default=0)

    @property
    def auxiliaries(self) -> int:
        return max((s.auxiliaries for s in self.shifts), default=0)


def hourly_checks(site: Site, *, days: int) -> tuple[tuple[float, ...], int]:
    """Average checks per local hour of the day over the last ``days``, and the days seen."""
    from fangkong.screening.models import Check

    zone = ZoneInfo(settings.TIME_ZONE)
    checks = Check.objects.filter(site=site, checked_at__gte=timezone.now() - timedelta(days=days))
    seen = checks.annotate(d=TruncDate("checked_at", tzinfo=zone)).values("d").distinct().count()
    if not seen:
        return tuple(0.0 for _ in range(24)), 0
    counts = dict(
        checks.annotate(h=ExtractHour("checked_at", tzinfo=zone))
        .values("h")
        .annotate(n=Count("id"))
        .values_list("h", "n")
    )
    return tuple(counts.get(h, 0) / seen for h in range(24)), seen


def synthetic_hourly(kind: str) -> tuple[float, ...]:
    daily = SYNTHETIC_DAILY.get(kind, 500)
    return tuple(daily * share / 100 for share in SYNTHETIC_SHAPE)


def staffing_propose(
    *,
    site: Site,
    days: int = 14,
    pattern: str = "three",
    service_minutes: float = 2.0,
    target_wait_minutes: float = 2.0,
) -> StaffingProposal:
    hourly, seen = hourly_checks(site, days=days)
    source = SOURCE_CHECKS if seen else SOURCE_SYNTHETIC
    if not seen:
        hourly = synthetic_hourly(site.kind)
    servers = tuple(
        erlang.servers_needed(rate, service_minutes, target_wait_minutes) for rate in hourly
    )
    types = police.SHIFT_PATTERNS[pattern]
    needs = erlang.shift_requirements(hourly, types, service_minutes, target_wait_minutes)
    shifts = []
    for shift in types:
        need = needs[shift.id]
        officers = max(1, math.ceil(need * OFFICER_SHARE))
        shifts.append(
            ShiftNeed(
                code=shift.id,
                label=shift_label(shift.id),
                start_hour=shift.start_minute // 60,
                hours=shift.minutes // 60,
                servers=need,
                officers=officers,
                auxiliaries=max(0, need - officers),
            )
        )
    return StaffingProposal(
        site=site,
        source=source,
        days_observed=seen,
        hourly=tuple(round(v, 2) for v in hourly),
        servers=servers,
        shifts=tuple(shifts),
        service_minutes=service_minutes,
        target_wait_minutes=target_wait_minutes,
    )


@transaction.atomic
def staffing_accept(*, actor: Any, site: Site, officers: int, auxiliaries: int) -> Site:
    """Set the site's requirement per shift, as proposed or as the leader edited it."""
    errors = FieldErrors()
    if officers < 0 or officers > 50:
        errors.add("officers", _("Give between 0 and 50 officers."), "invalid_value")
    if auxiliaries < 0 or auxiliaries > 100:
        errors.add("auxiliaries", _("Give between 0 and 100 auxiliaries."), "invalid_value")
    if auxiliaries > 0 and officers == 0:
        errors.add(
            "officers",
            _("Auxiliaries never stand a post without a sworn officer."),
            "auxiliary_needs_officer",
        )
    errors.raise_if_any()
    return site_update(
        actor=actor, site=site, required_officers=officers, required_auxiliaries=auxiliaries
    )
