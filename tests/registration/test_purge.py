"""The retention purge: old registrations go with their groups and orphaned persons."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.registration import retention, services
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
from tests.registration.conftest import community_data, road_data

pytestmark = pytest.mark.django_db


def register(site, n: int, *, key: str, companions: int = 0):
    return services.registration_create(
        site=site, kind="road", submission_key=key, data=road_data(n, companions=companions)
    )


def test_old_registrations_groups_and_persons_are_purged(road_site, gate_site, settings) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        register(road_site, 1, key="old", companions=2)
        # Person 1 comes back later: they must survive, with their new registration.
        services.registration_create(
            site=gate_site, kind="community", submission_key="old-gate", data=community_data(5)
        )
    with time_machine.travel(start + timedelta(days=10), tick=False):
        register(road_site, 1, key="recent")
    with time_machine.travel(start + timedelta(days=settings.RETENTION_DAYS, hours=1)):
        counts = services.registration_purge()
    assert counts == {"registrations": 4, "travel_groups": 1, "persons": 3}
    assert Registration.objects.get().submission_key == "recent"
    assert TravelGroup.objects.count() == 1
    assert Person.objects.count() == 1
    assert Vehicle.objects.count() == 1  # A plate is not personal data.
    audit = AuditLog.objects.get(action="retention.purge")
    assert audit.extra["registrations"] == 4 and audit.actor is None


def test_persons_on_hold_keep_their_registrations(road_site) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lead = register(road_site, 1, key="old", companions=1)
    Person.objects.filter(pk=lead.person_id).update(hold=True)
    with time_machine.travel(start + timedelta(days=60)):
        counts = services.registration_purge()
    assert counts == {"registrations": 1, "travel_groups": 0, "persons": 1}
    assert Registration.objects.get().person_id == lead.person_id
    assert TravelGroup.objects.count() == 1


def test_purge_works_in_batches(road_site) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(7):
            register(road_site, n, key=f"k{n}")
    with time_machine.travel(start + timedelta(days=30)):
        counts = services.registration_purge(batch_size=3)
    assert counts["registrations"] == 7 and Registration.objects.count() == 0


def test_nothing_recent_is_touched(road_site) -> None:
    register(road_site, 1, key="now", companions=1)
    assert services.registration_purge() == {"registrations": 0, "travel_groups": 0, "persons": 0}
    assert Registration.objects.count() == 2


def test_command_runs_every_registered_step_in_order(road_site, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(retention, "_steps", dict(retention._steps))
    retention.register_purge_step(
        "screening.checks", lambda **kw: calls.append("checks") or {"checks": 0}, order=10
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        register(road_site, 1, key="old")
    out = StringIO()
    with time_machine.travel(start + timedelta(days=40)):
        call_command("purge_expired", stdout=out)
    assert calls == ["checks"]
    lines = out.getvalue().splitlines()
    assert lines == [
        "intel.lists: lists 0, entries 0",
        "screening.checks: checks 0",
        "passes.vehicle_passes: vehicle_passes 0",
        "registration: registrations 1, travel_groups 1, persons 1",
        "registration.persons: persons 0",
        "registration.vehicles: vehicles 1",
    ]
    assert [s.name for s in retention.purge_steps()] == [
        "intel.lists",
        "screening.checks",
        "passes.vehicle_passes",
        "registration",
        "registration.persons",
        "registration.vehicles",
    ]


def test_command_takes_days(road_site) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        register(road_site, 1, key="old")
    with time_machine.travel(start + timedelta(days=3)):
        call_command("purge_expired", "--days", "2", stdout=StringIO())
    assert Registration.objects.count() == 0
