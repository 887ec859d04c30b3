"""The screening API: status codes, error codes, jurisdiction and masking."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.screening.models import Check, RiskArea
from tests.conftest import login
from tests.screening.conftest import NOW, declared, id_number, make_group, make_person

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict) -> object:
    return client.post(path, json.dumps(body), content_type="application/json")


def check_body(site, **overrides) -> dict:
    body = {
        "idempotency_key": str(uuid.uuid4()),
        "site_id": site.pk,
        "temperature": 36.5,
        "outcome": "pass",
        "checked_at": timezone.now().isoformat(),
    }
    body.update(overrides)
    return body


@pytest.fixture
def ganzhou_site(sites):
    return sites["ganzhou"][0]


@pytest.fixture
def registration(ganzhou_site):
    return make_group(ganzhou_site, people=[(make_person(1), declared())], plate=None)[0]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/checks"),
        ("get", "/api/v1/checks"),
        ("post", "/api/v1/checks/decide"),
        ("post", "/api/v1/checks/lookup"),
        ("get", "/api/v1/policy/current"),
    ],
)
def test_anonymous_callers_are_refused(method, path):
    response = getattr(Client(), method)(path, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_new_check_is_201_and_the_same_key_again_200_with_the_same_body(
    clock, brigade_officer, ganzhou_site, registration
):
    client = login(brigade_officer)
    body = check_body(ganzhou_site, registration_id=registration.pk)

    first = post(client, "/api/v1/checks", body)
    again = post(client, "/api/v1/checks", body)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    data = first.json()
    assert data["recommended"] == data["outcome"] == "pass"
    assert data["recommended_label"] == "通行"
    assert data["policy_version"] == 1
    assert data["person"]["document"] == "620702********" + id_number(1)[-4:]
    assert Check.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"outcome": "refer_health", "override_reason": "发热"}, {"temperature": 37.9}, {"site": 1}],
)
def test_the_same_key_with_another_check_is_409_with_the_stored_checks_id(
    clock, brigade_officer, sites, ganzhou_site, registration, change
):
    client = login(brigade_officer)
    body = check_body(ganzhou_site, registration_id=registration.pk)
    first = post(client, "/api/v1/checks", body)
    changed = {**body, **change}
    if "site" in changed:
        changed["site_id"] = sites["ganzhou"][int(changed.pop("site"))].pk

    again = post(client, "/api/v1/checks", changed)

    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_key_reused"
    assert again.json()["check_id"] == first.json()["id"]
    assert Check.objects.count() == 1


def test_the_officers_view_of_the_code_is_used_and_explained(
    clock, brigade_officer, ganzhou_site, registration
):
    body = check_body(
        ganzhou_site,
        registration_id=registration.pk,
        facts={"health_code": "yellow"},
        temperature=37.6,
        outcome="refer_health",
    )

    data = post(login(brigade_officer), "/api/v1/checks", body).json()

    assert [r["code"] for r in data["reasons"]] == ["temperature_high", "health_code_yellow"]
    assert [r["message"] for r in data["reasons"]] == ["体温 37.6℃ ≥ 37.3℃", "健康码为黄码"]


def test_validation_errors_are_422_with_codes(clock, brigade_officer, ganzhou_site, registration):
    client = login(brigade_officer)

    missing_key = check_body(ganzhou_site, registration_id=registration.pk)
    del missing_key["idempotency_key"]
    response = post(client, "/api/v1/checks", missing_key)
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")

    override = check_body(ganzhou_site, registration_id=registration.pk, temperature=38.5)
    response = post(client, "/api/v1/checks", override)
    assert response.status_code == 422
    assert response.json()["code"] == "override_reason_required"
    assert "override_reason" in response.json()["errors"]

    future = check_body(
        ganzhou_site,
        registration_id=registration.pk,
        checked_at=(timezone.now() + timedelta(hours=1)).isoformat(),
    )
    response = post(client, "/api/v1/checks", future)
    assert (response.status_code, response.json()["code"]) == (422, "checked_at_future")
    assert response.json()["message"] == "查验时间晚于当前时间，请检查手机时钟。"

    walk_up = check_body(ganzhou_site, person={"name": "马大爷", "doc_number": "620702"})
    response = post(client, "/api/v1/checks", walk_up)
    assert (response.status_code, response.json()["code"]) == (422, "id_length")
    assert Check.objects.count() == 0


def test_a_walk_up_is_recorded_through_the_same_endpoint(clock, brigade_officer, ganzhou_site):
    body = check_body(
        ganzhou_site,
        person={"name": "马大爷", "doc_number": id_number(9, birth="19500301")},
        facts={"health_code": "green", "nat_result": "negative", "nat_at": "2026-11-18"},
        outcome="pass",
    )

    response = post(login(brigade_officer), "/api/v1/checks", body)

    assert response.status_code == 201, response.json()
    assert response.json()["person"]["name"] == "马*爷"
    assert response.json()["registration_id"] is None


def test_another_brigade_cannot_record_at_or_list_ganzhou_sites(
    clock, brigade_officer, other_officer, ganzhou_site, registration
):
    post(
        login(brigade_officer),
        "/api/v1/checks",
        check_body(ganzhou_site, registration_id=registration.pk),
    )
    linze = login(other_officer)

    response = post(
        linze, "/api/v1/checks", check_body(ganzhou_site, registration_id=registration.pk)
    )
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    response = linze.get(f"/api/v1/checks?site={ganzhou_site.pk}")
    assert response.status_code == 404
    assert linze.get("/api/v1/checks").json() == []
    assert len(login(brigade_officer).get("/api/v1/checks").json()) == 1


def test_a_registration_outside_the_jurisdiction_is_a_field_error(
    clock, other_officer, sites, registration
):
    body = check_body(sites["linze"][0], registration_id=registration.pk)

    response = post(login(other_officer), "/api/v1/checks", body)

    assert (response.status_code, response.json()["code"]) == (422, "registration_not_found")


def test_the_list_is_masked_and_filtered_by_time(clock, commander, ganzhou_site, registration):
    client = login(commander)
    yesterday = (NOW - timedelta(days=1)).isoformat()
    post(
        client,
        "/api/v1/checks",
        check_body(ganzhou_site, registration_id=registration.pk, checked_at=yesterday),
    )
    post(client, "/api/v1/checks", check_body(ganzhou_site, registration_id=registration.pk))

    response = client.get("/api/v1/checks", {"site": ganzhou_site.pk, "since": NOW.isoformat()})

    assert response.status_code == 200
    assert len(response.json()) == 1
    text = response.content.decode()
    assert id_number(1) not in text and "13900000001" not in text
    assert response.json()[0]["person"]["phone"] == "139****0001"


def test_the_list_does_a_fixed_number_of_queries(
    clock, commander, ganzhou_site, django_assert_max_num_queries
):
    client = login(commander)
    for n in range(12):
        reg = make_group(ganzhou_site, people=[(make_person(n), declared())], plate=f"甘G1{n:04d}")[
            0
        ]
        post(client, "/api/v1/checks", check_body(ganzhou_site, registration_id=reg.pk))

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/checks")

    assert len(response.json()) == 12


def test_decide_previews_a_group_without_storing(clock, brigade_officer, ganzhou_site):
    people = make_group(
        ganzhou_site,
        people=[
            (make_person(1), declared()),
            (make_person(2, "李四"), declared(health_code="red")),
        ],
    )
    body = {
        "people": [
            {"registration_id": people[0].pk, "temperature": 36.4},
            {"registration_id": people[1].pk, "temperature": 36.6},
        ]
    }

    response = post(login(brigade_officer), "/api/v1/checks/decide", body)

    data = response.json()
    assert response.status_code == 200
    assert data["outcome"] == "refer_health"
    assert [p["outcome"] for p in data["people"]] == ["pass", "refer_health"]
    assert data["reasons"][0]["message"] == "第 2 人：健康码为红码"
    assert Check.objects.count() == 0


def test_decide_for_a_walk_up_and_a_vehicle(clock, brigade_officer):
    body = {
        "people": [
            {"facts": {"health_code": "green", "origin_code": "620702"}, "temperature": 36.4}
        ],
        "vehicle": {"kind": "ambulance", "kind_confirmed": True},
    }
    client = login(brigade_officer)

    data = post(client, "/api/v1/checks/decide", body).json()
    body["vehicle"]["kind_confirmed"] = False
    unconfirmed = post(client, "/api/v1/checks/decide", body).json()

    assert data["outcome"] == "test_then_pass"  # no NAT: a test first, ambulance or not
    assert {r["code"] for r in data["reasons"]} >= {"nat_missing", "special_vehicle"}
    assert "special_vehicle" not in {r["code"] for r in unconfirmed["reasons"]}


def lookup(client, **criteria):
    return client.post("/api/v1/checks/lookup", criteria, content_type="application/json")


def test_lookup_by_short_code_returns_the_group_masked(clock, brigade_officer, ganzhou_site):
    make_group(
        ganzhou_site,
        people=[(make_person(1), declared()), (make_person(2, "李小四"), declared())],
        code="K7M2QX",
    )

    response = lookup(login(brigade_officer), site=ganzhou_site.pk, code="k7m2qx")

    assert response.status_code == 200
    (party,) = response.json()
    assert party["plate"] == "甘G12345"
    assert [p["role"] for p in party["people"]] == ["driver", "passenger"]
    assert [p["name"] for p in party["people"]] == ["张*丰", "李*四"]
    assert party["people"][0]["facts"]["health_code"] == "green"
    assert party["decision"]["outcome"] == "pass"


def test_lookup_by_plate_and_phone_tail_stays_at_the_site(clock, brigade_officer, sites):
    here, there = sites["ganzhou"][0], sites["ganzhou"][1]
    make_group(here, people=[(make_person(1, phone="13912345678"), declared())], plate="甘G88888")
    client = login(brigade_officer)

    assert len(lookup(client, site=here.pk, plate="甘G·88888").json()) == 1
    assert len(lookup(client, site=here.pk, phone_tail="5678").json()) == 1
    assert lookup(client, site=there.pk, phone_tail="5678").json() == []
    assert lookup(client, site=here.pk, phone_tail="12").status_code == 422
    # The values never travel in the URL: a GET is not a look-up.
    assert client.get(f"/api/v1/checks/lookup?site={here.pk}&phone_tail=5678").status_code == 405


def _risk_area_reads(queries) -> int:
    table = RiskArea._meta.db_table
    return sum(table in q["sql"] and "COUNT(" in q["sql"].upper() for q in queries)


def test_a_look_up_and_a_decision_read_the_risk_areas_once(clock, brigade_officer, sites):
    here = sites["ganzhou"][0]
    phone = "13912345678"
    first = make_group(here, people=[(make_person(1, phone=phone), declared())], plate="甘G88888")
    make_group(here, people=[(make_person(2, "李四", phone=phone), declared())], plate="甘G77777")
    client = login(brigade_officer)

    with CaptureQueriesContext(connection) as looked_up:
        parties = lookup(client, site=here.pk, phone_tail="5678").json()
    body = {"people": [{"registration_id": first[0].pk, "temperature": 36.4}]}
    with CaptureQueriesContext(connection) as decided:
        assert post(client, "/api/v1/checks/decide", body).status_code == 200

    assert len(parties) == 2  # two parties, each with its own recommendation
    assert _risk_area_reads(looked_up.captured_queries) == 1
    assert _risk_area_reads(decided.captured_queries) == 1


def test_the_policy_in_force(clock, brigade_officer):
    data = login(brigade_officer).get("/api/v1/policy/current").json()

    assert data["version"] == 1
    assert data["actions"]["health_code_red"] == "refer_health"
    assert data["temperature_threshold_c"] == 37.3


def test_the_check_endpoint_needs_the_csrf_header(
    clock, brigade_officer, ganzhou_site, registration
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(brigade_officer)
    body = check_body(ganzhou_site, registration_id=registration.pk)

    refused = post(client, "/api/v1/checks", body)
    client.get("/accounts/login/")  # a page with a form sets the CSRF cookie, as the app does
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/checks", json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201


def test_the_openapi_schema_names_every_operation(admin_client):
    schema = admin_client.get("/api/v1/openapi.json").json()
    operation_ids = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert {"check_create", "check_list", "check_decide", "check_lookup", "policy_current"} <= (
        operation_ids
    )
    responses = schema["paths"]["/api/v1/checks"]["post"]["responses"]
    assert {"200", "201", "422"} <= set(responses)


def test_an_override_through_the_api_is_audited(clock, brigade_officer, ganzhou_site, registration):
    body = check_body(
        ganzhou_site,
        registration_id=registration.pk,
        temperature=38.1,
        outcome="persuade_return",
        override_reason="拒绝前往发热门诊",
    )

    response = post(login(brigade_officer), "/api/v1/checks", body)

    assert response.json()["overridden"] is True
    assert AuditLog.objects.filter(action="check.override", reason="拒绝前往发热门诊").exists()


@pytest.mark.parametrize("at", ["0001-01-01T00:00:04Z", "9999-12-31T23:59:59Z"])
def test_a_preview_at_a_time_out_of_the_calendar_is_a_field_error(clock, brigade_officer, at):
    body = {"people": [{}], "at": at}

    response = post(login(brigade_officer), "/api/v1/checks/decide", body)

    assert (response.status_code, response.json()["code"]) == (422, "at_out_of_range")
    assert response.json()["errors"]["at"][0]["message"] == "请填写距今一百年以内的时间。"


@pytest.mark.parametrize("nat_at", ["2026-02-30T10:00:00+08:00", "2026-02-30", "2026-13-01"])
@pytest.mark.parametrize("path", ["/api/v1/checks", "/api/v1/checks/decide"])
def test_a_test_time_that_is_no_time_is_a_field_error(
    clock, brigade_officer, ganzhou_site, registration, nat_at, path
):
    facts = {"nat_result": "negative", "nat_at": nat_at}
    if path.endswith("decide"):
        body = {"people": [{"registration_id": registration.pk, "facts": facts}]}
    else:
        body = check_body(ganzhou_site, registration_id=registration.pk, facts=facts)

    response = post(login(brigade_officer), path, body)

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert list(response.json()["errors"]) == ["facts.nat_at"]
    assert Check.objects.count() == 0
