"""Synthetic checks in volume, for benchmarks and load tests: N checks over D days at the
existing sites, streamed in batches straight into ``Check`` and the rollups.

Memory stays bounded whatever N is: persons and vehicles come from fixed pools, each batch is
inserted with one ``executemany`` and its rollup deltas are flushed with it, so nothing grows
with N but the database. Never run this against a production database.
"""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from fangkong.command.rollups import RollupBatch, local_zone
from fangkong.core.identity import blind_index_of, document_index
from fangkong.lib.idnumber import checksum_char
from fangkong.registration.models import Person, TravelGroup, Vehicle
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site, SiteAssignment

OUTCOME_WEIGHTS = {
    "pass": 84,
    "priority_pass": 3,
    "test_then_pass": 6,
    "persuade_return": 5,
    "refer_health": 2,
}
# Health-code colours as officers saw them in the field: nearly all green, a few yellow, rare
# red. The default policy sends yellow to a test and red to the health services.
HEALTH_CODE_WEIGHTS = {"green": 955, "yellow": 38, "red": 7}
HEALTH_CODE_OUTCOMES = {"yellow": "test_then_pass", "red": "refer_health"}
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


def person_pool(
    count: int, names: Sequence[str] = (), rng: random.Random | None = None
) -> list[Traveller]:
    """``count`` persons with synthetic resident ID numbers (see ``synthetic_id_number``), none
    already in the database."""
    rng = rng or random.Random()
    numbers = _unused(
        count,
        lambda: synthetic_id_number(rng),
        lambda batch: {document_index("resident_id", number): number for number in batch},
        lambda keys: Person.objects.filter(doc_index__in=keys).values_list("doc_index", flat=True),
    )
    persons = [Person(doc_type="resident_id", doc_number=number) for number in numbers]
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


def vehicle_pool(count: int, rng: random.Random | None = None) -> list[int]:
    """``count`` vehicles with plates in real formats (see ``synthetic_plate``), none already in
    the database."""
    rng = rng or random.Random()
    plates = _unused(
        count,
        lambda: synthetic_plate(rng),
        lambda batch: {plate: plate for plate in batch},
        lambda keys: Vehicle.objects.filter(plate__in=keys).values_list("plate", flat=True),
    )
    vehicles = [Vehicle(plate=plate, kind="") for plate in plates]
    return [v.pk for v in Vehicle.objects.bulk_create(vehicles, batch_size=2000)]


def _unused(
    count: int,
    draw: Callable[[], str],
    keyed: Callable[[set[str]], dict[str, str]],
    taken: Callable[[list[str]], Iterable[str]],
) -> list[str]:
    """``count`` distinct drawn values whose key is not ``taken`` yet, looked up in chunks."""
    found: dict[str, str] = {}
    while len(found) < count:
        batch = {draw() for _ in range(min(2000, count - len(found)))}
        by_key = {key: value for key, value in keyed(batch).items() if key not in found}
        for key in taken(list(by_key)):
            by_key.pop(key, None)
        found |= by_key
    return list(found.values())[:count]


# Where the synthetic residents were born: districts and counties of Zhangye and of the
# neighbouring provinces (GB/T 2260), most from Zhangye itself.
ID_REGIONS = (
    ("620702", 30), ("620721", 6), ("620722", 6), ("620723", 5), ("620724", 5),
    ("620725", 5), ("620102", 6), ("620302", 2), ("620902", 3), ("620602", 3),
    ("630102", 3), ("640104", 3), ("150104", 2), ("152921", 2), ("650102", 2),
    ("610113", 3), ("510104", 2),
)  # fmt: skip


def synthetic_id_number(rng: random.Random) -> str:
    """A made-up resident ID number in the real format: a real region, a birth date between
    1950 and 2005, a sequence in the little-used 9xx block, the check character. Like any
    synthetic number it can equal a real one by chance; it is drawn, never copied."""
    region = rng.choices([r for r, _ in ID_REGIONS], [w for _, w in ID_REGIONS])[0]
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(56 * 365))
    first17 = f"{region}{birth:%Y%m%d}9{rng.randrange(100):02d}"
    return first17 + checksum_char(first17)


# Where vehicles come from (GA 36 office codes): Zhangye (甘G) first, then the rest of Gansu
# and the neighbouring provinces along the Hexi corridor.
PLATE_OFFICES = (
    ("甘G", 60), ("甘A", 8), ("甘B", 3), ("甘C", 3), ("甘F", 5), ("甘H", 4),
    ("青A", 4), ("宁A", 3), ("蒙M", 2), ("新A", 3), ("陕A", 3), ("川A", 2),
)  # fmt: skip
PLATE_DIGITS = "0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def synthetic_plate(rng: random.Random) -> str:
    """A plate in a real format: ordinary (five characters, at most two letters), one in ten
    a small new-energy plate (D or F, then five), one in forty a large new-energy one."""
    office = rng.choices([o for o, _ in PLATE_OFFICES], [w for _, w in PLATE_OFFICES])[0]
    kind = rng.random()
    if kind < 0.1:
        return f"{office}{rng.choice('DF')}{rng.choice(PLATE_LETTERS + PLATE_DIGITS)}" + "".join(
            rng.choice(PLATE_DIGITS) for _ in range(4)
        )
    if kind < 0.125:
        return office + "".join(rng.choice(PLATE_DIGITS) for _ in range(5)) + rng.choice("DF")
    serial = [rng.choice(PLATE_DIGITS) for _ in range(5)]
    for position in rng.sample(range(5), rng.choice((0, 1, 1, 2))):
        serial[position] = rng.choice(PLATE_LETTERS)
    return office + "".join(serial)


def site_officers() -> dict[int, list[int]]:
    """The staff assigned to each site, who sign its synthetic checks."""
    officers: dict[int, list[int]] = {}
    for site_id, staff_id in SiteAssignment.objects.order_by("staff_id").values_list(
        "site_id", "staff_id"
    ):
        officers.setdefault(site_id, []).append(staff_id)
    return officers


def synthetic_temperature(rng: random.Random, outcome: str) -> Decimal:
    """A forehead reading: normal, but one referred to health services often has a fever."""
    if outcome == "refer_health" and rng.random() < 0.6:
        return Decimal(f"{rng.uniform(37.3, 38.6):.1f}")
    return Decimal(f"{min(37.2, max(35.9, rng.gauss(36.5, 0.25))):.1f}")


def _decision(
    rng: random.Random, outcomes: list[str], weights: list[int]
) -> tuple[str, str, str, str]:
    """A person's health-code colour, the officer's outcome, the policy's recommendation and
    the reasons (as JSON): a yellow or red code sets the recommendation, with its rule as the
    reason, as the default policy would; a green one leaves the usual mix of outcomes."""
    colours = list(HEALTH_CODE_WEIGHTS)
    colour = rng.choices(colours, list(HEALTH_CODE_WEIGHTS.values()))[0]
    if colour in HEALTH_CODE_OUTCOMES:
        outcome = HEALTH_CODE_OUTCOMES[colour]
        return (
            colour,
            outcome,
            outcome,
            json.dumps([{"code": f"health_code_{colour}", "params": {}}]),
        )
    outcome = rng.choices(outcomes, weights)[0]
    recommended = outcome if rng.random() > 0.01 else "pass"
    return colour, outcome, recommended, "[]"


def _insert_checks_sql() -> str:
    table = Check._meta.db_table
    columns = (
        "site_id, person_id, officer_id, name, name_index, phone, phone_index, vehicle_kind, "
        "group_id, temperature, recommended, outcome, reasons, override_reason, note, "
        "policy_version, checked_at, received_at, idempotency_key, role"
    )
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 20)})"  # noqa: S608


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
        travellers = person_pool(min(persons, max(checks // 5, 100)), names, rng)
        vehicle_ids = vehicle_pool(min(5_000, max(checks // 50, 10)), rng)
        officers = site_officers()
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
            groups += _batch(rng, batch, travellers, vehicle_ids, officers, keys)
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
    officers: dict[int, list[int]],
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
        on_duty = officers.get(site)
        officer = rng.choice(on_duty) if on_duty else None
        if group_id is not None:
            rollups.add_vehicle(site_id=site, at=at)
        for n in range(people):
            colour, outcome, recommended, reasons = _decision(rng, outcomes, weights)
            traveller = rng.choice(travellers)
            rows.append(
                (
                    site,
                    traveller.person_id,
                    officer,
                    traveller.name,
                    traveller.name_index,
                    "",
                    "",
                    "",
                    group_id,
                    synthetic_temperature(rng, outcome),
                    recommended,
                    outcome,
                    reasons,
                    "",
                    "",
                    1,
                    adapt(at),
                    received,
                    keys.next(),
                    ("driver" if n == 0 else "passenger") if group_id is not None else "",
                )
            )
            rollups.add_check(
                site_id=site,
                checked_at=at,
                outcome=outcome,
                recommended=recommended,
                # A check keeps no colour of its own, only a rule that a yellow or red code
                # set (``rollups.check_colour``): a green code counts as not known.
                colour=colour if colour in HEALTH_CODE_OUTCOMES else "unknown",
                origin=origin if group_id is not None else None,
            )
    with connection.cursor() as cursor:
        cursor.executemany(_insert_checks_sql(), rows)
    rollups.flush()
    return len(created)
