"""Helpers that make raw checks, registrations and travel groups for the command tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from fangkong.command.rollups import record_check, record_registrations
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
from fangkong.screening.models import Check

_numbers = itertools.count(1)


def make_person() -> Person:
    return Person.objects.create(doc_type="passport", doc_number=f"E{next(_numbers):08d}")


def make_group(site: Any, *, origin: str = "", plate: str | None = None) -> TravelGroup:
    vehicle = None
    if plate:
        vehicle, _ = Vehicle.objects.get_or_create(plate=plate)
    return TravelGroup.objects.create(
        site=site, vehicle=vehicle, vehicle_kind="car" if plate else "", origin_division=origin
    )


def make_registration(
    site: Any, *, at: datetime, kind: str = "road", declared: dict[str, Any] | None = None
) -> Registration:
    with time_machine.travel(at, tick=False):
        registration = Registration.objects.create(
            kind=kind,
            site=site,
            person=make_person(),
            name="测试人员",
            declared=declared or {},
            pass_token=uuid.uuid4().hex,
            short_code="ABC123",
            valid_until=at + timedelta(days=1),
            submission_key=uuid.uuid4().hex,
        )
    # What ``registration_create`` does after saving, as the service would.
    record_registrations([registration])
    return registration


def make_check(
    site: Any,
    *,
    at: datetime,
    outcome: str = "pass",
    recommended: str | None = None,
    person: Person | None = None,
    registration: Registration | None = None,
    group: TravelGroup | None = None,
) -> Check:
    check = Check.objects.create(
        site=site,
        person=person or (registration.person if registration else make_person()),
        name="测试人员",
        registration=registration,
        group=group,
        recommended=recommended or outcome,
        outcome=outcome,
        reasons=[],
        policy_version=1,
        checked_at=at,
        idempotency_key=uuid.uuid4().hex,
    )
    record_check(check)  # what ``check_record`` does after saving
    return check


@pytest.fixture
def helpers() -> Any:
    class H:
        person = staticmethod(make_person)
        group = staticmethod(make_group)
        registration = staticmethod(make_registration)
        check = staticmethod(make_check)

    return H
