from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from fangkong.core.params import Moment, id_field, limit_field, offset_field


class ErrorOut(Schema):
    code: str
    message: str
    errors: Any = None


class KeyReusedOut(Schema):
    """409: the idempotency key is a stored check's, which says something else."""

    code: str
    message: str
    check_id: int


class WalkUpIn(Schema):
    """A person entered by hand: no phone, or no registration."""

    name: str = Field(..., max_length=50)
    doc_type: str = "resident_id"
    doc_number: str = Field(..., max_length=40)
    phone: str = Field("", max_length=20)


class FactsIn(Schema):
    """What the officer saw; a field left out keeps what the citizen declared."""

    health_code: str | None = None
    itinerary: str | None = None
    nat_result: str | None = None
    nat_at: str | None = None
    symptoms: bool | None = None
    origin_code: str | None = None


class ManualVehicleIn(Schema):
    """A vehicle the officer entered by hand, sent with each of its people's checks. The phone
    makes ``group_key`` (a UUID) once per vehicle, so the checks make one travel group however
    often, and in whatever order, the outbox sends them."""

    group_key: str = Field(..., max_length=64)
    plate: str = Field(..., max_length=16)
    # The kind the officer saw; blank when not confirmed.
    kind: str = Field("", max_length=20)
    role: str = Field("passenger", max_length=16)


class CheckIn(Schema):
    idempotency_key: str = Field(..., min_length=1, max_length=64)
    site_id: int
    registration_id: int | None = None
    registration_token: str | None = Field(None, max_length=64)
    person: WalkUpIn | None = None
    facts: FactsIn | None = None
    temperature: float | None = None
    outcome: str
    override_reason: str = Field("", max_length=200)
    note: str = Field("", max_length=200)
    checked_at: datetime
    # The recommendation the phone showed when the officer decided.
    shown_recommendation: str | None = None
    # The vehicle kind the officer saw and confirmed (or corrected); blank if not confirmed.
    vehicle_kind: str = Field("", max_length=20)
    # Only with ``person``: the vehicle the walk-up came in, and their role in it.
    vehicle: ManualVehicleIn | None = None


class ReasonOut(Schema):
    code: str
    params: dict[str, Any]
    message: str


class PersonMaskedOut(Schema):
    """As the check captured them: no key or value that would tell whether, or what, other
    records hold of the person."""

    name: str
    document: str
    phone: str


class CheckAlertOut(Schema):
    """Why the person or plate is flagged (an outside list's purpose or a key-person
    category), what matched, and what to do: nothing more of the list or the person."""

    purpose: str
    basis: str
    message: str


class CheckOut(Schema):
    id: int
    idempotency_key: str
    site_id: int
    site: str
    person: PersonMaskedOut
    registration_id: int | None
    group_id: int | None
    plate: str
    vehicle_kind: str
    # driver or passenger of the group, blank without one.
    role: str = ""
    officer: str
    temperature: float | None
    recommended: str
    recommended_label: str
    outcome: str
    outcome_label: str
    overridden: bool
    override_reason: str
    note: str
    reasons: list[ReasonOut]
    policy_version: int
    checked_at: datetime
    received_at: datetime
    # Raised when this check was recorded; given in the answer to recording it (201, or 200
    # for a retry with the same key), empty in lists.
    alerts: list[CheckAlertOut] = []


class CheckFilter(Schema):
    site: int | None = id_field()
    since: Moment | None = None
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


class DecidePersonIn(Schema):
    registration_id: int | None = None
    facts: FactsIn | None = None
    temperature: float | None = None


class VehicleIn(Schema):
    kind: str = "car"
    plate: str = ""
    # Whether the caller saw the vehicle and vouches for ``kind``: only then may a special
    # kind give priority.
    kind_confirmed: bool = False


class DecideIn(Schema):
    at: datetime | None = None
    people: list[DecidePersonIn] = Field(..., min_length=1, max_length=60)
    vehicle: VehicleIn | None = None


class PersonDecisionOut(Schema):
    outcome: str
    outcome_label: str
    reasons: list[ReasonOut]


class DecisionOut(Schema):
    outcome: str
    outcome_label: str
    reasons: list[ReasonOut]
    policy_version: int
    people: list[PersonDecisionOut]


class LastCheckOut(Schema):
    outcome: str
    outcome_label: str
    checked_at: datetime


class LookupPersonOut(Schema):
    registration_id: int
    role: str
    role_label: str
    name: str
    document: str
    phone: str
    facts: dict[str, Any]
    valid_until: datetime
    expired: bool
    last_check: LastCheckOut | None


class PartyOut(Schema):
    group_id: int | None
    site: str
    plate: str
    # As the form declared it: shown to the officer, never a reason for priority.
    vehicle_kind: str
    vehicle_kind_label: str
    # As an officer last confirmed it, blank if never.
    vehicle_kind_confirmed: str
    pass_state: str
    origin_code: str
    origin: str
    destination: str
    people: list[LookupPersonOut]
    decision: DecisionOut


class RevealIn(Schema):
    reason_code: str = Field(..., max_length=32)
    reason: str = Field(..., max_length=500)


class RevealOut(Schema):
    doc_number: str
    name: str
    phone: str


class LookupFilter(Schema):
    site: int | None = None
    code: str | None = Field(None, max_length=16)
    plate: str | None = Field(None, max_length=16)
    phone_tail: str | None = Field(None, pattern=r"^\d{4}$")
    token: str | None = Field(None, max_length=64)


class RiskAreaOut(Schema):
    code: str
    name: str
    level: str
    # Local midnight of the first day; the first moment after the last day, or null.
    starts: str
    ends: str | None


class PolicyOut(Schema):
    version: int
    effective_from: str
    temperature_threshold_c: float
    nat_max_age_hours: float
    lookback_days: int
    priority_vehicle_kinds: list[str]
    actions: dict[str, str]
    severity: dict[str, int]
    priority_rules: list[str]
    risk_areas: list[RiskAreaOut]
    utc_offset_minutes: int
    generated_at: str
