"""What an officer or a company types: foreign phones for foreign documents (walk-up, pass
drivers) and temperatures within what a living person can measure."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from fangkong.screening import cases, rules
from fangkong.screening.services import WalkUp, check_record
from tests.conftest import login
from tests.passes.test_passes import api_body, post
from tests.screening.conftest import id_number

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def record(officer: Any, site: Any, **kw: Any) -> Any:
    return check_record(
        actor=officer,
        site=site,
        idempotency_key=kw.pop("key", "inputs-00000001"),
        checked_at=timezone.now(),
        temperature=kw.pop("temperature", "36.5"),
        outcome=kw.pop("outcome", "test_then_pass"),
        **kw,
    )


@pytest.fixture
def squad_site(sites: dict[str, list[Any]]) -> Any:
    return sites["ganzhou"][2]


# Phones -------------------------------------------------------------------------------------


def test_a_walk_up_with_a_passport_and_a_uk_phone_is_recorded(clock, officer, squad_site):
    walk_up = WalkUp(
        name="John Smith", doc_type="passport", doc_number="123456789", phone="+44 7911 123456"
    )
    check, _created = record(officer, squad_site, walk_up=walk_up)
    assert check.pk is not None


def test_a_walk_up_with_a_resident_id_and_a_foreign_phone_gets_a_field_error(
    clock, officer, squad_site
):
    walk_up = WalkUp(name="马大爷", doc_number=id_number(7), phone="+44 7911 123456")
    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, walk_up=walk_up)
    assert codes(caught.value) == {"person.phone": ["phone_invalid"]}


def test_a_pass_driver_with_a_passport_may_give_a_foreign_phone(clock, tree) -> None:
    body = api_body(tree)
    body["drivers"] = [
        {
            "name": "Ivan Petrov",
            "doc_type": "passport",
            "doc_number": "751234567",
            "phone": "+7 912 345 67 89",
        }
    ]
    response = post(Client(), "/api/v1/passes/apply", body)
    assert response.status_code == 201, response.json()
    body["submission_key"] = "api-submission-0002"
    body["drivers"][0] |= {"doc_type": "resident_id", "doc_number": "620702199001011236"}
    response = post(Client(), "/api/v1/passes/apply", body)
    assert response.status_code == 422
    assert response.json()["errors"]["drivers.0.phone"][0]["code"] == "phone_invalid"


# Temperatures -------------------------------------------------------------------------------


@pytest.mark.parametrize("reading", ["45", "42.1", "33.9", "30", "3.73", "373"])
def test_an_implausible_temperature_is_a_field_error(clock, officer, squad_site, reading):
    walk_up = WalkUp(name="马大爷", doc_number=id_number(7))
    with pytest.raises(ValidationError) as caught:
        record(officer, squad_site, walk_up=walk_up, temperature=reading)
    assert codes(caught.value) == {"temperature": ["temperature_implausible"]}
    assert "34.0" in caught.value.error_dict["temperature"][0].message


@pytest.mark.parametrize("reading", ["34.0", "34.5", "36.5", "41.9", "42.0"])
def test_a_plausible_temperature_is_stored(clock, officer, squad_site, reading):
    walk_up = WalkUp(name="马大爷", doc_number=id_number(7))
    outcome = "refer_health" if float(reading) >= 37.3 else "test_then_pass"
    check, _created = record(
        officer, squad_site, walk_up=walk_up, temperature=reading, outcome=outcome
    )
    assert str(check.temperature) == reading


def test_the_api_answers_422_for_45_degrees(clock, officer, squad_site) -> None:
    body = {
        "idempotency_key": "inputs-api-000001",
        "site_id": squad_site.pk,
        "checked_at": timezone.now().isoformat(),
        "person": {"name": "马大爷", "doc_number": id_number(7)},
        "temperature": 45.0,
        "outcome": "pass",
    }
    response = login(officer).post("/api/v1/checks", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["temperature"][0]["code"] == "temperature_implausible"
    assert "42.0" in response.json()["errors"]["temperature"][0]["message"]


def test_a_place_passed_on_no_day_is_skipped_as_unreadable() -> None:
    declared = {
        "places_passed": [
            {"code": "620702", "date": "2026-02-30"},
            {"code": "620702", "date": "2026-02-10"},
        ]
    }

    facts = cases.facts_from_declared(declared)

    assert facts.places_passed == (rules.PlacePassed("620702", date(2026, 2, 10)),)
