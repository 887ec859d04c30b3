"""Retention that ends everything: walk-up persons, vehicles, vehicle passes and their drivers
go too, a hold keeps a person, and a dry run counts without deleting."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role
from fangkong.passes.choices import PassDecision, PassStatus
from fangkong.passes.models import VehiclePass
from fangkong.passes.services import (
    DriverData,
    vehicle_pass_apply,
    vehicle_pass_decide,
)
from fangkong.registration import services
from fangkong.registration.holds import person_hold_clear, person_hold_set
from fangkong.registration.models import Person, Registration, Vehicle
from fangkong.registration.retention import purge_all
from fangkong.screening.models import Check
from fangkong.screening.services import WalkUp, check_record
from tests.factories import StaffFactory, UserFactory, pass_application
from tests.registration.conftest import id_number, road_data

pytestmark = pytest.mark.django_db
CST = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 11, 2, 9, 0, tzinfo=CST)
DAY = timedelta(days=1)


@pytest.fixture
def officer(tree: Any) -> Any:
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    user = UserFactory(username="officer")
    staff = StaffFactory(unit=tree.ganzhou, user=user, name="刘警官", kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code=RoleCode.CHECKPOINT))
    return user


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def walk_up(officer: Any, site: Any, n: int, key: str) -> Check:
    check, _ = check_record(
        actor=officer,
        site=site,
        idempotency_key=key,
        walk_up=WalkUp(name="马大爷", doc_number=id_number(n)),
        checked_at=timezone.now(),
        temperature="36.5",
        outcome="test_then_pass",
    )
    return check


_keys = iter(range(10**6))


def vehicle_pass(tree: Any, *, driver: int, first: date, last: date) -> VehiclePass:
    application = pass_application(
        unit=tree.ganzhou,
        drivers=(DriverData("李师傅", "resident_id", id_number(driver), "13900002222"),),
        valid_from=first,
        valid_to=last,
    )
    key = f"retention-{next(_keys):08d}"
    return vehicle_pass_apply(application=application, submission_key=key)[0]


def test_a_person_seen_only_in_walk_up_checks_goes_with_the_checks(officer, sites) -> None:
    site = sites["ganzhou"][0]
    with at(START):
        walk_up(officer, site, 1, "walkup-old")
    with at(START + 10 * DAY):
        recent = walk_up(officer, site, 2, "walkup-recent")
    with at(START + 21 * DAY + timedelta(hours=1)):
        results = purge_all()
    assert results["screening.checks"] == {"checks": 1}
    assert results["registration.persons"] == {"persons": 1}
    assert list(Person.objects.values_list("pk", flat=True)) == [recent.person_id]
    assert AuditLog.objects.get(action="person.purge").extra["persons"] == 1


def test_plates_no_record_refers_to_go(road_site) -> None:
    with at(START):
        services.registration_create(
            site=road_site, kind="road", submission_key="old", data=road_data(1)
        )
    with at(START + 5 * DAY):
        services.registration_create(
            site=road_site,
            kind="road",
            submission_key="recent",
            data=road_data(2, plate="甘G99999"),
        )
    with at(START + 22 * DAY):
        results = purge_all()
    assert results["registration.vehicles"] == {"vehicles": 1}
    assert list(Vehicle.objects.values_list("plate", flat=True)) == ["甘G99999"]
    assert results["registration"]["registrations"] == 1


def test_passes_go_21_days_after_their_last_day_with_their_drivers(tree, brigade_officer) -> None:
    with at(START):
        ended = vehicle_pass_decide(
            decision=PassDecision.APPROVE,
            actor=brigade_officer,
            vehicle_pass=vehicle_pass(tree, driver=1, first=START.date(), last=date(2026, 11, 5)),
        )
        running = vehicle_pass_decide(
            decision=PassDecision.APPROVE,
            actor=brigade_officer,
            vehicle_pass=vehicle_pass(tree, driver=2, first=START.date(), last=date(2026, 11, 20)),
        )
    # 21 days after the last day the pass is still kept; the day after, it goes.
    with at(datetime(2026, 11, 26, 23, 0, tzinfo=CST)):
        assert purge_all()["passes.vehicle_passes"] == {"vehicle_passes": 0}
    with at(datetime(2026, 11, 27, 9, 0, tzinfo=CST)):
        results = purge_all()
    assert results["passes.vehicle_passes"] == {"vehicle_passes": 1}
    assert results["registration.persons"] == {"persons": 1}
    assert list(VehiclePass.objects.values_list("pk", flat=True)) == [running.pk]
    assert not Person.objects.filter(pk__in=ended.drivers.values("pk")).exists()
    assert running.drivers.count() == 1


def test_revoked_and_rejected_passes_go_21_days_after_the_decision(tree, brigade_officer) -> None:
    long_pass = {"first": START.date(), "last": START.date() + timedelta(days=29)}
    with at(START):
        revoked = vehicle_pass_decide(
            decision=PassDecision.APPROVE,
            actor=brigade_officer,
            vehicle_pass=vehicle_pass(tree, driver=1, **long_pass),
        )
        vehicle_pass_decide(
            decision=PassDecision.REVOKE,
            actor=brigade_officer,
            vehicle_pass=revoked,
            reason="驾驶员核酸阳性",
        )
        rejected = vehicle_pass(tree, driver=2, **long_pass)
        vehicle_pass_decide(
            decision=PassDecision.REJECT,
            actor=brigade_officer,
            vehicle_pass=rejected,
            reason="材料不全",
        )
        waiting = vehicle_pass(tree, driver=3, **long_pass)
    with at(START + 21 * DAY + timedelta(minutes=1)):
        results = purge_all()
    assert results["passes.vehicle_passes"] == {"vehicle_passes": 2}
    assert list(VehiclePass.objects.values_list("status", flat=True)) == [PassStatus.APPLIED]
    assert VehiclePass.objects.get().pk == waiting.pk
    assert results["registration.persons"] == {"persons": 2}


def test_a_driver_still_registered_elsewhere_is_kept(tree, brigade_officer, road_site) -> None:
    with at(START):
        vehicle_pass(tree, driver=1, first=START.date(), last=START.date())
    with at(START + 20 * DAY):
        services.registration_create(
            site=road_site, kind="road", submission_key="k", data=road_data(1)
        )
    with at(START + 23 * DAY):
        results = purge_all()
    assert results["passes.vehicle_passes"] == {"vehicle_passes": 1}
    assert results["registration.persons"] == {"persons": 0}
    assert Person.objects.get().doc_number == id_number(1)


def test_a_hold_keeps_the_person_and_their_records(tree, officer, brigade_officer, sites) -> None:
    with at(START):
        check = walk_up(officer, sites["ganzhou"][0], 1, "walkup-held")
        held_pass = vehicle_pass(tree, driver=1, first=START.date(), last=START.date())
    person_hold_set(actor=brigade_officer, person=check.person, reason="重点人员 管控")
    with at(START + 60 * DAY):
        results = purge_all()
    assert results["screening.checks"]["checks"] == 0
    assert results["passes.vehicle_passes"]["vehicle_passes"] == 0
    assert results["registration.persons"]["persons"] == 0
    assert VehiclePass.objects.get().pk == held_pass.pk

    person_hold_clear(actor=brigade_officer, person=check.person, reason="解除管控")
    with at(START + 60 * DAY):
        results = purge_all()
    assert results["registration.persons"]["persons"] == 1
    assert not Person.objects.exists() and not VehiclePass.objects.exists()
    audits = AuditLog.objects.filter(
        target_type="registration.person", target_id=str(check.person_id)
    ).order_by("id")
    assert [(a.action, a.reason) for a in audits] == [
        ("person.hold", "重点人员 管控"),
        ("person.hold_clear", "解除管控"),
    ]


def test_a_hold_needs_a_reason(officer, brigade_officer, sites) -> None:
    with at(START):
        check = walk_up(officer, sites["ganzhou"][0], 1, "walkup-1")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        person_hold_set(actor=brigade_officer, person=check.person, reason=" ")
    assert caught.value.error_dict["reason"][0].code == "reason_required"
    assert "原因" in caught.value.error_dict["reason"][0].message
    assert not Person.objects.get().hold


def _everything_old(officer: Any, tree: Any, brigade_officer: Any, sites: Any, road_site: Any):
    with at(START):
        walk_up(officer, sites["ganzhou"][0], 1, "walkup-1")
        services.registration_create(
            site=road_site, kind="road", submission_key="old", data=road_data(2, companions=1)
        )
        vehicle_pass_decide(
            decision=PassDecision.APPROVE,
            actor=brigade_officer,
            vehicle_pass=vehicle_pass(tree, driver=3, first=START.date(), last=START.date()),
        )


def test_a_dry_run_counts_per_kind_and_deletes_nothing(
    officer, tree, brigade_officer, sites, road_site
) -> None:
    _everything_old(officer, tree, brigade_officer, sites, road_site)
    before = {
        model: model.objects.count()
        for model in (Person, Vehicle, Registration, Check, VehiclePass)
    }
    audits = AuditLog.objects.count()
    out = StringIO()
    with at(START + 30 * DAY), translation.override("en"):
        call_command("purge_expired", "--dry-run", stdout=out)
    assert {model: model.objects.count() for model in before} == before
    assert AuditLog.objects.count() == audits
    assert out.getvalue().splitlines() == [
        "Dry run: nothing was deleted. It would delete:",
        "intel.lists: lists 0, entries 0",
        "screening.checks: checks 1",
        "passes.vehicle_passes: vehicle_passes 1",
        "registration: registrations 2, travel_groups 1, persons 2",
        "registration.persons: persons 2",
        "registration.vehicles: vehicles 1",
    ]
    # The real run deletes exactly what the dry run counted.
    real = StringIO()
    with at(START + 30 * DAY):
        call_command("purge_expired", stdout=real)
    assert real.getvalue().splitlines() == out.getvalue().splitlines()[1:]
    assert not any(model.objects.exists() for model in before)
