"""Declared versus verified identity, and reveals scoped to where the data was captured.

What a citizen, a company or a walk-up declares belongs to the record that carried it: public
input never rewrites a person that another record points at, a walk-up by ID number tells the
officer nothing held elsewhere, and a reveal shows only what that record captured, to a role
that may reveal, for a reason from the list.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.org.choices import RoleCode
from fangkong.passes.services import DriverData, vehicle_pass_apply
from fangkong.registration.models import Person, Registration
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind
from tests.conftest import _persona, login
from tests.factories import SiteFactory, pass_application
from tests.registration.conftest import road_data

pytestmark = pytest.mark.django_db

VICTIM_PHONE = "13911112222"
ATTACKER_PHONE = "13733334444"


@pytest.fixture
def road_site(tree: Any) -> Any:
    return SiteFactory(unit=tree.ganzhou_squad, kind=SiteKind.CHECKPOINT, name="甘州西卡点")


@pytest.fixture
def linze_site(tree: Any) -> Any:
    return SiteFactory(unit=tree.linze, kind=SiteKind.CHECKPOINT, name="临泽东卡点")


@pytest.fixture
def ganzhou_checkpoint(tree: Any) -> Any:
    return _persona(tree.ganzhou_squad, "ganzhou-checkpoint", RoleCode.CHECKPOINT)


@pytest.fixture
def linze_checkpoint(tree: Any) -> Any:
    return _persona(tree.linze, "linze-checkpoint", RoleCode.CHECKPOINT)


@pytest.fixture
def plain_analyst(tree: Any) -> Any:
    return _persona(tree.detachment, "plain-analyst", RoleCode.ANALYST)


def register(site: Any, key: str, **overrides: Any) -> dict[str, Any]:
    body = {"site_code": site.code, "kind": "road", "submission_key": key}
    body |= road_data(1, **overrides)
    response = Client().post("/api/v1/registrations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def walk_up(client: Client, site: Any, doc_number: str, **person: str) -> Any:
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "site_id": site.pk,
        "temperature": 36.5,
        "outcome": "test_then_pass",
        "checked_at": timezone.now().isoformat(),
        "person": {"doc_number": doc_number, **person},
    }
    return client.post("/api/v1/checks", json.dumps(body), content_type="application/json")


def lookup(client: Client, site: Any, code: str) -> dict[str, Any]:
    criteria = {"site": site.pk, "code": code}
    answer = client.post("/api/v1/checks/lookup", criteria, content_type="application/json")
    parties = answer.json()
    assert len(parties) == 1
    return parties[0]["people"][0]


def test_a_registration_with_someone_elses_document_rewrites_nothing_of_theirs(
    road_site, ganzhou_checkpoint
):
    first = register(road_site, "victim-form", name="张三丰", phone=VICTIM_PHONE)
    victim = road_data(1)["doc_number"]

    register(
        road_site,
        "attacker-form",
        name="王小明",
        phone=ATTACKER_PHONE,
        plate="甘G66666",
        vehicle_kind="ambulance",
        doc_number=victim,
    )

    page = Client().get(f"/r/pass/{first['pass_token']}/").content.decode()
    assert "张*丰" in page and "王*明" not in page
    seen = lookup(login(ganzhou_checkpoint), road_site, first["short_code"])
    assert (seen["name"], seen["phone"]) == ("张*丰", "139****2222")
    # One person, two registrations, each with what it declared.
    assert Person.objects.count() == 1
    declared = {(r.name, r.phone) for r in Registration.objects.all()}
    assert declared == {("张三丰", VICTIM_PHONE), ("王小明", ATTACKER_PHONE)}


def test_a_pass_application_with_someone_elses_document_rewrites_nothing_of_theirs(
    tree, road_site, ganzhou_checkpoint
):
    first = register(road_site, "victim-form", name="张三丰", phone=VICTIM_PHONE)
    application = pass_application(
        unit=tree.ganzhou,
        drivers=(DriverData("王小明", "resident_id", road_data(1)["doc_number"], ATTACKER_PHONE),),
    )

    vehicle_pass, _ = vehicle_pass_apply(application=application, submission_key="p" * 24)

    seen = lookup(login(ganzhou_checkpoint), road_site, first["short_code"])
    assert (seen["name"], seen["phone"]) == ("张*丰", "139****2222")
    driver = vehicle_pass.drivers.get()
    assert (driver.name, driver.phone) == ("王小明", ATTACKER_PHONE)


def test_a_walk_up_with_someone_elses_document_rewrites_nothing_of_theirs(
    road_site, ganzhou_checkpoint
):
    first = register(road_site, "victim-form", name="张三丰", phone=VICTIM_PHONE)
    client = login(ganzhou_checkpoint)

    response = walk_up(
        client, road_site, road_data(1)["doc_number"], name="王小明", phone=ATTACKER_PHONE
    )

    assert response.status_code == 201
    assert response.json()["person"]["name"] == "王*明"
    seen = lookup(client, road_site, first["short_code"])
    assert (seen["name"], seen["phone"]) == ("张*丰", "139****2222")


def test_a_walk_up_by_id_number_tells_nothing_held_by_another_brigade(
    road_site, linze_site, linze_checkpoint
):
    register(road_site, "ganzhou-form", name="张三丰", phone=VICTIM_PHONE)
    client = login(linze_checkpoint)

    response = walk_up(client, linze_site, road_data(1)["doc_number"], name="张三丰")

    assert response.status_code == 201
    person = response.json()["person"]
    assert person["phone"] == "" and "id" not in person
    check = Check.objects.get(pk=response.json()["id"])
    shown = client.post(
        f"/api/v1/checks/{check.pk}/reveal",
        json.dumps({"reason_code": "identity_check", "reason": "核对身份证件"}),
        content_type="application/json",
    )
    assert shown.status_code == 200
    assert shown.json()["phone"] == "" and shown.json()["name"] == "张三丰"
    assert VICTIM_PHONE not in shown.content.decode()


def test_a_reveal_shows_what_the_record_captured_and_audits_ip_reason_and_fields(
    road_site, ganzhou_checkpoint
):
    register(road_site, "victim-form", name="张三丰", phone=VICTIM_PHONE)
    client = login(ganzhou_checkpoint)
    check_id = walk_up(client, road_site, road_data(1)["doc_number"], name="王小明").json()["id"]

    shown = client.post(
        f"/api/v1/checks/{check_id}/reveal",
        json.dumps({"reason_code": "trace_notice", "reason": "协查通告核对"}),
        content_type="application/json",
        REMOTE_ADDR="10.1.2.3",
    )

    assert shown.json() == {
        "doc_number": road_data(1)["doc_number"],
        "name": "王小明",
        "phone": "",
    }
    audit = AuditLog.objects.get(action="person.view")
    assert audit.ip == "10.1.2.3"
    assert audit.reason == "协查通告核对"
    assert audit.extra["reason_code"] == "trace_notice"
    assert audit.extra["check"] == check_id
    assert audit.extra["fields"] == ["doc_number", "name"]


def test_a_reveal_needs_a_role_that_may_reveal_and_a_listed_reason(
    road_site, ganzhou_checkpoint, plain_analyst
):
    client = login(ganzhou_checkpoint)
    check_id = walk_up(client, road_site, road_data(1)["doc_number"], name="王小明").json()["id"]
    url = f"/api/v1/checks/{check_id}/reveal"

    refused = login(plain_analyst).post(
        url,
        json.dumps({"reason_code": "trace_notice", "reason": "协查通告核对"}),
        content_type="application/json",
    )
    unlisted = client.post(
        url,
        json.dumps({"reason_code": "curiosity", "reason": "想看看"}),
        content_type="application/json",
    )

    assert refused.status_code == 403
    assert unlisted.status_code == 422
    assert unlisted.json()["errors"]["reason_code"][0]["code"] == "reason_code_invalid"
    assert not AuditLog.objects.filter(action="person.view").exists()


def test_a_reveal_outside_the_jurisdiction_looks_absent(road_site, linze_checkpoint, commander):
    register(road_site, "victim-form", name="张三丰", phone=VICTIM_PHONE)
    made = walk_up(login(commander), road_site, road_data(1)["doc_number"], name="张三丰")
    check_id = made.json()["id"]

    response = login(linze_checkpoint).post(
        f"/api/v1/checks/{check_id}/reveal",
        json.dumps({"reason_code": "trace_notice", "reason": "协查通告核对"}),
        content_type="application/json",
    )

    assert response.status_code == 404


def test_no_clear_birth_date_or_sex_beside_the_masked_number(road_site):
    register(road_site, "form", name="张三丰", phone=VICTIM_PHONE)
    names = {f.name for f in Person._meta.get_fields()}
    assert not names & {"birth_date", "sex", "name", "phone", "phone_tail"}
    person = Person.objects.get()
    assert person.birth_index and person.birth_index != date(1990, 1, 1).isoformat()


def test_a_self_declared_ambulance_gets_no_green_channel_until_the_officer_confirms(
    road_site, ganzhou_checkpoint
):
    form = register(road_site, "ambulance-form", plate="甘G12120", vehicle_kind="ambulance")
    client = login(ganzhou_checkpoint)

    criteria = {"site": road_site.pk, "code": form["short_code"]}
    party = client.post("/api/v1/checks/lookup", criteria, content_type="application/json")
    (found,) = party.json()
    body = {
        "site_id": road_site.pk,
        "registration_id": found["people"][0]["registration_id"],
        "temperature": 36.5,
        "outcome": "pass",
        "checked_at": timezone.now().isoformat(),
    }
    declared = client.post(
        "/api/v1/checks",
        json.dumps(body | {"idempotency_key": str(uuid.uuid4())}),
        content_type="application/json",
    )
    confirmed = client.post(
        "/api/v1/checks",
        json.dumps(
            body
            | {
                "idempotency_key": str(uuid.uuid4()),
                "outcome": "priority_pass",
                "vehicle_kind": "ambulance",
            }
        ),
        content_type="application/json",
    )

    assert (found["vehicle_kind"], found["decision"]["outcome"]) == ("ambulance", "pass")
    assert declared.json()["recommended"] == "pass"
    assert (confirmed.json()["recommended"], confirmed.json()["vehicle_kind"]) == (
        "priority_pass",
        "ambulance",
    )
