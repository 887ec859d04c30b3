from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from fangkong.core.params import Day, RecordId, limit_field, offset_field

# The values of the choices, spelt out for the type checker (tests/intel check they agree).
Purpose = Literal[
    "close_contact", "secondary_contact", "risk_area", "observation", "manifest", "other"
]
Status = Literal["matched", "pending", "confirmed", "rejected"]
Case = Literal["person", "plate", "train"]


class Page(Schema):
    limit: int = limit_field(50, 500)
    offset: int = offset_field()


class MatchFilter(Page):
    list: RecordId | None = None
    status: Status | None = None


class AlertFilter(Page):
    check: RecordId | None = None


class WatchListIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    source: str = Field(..., min_length=1, max_length=100)
    purpose: Purpose
    legal_basis: str = Field(..., min_length=1, max_length=200)
    expires_on: Day


class WatchListOut(Schema):
    id: int
    name: str
    source: str
    purpose: str
    legal_basis: str
    expires_on: date
    status: str
    rows_read: int
    entry_count: int
    duplicate_count: int
    problem_count: int
    matched_at: datetime | None
    created_at: datetime
    matches: dict[str, int] = {}
    job_id: int | None = None


class MatchOut(Schema):
    id: int
    list: str
    row: int
    name: str
    document: str
    phone: str
    plate: str
    basis: str
    record: str
    record_id: int
    site: str
    unit: str
    seen_at: str
    status: str
    status_label: str
    pending: bool


class ReviewIn(Schema):
    decision: Literal["confirm", "reject"]
    reason: str = Field("", max_length=200)


class TaskOut(Schema):
    id: int
    list_id: int
    entry_row: int
    unit: str
    deadline: datetime
    acknowledged_at: datetime | None


class AlertOut(Schema):
    id: int
    site: str
    purpose: str
    basis: str
    check_id: int | None
    registration_id: int | None
    created_at: datetime


class TraceIn(Schema):
    case_kind: Case
    doc_number: str = Field("", max_length=40)
    plate: str = Field("", max_length=20)
    train: str = Field("", max_length=12)
    seat: str = Field("", max_length=12)
    travel_date: Day | None = None
    window_minutes: int = Field(30, ge=1, le=1440)
    days: int = Field(14, ge=1, le=60)
    second_degree: bool = False


class ContactOut(Schema):
    id: int
    person_id: int
    document: str
    degree: int
    reason: str
    reason_code: str
    via_id: int | None
    site: str
    at: str
    plate: str
    train: str
    # A first-degree contact whose own contacts were traced (the second degree).
    followed: bool = False
    # The status of the key-person candidate the contact became ("" if none): pending,
    # accepted or dismissed.
    candidate: str = ""


class ProposeIn(Schema):
    contact_ids: list[RecordId] = Field(..., min_length=1, max_length=500)


class ProposedOut(Schema):
    contact_id: int
    candidate_id: int


class SkippedOut(Schema):
    contact_id: int
    # already_proposed (from this trace), key_person (under an open measure) or pending
    # (waiting for review from elsewhere), within the caller's jurisdiction; not_proposed
    # where the reason is held outside it
    code: str


class ProposalOut(Schema):
    proposed: list[ProposedOut]
    skipped: list[SkippedOut]


class TraceOut(Schema):
    id: int
    case_kind: str
    window_minutes: int
    second_degree: bool
    done: bool
    created_at: datetime
    job_id: int | None = None
    # Whether the bounds of the second degree (settings TRACE_FOLLOW, TRACE_SECOND_DEGREE_MAX)
    # cut it short; if so, how many of the first-degree contacts the caller may see were
    # followed, of how many, and the notice the trace's page shows.
    second_degree_cut: bool = False
    contacts_followed: int | None = None
    first_degree_contacts: int | None = None
    second_degree_notice: str = ""
    contacts: list[ContactOut] = []
