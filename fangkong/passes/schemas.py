"""The shapes of the vehicle-pass API (``api.py``): what a company sends, what the brigade and
the officer app read."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from fangkong.core.params import limit_field, offset_field
from fangkong.registration.choices import DocumentType


class DriverIn(Schema):
    name: str
    doc_type: str = DocumentType.RESIDENT_ID.value
    doc_number: str
    phone: str


class PassApplyIn(Schema):
    submission_key: str = Field(description="Made by the client, 16-64 of A-Z a-z 0-9 _ -")
    company: str
    contact_name: str
    contact_phone: str
    plate: str
    vehicle_kind: str
    cargo_kind: str
    route: str
    valid_from: date
    valid_to: date
    unit_id: int = Field(description="The approving brigade")
    drivers: list[DriverIn]


class PassAppliedOut(Schema):
    number: str
    token: str
    status: str
    status_label: str
    status_url: str


class DriverOut(Schema):
    name_masked: str
    doc_type: str
    doc_masked: str
    phone_masked: str


class PassOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    state: str
    state_label: str
    company: str
    contact_name_masked: str
    contact_phone_masked: str
    plate: str
    vehicle_kind: str
    vehicle_kind_label: str
    cargo_kind: str
    cargo_kind_label: str
    route: str
    valid_from: date
    valid_to: date
    unit_id: int
    unit: str
    drivers: list[DriverOut]
    decision_reason: str
    decided_at: datetime | None
    created_at: datetime


class PassScanOut(Schema):
    state: str
    state_label: str
    vehicle_pass: PassOut | None


class PassFilter(Schema):
    status: str | None = Field(None, max_length=32)
    limit: int = limit_field(100, 1000)
    offset: int = offset_field()


class DecisionIn(Schema):
    reason: str = ""


class ScanQuery(Schema):
    token: str = Field("", description="The token, or the whole text of the scanned QR code")
    plate: str = ""
