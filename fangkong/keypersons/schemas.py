from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from fangkong.core.params import Day, Moment, RecordId, limit_field, offset_field


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    four_categories: bool
    measure: str
    days: int
    followups_per_day: int


class KeyPersonFilter(Schema):
    status: str | None = Field(None, max_length=12)
    category: RecordId | None = None
    community: RecordId | None = None
    cell: RecordId | None = None
    ending_by: Day | None = None
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


class KeyPersonOut(Schema):
    id: int
    name: str  # masked unless read as a detail by someone who may see it
    phone: str
    document: str
    category_id: int
    category: str
    source: str
    measure: str
    status: str
    start_on: date
    planned_end_on: date
    ended_on: date | None
    community_id: int
    community: str
    cell_id: int | None
    door_id: int | None
    address: str
    grid_worker_id: int | None
    officer_id: int | None
    followups_per_day: int
    last_followup_on: date | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    at: datetime


class KeyPersonDetailOut(KeyPersonOut):
    full: bool  # whether name, phone and document are shown in full
    status_changes: list[StatusChangeOut]


class KeyPersonIn(Schema):
    doc_type: str = Field("resident_id", max_length=32)
    doc_number: str = Field(..., max_length=40)
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    category_id: RecordId
    source: str = Field("manual", max_length=16)
    measure: str = Field("", max_length=24)
    start_on: Day | None = None
    planned_end_on: Day | None = None
    community_id: RecordId
    cell_id: RecordId | None = None
    door_id: RecordId | None = None
    address: str = Field("", max_length=200)
    note: str = Field("", max_length=200)
    reason: str = Field(..., max_length=500)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class TransitionIn(Schema):
    status: str = Field(..., max_length=12)
    reason: str = Field(..., max_length=500)


class ReportLinkOut(Schema):
    url: str  # shown once: only the token's hash is kept


class FollowUpIn(Schema):
    temperature: Decimal = Field(..., ge=30, le=45, max_digits=3, decimal_places=1)
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    at_home: bool = True
    note: str = Field("", max_length=200)
    at: Moment | None = None
    idempotency_key: str | None = Field(None, min_length=8, max_length=64)


class SelfReportIn(Schema):
    token: str = Field(..., max_length=64)
    temperature: Decimal = Field(..., ge=30, le=45, max_digits=3, decimal_places=1)
    symptoms: list[str] = Field(default_factory=list, max_length=10)
    at_home: bool = True
    note: str = Field("", max_length=200)


class FollowUpOut(Schema):
    id: int
    key_person_id: int
    day: date
    at: datetime
    self_reported: bool
    temperature: Decimal | None  # None for a role that sees counts only
    symptoms: list[str]
    at_home: bool | None
    abnormal: bool
    created: bool = True


class SelfReportOut(Schema):
    day: date
    abnormal: bool


class TaskOut(Schema):
    id: int
    kind: str
    day: date
    status: str
    key_person_id: int
    name: str  # masked
    category: str
    community_id: int
    cell_id: int | None
    assignee_id: int | None


class TaskFilter(Schema):
    status: str | None = Field("open", max_length=8)
    day: Day | None = None
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class DueOut(Schema):
    key_person_id: int
    name: str  # masked
    address: str
    category: str
    done: int
    outstanding: int
    abnormal: int


class DoorDueOut(Schema):
    id: int
    address: str
    swept_at: datetime | None


class TodayOut(Schema):
    day: date
    due: list[DueOut]
    doors: list[DoorDueOut]
    tasks: list[TaskOut]


class ReturnOut(Schema):
    check_id: int
    destination: str
    state: str  # sent, arrived, left
    recorded_at: datetime
    confirmed_at: datetime | None
    confirmed_how: str
    confirmed_by: str  # the staff member by name and badge number: 王建国 (B1023)
    note: str


class HandoverOut(Schema):
    check_id: int
    receiver_name: str
    receiver_unit: str
    handed_at: datetime
    recorded_at: datetime
    note: str


class ReturnIn(Schema):
    destination: str = Field(..., max_length=200)
    note: str = Field("", max_length=200)


class ReturnConfirmIn(Schema):
    state: str = Field(..., max_length=12, description="arrived or left")
    how: str = Field(..., max_length=24)
    at: Moment | None = None
    note: str = Field("", max_length=200)


class HandoverIn(Schema):
    receiver_name: str = Field(..., max_length=50)
    receiver_unit: str = Field(..., max_length=100)
    handed_at: Moment | None = None
    note: str = Field("", max_length=200)


class CandidateOut(Schema):
    id: int
    # Where the candidate came from: "check", or the record a list matched ("registration",
    # "vehicle_pass", "travel_group", "resident", "key_person"), or "trace" (a traced
    # contact: the trace's id), with its id.
    source_kind: str
    source_id: int | None
    check_id: int | None  # set for a check only
    # A CandidateOutcome value (persuade_return, refer_health, list_match, close_contact, ...)
    outcome: str
    site: str  # "" for a record of no site (a pass, a resident, a key person)
    seen_at: datetime | None  # when the record was made
    checked_at: datetime | None  # the check's time, for a check only
    document: str  # masked
    status: str
    key_person_id: int | None
    return_to: ReturnOut | None = None  # 劝返: where the person was sent, the confirmation
    handover: HandoverOut | None = None  # 移交卫健: who received the person


class CandidateFilter(Schema):
    status: str | None = Field("pending", max_length=12)
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


class CandidateAcceptIn(Schema):
    community_id: RecordId
    category_id: RecordId
    cell_id: RecordId | None = None
    name: str = Field(..., max_length=50)
    address: str = Field("", max_length=200)
    reason: str = Field(..., max_length=500)


class CountRow(Schema):
    key: str
    label: str
    counts: dict[str, int]  # status -> key persons


class GridRow(Schema):
    cell_id: int | None
    cell: str
    community: str
    due: int
    done: int
    missing: int
    abnormal: int


class CoverageRow(Schema):
    cell_id: int
    cell: str
    community: str
    doors: int
    visited: int
    percent: float


class SummaryOut(Schema):
    day: date
    total: int
    by_status: dict[str, int]
    by_category: list[CountRow]
    by_measure: list[CountRow]
    by_unit: list[CountRow]
    grids: list[GridRow]
    ending_today: int
    coverage: list[CoverageRow]


class CommunityMapFilter(Schema):
    unit: RecordId | None = None  # the command view's unit: its stations' communities
    day: Day | None = None


class CommunityMapRow(Schema):
    community_id: int
    name: str
    station: str
    lat: float | None  # WGS-84; None until the community's place is set
    lng: float | None
    active: int  # under the measure on the day
    ending_today: int
    due: int
    done: int
    missing: int
    abnormal: int
    state: str  # abnormal, missing, done or none
