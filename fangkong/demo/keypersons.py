"""The demo's grid and key persons: the three Ganzhou police stations get four communities
each (from the packaged statistical codes of 东街, 西街 and 南街 streets), two grid cells per
community, a dozen buildings per cell and twelve doors per building; the stations' own staff
serve as community officers (sworn officers) and grid workers (the staff with the grid-worker
role, then auxiliaries); about 300 key persons in every status, with two weeks of
follow-ups (some missing, some abnormal), the end-of-day tasks of those days, and a week of
door-to-door visits. The logins ``grid`` and ``community`` are a grid worker and a community
officer of 东街派出所.

Everything is written with ``bulk_create``: going through the services for thousands of
follow-ups would make the demo slow to load. The episodes' follow-up marks are set from the
follow-ups written, as the services keep them.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from fangkong.demo.loader import DemoContext, demo_layer
from fangkong.demo.people import NameGenerator, PhoneGenerator
from fangkong.grid.divisions import SubDivision, sub_division
from fangkong.grid.models import Building, Community, Door, DoorVisit, GridCell, Resident, Street
from fangkong.keypersons.choices import Source, Status, Symptom, TaskStatus
from fangkong.keypersons.models import Category, FollowUp, KeyPerson, StatusChange, Task
from fangkong.keypersons.services import candidates_collect, followups_flag
from fangkong.lib.idnumber import checksum_char
from fangkong.org.choices import RoleCode, StaffKind, UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.registration.people import persons_prepare

LOGINS = ("grid", "community")
# Police station (short name) -> its street and four communities (12-digit codes).
STATIONS = {
    "东街派出所": ("620702001000", ("620702001001", "620702001005", "620702001006",
                                  "620702001007")),
    "西街派出所": ("620702003000", ("620702003001", "620702003003", "620702003005",
                                  "620702003009")),
    "南街派出所": ("620702002000", ("620702002003", "620702002005", "620702002006",
                                  "620702002010")),
}  # fmt: skip
CELLS_PER_COMMUNITY = 2
BUILDINGS_PER_CELL = 12
DOORS_PER_BUILDING = 12  # two entrances, three floors, two doors a floor
KEY_PERSONS = 300
HISTORY_DAYS = 14
# Share of episodes by status, and of follow-ups that are missed or abnormal.
STATUS_WEIGHTS = {
    Status.ACTIVE: 0.62, Status.HOSPITAL: 0.05, Status.LOST: 0.04,
    Status.RELEASED: 0.25, Status.CANCELLED: 0.04,
}  # fmt: skip
MISSED = 0.08
ABNORMAL = 0.04
VISITED_SHARE = 0.6
ROAD_NAMES = ("南大街", "县府街", "东环路", "北环路", "西大街", "青年西街", "甘泉街", "长沙门街")


def _division(code: str) -> SubDivision:
    """A division of the packaged table, which holds every code of ``STATIONS``."""
    division = sub_division(code)
    if division is None:
        raise LookupError(f"Division {code} is not in the packaged table.")
    return division


@demo_layer("keypersons")
def load_keypersons(ctx: DemoContext) -> None:
    rng = random.Random(f"fangkong-demo:{ctx.seed}:keypersons")
    stations = {
        unit.short_name: unit
        for unit in Unit.objects.filter(kind=UnitKind.STATION, division_code="620702")
    }
    if not stations:
        return
    communities, cells = _communities(ctx, stations, rng)
    doors = _buildings_and_doors(ctx, cells, rng)
    episodes = _key_persons(ctx, communities, doors, rng)
    _followups(ctx, episodes, rng)
    _flags(ctx)
    _visits(ctx, doors, rng)
    _logins(ctx, communities, cells)
    ctx.counts["keyperson_candidates"] += candidates_collect(since=ctx.now - timedelta(days=7))


def _staff_of(unit: Unit) -> tuple[list[Staff], list[Staff]]:
    """The station's officers for the communities and its grid workers, in badge order."""
    staff = list(Staff.objects.filter(unit=unit, active=True).prefetch_related("roles"))
    grid = [s for s in staff if s.has_role(RoleCode.GRID_WORKER)]
    auxiliaries = [s for s in staff if s.kind == StaffKind.AUXILIARY and s not in grid]
    leaders = {RoleCode.DUTY_LEADER, RoleCode.UNIT_ADMIN, RoleCode.COMMANDER}
    officers = [
        s for s in staff
        if s.kind == StaffKind.OFFICER and s not in grid and s.user_id is None
        and not any(s.has_role(code) for code in leaders)
    ]  # fmt: skip
    return officers, grid + auxiliaries


# The centre of 张掖 (甘州区), WGS-84, for a station without sites.
CITY_CENTRE = (100.4498, 38.9260)


def _centre(station: Unit) -> tuple[float, float]:
    """The middle of the station's sites (and its sub-units'), as (lng, lat)."""
    from fangkong.sites.models import Site

    points = list(
        Site.objects.filter(unit__path__startswith=station.path).values_list("lng", "lat")
    )
    if not points:
        return CITY_CENTRE
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _communities(
    ctx: DemoContext, stations: dict[str, Unit], rng: random.Random
) -> tuple[list[Community], list[GridCell]]:
    communities, cells = [], []
    for short, (street_code, codes) in STATIONS.items():
        station = stations.get(short)
        if station is None:
            continue
        officers, workers = _staff_of(station)
        street = Street.objects.create(
            code=street_code, name=_division(street_code).name, county_code="620702"
        )
        centre = _centre(station)
        for n, code in enumerate(codes):
            # Around the station's sites, a few hundred metres apart, for the command map.
            angle = 2 * math.pi * n / max(len(codes), 1)
            community = Community.objects.create(
                code=code, name=_division(code).short_name, street=street, station=station,
                officer=officers[n] if n < len(officers) else None,
                lng=round(centre[0] + 0.008 * math.cos(angle), 6),
                lat=round(centre[1] + 0.006 * math.sin(angle), 6),
            )  # fmt: skip
            communities.append(community)
            for c in range(CELLS_PER_COMMUNITY):
                worker_index = n * CELLS_PER_COMMUNITY + c
                cells.append(
                    GridCell(
                        community=community,
                        code=f"{code}-{c + 1:02d}",
                        name=f"{community.name}第{c + 1}网格",
                        worker=workers[worker_index] if worker_index < len(workers) else None,
                    )  # fmt: skip
                )
    ctx.bulk_create(GridCell, cells, label="grid_cells")
    ctx.counts["communities"] += len(communities)
    cells = list(GridCell.objects.filter(community__in=communities).select_related("community"))
    return communities, cells


def _buildings_and_doors(ctx: DemoContext, cells: list[GridCell], rng: random.Random) -> list[Door]:
    names, phones = NameGenerator(rng), PhoneGenerator(rng)
    buildings = []
    for cell in cells:
        road = rng.choice(ROAD_NAMES)
        for b in range(BUILDINGS_PER_CELL):
            buildings.append(
                Building(
                    cell=cell,
                    name=f"{road}{rng.randrange(1, 400)}号{b + 1}号楼",
                    head_name="".join(names.draw(female=rng.random() < 0.5)),
                    head_phone=phones.draw(),
                )  # fmt: skip
            )
    ctx.bulk_create(Building, buildings, label="buildings")
    buildings = list(Building.objects.filter(cell__in=cells).select_related("cell__community"))
    doors = []
    for building in buildings:
        for n in range(DOORS_PER_BUILDING):
            entrance, floor, door = n // 6 + 1, (n % 6) // 2 + 1, n % 2 + 1
            label = f"{entrance}单元{floor}0{door}"
            doors.append(
                Door(
                    building=building,
                    cell_id=building.cell_id,
                    label=label,
                    address=f"甘州区{building.cell.community.name}{building.name}{label}室",
                )  # fmt: skip
            )
    ctx.bulk_create(Door, doors, label="doors")
    return list(Door.objects.filter(cell__in=cells).select_related("cell__community"))


def _id_number(rng: random.Random, used: set[str]) -> str:
    while True:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(60 * 365))
        first17 = f"620702{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = first17 + checksum_char(first17)
        if number not in used:
            used.add(number)
            return number


def _key_persons(
    ctx: DemoContext, communities: list[Community], doors: list[Door], rng: random.Random
) -> list[KeyPerson]:
    today = timezone.localdate(ctx.now)
    categories = list(Category.objects.filter(active=True))
    weights = [6 if c.code in ("close_contact", "secondary_contact", "risk_area_returnee")
               else 1 for c in categories]  # fmt: skip
    used: set[str] = set()
    persons, insert = persons_prepare(
        [("resident_id", _id_number(rng, used)) for _ in range(KEY_PERSONS)]
    )
    insert.run()
    names, phones = NameGenerator(random.Random(f"{ctx.seed}:kp-names")), PhoneGenerator(rng)
    statuses = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=KEY_PERSONS)
    episodes = []
    for person, status in zip(persons, statuses, strict=True):
        category = rng.choices(categories, weights)[0]
        door = rng.choice(doors)
        ended = status in (Status.RELEASED, Status.CANCELLED)
        # Open episodes started in the last 13 days; ended ones up to a month ago.
        start = today - timedelta(days=rng.randrange(14, 30) if ended else rng.randrange(0, 14))
        end = start + timedelta(days=category.days)
        female = rng.random() < 0.5
        episodes.append(
            KeyPerson(
                person_id=person.pk,
                name="".join(names.draw(female=female)),
                phone=phones.draw(),
                category=category,
                source=rng.choice(Source.values),
                measure=category.measure,
                status=status,
                start_on=start,
                planned_end_on=end,
                ended_on=(
                    min(end, today)
                    if status == Status.RELEASED
                    else start + timedelta(days=rng.randrange(1, 5))
                    if ended
                    else None
                ),
                community=door.cell.community,
                cell=door.cell,
                door=door,
                address=door.address,
                grid_worker_id=door.cell.worker_id,
                officer_id=door.cell.community.officer_id,
                followups_per_day=category.followups_per_day,
            )  # fmt: skip
        )
    ctx.bulk_create(KeyPerson, episodes, label="key_persons")
    episodes = list(KeyPerson.objects.filter(person_id__in=[p.pk for p in persons]))
    _history(ctx, episodes, rng)
    open_ids = [
        e.person_id for e in episodes if e.status not in (Status.RELEASED, Status.CANCELLED)
    ]
    from fangkong.registration.models import Person

    Person.objects.filter(pk__in=open_ids).update(hold=True)
    ctx.bulk_create(
        Resident,
        (
            Resident(
                door=e.door,
                cell_id=e.door.cell_id,
                person_id=e.person_id,
                name=e.name,
                phone=e.phone,
                kind="registered",
                returnee=e.category.code == "risk_area_returnee",
            )  # fmt: skip
            for e in episodes
            if e.door is not None
        ),
        label="residents",
    )
    return episodes


REASONS = {
    Status.ACTIVE: "卫健部门推送，纳入管控",
    Status.HOSPITAL: "体温异常，120转运至定点医院",
    Status.LOST: "电话无人接听，上门未见",
    Status.RELEASED: "管控期满，核酸检测阴性，解除管控",
    Status.CANCELLED: "经核实非本辖区人员，撤销",
}


def _history(ctx: DemoContext, episodes: list[KeyPerson], rng: random.Random) -> None:
    changes = []
    for e in episodes:
        started = timezone.make_aware(datetime.combine(e.start_on, time(9)))
        changes.append(StatusChange(key_person=e, from_status="", to_status=Status.ACTIVE,
                                    reason=REASONS[Status.ACTIVE], at=started))  # fmt: skip
        if e.status != Status.ACTIVE:
            day = e.ended_on or e.start_on + timedelta(days=rng.randrange(1, 6))
            at = min(timezone.make_aware(datetime.combine(day, time(16))), ctx.now)
            changes.append(
                StatusChange(
                    key_person=e,
                    from_status=Status.ACTIVE,
                    to_status=e.status,
                    reason=REASONS[Status(e.status)],
                    at=at,
                )  # fmt: skip
            )
    ctx.bulk_create(StatusChange, changes, label="keyperson_status_changes")


def _followups(ctx: DemoContext, episodes: list[KeyPerson], rng: random.Random) -> None:
    today = timezone.localdate(ctx.now)
    first = today - timedelta(days=HISTORY_DAYS - 1)
    local_now = timezone.localtime(ctx.now)
    rows = []
    symptoms = Symptom.values
    for e in episodes:
        last = min(e.planned_end_on, today)
        if e.status != Status.ACTIVE:
            last = min(last, (e.ended_on or today) - timedelta(days=1))
        day = max(e.start_on, first)
        marks: dict[str, Any] = {"count": 0, "last": None, "abnormal": None}
        while day <= last:
            for slot in range(e.followups_per_day):
                hour = 9 if slot == 0 else 17
                if day == today and hour > local_now.hour:
                    continue
                if rng.random() < MISSED:
                    continue
                sick = rng.random() < ABNORMAL
                temperature = Decimal(
                    f"{rng.uniform(37.3, 38.6) if sick else rng.uniform(36.0, 37.1):.1f}"
                )
                found = [rng.choice(symptoms)] if sick and rng.random() < 0.6 else []
                at = timezone.make_aware(datetime.combine(day, time(hour, rng.randrange(60))))
                rows.append(
                    FollowUp(
                        key_person=e,
                        day=day,
                        at=at,
                        staff_id=e.grid_worker_id,
                        self_reported=rng.random() < 0.3,
                        temperature=temperature,
                        symptoms=found,
                        at_home=True,
                        abnormal=sick,
                    )  # fmt: skip
                )
                if marks["last"] != day:
                    marks["last"], marks["count"] = day, 0
                marks["count"] += 1
                if sick:
                    marks["abnormal"] = day
            day += timedelta(days=1)
        e.last_followup_on, e.followups_that_day = marks["last"], marks["count"]
        e.abnormal_on = marks["abnormal"]
    ctx.bulk_create(FollowUp, rows, label="followups")
    KeyPerson.objects.bulk_update(
        episodes, ["last_followup_on", "followups_that_day", "abnormal_on"], batch_size=500
    )


def _flags(ctx: DemoContext) -> None:
    """The end-of-day check of each past day, as the nightly job would have run it; tasks
    older than two days were dealt with."""
    today = timezone.localdate(ctx.now)
    for back in range(HISTORY_DAYS - 1, 0, -1):
        followups_flag(day=today - timedelta(days=back))
    old = Task.objects.filter(day__lt=today - timedelta(days=2))
    old.update(status=TaskStatus.DONE, done_at=ctx.now, note="已核实处理")
    ctx.counts["keyperson_tasks"] += Task.objects.count()


def _visits(ctx: DemoContext, doors: list[Door], rng: random.Random) -> None:
    visits, touched = [], []
    for door in doors:
        if rng.random() >= VISITED_SHARE:
            continue
        at = ctx.now - timedelta(days=rng.randrange(7), hours=rng.randrange(1, 10))
        door.swept_at = at
        touched.append(door)
        visits.append(
            DoorVisit(
                door=door,
                cell_id=door.cell_id,
                staff_id=door.cell.worker_id,
                at=at,
                residents_seen=rng.randrange(1, 5),
                outsiders=int(rng.random() < 0.05),
            )  # fmt: skip
        )
    ctx.bulk_create(DoorVisit, visits, label="door_visits")
    Door.objects.bulk_update(touched, ["swept_at"], batch_size=1000)


def _logins(ctx: DemoContext, communities: list[Community], cells: list[GridCell]) -> None:
    """``grid`` is the first cell's grid worker, ``community`` the first community's officer,
    both of 东街派出所; their password is the other demo logins' (hashed once)."""
    user_model = get_user_model()
    template = user_model.objects.filter(username="commander").first()
    if template is None or not communities or not cells:
        return
    for username, staff in (("grid", cells[0].worker), ("community", communities[0].officer)):
        if staff is None:
            continue
        user = user_model.objects.create(
            username=username, password=template.password, first_name=staff.name[1:],
            last_name=staff.name[:1],
        )  # fmt: skip
        staff.user = user
        staff.save(update_fields=["user"])
        ctx.user_ids[username] = user.pk
    ctx.counts["grid_logins"] += len(LOGINS)
