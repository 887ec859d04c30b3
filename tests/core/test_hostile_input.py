"""Hostile bodies and parameters get a 4xx with a message, never a 500, on both databases:
a form posted in another charset, control characters in any text, paging and days out of
bounds, bodies too large (issue 26)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fangkong.registration.models import Registration
from fangkong.screening.models import Check
from fangkong.sites.choices import SiteKind
from fangkong.sites.models import Site
from tests.conftest import login
from tests.factories import SiteFactory
from tests.registration.conftest import road_data
from tests.registration.test_views import form_post

pytestmark = pytest.mark.django_db

CSRF = "a" * 32
NUL, CONTROL = "张\x00三", "张\x07三"


def hostile_client(user: Any = None) -> Client:
    """A client that checks CSRF like a browser and holds a CSRF cookie, so that the CSRF
    check reads the body (without the cookie it refuses before reading it)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.fixture
def road_site(tree: Any) -> Site:
    return SiteFactory(unit=tree.ganzhou, code="G-ROAD", kind=SiteKind.CHECKPOINT)


# --- a body that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "gbk"])
def test_a_form_in_another_charset_is_a_400_everywhere(road_site, commander, charset) -> None:
    body = b"name=%FF%FE&csrfmiddlewaretoken=" + CSRF.encode()
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    for client, path in [
        (hostile_client(), f"/r/{road_site.code}/road/"),
        (hostile_client(), "/accounts/login/"),
        (hostile_client(commander), "/sites/new/"),
        (hostile_client(commander), "/api/v1/checks"),
    ]:
        response = client.generic("POST", path, body, content_type=content_type)
        assert response.status_code == 400, (path, response.status_code)
        assert "Cannot parse" not in response.content.decode()
        if path.startswith("/api/"):
            assert response.json()["code"] == "bad_request"
        else:
            assert "无法读取" in response.content.decode()
    # No view behind the URL: no CSRF check, so no reading of the body: a 404.
    response = hostile_client(commander).generic("POST", "/no/such/page/", body, content_type)
    assert response.status_code == 404


def test_api_body_that_is_not_json_is_a_documented_400(commander) -> None:
    response = login(commander).post("/api/v1/checks", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    schema = Client().get("/api/v1/openapi.json").json()
    for path in schema["paths"].values():
        for operation in path.values():
            for status in ("400", "422", "503"):
                assert status in operation["responses"], (operation["operationId"], status)
    error = schema["components"]["schemas"]["ApiError"]
    assert error["properties"]["errors"]["anyOf"][0]["type"] == "object"


def test_public_form_refuses_a_large_body(road_site) -> None:
    data = form_post(road_data(1)) | {"destination": "x" * 100_000}
    response = Client().post(f"/r/{road_site.code}/road/", data)
    assert response.status_code == 413
    assert Registration.objects.count() == 0


def test_api_refuses_a_body_past_a_megabyte() -> None:
    body = json.dumps({"site_code": "x", "padding": "x" * 1_100_000})
    response = Client().post("/api/v1/registrations", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


# --- control characters -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [NUL, CONTROL, "\ud800"])
def test_api_refuses_control_characters_on_the_field(road_site, text) -> None:
    body = road_data(1, name=text) | {"site_code": road_site.code, "kind": "road"}
    body["submission_key"] = uuid.uuid4().hex
    response = Client().post(
        "/api/v1/registrations", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"][0]["code"] == "control_characters"
    assert Registration.objects.count() == 0


def test_api_refuses_control_characters_in_nested_rows(commander, sites) -> None:
    body = {
        "idempotency_key": uuid.uuid4().hex,
        "site_id": sites["ganzhou"][0].pk,
        "outcome": "pass",
        "checked_at": timezone.now().isoformat(),
        "person": {"name": NUL, "doc_number": "x"},
    }
    response = login(commander).post(
        "/api/v1/checks", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert "person.name" in response.json()["errors"]
    assert Check.objects.count() == 0


def test_query_strings_with_control_characters(commander) -> None:
    client = login(commander)
    response = client.get("/api/v1/sites", {"kind": NUL})
    assert response.status_code == 422
    assert response.json()["errors"]["kind"][0]["code"] == "control_characters"
    page = client.get("/passes/", {"status": NUL})
    assert page.status_code == 400


def test_public_form_shows_the_error_on_the_field(road_site) -> None:
    data = form_post(road_data(1, name=NUL))
    response = Client().post(f"/r/{road_site.code}/road/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "不可见的控制字符" in html
    assert Registration.objects.count() == 0


def test_login_and_staff_forms_refuse_control_characters(commander, tree) -> None:
    response = Client().post("/accounts/login/", {"username": CONTROL, "password": "x"})
    assert response.status_code == 200
    assert "不可见的控制字符" in response.content.decode()
    client = login(commander)
    response = client.post(
        "/sites/new/",
        {"name": f"卡点{CONTROL}", "code": "X-1", "kind": "checkpoint", "unit": tree.ganzhou.pk},
    )
    assert response.status_code == 200
    assert "不可见的控制字符" in response.content.decode()
    assert not Site.objects.filter(code="X-1").exists()


# --- paging and days ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/staff", "/api/v1/sites", "/api/v1/sites/geojson"])
@pytest.mark.parametrize("offset", ["-1", str(2**63), str(2**64 + 5)])
def test_offsets_beyond_bounds_are_422(commander, path, offset) -> None:
    response = login(commander).get(path, {"offset": offset})
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["offset"][0]["code"]


@pytest.mark.parametrize("params", [{"offset": "-1"}, {"offset": str(2**63)}, {"limit": "0"}])
def test_check_list_paging_beyond_bounds_is_422(commander, params) -> None:
    response = login(commander).get("/api/v1/checks", params)
    assert response.status_code == 422
    assert isinstance(response.json()["errors"], dict)


@pytest.mark.parametrize(
    "params",
    [
        {"day": "9999-12-31"},
        {"day": "0001-01-01"},
        {"first": "0001-01-01"},
        {"day": "2026-06-01", "first": "2025-01-01"},  # 516 days
        {"day": "2026-06-01", "first": "2026-06-02"},  # first after day
        {"unit": str(2**64)},
    ],
)
def test_dashboard_days_beyond_bounds_are_422(commander, params) -> None:
    for path in ("/api/v1/command/dashboard", "/api/v1/command/trends"):
        response = login(commander).get(path, params)
        assert response.status_code == 422, (path, params, response.content)


def test_a_span_of_400_days_is_served(commander) -> None:
    params = {"day": "2026-06-01", "first": "2025-04-27"}
    response = login(commander).get("/api/v1/command/trends", params)
    assert response.status_code == 200
    assert len(response.json()) == 401


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_dashboard_page_with_a_day_out_of_bounds_shows_today(commander, day) -> None:
    response = login(commander).get("/command/", {"day": day, "first": "0001-01-01"})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/sites", "/api/v1/sites/geojson"])
def test_an_unknown_unit_filters_sites_to_nothing(commander, sites, path) -> None:
    # Found by the fuzz: the "no unit" sentinel was a NUL, which PostgreSQL refuses.
    response = login(commander).get(path, {"unit": str(2**63 - 2)})
    assert response.status_code == 200
    body = response.json()
    assert (body["features"] if "features" in body else body) == []


def test_a_method_the_api_path_does_not_take_is_a_json_405(commander) -> None:
    client = hostile_client(commander)
    response = client.delete("/api/v1/sites", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "language,expected",
    [("zh-CN", "不能小于 0。"), ("en", "Give a value of at least 0.")],
)
def test_a_schema_error_reads_in_the_users_language(commander, language, expected) -> None:
    """Pydantic's own messages are English only: the API says them in the user's language,
    with pydantic's error type as the code."""
    client = login(commander)
    response = client.get("/api/v1/staff", {"offset": "-1"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 422
    [error] = response.json()["errors"]["offset"]
    assert error == {"code": "greater_than_equal", "message": expected}
    missing = client.post(
        "/api/v1/checks", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    ).json()["errors"]
    wanted = "此项必填。" if language == "zh-CN" else "This field is required."
    assert missing["site_id"] == [{"code": "missing", "message": wanted}]
