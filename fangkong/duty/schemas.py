from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from fangkong.core.params import Day, Moment, RecordId, id_field, limit_field, offset_field


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[dict[str, str]]] | None = None


class KeyReusedOut(Schema):
    """409: the idempotency key is a stored sign-in's, which says something else."""

    code: str
    message: str
    sign_in_id: int | None = None


class SignInIn(Schema):
    idempotency_key: str = Field(..., min_length=1, max_length=64)
    site_id: RecordId
    kind: str = Field("in", max_length=4, description="in or out")
    at: Moment
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    accuracy_m: int | None = Field(None, ge=0, le=100_000)
    reason: str = Field("", max_length=200)


class SignInOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    site_id: int
    site_name: str
    kind: str
    at: datetime
    duty_id: int | None
    planned: bool
    distance_m: int | None
    flag: str
    reason: str
    late_minutes: int
    seconded: str | None = Field(
        None, description="下沉: 'home unit → receiving unit' while the person is seconded"
    )


class SignInFilter(Schema):
    site: int | None = id_field("Only this site")
    since: Moment | None = None
    flagged: bool = False
    offset: int = offset_field()
    limit: int = limit_field(100, 500)


class UnitFilter(Schema):
    unit: int | None = id_field("A unit of the caller's jurisdiction (default: their own)")


class DutyStateOut(Schema):
    staff_id: int
    staff_name: str
    role: str
    state: str
    first_in: datetime | None
    shift_start: datetime
    shift_end: datetime
    seconded: str | None = Field(
        None, description="下沉: 'home unit → receiving unit' while the person is seconded"
    )


class PostAttendanceOut(Schema):
    site_id: int
    site_name: str
    planned: list[DutyStateOut]
    unplanned: list[SignInOut]
    flagged: list[SignInOut]
    absent: int
    late: int


class PostShortOut(Schema):
    id: int
    name: str
    unit: str
    present: int
    required: int
    missing_officers: int
    missing_auxiliaries: int


class PostsShortOut(Schema):
    count: int
    posts: list[PostShortOut]


class HandoverIn(Schema):
    site_id: RecordId
    at: Moment | None = None
    vehicles: str = Field("", max_length=2000, description="Vehicles stranded at the post")
    persons: str = Field("", max_length=2000, description="Persons referred (to health, etc.)")
    equipment: str = Field("", max_length=2000)
    incidents: str = Field("", max_length=2000)
    notes: str = Field("", max_length=2000)


class HandoverOut(Schema):
    id: int
    site_id: int
    site_name: str
    at: datetime
    outgoing_id: int
    outgoing_name: str
    vehicles: str
    persons: str
    equipment: str
    incidents: str
    notes: str
    acknowledged_by_id: int | None
    acknowledged_by_name: str
    acknowledged_at: datetime | None


class HandoverFilter(Schema):
    site: int | None = id_field("Only this site")
    pending: bool = False
    offset: int = offset_field()
    limit: int = limit_field(50, 200)


class HandoverSearchIn(HandoverFilter):
    """A search of the handover log; by POST, so that the words stay out of the access log."""

    q: str = Field("", max_length=100, description="Words to find in the handover's text")


class FixIn(Schema):
    text: str = Field(..., min_length=1, max_length=300)
    deadline: Day


class InspectionIn(Schema):
    site_id: RecordId
    at: Moment | None = None
    checklist: dict[Annotated[str, Field(max_length=32)], bool] = Field(
        default_factory=dict, max_length=20, description="Checklist item code → passed"
    )
    findings: str = Field("", max_length=4000)
    fixes: list[FixIn] = Field(default_factory=list, max_length=20)


class FixOut(Schema):
    id: int
    site_id: int
    site_name: str
    inspection_id: int
    text: str
    deadline: date
    status: str
    closed_by_name: str
    closed_at: datetime | None
    closing_note: str


class InspectionOut(Schema):
    id: int
    site_id: int
    site_name: str
    inspector_id: int
    inspector_name: str
    at: datetime
    checklist: dict[str, bool]
    findings: str
    photos: int
    fixes: list[FixOut]


class InspectionFilter(Schema):
    site: int | None = id_field("Only this site")
    since: Moment | None = None
    offset: int = offset_field()
    limit: int = limit_field(50, 200)


class FixFilter(Schema):
    open_only: bool = True
    offset: int = offset_field()
    limit: int = limit_field(100, 500)


class FixCloseIn(Schema):
    note: str = Field(..., min_length=1, max_length=300)


class SiteBriefOut(Schema):
    id: int
    name: str
    unit: str


class PostLeaderIn(Schema):
    site_id: RecordId
    leader_id: RecordId
    starts_on: Day
    ends_on: Day


class PostLeaderOut(Schema):
    id: int
    site_id: int
    site_name: str
    leader_id: int
    leader_name: str
    starts_on: date
    ends_on: date


class FatigueFilter(Schema):
    unit: int | None = id_field("A unit of the caller's jurisdiction (default: their own)")
    over_only: bool = True


class FatigueOut(Schema):
    staff_id: int
    staff_name: str
    unit: str
    hours_7d: float
    consecutive_days: int
    max_days: int
    max_hours_7d: int
    over: list[str] = Field(description="Limits exceeded: days, hours")
    seconded: str | None = Field(
        None, description="下沉: 'home unit → receiving unit' while the person is seconded"
    )


class ReportIn(Schema):
    idempotency_key: str = Field(..., min_length=1, max_length=64)
    kind: str = Field(..., max_length=16)
    text: str = Field(..., min_length=1, max_length=2000)
    at: Moment
    site_id: int | None = id_field("The post it concerns, if any")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class ReportStepOut(Schema):
    unit: str
    acknowledged_by: str
    escalated: bool
    at: datetime


class ReportOut(Schema):
    id: int
    kind: str
    text: str
    at: datetime
    raised_by: str
    origin: str
    site_id: int | None
    status: str
    waiting_at: str | None
    waiting_since: datetime
    steps: list[ReportStepOut]
    photos: int


class ReportKeyReusedOut(Schema):
    code: str
    message: str


class ReportFilter(Schema):
    open_only: bool = True
    offset: int = offset_field()
    limit: int = limit_field(50, 200)


class SquadIn(Schema):
    unit_id: RecordId
    name: str = Field(..., min_length=1, max_length=60)
    member_ids: list[RecordId] = Field(..., min_length=1, max_length=200)


class SquadMoveIn(Schema):
    state: str = Field(..., max_length=12, description="standby, dispatched or returned")
    site_id: int | None = id_field("The post a dispatched squad goes to")


class SquadOut(Schema):
    id: int
    unit: str
    name: str
    state: str
    site_id: int | None
    site_name: str
    state_since: datetime
    members: list[str]


class RecallIn(Schema):
    unit_id: RecordId
    starts_on: Day
    reason: str = Field(..., min_length=1, max_length=200)


class RecallOut(Schema):
    id: int
    unit: str
    starts_on: date
    reason: str
    leave_cancelled: int
    issued_at: datetime


class PageFilter(Schema):
    offset: int = offset_field()
    limit: int = limit_field(100, 500)


class SecondmentIn(Schema):
    staff_id: RecordId
    to_unit_id: RecordId
    starts_on: Day
    ends_on: Day
    reason: str = Field("", max_length=200)


class SecondmentOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    from_unit_id: int
    from_unit: str
    to_unit_id: int
    to_unit: str
    starts_on: date
    ends_on: date
    reason: str


class SecondmentFilter(Schema):
    current: bool = Field(True, description="Only those running today or later")
    offset: int = offset_field()
    limit: int = limit_field(100, 500)


class PhotoOut(Schema):
    """A photo stored from a multipart upload (re-encoded as JPEG, bounded, with a thumbnail)."""

    id: int
    width: int
    height: int
    photos: int = Field(description="Photos of the record now, this one included")
