#!/usr/bin/env python3
"""Benchmark: key persons at prefecture scale: the end-of-day flagging, a grid worker's task
list and the command view's figures.

Usage: ``python bench/keypersons.py [--quick] [--persons N] [--postgres [URL]] [--scratch
NAME]``. Into a fresh database (a temporary SQLite file, or with ``--postgres`` a scratch
database ``fangkong_bench_keypersons``, or ``--scratch NAME``, on that server, dropped
afterwards) it writes one detachment with ten police stations, 100 communities (an officer
each), 1,000 grid cells (a grid worker each) with 20 doors each, N key persons (default
100,000; 85 % under a measure, the rest released) spread over the cells, and 14 days of
follow-ups (one or two a day by category; 7 % missed, 3 % abnormal; today's half done), then
times:

- ``flag_s``: ``services.followups_flag`` for yesterday (every episode under the measure
  then, its follow-ups counted, the tasks inserted), the worst of three days;
- ``tasks_p95_ms``: ``selectors.today_for_user`` for a grid worker (follow-ups due in their
  cell with today's counts, the doors longest unvisited, the open tasks), the scope read
  afresh each time as in a request;
- ``summary_p95_ms``: ``figures.summary_for_user`` for the detachment commander computed
  afresh each time (every episode by category, measure, status and station, today's
  follow-ups per cell, measures ending, the sweep's coverage of every cell);
  ``summary_served_p95_ms`` is the same call as the pages make it, which reuses figures up to
  a minute old.

The last line of stdout is one JSON object with those figures, their medians and the
process's CPU time of each (``*_cpu_*``: on SQLite the figure that a machine busy with other
work does not inflate), ``backend``,
``persons``, ``followups``, ``load_s`` and what the reads found. ``--quick`` is 10,000
persons and fewer runs (under a minute); targets: flag_s ≤ 1, tasks_p95_ms ≤ 50,
summary_p95_ms ≤ 100 at 100,000 persons.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from _scratch import scratch_environment

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "fangkong_bench_keypersons"
STATIONS, COMMUNITIES_PER_STATION, CELLS_PER_COMMUNITY, DOORS_PER_CELL = 10, 10, 10, 20
DAYS, MISSED, ABNORMAL = 14, 0.07, 0.03
COMMUNITY_CODES = [f"620702001{n:03d}" for n in range(1, 101)]
BORN = date(1950, 1, 1)
CHUNK = 5000


def _quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each run (on SQLite the CPU figure
    is the one a machine busy with other work does not inflate)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _grid() -> tuple[Any, list[Any], list[Any]]:
    """Units, staff, communities, cells and doors; the commander and the grid workers."""
    from django.contrib.auth import get_user_model

    from fangkong.grid.models import Building, Community, Door, GridCell, Street
    from fangkong.org.choices import StaffKind, UnitKind
    from fangkong.org.models import Staff, Unit

    users = get_user_model().objects
    top = Unit.objects.create(code="620700", name="支队", kind=UnitKind.DETACHMENT, path="/620700/")
    commander = users.create(username="commander")
    Staff.objects.create(unit=top, user=commander, name="指挥长", kind=StaffKind.OFFICER,
                         badge_number="B0")  # fmt: skip
    street = Street.objects.create(code="620702001000", name="东街街道", county_code="620702")
    staff, communities = [], []
    for s in range(STATIONS):
        code = f"6207022{s:02d}00"
        station = Unit.objects.create(code=code, name=f"派出所{s}", kind=UnitKind.STATION,
                                      parent=top, path=f"/620700/{code}/")  # fmt: skip
        for c in range(COMMUNITIES_PER_STATION):
            n = s * COMMUNITIES_PER_STATION + c
            officer = Staff.objects.create(unit=station, name=f"民警{n}", kind=StaffKind.OFFICER,
                                           badge_number=f"S{n}")  # fmt: skip
            communities.append(Community(code=COMMUNITY_CODES[n], name=f"社区{n}", street=street,
                                         station=station, officer=officer))  # fmt: skip
            staff.extend(
                Staff(
                    unit=station,
                    name=f"网格员{n}-{k}",
                    kind=StaffKind.GRID_WORKER,
                    badge_number=f"G{n}-{k}",
                )  # fmt: skip
                for k in range(CELLS_PER_COMMUNITY)
            )
    Community.objects.bulk_create(communities)
    Staff.objects.bulk_create(staff, batch_size=1000)
    workers = list(Staff.objects.filter(kind=StaffKind.GRID_WORKER).order_by("pk"))
    communities = list(Community.objects.order_by("pk"))
    cells = [
        GridCell(
            community=community,
            code=f"{community.code}-{k}",
            name=f"{community.name}网格{k}",
            worker=workers[i * CELLS_PER_COMMUNITY + k],
        )  # fmt: skip
        for i, community in enumerate(communities)
        for k in range(CELLS_PER_COMMUNITY)
    ]
    GridCell.objects.bulk_create(cells, batch_size=1000)
    cells = list(GridCell.objects.select_related("community").order_by("pk"))
    Building.objects.bulk_create(
        [Building(cell=cell, name="1号楼") for cell in cells], batch_size=1000
    )
    buildings = dict(Building.objects.values_list("cell_id", "pk"))
    doors = [
        Door(building_id=buildings[cell.pk], cell=cell, label=f"{d}", address=f"{cell.name}{d}室")
        for cell in cells
        for d in range(DOORS_PER_CELL)
    ]
    Door.objects.bulk_create(doors, batch_size=2000)
    for worker in workers:
        worker.user = users.create(username=f"grid{worker.pk}")
    Staff.objects.bulk_update(workers, ["user"], batch_size=1000)
    return commander, cells, workers


def _persons(count: int, cells: list[Any], rng: random.Random) -> int:
    from django.db import connection
    from django.utils import timezone

    from fangkong.keypersons.choices import Status
    from fangkong.keypersons.models import Category, KeyPerson
    from fangkong.lib.idnumber import checksum_char
    from fangkong.registration.people import persons_prepare

    categories = list(Category.objects.all())
    today = timezone.localdate()
    now = timezone.localtime()
    followups = 0
    chunk = CHUNK
    for first in range(0, count, chunk):
        numbers = []
        for n in range(first, min(first + chunk, count)):
            born = BORN + timedelta(days=n // 1000)
            first17 = f"620702{born:%Y%m%d}{n % 1000:03d}"
            numbers.append(("resident_id", first17 + checksum_char(first17)))
        persons, insert = persons_prepare(numbers)
        insert.run()
        episodes = []
        for person in persons:
            category = rng.choice(categories)
            cell = rng.choice(cells)
            released = rng.random() < 0.15
            start = today - timedelta(days=rng.randrange(14, 40) if released else rng.randrange(14))
            episodes.append(
                KeyPerson(
                    person_id=person.pk,
                    name="张三",
                    phone="13800000000",
                    category=category,
                    source="manual",
                    measure=category.measure,
                    status=Status.RELEASED if released else Status.ACTIVE,
                    start_on=start,
                    planned_end_on=start + timedelta(days=14),
                    ended_on=start + timedelta(days=14) if released else None,
                    community=cell.community,
                    cell=cell,
                    address=cell.name,
                    grid_worker_id=cell.worker_id,
                    officer_id=cell.community.officer_id,
                    followups_per_day=category.followups_per_day,
                )  # fmt: skip
            )
        KeyPerson.objects.bulk_create(episodes, batch_size=2000)
        saved = KeyPerson.objects.filter(person_id__in=[p.pk for p in persons])
        rows, marks = [], []
        for kp in saved.values_list("pk", "start_on", "planned_end_on", "status",
                                    "followups_per_day"):  # fmt: skip
            pk, start, end, status, per_day = kp
            last = min(end, today) if status == Status.ACTIVE else min(end, today) - timedelta(1)
            day, mark = max(start, today - timedelta(days=DAYS - 1)), (None, 0, None)
            while day <= last:
                for slot in range(per_day):
                    hour = 9 + 8 * slot
                    if (day == today and hour > now.hour) or rng.random() < MISSED:
                        continue
                    sick = rng.random() < ABNORMAL
                    at = timezone.make_aware(datetime.combine(day, dtime(hour)))
                    rows.append(
                        (pk, day, at, False, "38.0" if sick else "36.5", "[]", True, sick, "")
                    )
                    that_day = mark[1] + 1 if mark[0] == day else 1
                    mark = (day, that_day, day if sick else mark[2])
                day += timedelta(days=1)
            marks.append((mark[0], mark[1], mark[2], pk))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO keypersons_followup (key_person_id, day, at, self_reported,"
                " temperature, symptoms, at_home, abnormal, note) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                "UPDATE keypersons_keyperson SET last_followup_on = %s, followups_that_day = %s,"
                " abnormal_on = %s WHERE id = %s",
                marks,
            )
        followups += len(rows)
        print(f"  {first + len(persons)} persons, {followups} follow-ups", file=sys.stderr,
              flush=True)  # fmt: skip
    return followups


def _sweep(rng: random.Random) -> None:
    from django.utils import timezone

    from fangkong.grid.models import Door

    now = timezone.now()
    doors = list(Door.objects.only("pk"))
    for door in doors:
        door.swept_at = now - timedelta(days=rng.randrange(10)) if rng.random() < 0.6 else None
    Door.objects.bulk_update(doors, ["swept_at"], batch_size=2000)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from fangkong.keypersons import figures, selectors, services

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(20200124)
    started = time.perf_counter()
    with transaction.atomic():
        commander, cells, workers = _grid()
        followups = _persons(args.persons, cells, rng)
        _sweep(rng)
    load_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    flags = []
    flags_cpu = []
    for back in (1, 2, 3):
        t0, c0 = time.perf_counter(), time.process_time()
        result = services.followups_flag(day=today - timedelta(days=back))
        flags.append(time.perf_counter() - t0)
        flags_cpu.append(time.process_time() - c0)
    users = get_user_model().objects.select_related("staff__unit")
    grid_ids = [w.user_id for w in rng.sample(workers, min(len(workers), args.repeat))]
    grid_users = [users.get(pk=pk) for pk in grid_ids]
    found = {"due": 0}

    def tasks() -> None:
        user = grid_users[len(found) % len(grid_users)]
        user.staff.__dict__.pop("_grid_scope", None)
        day = selectors.today_for_user(user=user)
        found["due"] = len(day.due)
        found[len(found)] = 1

    tasks()
    tasks_ms, tasks_cpu = _timed(tasks, args.repeat)
    commander = users.get(pk=commander.pk)

    def summary() -> None:
        commander.staff.__dict__.pop("_grid_scope", None)
        found["summary"] = figures.summary_for_user(user=commander, fresh=True)

    def summary_served() -> None:
        commander.staff.__dict__.pop("_grid_scope", None)
        figures.summary_for_user(user=commander)

    summary()
    summary_ms, summary_cpu = _timed(summary, args.repeat)
    served_ms, _cpu = _timed(summary_served, args.repeat)
    s = found["summary"]
    return {
        "backend": connection.vendor,
        "persons": args.persons,
        "followups": followups,
        "load_s": round(load_s, 1),
        "flag_s": round(max(flags), 3),
        "flag_median_s": round(statistics.median(flags), 3),
        "flag_cpu_s": round(max(flags_cpu), 3),
        "flagged_missing": result.missing,
        "flagged_abnormal": result.abnormal,
        "tasks_p95_ms": round(_quantile(tasks_ms, 95), 1),
        "tasks_median_ms": round(statistics.median(tasks_ms), 1),
        "tasks_p95_cpu_ms": round(_quantile(tasks_cpu, 95), 1),
        "due_in_last_cell": found["due"],
        "summary_p95_ms": round(_quantile(summary_ms, 95), 1),
        "summary_median_ms": round(statistics.median(summary_ms), 1),
        "summary_p95_cpu_ms": round(_quantile(summary_cpu, 95), 1),
        "summary_served_p95_ms": round(_quantile(served_ms, 95), 2),
        "summary_total": s.total,
        "summary_cells": len(s.grids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 persons, fewer runs")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100, help="runs of each read")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgres://postgres@127.0.0.1:5432/postgres",
        help="run on PostgreSQL; the URL's server gets a scratch database " + BENCH_DB,
    )
    parser.add_argument(
        "--scratch", default=BENCH_DB, help="name of the scratch database (default: %(default)s)"
    )
    args = parser.parse_args()
    if args.quick:
        args.persons, args.repeat = 10_000, 30
    sys.path.insert(0, str(ROOT))
    with scratch_environment(args.postgres, args.scratch):
        figures = run(args)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
