"""The demo's sealed compound (封控小区): one building of the ``grid`` login's cell, sealed five
days ago for fourteen days, with the people allowed through its gate, five days of entries
and exits (出入登记) and of supplies delivered to its doors (物资配送)."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.demo.people import NameGenerator, PhoneGenerator
from fangkong.grid.choices import GateDirection, SealedRole
from fangkong.grid.models import Building, Delivery, Door, GateEntry, SealedArea, SealedPass

SEALED_DAYS_AGO = 5
SEALED_FOR_DAYS = 14
# Who comes and goes, and how often a day.
VISITS = {
    SealedRole.MEDICAL: 4,  # nucleic-acid sampling, door to door
    SealedRole.SUPPLIES: 3,
    SealedRole.POLICE: 2,
    SealedRole.GRID_WORKER: 2,
    SealedRole.PROPERTY: 1,
}
SUPPLIES = (
    ("大米", "kg", (5, 10)),
    ("食用油", "桶", (1, 2)),
    ("蔬菜包", "份", (1, 3)),
    ("鸡蛋", "盒", (1, 2)),
    ("常用药品", "盒", (1, 3)),
    ("口罩", "只", (20, 50)),
    ("消毒液", "瓶", (1, 2)),
)
DELIVERIES_PER_DAY = (6, 12)


@demo_layer("sealed")
def load_sealed(ctx: DemoContext) -> None:
    building = (
        Building.objects.filter(cell__worker__user__username="grid")
        .select_related("cell__community", "cell__worker")
        .order_by("pk")
        .first()
    )
    if building is None:
        return
    rng = random.Random(f"fangkong-demo:{ctx.seed}:sealed")
    names, phones = NameGenerator(rng), PhoneGenerator(rng)
    worker = building.cell.worker
    starts_at = (ctx.now - timedelta(days=SEALED_DAYS_AGO)).replace(minute=0, second=0)
    area = SealedArea.objects.create(
        community=building.cell.community, cell=building.cell, building=building,
        name=building.name, gate="1单元南侧出入口", reason="楼内发现确诊病例，实施封控管理",
        starts_at=starts_at, ends_at=starts_at + timedelta(days=SEALED_FOR_DAYS),
        created_by=building.cell.community.officer, created_at=starts_at,
    )  # fmt: skip
    people = {
        role: [("".join(names.draw(female=rng.random() < 0.5)), phones.draw()) for _ in range(2)]
        for role in VISITS
    }
    passes = [
        SealedPass(area=area, role=role, name=name, phone=phone, created_at=starts_at)
        for role, pair in people.items()
        for name, phone in pair
    ]
    ctx.bulk_create(SealedPass, passes, label="sealed_passes")
    by_name = {p.name: p for p in SealedPass.objects.filter(area=area)}
    entries, deliveries = [], []
    doors = list(Door.objects.filter(building=building))
    for day in range(SEALED_DAYS_AGO + 1):
        # The local day's midnight: visits and deliveries in Beijing's working hours (UTC's
        # midnight put them between 15:00 and 03:00).
        day_start = timezone.localtime(starts_at).replace(hour=0, minute=0, microsecond=0)
        midnight = day_start + timedelta(days=day)
        for role, times in VISITS.items():
            for _ in range(times):
                name, phone = rng.choice(people[role])
                inside = midnight + timedelta(hours=rng.randrange(7, 18), minutes=rng.randrange(60))
                for direction, at in (
                    (GateDirection.IN, inside),
                    (GateDirection.OUT, inside + timedelta(minutes=rng.randrange(10, 90))),
                ):
                    if not starts_at <= at <= ctx.now:
                        continue
                    entries.append(
                        GateEntry(
                            area=area,
                            direction=direction,
                            role=role,
                            name=name,
                            phone=phone,
                            sealed_pass=by_name[name],
                            at=at,
                            recorded_by=worker,
                            temperature=Decimal(rng.choice(("36.2", "36.4", "36.5", "36.7")))
                            if direction == GateDirection.IN
                            else None,
                        )  # fmt: skip
                    )
        for _ in range(rng.randrange(*DELIVERIES_PER_DAY)):
            at = midnight + timedelta(hours=rng.randrange(8, 19), minutes=rng.randrange(60))
            if not starts_at <= at <= ctx.now or not doors:
                continue
            items, unit, (low, high) = rng.choice(SUPPLIES)
            deliveries.append(
                Delivery(
                    area=area,
                    door=rng.choice(doors),
                    items=items,
                    quantity=Decimal(rng.randint(low, high)),
                    unit=unit,
                    delivered_by=rng.choice(people[SealedRole.SUPPLIES])[0],
                    at=at,
                    recorded_by=worker,
                )  # fmt: skip
            )
    ctx.bulk_create(GateEntry, entries, label="gate_entries")
    ctx.bulk_create(Delivery, deliveries, label="deliveries")
    ctx.counts["sealed_areas"] += 1
