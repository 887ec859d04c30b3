"""A vehicle entered by hand with its driver and passengers (issue 24, item 7): its checks,
each sent on its own from the phone's outbox with the group key the phone made, are one travel
group, exactly once however often they are sent."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from fangkong.registration.models import Person, TravelGroup, Vehicle
from fangkong.registration.services import registration_create
from fangkong.screening.models import Check
from tests.conftest import login
from tests.registration.conftest import road_data
from tests.screening.conftest import declared, id_number, make_group, make_person

pytestmark = pytest.mark.django_db

PLATE = "甘GD12345"  # a small new-energy plate: eight characters


def post(client: Client, body: dict) -> object:
    return client.post("/api/v1/checks", json.dumps(body), content_type="application/json")


def vehicle_checks(site, *, group_key: str, plate: str = "甘g·d12345", kind: str = "truck"):
    """The outbox items of one hand-entered vehicle: a driver and two passengers."""
    checked_at = timezone.now().isoformat()
    people = [
        ("driver", "马师傅", id_number(31, birth="19750203"), "13900000031"),
        ("passenger", "马小军", id_number(32, birth="20010506"), ""),
        ("passenger", "李秀兰", id_number(33, birth="19780910"), "13900000033"),
    ]
    return [
        {
            "idempotency_key": str(uuid.uuid4()),
            "site_id": site.pk,
            "temperature": 36.5,
            "outcome": "pass",
            "checked_at": checked_at,
            "facts": {
                "health_code": "green",
                "itinerary": "normal",
                "nat_result": "negative",
                "nat_at": "2026-11-18T08:00:00+08:00",
                "origin_code": "620102",
            },
            "person": {"name": name, "doc_number": number, "phone": phone},
            "vehicle": {"group_key": group_key, "plate": plate, "kind": kind, "role": role},
        }
        for role, name, number, phone in people
    ]


@pytest.fixture
def ganzhou_site(sites):
    return sites["ganzhou"][0]


def test_a_vehicle_with_three_people_is_one_group_with_its_checks_linked(
    clock, brigade_officer, ganzhou_site
):
    client = login(brigade_officer)
    key = str(uuid.uuid4())

    answers = [post(client, body) for body in vehicle_checks(ganzhou_site, group_key=key)]

    assert [a.status_code for a in answers] == [201, 201, 201], answers[0].json()
    group = TravelGroup.objects.get()
    assert group.client_key == key
    assert group.site == ganzhou_site
    assert group.vehicle.plate == PLATE
    assert group.origin_division == "620102"
    checks = Check.objects.filter(group=group).order_by("pk")
    assert [c.role for c in checks] == ["driver", "passenger", "passenger"]
    assert {a.json()["group_id"] for a in answers} == {group.pk}
    assert [a.json()["plate"] for a in answers] == [PLATE] * 3
    assert [a.json()["role"] for a in answers] == ["driver", "passenger", "passenger"]
    assert [a.json()["vehicle_kind"] for a in answers] == ["truck"] * 3
    assert answers[0].json()["person"] == {
        "name": "马*傅",
        "document": "620702********" + id_number(31, birth="19750203")[-4:],
        "phone": "139****0031",
    }
    # The officer saw the vehicle: its kind is confirmed, as at a registered vehicle's check.
    assert Vehicle.objects.get().kind == "truck"
    # What the officer typed is stored as every identity is: encrypted, never in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT doc_number FROM registration_person")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT phone FROM screening_check")
        phones = " ".join(row[0] for row in cursor.fetchall())
    assert id_number(31, birth="19750203") not in stored
    assert "13900000031" not in phones
    assert Person.objects.count() == 3


def test_the_outbox_sending_again_in_another_order_stores_nothing_new(
    clock, brigade_officer, ganzhou_site
):
    client = login(brigade_officer)
    bodies = vehicle_checks(ganzhou_site, group_key=str(uuid.uuid4()))
    # The passenger's check arrives first; the driver's answer is lost and sent again.
    first = [post(client, body).status_code for body in [bodies[1], bodies[0]]]
    again = [post(client, body) for body in [bodies[0], bodies[2], bodies[1], bodies[2]]]

    assert first == [201, 201]
    assert [a.status_code for a in again] == [200, 201, 200, 200]
    assert TravelGroup.objects.count() == 1
    assert Vehicle.objects.count() == 1
    assert Check.objects.count() == 3
    assert Check.objects.filter(group__isnull=True).count() == 0


@pytest.mark.parametrize(
    ("plate", "code"),
    [
        ("", "plate_required"),
        ("甘G123", "plate_length"),
        ("X甘G1234", "plate_province"),
        ("京12345A", "plate_office"),
        ("甘GI2345", "plate_serial"),
        ("WJ甘12345", "plate_unsupported"),
    ],
)
def test_a_bad_plate_is_422_with_its_code_on_the_field(
    clock, brigade_officer, ganzhou_site, plate, code
):
    body = vehicle_checks(ganzhou_site, group_key=str(uuid.uuid4()), plate=plate)[0]

    response = post(login(brigade_officer), body)

    assert response.status_code == 422
    data = response.json()
    assert data["code"] == code
    assert [e["code"] for e in data["errors"]["vehicle.plate"]] == [code]
    message = data["errors"]["vehicle.plate"][0]["message"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert (Check.objects.count(), TravelGroup.objects.count(), Vehicle.objects.count()) == (
        0,
        0,
        0,
    )


def test_bad_kind_role_and_key_are_field_errors(clock, brigade_officer, ganzhou_site):
    body = vehicle_checks(ganzhou_site, group_key="short", kind="tank")[0]
    body["vehicle"]["role"] = "pilot"

    response = post(login(brigade_officer), body)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["vehicle.group_key"][0]["code"] == "key_invalid"
    assert errors["vehicle.kind"][0]["code"] == "invalid_choice"
    assert errors["vehicle.role"][0]["code"] == "invalid_choice"


def test_a_group_key_cannot_join_another_vehicle_or_site(
    clock, brigade_officer, other_officer, sites, ganzhou_site
):
    key = str(uuid.uuid4())
    driver = vehicle_checks(ganzhou_site, group_key=key)[0]
    assert post(login(brigade_officer), driver).status_code == 201

    other_plate = vehicle_checks(ganzhou_site, group_key=key, plate="甘G12345")[1]
    response = post(login(brigade_officer), other_plate)
    assert (response.status_code, response.json()["code"]) == (422, "group_key_reused")

    elsewhere = vehicle_checks(sites["linze"][0], group_key=key)[1]
    response = post(login(other_officer), elsewhere)
    assert (response.status_code, response.json()["code"]) == (422, "group_key_reused")
    assert Check.objects.count() == 1
    assert TravelGroup.objects.count() == 1


def test_a_registered_person_does_not_come_with_a_hand_entered_vehicle(
    clock, brigade_officer, ganzhou_site
):
    registration = make_group(ganzhou_site, people=[(make_person(1), declared())], plate=None)[0]
    body = vehicle_checks(ganzhou_site, group_key=str(uuid.uuid4()))[0]
    del body["person"]
    body["registration_id"] = registration.pk

    response = post(login(brigade_officer), body)

    assert (response.status_code, response.json()["code"]) == (422, "vehicle_needs_person")
    assert TravelGroup.objects.count() == 1  # the registration's own


def test_an_unconfirmed_kind_leaves_the_vehicle_as_it_was(clock, brigade_officer, ganzhou_site):
    Vehicle.objects.create(plate=PLATE, kind="ambulance")
    body = vehicle_checks(ganzhou_site, group_key=str(uuid.uuid4()), kind="")[0]

    response = post(login(brigade_officer), body)

    assert response.status_code == 201
    assert response.json()["vehicle_kind"] == ""
    # No green channel from a kind nobody confirmed at this check.
    assert response.json()["recommended"] == "pass"
    assert Vehicle.objects.get().kind == "ambulance"


def test_a_group_made_by_a_concurrent_check_is_joined(
    clock, brigade_officer, ganzhou_site, monkeypatch
):
    """Two checks of one vehicle arriving at once: the second's insert meets the first's
    group (made between its look-up and its insert) and joins it."""
    from fangkong.screening.services import vehicles

    key = str(uuid.uuid4())
    vehicle = Vehicle.objects.create(plate=PLATE)
    made = TravelGroup.objects.create(site=ganzhou_site, vehicle=vehicle, client_key=key)
    looked = []
    real = vehicles._by_key

    def late_look_up(group_key: str):
        looked.append(group_key)
        return None if len(looked) == 1 else real(group_key)

    monkeypatch.setattr(vehicles, "_by_key", late_look_up)

    response = post(login(brigade_officer), vehicle_checks(ganzhou_site, group_key=key)[0])

    assert response.status_code == 201, response.json()
    assert response.json()["group_id"] == made.pk
    assert len(looked) == 2
    assert TravelGroup.objects.count() == 1


def test_a_plate_entered_by_hand_finds_the_vehicle_a_registration_stored(
    clock, brigade_officer, ganzhou_site
):
    # The same plate typed two ways: on the citizen's form, and by the officer at the check.
    registration_create(
        site=ganzhou_site,
        kind="road",
        submission_key="road-form-1",
        data=road_data(1, plate="甘gd 12345", vehicle_kind="truck"),
    )
    bodies = vehicle_checks(ganzhou_site, group_key=str(uuid.uuid4()), plate="甘G·D12345")

    assert post(login(brigade_officer), bodies[0]).status_code == 201
    assert list(Vehicle.objects.values_list("plate", flat=True)) == [PLATE]
    vehicles = set(TravelGroup.objects.values_list("vehicle_id", flat=True))
    assert (TravelGroup.objects.count(), vehicles) == (2, {Vehicle.objects.get().pk})


def test_the_group_takes_its_origin_from_whichever_check_has_one_and_declares_no_kind(
    clock, brigade_officer, ganzhou_site
):
    """The outbox sends in any order: a first check without an origin leaves the group's
    origin to the next that has one. The officer saw the kind; nobody declared it."""
    client = login(brigade_officer)
    key = str(uuid.uuid4())
    first, *rest = vehicle_checks(ganzhou_site, group_key=key)
    del first["facts"]["origin_code"]
    answers = [post(client, body) for body in (first, *rest)]
    assert [a.status_code for a in answers] == [201, 201, 201], answers[0].json()
    group = TravelGroup.objects.get()
    assert group.origin_division == "620102"
    assert group.vehicle_kind == ""
    assert group.vehicle.kind == "truck"
