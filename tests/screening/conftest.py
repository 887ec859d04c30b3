"""Registrations, checkpoint officers and a fixed clock for the screening tests.

Registrations are made directly, with the ``declared`` shape of ``registration.cleaning``, so a
test states exactly what the citizen declared.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from fangkong.lib.idnumber import checksum_char
from fangkong.org.choices import RoleCode, StaffKind
from fangkong.org.models import Role
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle
from fangkong.registration.people import person_get_or_create
from fangkong.screening.selectors import policy as policy_module
from tests.conftest import Tree
from tests.factories import StaffFactory, UserFactory

CST = ZoneInfo("Asia/Shanghai")
# A Thursday morning at the checkpoint; every test that depends on the clock starts here.
NOW = datetime(2026, 11, 19, 10, 0, tzinfo=CST)


def id_number(n: int, *, birth: str = "19900101", region: str = "620702") -> str:
    first17 = f"{region}{birth}{n % 1000:03d}"
    return first17 + checksum_char(first17)


def declared(**overrides: Any) -> dict[str, Any]:
    """A healthy traveller's declaration: green code, normal card, negative NAT yesterday."""
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data: dict[str, Any] = {
        "health_code": "green",
        "itinerary": "normal",
        "nat": {"date": yesterday, "result": "negative"},
        "symptoms": [],
    }
    data.update(overrides)
    return data


@dataclass(frozen=True)
class Declared:
    """A person and who they said they were on one registration."""

    person: Person
    name: str
    phone: str

    @property
    def pk(self) -> int:
        return self.person.pk


def make_person(n: int, name: str = "张三丰", phone: str | None = None) -> Declared:
    person = person_get_or_create(doc_type="resident_id", doc_number=id_number(n))
    return Declared(person, name, phone if phone is not None else f"139{n:08d}")


def make_group(
    site: Any,
    *,
    people: list[tuple[Declared, dict[str, Any]]],
    plate: str | None = "甘G12345",
    kind: str = "car",
    origin: str = "620102",
    places_passed: list[dict[str, str]] | None = None,
    code: str | None = None,
) -> list[Registration]:
    """One submitted road form: a travel group whose people share a pass and short code; the
    vehicle ``kind`` is what the form declared."""
    vehicle = None
    if plate:
        vehicle, _ = Vehicle.objects.get_or_create(plate=plate)
    group = TravelGroup.objects.create(
        site=site,
        vehicle=vehicle,
        vehicle_kind=kind if plate else "",
        origin_division=origin,
        places_passed=places_passed or [],
        destination="张掖市甘州区",
    )
    token = secrets.token_urlsafe(32)
    key = secrets.token_urlsafe(16)
    code = code or secrets.token_hex(3).upper()
    return [
        Registration.objects.create(
            kind="road",
            site=site,
            person=someone.person,
            name=someone.name,
            phone=someone.phone,
            phone_tail=someone.phone[-4:],
            group=group,
            role="driver" if index == 0 else "passenger",
            declared=facts,
            pass_token=token,
            short_code=code,
            valid_until=timezone.now() + timedelta(hours=24),
            submission_key=key,
        )
        for index, (someone, facts) in enumerate(people)
    ]


def make_registration(site: Any, n: int = 1, **facts: Any) -> Registration:
    return make_group(site, people=[(make_person(n), declared(**facts))], plate=None)[0]


@pytest.fixture
def clock() -> Any:
    """Time stands at ``NOW`` (a weekday morning in Zhangye) unless a test moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _fresh_policy_cache() -> Any:
    # Rolled-back test transactions reuse row ids: the cache must not outlive a test.
    policy_module._area_cache.update(key=None, rows=())
    policy_module._build.cache_clear()
    yield


@pytest.fixture
def officer(tree: Tree) -> Any:
    """A sworn officer on checkpoint duty in Ganzhou's first squad."""
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)
    user = UserFactory(username="officer")
    staff = StaffFactory(unit=tree.ganzhou_squad, user=user, name="刘警官", kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code=RoleCode.CHECKPOINT))
    return user


@pytest.fixture
def analyst(tree: Tree) -> Any:
    user = UserFactory(username="analyst")
    staff = StaffFactory(unit=tree.detachment, user=user, name="陈研判", kind=StaffKind.OFFICER)
    staff.roles.set(Role.objects.filter(code=RoleCode.ANALYST))
    return user
