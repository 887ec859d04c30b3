"""The command view's tallies, kept by triggers on the episodes (migration 0008_tallies),
always equal what counting the episodes themselves gives: after the services' writes, after
bulk writes that no service sees, and after deletes. A later migration that made SQLite copy
the episodes' table without making the triggers again fails here."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.keypersons import figures, services
from fangkong.keypersons.models import Category, DayTally, KeyPerson, MeasureTally, StatusTally
from tests.grid.world import World
from tests.keypersons.helpers import episode

pytestmark = pytest.mark.django_db


def _counted() -> dict[str, Counter[tuple[Any, ...]]]:
    """The tallies as the episodes' rows give them, counted here one by one."""
    status, measure, done, abnormal = Counter(), Counter(), Counter(), Counter()
    for kp in KeyPerson.objects.all():
        cell = kp.cell_id or 0
        status[(kp.community_id, kp.category_id, kp.measure, kp.status)] += 1
        if kp.status != "active":
            continue
        measure[(kp.community_id, cell, kp.start_on, kp.planned_end_on)] += 1
        day = kp.last_followup_on
        if day and kp.start_on <= day <= kp.planned_end_on:
            if kp.followups_that_day >= kp.followups_per_day:
                done[(kp.community_id, cell, day)] += 1
        if kp.abnormal_on and kp.start_on <= kp.abnormal_on <= kp.planned_end_on:
            abnormal[(kp.community_id, cell, kp.abnormal_on)] += 1
    return {"status": status, "measure": measure, "done": done, "abnormal": abnormal}


def _kept() -> dict[str, Counter[tuple[Any, ...]]]:
    """The tallies as the triggers keep them, without the counts fallen to 0."""
    status = Counter(
        {k[:-1]: k[-1] for k in StatusTally.objects.values_list(
            "community_id", "category_id", "measure", "status", "n") if k[-1]}
    )  # fmt: skip
    measure = Counter(
        {k[:-1]: k[-1] for k in MeasureTally.objects.values_list(
            "community_id", "cell_id", "start_on", "planned_end_on", "n") if k[-1]}
    )  # fmt: skip
    rows = list(DayTally.objects.values_list("community_id", "cell_id", "day", "done", "abnormal"))
    done = Counter({r[:3]: r[3] for r in rows if r[3]})
    abnormal = Counter({r[:3]: r[4] for r in rows if r[4]})
    assert all(n >= 0 for t in (status, measure, done, abnormal) for n in t.values())
    return {"status": status, "measure": measure, "done": done, "abnormal": abnormal}


def _follow(world: World, kp: KeyPerson, temperature: str = "36.5", grid: str = "grid") -> None:
    services.followup_record(
        actor=world.users[grid], key_person=kp,
        data=services.FollowUpIn(temperature=Decimal(temperature)),
    )  # fmt: skip


def test_services_writes_keep_the_tallies(world: World) -> None:
    kps = [episode(world, n, category=c) for n, c in enumerate(
        ["close_contact", "outsider", "close_contact", "risk_area_returnee"], start=1)]  # fmt: skip
    kps.append(episode(world, 5, door=world.other_door, actor=world.users["station"]))
    assert _kept() == _counted()
    for _n in range(kps[0].followups_per_day):
        _follow(world, kps[0])
    _follow(world, kps[1], "38.3")
    _follow(world, kps[4], grid="grid2")
    assert _kept() == _counted() and sum(_kept()["abnormal"].values()) == 1
    community = world.users["community"]
    services.keyperson_transition(
        actor=community, key_person=kps[0], to_status="released", reason="期满解除"
    )
    services.keyperson_transition(
        actor=community, key_person=kps[1], to_status="hospital", reason="送医"
    )
    assert _kept() == _counted()
    assert _kept()["abnormal"] == Counter()  # the abnormal one is in hospital now
    services.keyperson_transition(
        actor=community, key_person=kps[1], to_status="active", reason="出院返家"
    )
    assert _kept() == _counted() and sum(_kept()["abnormal"].values()) == 1


def test_bulk_writes_and_deletes_keep_the_tallies(world: World) -> None:
    kps = [episode(world, n) for n in (1, 2, 3)]
    today = timezone.localdate()
    other = Category.objects.get(code="outsider")
    KeyPerson.objects.filter(pk=kps[0].pk).update(category=other, measure=other.measure)
    KeyPerson.objects.filter(pk=kps[1].pk).update(
        cell=None, last_followup_on=today, followups_that_day=5, abnormal_on=today
    )
    KeyPerson.objects.filter(pk=kps[2].pk).update(
        community=world.community2, cell=world.cell2, start_on=today - timedelta(days=20),
        planned_end_on=today - timedelta(days=6), abnormal_on=today,
    )  # fmt: skip
    assert _kept() == _counted() and _kept()["done"] == Counter({(world.community.pk, 0, today): 1})
    kps[1].status = "lost"
    kps[1].save()  # every column written: only the status moves a count
    KeyPerson.objects.bulk_update(kps[:1], ["last_followup_on", "followups_that_day"])
    assert _kept() == _counted()
    copy = KeyPerson.objects.get(pk=kps[0].pk)
    copy.pk, copy.status = None, "cancelled"
    KeyPerson.objects.bulk_create([copy])
    assert _kept() == _counted()
    KeyPerson.objects.filter(status="cancelled").delete()
    assert _kept() == _counted()


def test_figures_read_from_the_tallies_match_the_episodes(world: World) -> None:
    """The command figures of a station (from the tallies) and of a grid worker (counted
    from their episodes) on a day agree with counting the episodes."""
    kps = [episode(world, n) for n in (1, 2, 3)]
    kps.append(episode(world, 4, door=world.other_door, actor=world.users["station"]))
    for _n in range(kps[0].followups_per_day):
        _follow(world, kps[0])
    _follow(world, kps[1], "38.4")
    day: date = timezone.localdate()
    station = figures.summary_compute(user=world.users["station"], day=day)
    assert station.total == 4 and station.by_status == {"active": 4}
    by_cell = {g.cell_id: (g.due, g.done, g.missing, g.abnormal) for g in station.grids}
    assert by_cell == {world.cell.pk: (3, 1, 2, 1), world.cell2.pk: (1, 0, 1, 0)}
    grid = figures.summary_compute(user=world.users["grid"], day=day)
    assert grid.total == 3 and [g.cell_id for g in grid.grids] == [world.cell.pk]
    later = figures.summary_compute(user=world.users["station"], day=day + timedelta(days=1))
    assert sum(g.done for g in later.grids) == 0 and sum(g.due for g in later.grids) == 4


def test_a_community_officer_who_also_works_a_cell_sees_both(world: World) -> None:
    """The status tally has no cell: a scope with cells counts its episodes one by one,
    whatever else it holds (a community officer who is also another community's grid
    worker)."""
    episode(world, 1)
    episode(world, 2, door=world.other_door, actor=world.users["station"])  # its community's
    episode(world, 3, door=world.door2, actor=world.users["station"])  # 甘泉社区, a cell of it
    world.cell2.worker = world.users["community"].staff
    world.cell2.save(update_fields=["worker"])
    officer = get_user_model().objects.get(pk=world.users["community"].pk)  # a new request's
    summary = figures.summary_compute(user=officer, day=timezone.localdate())
    assert summary.total == 3 and summary.by_status == {"active": 3}


def _tally_writes(table: str) -> Any:
    """A counter of the rows that updates of ``table`` write, kept by a trigger of the test's
    own (rolled back with it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("CREATE TEMP TABLE tally_writes (n INTEGER)")
            cursor.execute(
                f"CREATE TEMP TRIGGER tally_written AFTER UPDATE ON main.{table}"  # noqa: S608 - a table named by the test
                " BEGIN INSERT INTO tally_writes VALUES (1); END"
            )
        else:
            cursor.execute("CREATE TEMP TABLE tally_writes (n INTEGER)")
            cursor.execute(
                "CREATE FUNCTION pg_temp.tally_written() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN INSERT INTO tally_writes VALUES (1); RETURN NULL; END; $$"
            )
            cursor.execute(
                f"CREATE TRIGGER tally_written AFTER UPDATE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION pg_temp.tally_written()"
            )

    def written() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM tally_writes")
            return int(cursor.fetchone()[0])

    return written


@pytest.mark.parametrize("table", ["keypersons_statustally", "keypersons_measuretally"])
def test_a_followup_writes_no_status_or_measure_tally(world: World, table: str) -> None:
    """A follow-up moves only the day tally: rewriting the community's status and measure
    tallies as well held their rows locked on PostgreSQL for every follow-up of the
    community."""
    kps = [episode(world, n, category="outsider") for n in (1, 2)]
    written = _tally_writes(table)
    _follow(world, kps[0])
    _follow(world, kps[0], "38.2")
    _follow(world, kps[1])
    KeyPerson.objects.filter(pk=kps[1].pk).update(note="电话已核实")
    assert written() == 0 and _kept() == _counted()
    services.keyperson_transition(
        actor=world.users["community"], key_person=kps[0], to_status="hospital", reason="送医"
    )
    assert written() > 0 and _kept() == _counted()


def test_a_second_followup_of_a_done_day_writes_no_day_tally(world: World) -> None:
    kp = episode(world, 1, category="outsider")
    for _n in range(kp.followups_per_day):
        _follow(world, kp)
    written = _tally_writes("keypersons_daytally")
    _follow(world, kp)
    assert written() == 0 and sum(_kept()["done"].values()) == 1


def _workload(world: World) -> list[KeyPerson]:
    """Services' and bulk writes of every kind: follow-ups normal and abnormal, several a day,
    changes of status, of cell and community, of the measure's days, deletes."""
    kps = [episode(world, n, category=c) for n, c in enumerate(
        ["close_contact", "outsider", "close_contact", "risk_area_returnee", "outsider"],
        start=1)]  # fmt: skip
    kps.append(episode(world, 6, door=world.other_door, actor=world.users["station"]))
    community, today = world.users["community"], timezone.localdate()
    for kp, temperature in zip(kps, ["36.5", "38.3", "36.6", "37.9", "36.4"], strict=False):
        for _n in range(kp.followups_per_day):
            _follow(world, kp, temperature)
    _follow(world, kps[5], grid="grid2")
    services.keyperson_transition(
        actor=community, key_person=kps[0], to_status="released", reason="期满解除"
    )
    services.keyperson_transition(
        actor=community, key_person=kps[1], to_status="hospital", reason="送医"
    )
    KeyPerson.objects.filter(pk=kps[2].pk).update(
        cell=None, start_on=today - timedelta(days=3), planned_end_on=today + timedelta(days=2)
    )
    KeyPerson.objects.filter(pk=kps[3].pk).update(
        community=world.community2, cell=world.cell2, followups_per_day=3
    )
    KeyPerson.objects.filter(pk=kps[4].pk).update(last_followup_on=today - timedelta(days=1))
    KeyPerson.objects.filter(pk=kps[5].pk).delete()
    return kps


def test_rebuilt_tallies_equal_those_the_triggers_kept(world: World) -> None:
    _workload(world)
    kept = _kept()
    assert kept == _counted() and sum(sum(t.values()) for t in kept.values()) > 0
    zeros = (
        StatusTally.objects.filter(n=0).count()
        + DayTally.objects.filter(done=0, abnormal=0).count()
    )
    assert zeros > 0  # counts fallen to 0 by the workload, which the rebuild drops
    result = services.tallies_rebuild()
    assert result.changed == 0 and _kept() == kept
    assert not StatusTally.objects.filter(n=0).exists()
    assert not MeasureTally.objects.filter(n=0).exists()
    assert not DayTally.objects.filter(done=0, abnormal=0).exists()
    assert result.rows == sum(m.objects.count() for m in (StatusTally, MeasureTally, DayTally))


def test_the_rebuild_command_repairs_drifted_tallies(world: World) -> None:
    kps = _workload(world)
    kept = _kept()
    StatusTally.objects.filter(community_id=kps[0].community_id).update(n=F("n") + 5)
    MeasureTally.objects.all().delete()
    DayTally.objects.create(community_id=world.community.pk, cell_id=0, day=date(2020, 1, 24),
                            done=3, abnormal=1)  # fmt: skip
    assert _kept() != kept
    out = StringIO()
    call_command("keypersons_tallies_rebuild", stdout=out)
    figures_out = json.loads(out.getvalue())
    assert figures_out["changed"] >= 3 and _kept() == kept == _counted()
    assert AuditLog.objects.filter(action="keyperson.tallies_rebuild").count() == 1


def test_update_triggers_take_the_tallies_in_the_order_inserts_do() -> None:
    """PostgreSQL fires a row's triggers by name: the per-tally update triggers must lock the
    tally rows in the order of the insert and delete function (status, measure, done,
    abnormal), or an import and a release in one community could deadlock."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: no order of locks")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'keypersons_keyperson'::regclass"
            " AND tgname LIKE 'kp_tally_update%%' ORDER BY tgname"
        )
        fired = [name.rsplit("_", 1)[-1] for (name,) in cursor.fetchall()]
    assert fired == ["status", "measure", "done", "abnormal"]
