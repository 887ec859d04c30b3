from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from fangkong.core.params import Day, RecordId, offset_field


class ItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    grade: str
    measure: str
    measure_label: str
    tracks_expiry: bool


class LocationOut(Schema):
    id: int
    kind: str
    name: str
    unit_id: int
    unit: str
    site_id: int | None


class LocationFilter(Schema):
    kind: str | None = None
    unit: RecordId | None = None


class StoreIn(Schema):
    unit_id: RecordId
    name: str = Field(..., max_length=100)


class LevelOut(Schema):
    location_id: int
    location: str
    item_id: int
    item: str
    quantity: int


class LevelFilter(Schema):
    location: RecordId | None = None
    item: RecordId | None = None


class StockRowOut(Schema):
    location_id: int
    location: str
    kind: str
    unit: str
    site_id: int | None
    item_id: int
    item: str
    measure: str
    balance: int
    consumed_7d: int
    per_day: float
    days_left: float | None
    low: bool
    reorder: int


class LowPostOut(Schema):
    location_id: int
    site_id: int | None
    name: str
    unit: str
    fewest_days: float
    items: list[StockRowOut]


class DaysLeftOut(Schema):
    threshold_days: float
    rows: list[StockRowOut]
    posts_low: list[LowPostOut]


class MovementOut(Schema):
    id: int
    kind: str
    location_id: int
    location: str
    item_id: int
    item: str
    batch: str
    expires_on: date | None
    quantity: int
    counted: int | None
    at: datetime
    counterpart: str
    recipient: str
    supplier: str
    reference: str
    note: str


class MovementFilter(Schema):
    location: RecordId | None = None
    item: RecordId | None = None
    kind: str | None = None
    first: Day | None = None
    last: Day | None = None
    limit: int = Field(200, ge=1, le=5000)
    offset: int = offset_field()


class LineIn(Schema):
    item: RecordId
    quantity: int = Field(..., ge=0, le=10_000_000)
    batch_number: str = Field("", max_length=50)
    expires_on: Day | None = None


class ReceiptIn(Schema):
    store: RecordId
    lines: list[LineIn]
    supplier: str = Field("", max_length=100)
    reference: str = Field("", max_length=50)
    note: str = Field("", max_length=200)


class TransferIn(Schema):
    source: RecordId
    target: RecordId
    lines: list[LineIn]
    note: str = Field("", max_length=200)


class CountIn(Schema):
    location: RecordId
    lines: list[LineIn]
    note: str = Field("", max_length=200)


class UseIn(Schema):
    location: RecordId
    item: RecordId
    quantity: int = Field(..., ge=1, le=10_000_000)
    note: str = Field("", max_length=200)


class WriteOffIn(Schema):
    store: RecordId
    item: RecordId
    quantity: int = Field(..., ge=1, le=10_000_000)
    reason: str = Field(..., max_length=200)
    batch_number: str | None = None


class RequestLineOut(Schema):
    item_id: int
    item: str
    requested: int
    approved: int | None


class RequestOut(Schema):
    id: int
    status: str
    status_label: str
    site_id: int
    post: str
    store_id: int
    store: str
    note: str
    requested_at: datetime
    decision_note: str
    lines: list[RequestLineOut]


class RequestIn(Schema):
    site: RecordId
    lines: list[LineIn]
    note: str = Field("", max_length=200)


class RequestFilter(Schema):
    status: str | None = None
    store: RecordId | None = None
    limit: int = Field(200, ge=1, le=2000)
    offset: int = offset_field()


class ApproveLineIn(Schema):
    item: RecordId
    quantity: int = Field(..., ge=0)


class ApproveIn(Schema):
    lines: list[ApproveLineIn] = []
    note: str = Field("", max_length=200)


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=200)


class IssueLineOut(Schema):
    item_id: int
    item: str
    quantity: int


class IssueOut(Schema):
    id: int
    status: str
    status_label: str
    store_id: int
    store: str
    post_id: int | None
    post: str
    recipient_staff: str
    request_id: int | None
    prepared_at: datetime
    signed_name: str
    signed_at: datetime | None
    lines: list[IssueLineOut]


class IssueIn(Schema):
    store: RecordId
    site: RecordId | None = None
    staff: int | None = None
    lines: list[LineIn]
    note: str = Field("", max_length=200)


class IssueFilter(Schema):
    status: str | None = None
    limit: int = Field(200, ge=1, le=2000)
    offset: int = offset_field()


class SignIn(Schema):
    signed_name: str = Field(..., max_length=50)
    signature: str = Field(..., description="The canvas as a data:image/png;base64 URL")


class DonationLineIn(Schema):
    item: RecordId
    quantity: int = Field(..., ge=1, le=10_000_000)
    value: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    expires_on: Day | None = None


class DonationLineOut(Schema):
    item_id: int
    item: str
    quantity: int
    value: Decimal
    batch: str


class DonationIn(Schema):
    store: RecordId
    donor_name: str = Field(..., max_length=100)
    donor_kind: str
    donor_phone: str = Field("", max_length=30)
    received_on: date
    lines: list[DonationLineIn]
    publish: bool = False
    anonymous: bool = False
    note: str = Field("", max_length=200)


class DonationOut(Schema):
    id: int
    receipt_number: str
    store_id: int
    store: str
    donor_name: str
    donor_kind: str
    donor_phone_masked: str
    received_on: date
    value: Decimal
    publish: bool
    anonymous: bool
    lines: list[DonationLineOut]


class PostGapsOut(Schema):
    site_id: int
    site: str
    unit: str
    disinfection_rounds_missing: list[int]
    welfare_shifts_missing: list[str]


class WelfareIn(Schema):
    site: RecordId
    day: date
    shift: str
    meals: int = Field(0, ge=0)
    water: bool = False
    heating: bool = False
    note: str = Field("", max_length=200)


class WelfareOut(Schema):
    id: int
    site_id: int
    day: date
    shift: str
    meals: int
    water: bool
    heating: bool
    note: str


class DisinfectionOut(Schema):
    id: int
    site_id: int
    done_at: datetime
    done_by: str
    areas: list[str]
    agent: str
