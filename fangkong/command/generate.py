"""Synthetic checks in volume, for benchmarks and load tests: N checks over D days at the
existing sites, streamed in batches straight into ``Check`` and the rollups.

Memory stays bounded whatever N is: persons and vehicles come from fixed pools, each batch is
inserted with one ``executemany`` and its rollup deltas are flushed with it, so nothing grows
with N but the database. Never run this against a production database.
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from fangkong.command.rollups import RollupBatch, local_zone
from fangkong.core.identity import blind_index_of
from fangkong.registration.models import Person, TravelGroup, Vehicle
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site

OUTCOME_WEIGHTS = {
    "pass": 84,
    "priority_pass": 3,
    "test_then_pass": 6,
    "persuade_return": 5,
    "refer_health": 2,
}
# Provinces people come from, most from Gansu itself.
ORIGINS = ("620702", "620102", "640104", "630104", "510104", "610113", "110105", "310101")
ORIGIN_WEIGHTS = (50, 15, 8, 7, 6, 6, 4, 4)
# Traffic by local hour: quiet at night, busy from morning to evening.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 10, 10, 9, 8, 7, 5, 4, 3, 2, 1)
# Traffic by kind of site: expressway exits and stations see the most people, a county road
# or a hospital gate the fewest.
SITE_KIND_WEIGHTS: dict[str, int] = {
    SiteKind.TOLL_STATION: 10,
    SiteKind.TRANSPORT_HUB: 8,
    SiteKind.NATIONAL_ROAD: 6,
    SiteKind.CHECKPOINT: 6,
    SiteKind.CITY_INTERSECTION: 5,
    SiteKind.SERVICE_AREA: 4,
    SiteKind.COUNTY_BORDER: 4,
    SiteKind.COMMUNITY_GATE: 3,
    SiteKind.COUNTY_ROAD: 2,
    SiteKind.HOSPITAL: 1,
}


def site_weight(kind: str) -> int:
    return SITE_KIND_WEIGHTS.get(kind, 3)


def local_hour_weights(hours: Sequence[datetime]) -> list[int]:
    zone = local_zone()
    return [HOUR_WEIGHTS[h.astimezone(zone).hour] for h in hours]


@dataclass
class GenerateResult:
    checks: int
    groups: int
    seconds: float


def _progress(out: TextIO | None, done: int, total: int, started: float) -> None:
    if out is None:
        return
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.perf_counter() - started, 1e-6)
    out.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done * 100 // max(total, 1):3d}% "
        f"{done}/{total} checks, {rate:,.0f}/s"
    )
    if done >= total:
        out.write("\n")
    out.flush()


@dataclass(frozen=True)
class Traveller:
    """A pooled person and the name their walk-up checks carry, encrypted and indexed once
    (the checks go in by raw SQL)."""

    person_id: int
    name: str
    name_index: str


def person_pool(count: int, names: Sequence[str] = ()) -> list[Traveller]:
    tag = uuid.uuid4().hex[:8]
    persons = [Person(doc_type="passport", doc_number=f"G{tag}{i:07d}") for i in range(count)]
    created = Person.objects.bulk_create(persons, batch_size=2000)
    name_field = Check._meta.get_field("name")
    sealed: dict[str, tuple[str, str]] = {}
    travellers = []
    for i, person in enumerate(created):
        name = names[i % len(names)] if names else "测试人员"
        if name not in sealed:
            sealed[name] = (name_field.get_prep_value(name), blind_index_of("name", name))
        travellers.append(Traveller(person.pk, *sealed[name]))
    return travellers


def vehicle_pool(count: int) -> list[int]:
    tag = uuid.uuid4().hex[:4].upper()
    vehicles = [Vehicle(plate=f"测{tag}{i:06d}", kind="car") for i in range(count)]
    return [v.pk for v in Vehicle.objects.bulk_create(vehicles, batch_size=2000)]


def _insert_checks_sql() -> str:
    table = Check._meta.db_table
    columns = (
        "site_id, person_id, name, name_index, phone, phone_index, vehicle_kind, group_id, "
        "temperature, recommended, outcome, reasons, override_reason, note, policy_version, "
        "checked_at, received_at, idempotency_key"
    )
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 18)})"  # noqa: S608


def _hour_counts(checks: int, hours: list[datetime]) -> list[int]:
    """How many checks each hour gets: ``checks`` spread by the local hour's weight."""
    weights = local_hour_weights(hours)
    total = sum(weights)
    counts = [checks * w // total for w in weights]
    for i in range(checks - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def _plans(
    rng: random.Random,
    sites: list[tuple[int, str]],
    hours: list[datetime],
    counts: list[int],
) -> Iterator[tuple[int, datetime, int, str]]:
    """Passages in time order, as they would arrive: (site, time, persons, origin), busier
    sites by their kind."""
    ids = [site for site, _ in sites]
    weights = [site_weight(kind) for _, kind in sites]
    for hour, count in zip(hours, counts, strict=True):
        moments = sorted(rng.randrange(3600) for _ in range(count))
        remaining = count
        while remaining > 0:
            people = min(rng.choice((1, 1, 1, 2, 3)), remaining)
            at = hour + timedelta(seconds=moments[count - remaining])
            origin = rng.choices(ORIGINS, ORIGIN_WEIGHTS)[0]
            yield rng.choices(ids, weights)[0], at, people, origin
            remaining -= people


def checks_generate(
    *,
    checks: int,
    days: int,
    batch_size: int = 10_000,
    persons: int = 20_000,
    seed: int = 1,
    end: datetime | None = None,
    progress: TextIO | None = sys.stderr,
    names: Sequence[str] = (),
) -> GenerateResult:
    """Insert ``checks`` synthetic checks over the ``days`` days before ``end``, in time
    order, each batch with its rollup deltas in one transaction."""
    rng = random.Random(seed)
    sites = list(Site.objects.order_by("id").values_list("id", "kind"))
    if not sites:
        raise ValueError("no sites: create sites first")
    end = (end or timezone.now()).replace(minute=0, second=0, microsecond=0)
    hours = [end - timedelta(hours=days * 24 - i) for i in range(days * 24)]
    with transaction.atomic():
        travellers = person_pool(min(persons, max(checks // 5, 100)), names)
        vehicle_ids = vehicle_pool(min(5_000, max(checks // 50, 10)))
    plans = _plans(rng, sites, hours, _hour_counts(checks, hours))
    keys = _Keys()
    started = time.perf_counter()
    done = groups = 0
    while done < checks:
        batch, size = [], 0
        for plan in plans:
            batch.append(plan)
            size += plan[2]
            if size >= batch_size:
                break
        with transaction.atomic():
            groups += _batch(rng, batch, travellers, vehicle_ids, keys)
        done += size
        _progress(progress, done, checks, started)
    return GenerateResult(checks=done, groups=groups, seconds=time.perf_counter() - started)


class _Keys:
    """Idempotency keys: unique per run and increasing, like a phone's clock-based keys."""

    def __init__(self) -> None:
        self.prefix = "gen-" + uuid.uuid4().hex[:12] + "-"
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count:012d}"


def _batch(
    rng: random.Random,
    plans: list[tuple[int, datetime, int, str]],
    travellers: list[Traveller],
    vehicle_ids: list[int],
    keys: _Keys,
) -> int:
    """One batch: travel groups (a passage of two or more people, and some of one, come in a
    vehicle), then the checks with one executemany, then the batch's rollup deltas."""
    rollups = RollupBatch()
    in_vehicle = [p[2] > 1 or rng.random() < 0.2 for p in plans]
    created = TravelGroup.objects.bulk_create(
        [
            TravelGroup(site_id=site, vehicle_id=rng.choice(vehicle_ids), origin_division=origin)
            for (site, _at, _n, origin), vehicle in zip(plans, in_vehicle, strict=True)
            if vehicle
        ]
    )
    group_ids = iter(g.pk for g in created)
    adapt = connection.ops.adapt_datetimefield_value
    received = adapt(timezone.now())
    outcomes, weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    rows = []
    for (site, at, people, origin), vehicle in zip(plans, in_vehicle, strict=True):
        group_id = next(group_ids) if vehicle else None
        if group_id is not None:
            rollups.add_vehicle(site_id=site, at=at)
        for _ in range(people):
            outcome = rng.choices(outcomes, weights)[0]
            recommended = outcome if rng.random() > 0.01 else "pass"
            traveller = rng.choice(travellers)
            rows.append(
                (
                    site,
                    traveller.person_id,
                    traveller.name,
                    traveller.name_index,
                    "",
                    "",
                    "",
                    group_id,
                    None,
                    recommended,
                    outcome,
                    "[]",
                    "",
                    "",
                    1,
                    adapt(at),
                    received,
                    keys.next(),
                )
            )
            rollups.add_check(
                site_id=site,
                checked_at=at,
                outcome=outcome,
                recommended=recommended,
                colour="unknown",
                origin=origin if group_id is not None else None,
            )
    with connection.cursor() as cursor:
        cursor.executemany(_insert_checks_sql(), rows)
    rollups.flush()
    return len(created)
