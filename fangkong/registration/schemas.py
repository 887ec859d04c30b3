from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class CompanionIn(Schema):
    name: str = ""
    doc_type: str = "resident_id"
    doc_number: str = ""
    phone: str = ""
    health_code: str = ""


class PlaceIn(Schema):
    code: str = ""
    date: str = ""


class RegistrationIn(Schema):
    """A citizen's registration: the same fields as the public form. Dates are ISO strings
    (``2022-03-01``) so that a bad one is reported on its field like every other error."""

    site_code: str
    kind: str
    submission_key: str
    name: str = ""
    doc_type: str = "resident_id"
    doc_number: str = ""
    phone: str = ""
    health_code: str = ""
    itinerary: str = ""
    nat_date: str = ""
    nat_result: str = ""
    symptoms: list[str] = []
    # Road.
    role: str = ""
    plate: str = ""
    vehicle_kind: str = ""
    companions: list[CompanionIn] = []
    origin: str = ""
    places_passed: list[PlaceIn] = []
    destination: str = ""
    purpose: str = ""
    # Community gate.
    gate_role: str = ""
    direction: str = ""
    building: str = ""
    door: str = ""
    host_name: str = ""
    host_phone: str = ""
    # Floating population.
    address: str = ""
    landlord_name: str = ""
    landlord_phone: str = ""
    employer: str = ""
    arrival_date: str = ""
    coming_from: str = ""


class PassOut(Schema):
    pass_token: str
    short_code: str
    valid_until: datetime
    pass_url: str


class GroupOut(Schema):
    id: int
    plate: str
    # As the form declared it.
    vehicle_kind: str
    origin_division: str
    origin_name: str
    places_passed: list[dict[str, Any]]
    destination: str
    purpose: str


class RegistrationOut(Schema):
    id: int
    kind: str
    site_id: int
    site_name: str
    role: str
    person_id: int
    name_masked: str
    doc_masked: str
    phone_masked: str
    contact_name_masked: str
    contact_phone_masked: str
    short_code: str
    pass_token: str
    valid_until: datetime
    created_at: datetime
    declared: dict[str, Any]
    group: GroupOut | None


class LookupFilter(Schema):
    code: str = ""
    plate: str = ""
    phone_tail: str = ""
    token: str = ""
    site: int | None = None


class PersonVerifyIn(Schema):
    """A person's name and phone as a staff member saw them on the document, and how."""

    name: str = Field(..., max_length=100)
    phone: str = Field("", max_length=30)
    reason: str = Field(..., max_length=500)


class PersonVerifiedOut(Schema):
    id: int
    doc_masked: str
    verified_name_masked: str
    verified_phone_masked: str
    verified_at: datetime


class DivisionOut(Schema):
    code: str
    name: str
    level: str


class ErrorOut(Schema):
    code: str
    message: str


class RateLimitedOut(ErrorOut):
    retry_after: int  # seconds; also in the Retry-After header


class FieldErrorOut(Schema):
    code: str
    message: str


class ValidationErrorOut(Schema):
    """422: the first error's code and message, and every field's errors (``companions.0.phone``
    for a row)."""

    code: str
    message: str
    errors: dict[str, list[FieldErrorOut]]
