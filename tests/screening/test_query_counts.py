"""Query counts of the endpoints the officer app calls: the same for one party as for many
(netbox's ``query_counts``; zulip's "no N+1"). The bounds are what the code does today; a
change that raises one should say why."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.passes.choices import PassStatus
from fangkong.passes.models import VehiclePass
from tests.conftest import login
from tests.screening.conftest import declared, make_group, make_person

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def here(sites: Any) -> Any:
    return sites["ganzhou"][0]


def parties(site: Any, count: int, *, tree: Any) -> None:
    """``count`` road parties of two people sharing a phone tail, each in its own vehicle;
    every other vehicle holds an approved pass."""
    today = timezone.localdate()
    for n in range(count):
        plate = f"甘G5{n:04d}"
        make_group(
            site,
            people=[
                (make_person(2 * n, phone=PHONE), declared()),
                (make_person(2 * n + 1, "李四", phone=PHONE), declared()),
            ],
            plate=plate,
        )
        if n % 2 == 0:
            VehiclePass.objects.create(
                plate=plate,
                company="张掖市惠民物流有限公司",
                contact_name="王经理",
                contact_phone="13800001111",
                vehicle_kind="truck",
                cargo_kind="medical",
                route="张掖—临泽",
                valid_from=today,
                valid_to=today,
                unit=tree.ganzhou,
                status=PassStatus.APPROVED,
                number=f"TX{n:04d}",
                token=f"count-token-{n:04d}",
            )


def check_body(site: Any, party: dict[str, Any]) -> dict[str, Any]:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "site_id": site.pk,
        "temperature": 36.5,
        "outcome": party["decision"]["outcome"],
        "checked_at": timezone.now().isoformat(),
        "registration_id": party["people"][0]["registration_id"],
    }


def lookup(client: Client, site: Any) -> Any:
    body = json.dumps({"site": site.pk, "phone_tail": PHONE[-4:]})
    return client.post("/api/v1/checks/lookup", body, content_type="application/json")


@pytest.mark.parametrize("count", [1, 11])
def test_the_look_up_takes_the_same_few_queries_for_any_number_of_parties(
    clock, tree, brigade_officer, here, count, django_assert_max_num_queries
) -> None:
    parties(here, count, tree=tree)
    client = login(brigade_officer)
    lookup(client, here)  # the session and the cached policy

    with django_assert_max_num_queries(6):
        found = lookup(client, here).json()

    assert len(found) == count
    states = {party["plate"]: party["pass_state"] for party in found}
    assert states["甘G50000"] == "valid"
    expected = {p: "valid" if int(p[-4:]) % 2 == 0 else "none" for p in states}
    assert states == expected


def test_the_check_list_takes_a_fixed_number_of_queries(
    clock, tree, brigade_officer, here, django_assert_max_num_queries
) -> None:
    parties(here, 6, tree=tree)
    client = login(brigade_officer)
    for party in lookup(client, here).json():
        body = check_body(here, party)
        client.post("/api/v1/checks", json.dumps(body), content_type="application/json")

    with django_assert_max_num_queries(6):
        listed = client.get("/api/v1/checks", {"site": here.pk}).json()

    assert len(listed) == 6


def test_recording_a_check_of_a_vehicle_takes_a_fixed_number_of_queries(
    clock, tree, brigade_officer, here, django_assert_max_num_queries
) -> None:
    parties(here, 1, tree=tree)
    client = login(brigade_officer)
    body = check_body(here, lookup(client, here).json()[0])

    # 24: the check itself, its rollups, the vehicle confirmation, one look-up of the
    # outside lists in force and one of the open key-person measures (issue 20) that may
    # flag it.
    with django_assert_max_num_queries(24):
        response = client.post("/api/v1/checks", json.dumps(body), content_type="application/json")

    assert response.status_code == 201


def test_a_decision_for_a_party_takes_a_fixed_number_of_queries(
    clock, tree, brigade_officer, here, django_assert_max_num_queries
) -> None:
    parties(here, 1, tree=tree)
    client = login(brigade_officer)
    people = lookup(client, here).json()[0]["people"]
    body = {"people": [{"registration_id": p["registration_id"]} for p in people]}

    with django_assert_max_num_queries(8):
        response = client.post(
            "/api/v1/checks/decide", json.dumps(body), content_type="application/json"
        )

    assert response.status_code == 200


def test_the_officer_page_and_policy_take_few_queries(
    clock, brigade_officer, here, django_assert_max_num_queries
) -> None:
    client = login(brigade_officer)
    client.get("/api/v1/policy/current")

    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/policy/current").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/screening/officer/").status_code == 200
