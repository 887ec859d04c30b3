"""A person is found or created by document and never changed by a declaration; only a staff
member who may, with a reason, sets what was verified."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from fangkong.core.errors import PermissionDeniedError
from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode
from fangkong.registration import services
from fangkong.registration.models import Person
from fangkong.registration.people import person_get_or_create, person_verify
from tests.conftest import _persona, login
from tests.registration.conftest import id_number, road_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(road_site: Any) -> Person:
    services.registration_create(
        site=road_site, kind="road", submission_key="key-1", data=road_data(1)
    )
    return Person.objects.get()


def verify(actor: Any, person: Person, **overrides: str) -> Person:
    values = {"name": "张三丰", "phone": "139 0000 0001", "reason": "查验居民身份证原件"}
    return person_verify(actor=actor, person=person, **(values | overrides))


def test_get_or_create_finds_the_person_and_changes_nothing(registered: Person) -> None:
    found = person_get_or_create(doc_type="resident_id", doc_number=id_number(1))
    again = person_get_or_create(doc_type="resident_id", doc_number=id_number(1))

    assert found.pk == again.pk == registered.pk
    assert Person.objects.count() == 1


def test_a_checkpoint_officer_verifies_with_a_reason_and_it_is_audited(
    tree: Any, registered: Person
) -> None:
    officer = _persona(tree.ganzhou, "checkpoint", RoleCode.CHECKPOINT)

    person = verify(officer, registered)

    stored = Person.objects.get()
    assert (stored.verified_name, stored.verified_phone) == ("张三丰", "13900000001")
    assert stored.verified_by == officer and stored.verified_at is not None
    audit = AuditLog.objects.get(action="person.verify")
    assert (audit.target_id, audit.reason) == (str(person.pk), "查验居民身份证原件")
    assert audit.extra == {"changed": ["verified_name", "verified_phone"]}
    # The audit says what changed, never the values.
    assert "13900000001" not in json.dumps(audit.extra) + audit.reason


def test_verifying_needs_a_reason_a_role_and_a_record_in_the_jurisdiction(
    tree: Any, registered: Person
) -> None:
    officer = _persona(tree.ganzhou, "checkpoint", RoleCode.CHECKPOINT)
    analyst = _persona(tree.detachment, "analyst", RoleCode.ANALYST)
    elsewhere = _persona(tree.linze, "linze", RoleCode.CHECKPOINT)

    with pytest.raises(ValidationError) as caught:
        verify(officer, registered, reason=" ", phone="123")
    for actor in (analyst, elsewhere):
        with pytest.raises(PermissionDeniedError):
            verify(actor, registered)

    assert set(caught.value.error_dict) == {"reason", "phone"}
    assert Person.objects.get().verified_name == ""
    assert not AuditLog.objects.filter(action="person.verify").exists()


def test_the_verification_api_hides_persons_known_only_elsewhere(
    tree: Any, registered: Person
) -> None:
    body = json.dumps({"name": "张三丰", "phone": "13900000001", "reason": "查验身份证原件"})
    url = f"/api/v1/persons/{registered.pk}/verification"
    elsewhere = _persona(tree.linze, "linze", RoleCode.CHECKPOINT)
    officer = _persona(tree.ganzhou, "checkpoint", RoleCode.CHECKPOINT)

    hidden = login(elsewhere).post(url, body, content_type="application/json")
    anonymous = Client().post(url, body, content_type="application/json")
    done = login(officer).post(url, body, content_type="application/json")

    assert (hidden.status_code, anonymous.status_code) == (404, 401)
    assert done.status_code == 200
    assert done.json()["verified_name_masked"] == "张*丰"
    assert done.json()["verified_phone_masked"] == "139****0001"


def test_a_later_registration_leaves_the_verified_details_alone(
    tree: Any, road_site: Any, registered: Person
) -> None:
    verify(_persona(tree.ganzhou, "checkpoint", RoleCode.CHECKPOINT), registered)

    services.registration_create(
        site=road_site,
        kind="road",
        submission_key="key-2",
        data=road_data(1, name="王小明", phone="13733334444", plate="甘G66666"),
    )

    stored = Person.objects.get()
    assert (stored.verified_name, stored.verified_phone) == ("张三丰", "13900000001")
