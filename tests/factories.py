"""factory_boy factories for volume; the named personas live in conftest.py."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from fangkong.lib.idnumber import checksum_char
from fangkong.org.choices import StaffKind, UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.passes.services import DriverData, PassApplication
from fangkong.registration.models import Person, Registration
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = UnitKind.SQUAD
    parent = None
    path = factory.LazyAttribute(lambda u: (u.parent.path if u.parent else "/") + u.code + "/")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"民警{n}")
    kind = StaffKind.OFFICER
    badge_number = factory.Sequence(lambda n: f"{100000 + n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    code = factory.Sequence(lambda n: f"S{n:04d}")
    name = factory.Sequence(lambda n: f"测试卡点{n}")
    kind = SiteKind.TOLL_STATION
    unit = factory.SubFactory(UnitFactory)
    lng = factory.Sequence(lambda n: 100.45 + (n % 50) * 0.01)
    lat = factory.Sequence(lambda n: 38.93 + (n % 50) * 0.01)
    division_code = "620702"


def _resident_id(n: int) -> str:
    first17 = f"620702{19600101 + n % 28:08d}{n % 1000:03d}"
    return first17 + checksum_char(first17)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person as a document makes them: nothing verified, nothing declared."""

    class Meta:
        model = Person

    doc_type = "resident_id"
    doc_number = factory.Sequence(_resident_id)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A community-gate registration with what its person declared on it."""

    class Meta:
        model = Registration

    kind = "community"
    site = factory.SubFactory(SiteFactory, kind=SiteKind.COMMUNITY_GATE)
    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"居民{n}")
    phone = factory.Sequence(lambda n: f"137{n:08d}")
    phone_tail = factory.LazyAttribute(lambda r: r.phone[-4:])
    declared = factory.LazyFunction(lambda: {"health_code": "green"})
    pass_token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    short_code = factory.Sequence(lambda n: f"F{n:05d}")
    valid_until = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    submission_key = factory.LazyFunction(lambda: secrets.token_urlsafe(16))


def pass_application(
    *, unit: Unit, drivers: tuple[DriverData, ...], **changes: Any
) -> PassApplication:
    """A vehicle pass application of ``unit`` for a truck of medical supplies, valid from today
    for three days, with ``changes`` to any of its fields."""
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "company": "张掖市惠民物流有限公司",
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "plate": "甘G54321",
        "vehicle_kind": "truck",
        "cargo_kind": "medical",
        "route": "张掖—临泽",
        "valid_from": today,
        "valid_to": today + timedelta(days=3),
        "unit_id": unit.pk,
        "drivers": drivers,
    }
    return PassApplication(**(fields | changes))
