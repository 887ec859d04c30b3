from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from fangkong.core.params import RecordId, limit_field, offset_field


class CommunityOut(Schema):
    id: int
    code: str
    name: str
    street: str
    station_id: int
    station: str
    officer_id: int | None


class CellOut(Schema):
    id: int
    code: str
    name: str
    community_id: int
    worker_id: int | None
    worker: str


class CellFilter(Schema):
    community: RecordId | None = None


class BuildingOut(Schema):
    id: int
    cell_id: int
    kind: str
    name: str
    head_name: str  # masked
    head_phone: str  # masked


class PageFilter(Schema):
    cell: RecordId | None = None
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


class DoorFilter(PageFilter):
    building: RecordId | None = None


class DoorOut(Schema):
    id: int
    building_id: int
    cell_id: int
    label: str
    address: str
    head_name: str  # masked
    swept_at: datetime | None


class ResidentFilter(PageFilter):
    door: RecordId | None = None


class ResidentOut(Schema):
    id: int
    door_id: int
    kind: str
    name: str  # masked
    phone: str  # masked
    document: str  # masked
    outsider: bool
    returnee: bool
    moved_in_on: date | None


class ResidentIn(Schema):
    door_id: RecordId
    doc_type: str = Field("resident_id", max_length=32)
    doc_number: str = Field(..., max_length=40)
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    kind: str = Field("registered", max_length=16)
    outsider: bool = False
    returnee: bool = False


class VisitIn(Schema):
    residents_seen: int = Field(0, ge=0, le=500)
    outsiders: int = Field(0, ge=0, le=500)
    returnees: int = Field(0, ge=0, le=500)
    note: str = Field("", max_length=200)
    idempotency_key: str | None = Field(None, min_length=8, max_length=64)


class VisitOut(Schema):
    id: int
    door_id: int
    at: datetime
    residents_seen: int
    created: bool


class CoverageOut(Schema):
    cell_id: int
    cell: str
    community: str
    doors: int
    visited: int
    percent: float


class CoverageFilter(Schema):
    community: RecordId | None = None
    days: int = Field(7, ge=1, le=60, description="Visits of the last 1 to 60 days.")
