"""The prepared INSERT carries the values the ORM itself would save, field by field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, models
from django.utils import timezone

from fangkong.core.identity import EncryptedTextField
from fangkong.registration import fastpath
from fangkong.registration.models import Person, Registration, TravelGroup, Vehicle

pytestmark = pytest.mark.django_db


def orm_values(obj: models.Model, fields: tuple[models.Field, ...]) -> list[Any]:
    # After ``prepare``: an auto_now_add field has been given its moment on the object.
    return [
        field.get_db_prep_save(
            getattr(obj, field.attname)
            if getattr(field, "auto_now_add", False)
            else field.pre_save(obj, True),
            connection,
        )
        for field in fields
    ]


def clear(field: models.Field, value: Any) -> Any:
    """Ciphertexts differ on every encryption: compare what they decrypt to. PostgreSQL's
    JSON wrapper has no equality of its own: compare what it wraps."""
    if isinstance(field, EncryptedTextField):
        return field.from_db_value(value, None, connection)
    return getattr(value, "obj", value)


def assert_orm_values(objs: list[models.Model]) -> None:
    prepared = fastpath.prepare(objs)
    width = len(prepared.fields)
    assert len(prepared.params) == width * len(objs)
    for row, obj in enumerate(objs):
        got = prepared.params[row * width : (row + 1) * width]
        expected = orm_values(obj, prepared.fields)
        for field, value, orm in zip(prepared.fields, got, expected, strict=True):
            assert clear(field, value) == clear(field, orm), field.name
            assert type(value) is type(orm), field.name


def test_every_model_of_a_registration(road_site) -> None:
    now = timezone.now()
    vehicle = Vehicle.objects.create(plate="甘G12345", kind="car")
    resident = Person(doc_type="resident_id", doc_number="620702199001011236")
    verified = Person(
        doc_type="passport",
        doc_number="E12345678",
        verified_name="李四",
        verified_phone="13900001234",
        verified_at=now,
    )
    assert_orm_values([resident, verified])
    assert_orm_values([Vehicle(plate="甘G54321", kind="truck"), Vehicle(plate="甘G54322")])
    group = TravelGroup(
        created_at=now,
        site=road_site,
        vehicle=vehicle,
        vehicle_kind="ambulance",
        places_passed=[{"code": "620702", "date": "2026-11-20"}],
        destination="张掖市甘州区",
    )
    assert_orm_values([group, TravelGroup(created_at=now, site=road_site)])
    group.save()
    resident.save()
    common = {
        "kind": "road",
        "site": road_site,
        "person": resident,
        "pass_token": "t" * 43,
        "short_code": "ABC234",
        "valid_until": now + timedelta(hours=24),
        "submission_key": "key-1",
        "created_at": now,
    }
    assert_orm_values(
        [
            Registration(
                group=group,
                role="driver",
                declared={"health_code": "green"},
                name="张三丰",
                phone="13900001234",
                phone_tail="1234",
                **common,
            ),
            Registration(
                group=None,
                role="",
                declared={},
                name="李四",
                contact_name="赵六",
                contact_phone="13800000001",
                **common,
            ),
        ]
    )
