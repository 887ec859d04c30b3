"""The rollups agree with a GROUP BY over the raw data, whatever order checks arrive in, and
the retention purge does not take anything away from them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fangkong.command.models import (
    COUNTER_COLUMNS,
    DAY_COLUMNS,
    OriginRollup,
    SiteDayRollup,
    SiteHourRollup,
)
from fangkong.command.rollups import RollupBatch, rollups_rebuild
from fangkong.screening.models import Check
from tests.command.conftest import make_check, make_group, make_registration

T0 = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # 23:30 in Zhangye: near a day boundary


def snapshot() -> tuple[dict[Any, tuple[int, ...]], dict[Any, int], dict[Any, tuple[int, ...]]]:
    hours = {
        (r.site_id, r.hour): tuple(getattr(r, c) for c in COUNTER_COLUMNS)
        for r in SiteHourRollup.objects.all()
        if any(getattr(r, c) for c in COUNTER_COLUMNS)
    }
    origins = {
        (r.site_id, r.date, r.origin): r.count for r in OriginRollup.objects.all() if r.count
    }
    days = {
        (r.site_id, r.date): tuple(getattr(r, c) for c in DAY_COLUMNS)
        for r in SiteDayRollup.objects.all()
        if r.persons
    }
    return hours, origins, days


def test_a_check_is_counted_in_its_hour(sites: Any) -> None:
    site = sites["ganzhou"][0]
    reg = make_registration(site, at=T0, declared={"health_code": "yellow"})
    make_check(site, at=T0, outcome="persuade_return", recommended="pass", registration=reg)
    row = SiteHourRollup.objects.get(site=site, hour=T0.replace(minute=0))
    assert (row.persons, row.outcome_persuade_return, row.overrides) == (1, 1, 1)
    assert (row.code_yellow, row.reg_road, row.unit_path) == (1, 1, site.unit.path)


def test_a_late_check_lands_in_the_hour_it_was_made(sites: Any) -> None:
    site = sites["ganzhou"][0]
    make_check(site, at=T0)
    make_check(site, at=T0 - timedelta(days=2))  # synced two days late
    hours = sorted(SiteHourRollup.objects.values_list("hour", "persons"))
    assert hours == [(T0.replace(minute=0) - timedelta(days=2), 1), (T0.replace(minute=0), 1)]


def test_a_vehicle_counts_once_in_the_hour_of_its_first_check(sites: Any) -> None:
    site = sites["linze"][0]
    group = make_group(site, origin="510104", plate="甘G12345")
    make_check(site, at=T0, group=group)
    make_check(site, at=T0 + timedelta(minutes=1), group=group)
    make_check(site, at=T0 - timedelta(hours=3), group=group)  # the driver's, synced late
    rows = dict(SiteHourRollup.objects.values_list("hour", "vehicles"))
    assert rows == {T0.replace(minute=0): 0, T0.replace(minute=0) - timedelta(hours=3): 1}
    origin = OriginRollup.objects.get()
    assert (origin.origin, origin.count) == ("510000", 3)


def test_counts_that_cancel_out_write_nothing(sites: Any) -> None:
    site = sites["ganzhou"][0]
    batch = RollupBatch()
    batch.add_vehicle(site_id=site.pk, at=T0)
    batch.add_vehicle(site_id=site.pk, at=T0 + timedelta(minutes=5), count=-1)
    batch.flush()
    assert not SiteHourRollup.objects.exists()


def test_a_row_keeps_the_unit_it_was_made_under_until_a_rebuild(sites: Any, tree: Any) -> None:
    site = sites["ganzhou"][0]
    make_check(site, at=T0)
    site.unit = tree.linze
    site.save()
    make_check(site, at=T0 + timedelta(minutes=1))
    row = SiteHourRollup.objects.get()
    assert (row.persons, row.unit_path) == (2, tree.ganzhou.path)
    rollups_rebuild(first_day=date(2026, 11, 20), last_day=date(2026, 11, 21))
    row = SiteHourRollup.objects.get()
    assert (row.persons, row.unit_path) == (2, tree.linze.path)


def test_purging_checks_does_not_change_the_rollups(sites: Any) -> None:
    site = sites["ganzhou"][1]
    for minutes in range(5):
        make_check(
            site, at=T0 + timedelta(minutes=minutes), group=make_group(site, origin="620702")
        )
    before = snapshot()
    Check.objects.all().delete()
    assert snapshot() == before


def test_rollup_rebuild_command_recomputes(sites: Any) -> None:
    site = sites["ganzhou"][0]
    make_check(site, at=T0)
    before = snapshot()
    SiteHourRollup.objects.all().delete()
    SiteDayRollup.objects.all().delete()
    call_command("rollup_rebuild", "--from", "2026-11-20", "--to", "2026-11-21")
    assert snapshot() == before


OUTCOMES = ["pass", "priority_pass", "test_then_pass", "persuade_return", "refer_health"]
check_strategy = st.fixed_dictionaries(
    {
        "site": st.integers(0, 4),
        "minutes": st.integers(0, 3 * 24 * 60),
        "outcome": st.sampled_from(OUTCOMES),
        "recommended": st.sampled_from(OUTCOMES),
        "colour": st.sampled_from([None, "green", "yellow", "red", "unknown"]),
        "group": st.integers(-1, 5),  # -1: no travel group
        "coming_from": st.sampled_from(["", "110101", "620702", "bad"]),
    }
)


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(checks=st.lists(check_strategy, max_size=25), purge=st.integers(0, 25))
def test_incremental_rollups_equal_a_group_by_rebuild(
    sites: Any, checks: list[dict[str, Any]], purge: int
) -> None:
    every_site = sites["ganzhou"] + sites["linze"]
    start = datetime(2026, 11, 18, 16, tzinfo=UTC)  # a local midnight
    with transaction.atomic():
        groups = [
            make_group(
                every_site[i % 5],
                origin=["", "310101", "620723"][i % 3],
                plate=None if i % 2 else f"甘G0000{i}",
            )
            for i in range(6)
        ]
        # Checks arrive in the generated order: often out of time order, as offline syncs do.
        for c in checks:
            at = start + timedelta(minutes=c["minutes"])
            registration = None
            if c["colour"] is not None:
                declared = {"health_code": c["colour"], "coming_from": c["coming_from"]}
                registration = make_registration(
                    every_site[c["site"]], at=at, kind="floating", declared=declared
                )
            group = groups[c["group"]] if c["group"] >= 0 else None
            site = group.site if group else every_site[c["site"]]
            make_check(
                site,
                at=at,
                outcome=c["outcome"],
                recommended=c["recommended"],
                registration=registration,
                group=group,
            )
        incremental = snapshot()
        rollups_rebuild(first_day=date(2026, 11, 19), last_day=date(2026, 11, 22))
        assert snapshot() == incremental
        Check.objects.filter(
            pk__in=list(Check.objects.values_list("pk", flat=True)[:purge])
        ).delete()
        assert snapshot() == incremental
        transaction.set_rollback(True)


def test_generated_checks_keep_the_rollups_exact(sites: Any) -> None:
    from io import StringIO

    from fangkong.command.generate import checks_generate

    end = datetime(2026, 11, 22, 4, tzinfo=UTC)
    progress = StringIO()
    result = checks_generate(checks=600, days=3, batch_size=250, end=end, progress=progress)
    assert result.checks == Check.objects.count() == 600
    assert "100%" in progress.getvalue()
    generated = snapshot()
    rollups_rebuild(first_day=date(2026, 11, 18), last_day=date(2026, 11, 23))
    assert snapshot() == generated
    # Health codes as officers see them: a few yellow sent to a test, rare red to health.
    codes = SiteHourRollup.objects.aggregate(red=Sum("code_red"), yellow=Sum("code_yellow"))
    assert 0 < codes["red"] < codes["yellow"] < 600 * 0.1
    red = Check.objects.filter(reasons__0__code="health_code_red")
    assert red.count() == codes["red"] and set(red.values_list("outcome", flat=True)) == {
        "refer_health"
    }


def test_checks_recorded_by_the_screening_service_are_counted_and_outlive_the_purge(
    sites: Any, tree: Any
) -> None:
    import time_machine

    from fangkong.lib.idnumber import checksum_char
    from fangkong.org.choices import RoleCode
    from fangkong.screening.selectors import policy as policy_module
    from fangkong.screening.services import WalkUp, check_record
    from fangkong.screening.services.checks import check_purge
    from tests.conftest import _persona

    # The policy is cached per process; rolled-back tests reuse row ids.
    policy_module._area_cache.update(key=None, rows=())
    policy_module._build.cache_clear()
    officer = _persona(tree.ganzhou_squad, "officer", RoleCode.CHECKPOINT)
    site = sites["ganzhou"][2]
    now = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        for n, minutes in ((1, 5), (2, 65)):  # the second synced an hour late
            first17 = f"62070219900101{n:03d}"
            check_record(
                actor=officer,
                site=site,
                idempotency_key=f"offline-{n:08d}",
                checked_at=now - timedelta(minutes=minutes),
                outcome="test_then_pass",  # a walk-up has declared nothing: test, then pass
                temperature="36.5",
                walk_up=WalkUp(name="张三", doc_number=first17 + checksum_char(first17)),
            )
    hours = dict(SiteHourRollup.objects.values_list("hour", "persons"))
    assert hours == {now.replace(minute=0): 1, now.replace(minute=0) - timedelta(hours=1): 1}
    assert sum(SiteHourRollup.objects.values_list("outcome_test_then_pass", flat=True)) == 2
    before = snapshot()
    check_purge(now=now + timedelta(days=60))
    assert Check.objects.count() == 0
    assert snapshot() == before


def test_registrations_from_the_public_form_are_counted(tree: Any) -> None:
    # The form's service inserts with raw SQL (no post_save); the rollups count it all the same,
    # in the transaction that saves it, and agree with a rebuild.
    from django.utils import timezone

    from fangkong.registration.services import registration_create
    from fangkong.sites.choices import SiteKind
    from tests.factories import SiteFactory
    from tests.registration.conftest import community_data, road_data

    road = SiteFactory(unit=tree.ganzhou, kind=SiteKind.CHECKPOINT)
    gate = SiteFactory(unit=tree.ganzhou, kind=SiteKind.COMMUNITY_GATE)
    registration_create(
        site=road, kind="road", submission_key="k1", data=road_data(1, companions=2)
    )
    registration_create(site=gate, kind="community", submission_key="k2", data=community_data(2))
    registration_create(site=gate, kind="community", submission_key="k2", data=community_data(2))
    totals = {
        column: sum(SiteHourRollup.objects.values_list(column, flat=True))
        for column in ("reg_road", "reg_community", "reg_floating")
    }
    assert totals == {"reg_road": 3, "reg_community": 1, "reg_floating": 0}  # resent: once
    before = snapshot()
    today = timezone.localdate()
    rollups_rebuild(first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))
    assert snapshot() == before
