"""The registration API: public create, scoped lookup, division children."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fangkong.registration.models import Registration
from tests.conftest import login
from tests.registration.conftest import road_data

pytestmark = pytest.mark.django_db


def post(client: Client, site: Any, data: dict[str, Any], key: str = "api-1", kind: str = "road"):
    body = {"site_code": site.code, "kind": kind, "submission_key": key, **data}
    return client.post("/api/v1/registrations", body, content_type="application/json")


def test_create_is_public_and_idempotent(road_site) -> None:
    client = Client()
    first = post(client, road_site, road_data(companions=1))
    assert first.status_code == 201
    body = first.json()
    assert len(body["short_code"]) == 6 and len(body["pass_token"]) == 43
    assert body["pass_url"].endswith(f"/r/pass/{body['pass_token']}/")
    again = post(client, road_site, road_data(companions=1))
    assert again.status_code == 201 and again.json()["pass_token"] == body["pass_token"]
    assert Registration.objects.count() == 2


def test_bad_input_is_422_with_field_codes(road_site) -> None:
    response = post(Client(), road_site, road_data(doc_number="620702199001011230", plate="甘G1"))
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["doc_number"][0]["code"] == "id_checksum"
    assert body["errors"]["plate"][0]["code"] == "plate_length"
    assert Registration.objects.count() == 0


def test_wrong_shapes_are_422(road_site) -> None:
    response = Client().post(
        "/api/v1/registrations",
        {"site_code": road_site.code, "kind": "road", "submission_key": "k", "companions": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_unknown_or_closed_site(road_site) -> None:
    assert post(Client(), road_site, road_data(), kind="community").status_code == 404
    road_site.status = "closed"
    road_site.save()
    response = post(Client(), road_site, road_data())
    assert response.status_code == 410 and response.json()["code"] == "site_closed"


def test_rate_limited(road_site, settings) -> None:
    settings.REGISTRATION_RATE = "2/600"
    client = Client()
    assert post(client, road_site, road_data(), key="a").status_code == 201
    assert post(client, road_site, road_data(), key="b").status_code == 201
    response = post(client, road_site, road_data(), key="c")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"


def lookup(client: Client, **criteria: str):
    """The look-up is a POST: plates, phone digits and tokens stay out of URLs and logs."""
    return client.post("/api/v1/registrations/lookup", criteria, content_type="application/json")


def test_lookup_needs_login_and_a_criterion(brigade_officer, road_site) -> None:
    assert lookup(Client(), code="ABCDEF").status_code == 401
    response = lookup(login(brigade_officer))
    assert response.status_code == 422
    assert response.json()["code"] == "lookup_criterion_required"


@pytest.mark.parametrize(("persona", "found"), [("brigade_officer", 2), ("other_officer", 0)])
def test_lookup_is_scoped(request, road_site, persona, found) -> None:
    body = post(Client(), road_site, road_data(companions=1)).json()
    client = login(request.getfixturevalue(persona))
    for query in (
        {"code": body["short_code"]},
        {"token": body["pass_token"]},
        {"plate": "甘G12345"},
    ):
        response = lookup(client, **query)
        assert response.status_code == 200
        assert len(response.json()) == found, query
    tail = lookup(client, phone_tail="0001").json()
    assert len(tail) == min(found, 1)


def test_lookup_shows_masked_identity_and_the_group(brigade_officer, road_site) -> None:
    body = post(Client(), road_site, road_data(companions=1)).json()
    found = lookup(login(brigade_officer), code=body["short_code"])
    driver = next(r for r in found.json() if r["role"] == "driver")
    assert driver["name_masked"] == "张*丰"
    assert driver["doc_masked"].startswith("620702") and "*" in driver["doc_masked"]
    assert driver["phone_masked"] == "139****0001"
    assert driver["group"]["plate"] == "甘G12345"
    assert driver["group"]["origin_name"] == "甘肃省 兰州市 城关区"
    assert driver["declared"]["health_code"] == "green"


def test_division_children_for_the_picker() -> None:
    client = Client()
    provinces = client.get("/api/v1/divisions/000000/children")
    assert provinces.status_code == 200
    assert {"code": "620000", "name": "甘肃省", "level": "province"} in provinces.json()
    gansu = client.get("/api/v1/divisions/620000/children").json()
    assert {"code": "620700", "name": "张掖市", "level": "prefecture"} in gansu
    beijing = client.get("/api/v1/divisions/110000/children").json()
    assert "110101" in {d["code"] for d in beijing}  # 市辖区 is skipped.
    assert client.get("/api/v1/divisions/999999/children").status_code == 404
    assert "max-age" in client.get("/api/v1/divisions/620700/children")["Cache-Control"]


def test_openapi_declares_the_operations() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"registration_create", "registration_lookup", "division_children"} <= operations
