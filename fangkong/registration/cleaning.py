"""Cleaning what a citizen typed into a registration, field by field.

The HTML form and the API hand :func:`clean_registration` the same plain dict; every problem
becomes an error on the field that caused it (dotted names for rows, ``companions.1.phone``),
with a code and a translated message, and nothing is saved unless all of it is clean.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.errors import FieldErrors
from fangkong.core.validation import clean_division, clean_document, clean_phone, clean_plate
from fangkong.registration.choices import (
    Direction,
    DocumentType,
    GateRole,
    HealthCodeColour,
    ItineraryState,
    NatResult,
    RegistrationKind,
    Symptom,
    TravelRole,
    VehicleKind,
)
from fangkong.sites.choices import ROAD_KINDS

MAX_COMPANIONS = 20
MAX_PLACES = 10
PLACES_DAYS = 14
NAME_MAX = 50
TEXT_MAX = 100


@dataclass
class PersonIn:
    name: str
    doc_type: str
    doc_number: str
    phone: str
    role: str = ""
    declared: dict[str, Any] = field(default_factory=dict)
    # A visitor's host or a newcomer's landlord: kept encrypted, out of ``declared``.
    contact_name: str = ""
    contact_phone: str = ""
    field_prefix: str = ""  # Where this person's fields are in the input, for errors.


@dataclass
class GroupIn:
    plate: str
    vehicle_kind: str
    origin: str
    places_passed: list[dict[str, str]]
    destination: str
    purpose: str


@dataclass
class CleanRegistration:
    people: list[PersonIn]  # The registrant first.
    group: GroupIn | None


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _bounded(errors: FieldErrors, data: dict[str, Any], name: str, *, required: bool) -> str:
    value = _text(data, name)
    if required and not value:
        errors.add(name, _("This field is required."), "required")
    elif len(value) > TEXT_MAX:
        errors.add(name, _("Keep this under 100 characters."), "too_long")
    return value


@functools.cache
def _values(choices: Any) -> frozenset[str]:
    """The values of a choices class, once: ``Choices.values`` builds a new list each call,
    and a registration checks a dozen fields against theirs."""
    return frozenset(choices.values)


def _choice(
    errors: FieldErrors, data: dict[str, Any], name: str, choices: Any, *, required: bool = True
) -> str:
    value = _text(data, name)
    if not value and not required:
        return ""
    if value not in _values(choices):
        errors.add(name, _("Choose one of the options."), "choice_invalid")
    return value


def _date(errors: FieldErrors, data: dict[str, Any], name: str, *, required: bool) -> date | None:
    value = _text(data, name)
    if not value:
        if required:
            errors.add(name, _("Enter a date."), "date_required")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = _("Enter a date as year-month-day, for example 2022-03-01.")
        errors.add(name, message, "date_invalid")
        return None


def _person(
    errors: FieldErrors, row: dict[str, Any], prefix: str, *, phone_required: bool
) -> PersonIn:
    """A person from ``row``; errors go on ``prefix`` + field name."""
    name = _text(row, "name")
    if not name:
        errors.add(f"{prefix}name", _("Enter the name as on the document."), "name_required")
    elif len(name) > NAME_MAX:
        errors.add(f"{prefix}name", _("A name has at most 50 characters."), "name_too_long")
    doc_type = _text(row, "doc_type") or DocumentType.RESIDENT_ID
    number = _text(row, "doc_number")
    if doc_type in _values(DocumentType):
        number = clean_document(errors, f"{prefix}doc_number", doc_type, number)
    else:
        errors.add(f"{prefix}doc_type", _("Choose a document type."), "document_type")
    phone = _text(row, "phone")
    phone = clean_phone(errors, f"{prefix}phone", phone, required=phone_required, doc_type=doc_type)
    return PersonIn(name=name, doc_type=doc_type, doc_number=number, phone=phone)


def _health(errors: FieldErrors, data: dict[str, Any], today: date) -> dict[str, Any]:
    declared: dict[str, Any] = {
        "health_code": _choice(errors, data, "health_code", HealthCodeColour),
        "itinerary": _choice(errors, data, "itinerary", ItineraryState, required=False),
    }
    nat_date = _date(errors, data, "nat_date", required=False)
    nat_result = _choice(errors, data, "nat_result", NatResult, required=False)
    if nat_date is not None and nat_date > today:
        errors.add("nat_date", _("The test date cannot be in the future."), "nat_date_future")
    if nat_date is not None and not nat_result:
        errors.add("nat_result", _("Choose the test result."), "nat_result_required")
    if nat_result and nat_date is None and "nat_date" not in errors.errors:
        errors.add("nat_date", _("Enter the date of the test."), "date_required")
    if nat_date is not None:
        declared["nat"] = {"date": nat_date.isoformat(), "result": nat_result}
    symptoms = data.get("symptoms") or []
    if isinstance(symptoms, str):
        symptoms = [symptoms]
    if not isinstance(symptoms, list) or not set(symptoms) <= _values(Symptom):
        errors.add("symptoms", _("Choose symptoms from the list."), "choice_invalid")
        symptoms = []
    declared["symptoms"] = sorted(set(symptoms))
    return declared


def _rows(
    data: dict[str, Any], name: str, limit: int, significant: tuple[str, ...]
) -> list[tuple[int, dict[str, Any]]]:
    """The filled rows of a repeated group with their positions, which error names use.
    A row whose ``significant`` fields are all blank is a spare row the form showed (its
    document-type select always has a value), not a row."""
    rows = data.get(name) or []
    if not isinstance(rows, list):
        return []
    return [
        (i, row)
        for i, row in enumerate(rows[:limit])
        if isinstance(row, dict) and any(_text(row, key) for key in significant)
    ]


def _companions(errors: FieldErrors, data: dict[str, Any]) -> list[PersonIn]:
    companions = []
    for i, row in _rows(data, "companions", MAX_COMPANIONS, ("name", "doc_number", "phone")):
        prefix = f"companions.{i}."
        companion = _person(errors, row, prefix, phone_required=False)
        companion.field_prefix = prefix
        companion.role = TravelRole.PASSENGER
        code = _text(row, "health_code")
        if code not in _values(HealthCodeColour):
            errors.add(f"{prefix}health_code", _("Choose one of the options."), "choice_invalid")
        companion.declared = {"health_code": code}
        companions.append(companion)
    return companions


def _places(errors: FieldErrors, data: dict[str, Any], today: date) -> list[dict[str, str]]:
    places = []
    earliest = today - timedelta(days=PLACES_DAYS)
    for i, row in _rows(data, "places_passed", MAX_PLACES, ("code", "date")):
        prefix = f"places_passed.{i}."
        code = _text(row, "code")
        if code:
            clean_division(errors, f"{prefix}code", code)
        else:
            errors.add(f"{prefix}code", _("Choose the place."), "division_required")
        day = _date(errors, {f"{prefix}date": row.get("date")}, f"{prefix}date", required=True)
        if day is not None and not earliest <= day <= today:
            message = _("Give a date within the last 14 days.")
            errors.add(f"{prefix}date", message, "place_date_range")
        places.append({"code": code, "date": day.isoformat() if day else ""})
    return places


def _division(errors: FieldErrors, data: dict[str, Any], name: str, *, required: bool) -> str:
    code = _text(data, name)
    if required and not code:
        errors.add(name, _("Choose the place."), "division_required")
    return clean_division(errors, name, code)


def _road(errors: FieldErrors, data: dict[str, Any], site_kind: str, today: date) -> GroupIn:
    plate_text = _text(data, "plate")
    # At a transport hub a traveller may come on foot or by train; on a road, in a vehicle.
    plate_required = site_kind in ROAD_KINDS
    plate = ""
    if plate_text:
        plate = clean_plate(errors, "plate", plate_text)
    elif plate_required:
        errors.add("plate", _("Enter the licence plate."), "plate_required")
    vehicle_kind = _choice(errors, data, "vehicle_kind", VehicleKind, required=bool(plate_text))
    return GroupIn(
        plate=plate,
        vehicle_kind=vehicle_kind,
        origin=_division(errors, data, "origin", required=True),
        places_passed=_places(errors, data, today),
        destination=_bounded(errors, data, "destination", required=True),
        purpose=_bounded(errors, data, "purpose", required=False),
    )


def _community(errors: FieldErrors, data: dict[str, Any], registrant: PersonIn) -> None:
    gate_role = _choice(errors, data, "gate_role", GateRole)
    registrant.declared |= {
        "gate_role": gate_role,
        "direction": _choice(errors, data, "direction", Direction),
        "building": _bounded(errors, data, "building", required=True),
        "door": _bounded(errors, data, "door", required=False),
    }
    if gate_role == GateRole.VISITOR:
        registrant.contact_name = _bounded(errors, data, "host_name", required=True)
        registrant.contact_phone = clean_phone(errors, "host_phone", _text(data, "host_phone"))


def _floating(errors: FieldErrors, data: dict[str, Any], today: date, registrant: PersonIn) -> None:
    arrival = _date(errors, data, "arrival_date", required=True)
    if arrival is not None and arrival > today:
        errors.add("arrival_date", _("The arrival date cannot be in the future."), "date_future")
    # A door picked from the community's list (a community gate linked to the grid): the
    # grid checks it belongs to the gate's community; the typed address is then optional.
    door_id = _text(data, "door_id")
    door_id = door_id if door_id.isdigit() and len(door_id) <= 12 else ""
    registrant.declared |= {
        "door_id": door_id,
        "address": _bounded(errors, data, "address", required=not door_id),
        "building": _bounded(errors, data, "building", required=not door_id),
        "door": _bounded(errors, data, "door", required=not door_id),
        "employer": _bounded(errors, data, "employer", required=False),
        "arrival_date": arrival.isoformat() if arrival else "",
        "coming_from": _division(errors, data, "coming_from", required=True),
    }
    registrant.contact_name = _bounded(errors, data, "landlord_name", required=False)
    registrant.contact_phone = clean_phone(errors, "landlord_phone", _text(data, "landlord_phone"))


def _no_duplicates(errors: FieldErrors, people: list[PersonIn]) -> None:
    seen: set[tuple[str, str]] = set()
    for person in people:
        key = (person.doc_type, person.doc_number)
        if key in seen:
            message = _("This person is already in the form.")
            errors.add(f"{person.field_prefix}doc_number", message, "person_duplicate")
        seen.add(key)


def clean_registration(*, kind: str, site_kind: str, data: dict[str, Any]) -> CleanRegistration:
    """The cleaned registration, or ``ValidationError`` with every field's errors."""
    errors = FieldErrors()
    today = timezone.localdate()
    registrant = _person(errors, data, "", phone_required=True)
    registrant.declared = _health(errors, data, today)
    people, group = [registrant], None
    if kind == RegistrationKind.ROAD:
        registrant.role = _choice(errors, data, "role", TravelRole)
        group = _road(errors, data, site_kind, today)
        people += _companions(errors, data)
        _no_duplicates(errors, people)
    elif kind == RegistrationKind.COMMUNITY:
        _community(errors, data, registrant)
    else:
        _floating(errors, data, today, registrant)
    errors.raise_if_any()
    return CleanRegistration(people=people, group=group)
