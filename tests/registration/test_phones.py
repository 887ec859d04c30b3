"""Foreign documents may come with foreign phones (E.164); resident ID holders give mainland
mobiles, stored as 11 digits however typed. Through the form, the API and the walk-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import login
from tests.registration.conftest import road_data
from tests.registration.test_api import post
from tests.registration.test_views import form_post

pytestmark = pytest.mark.django_db

PASSPORT = {"doc_type": "passport", "doc_number": "123456789", "name": "John Smith"}


def lookup(user: Any, short_code: str) -> dict[str, Any]:
    found = (
        login(user)
        .post("/api/v1/registrations/lookup", {"code": short_code}, content_type="application/json")
        .json()
    )
    return next(r for r in found if r["role"] == "driver")


def test_a_passport_holder_registers_with_a_uk_phone(brigade_officer, road_site) -> None:
    response = post(Client(), road_site, road_data(**PASSPORT, phone="+44 7911 123456"))
    assert response.status_code == 201, response.json()
    assert lookup(brigade_officer, response.json()["short_code"])["phone_masked"] == (
        "+44******3456"
    )


def test_the_form_takes_a_hong_kong_phone_with_a_home_return_permit(road_site) -> None:
    data = road_data(doc_type="hk_macau_permit", doc_number="H12345678", phone="00852 9123 4567")
    client = Client()
    client.get(f"/r/{road_site.code}/road/")
    assert client.post(f"/r/{road_site.code}/road/", form_post(data)).status_code == 303


def test_a_resident_id_holder_still_gives_a_mainland_mobile(road_site) -> None:
    response = post(Client(), road_site, road_data(phone="+44 7911 123456"))
    assert response.status_code == 422
    assert response.json()["errors"]["phone"][0]["code"] == "phone_invalid"


def test_an_invalid_foreign_phone_gets_a_field_error_in_chinese(road_site) -> None:
    data = road_data(**PASSPORT, phone="+44 123")
    client = Client()
    client.get(f"/r/{road_site.code}/road/")
    response = client.post(f"/r/{road_site.code}/road/", form_post(data))
    assert response.status_code == 200
    assert "国家或地区代码" in response.content.decode()


def test_a_mainland_mobile_typed_with_86_is_stored_as_eleven_digits(brigade_officer, road_site):
    response = post(Client(), road_site, road_data(**PASSPORT, phone="+86 139 0000 0001"))
    assert response.status_code == 201
    assert lookup(brigade_officer, response.json()["short_code"])["phone_masked"] == "139****0001"


def test_a_companion_with_a_passport_may_give_a_foreign_phone(road_site) -> None:
    data = road_data(companions=1)
    data["companions"][0] |= {**PASSPORT, "phone": "+1 415 555 2671"}
    assert post(Client(), road_site, data).status_code == 201
