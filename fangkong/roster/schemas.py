from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class RosterOut(Schema):
    id: int
    unit_id: int
    unit: str
    start: date
    days: int
    status: str
    version: int | None
    wartime: bool
    missing: int
    solver_status: str


class DutyOut(Schema):
    date: date
    shift: str
    shift_label: str
    site_id: int | None
    site: str
    staff_id: int
    staff: str
    role: str


class ShortageOut(Schema):
    date: date
    shift: str
    site_id: int | None
    role: str
    missing: int
    reasons: list[list[str | int]]
    text: str


class RosterDetailOut(RosterOut):
    duties: list[DutyOut]
    shortages: list[ShortageOut]
    changes: list[dict]


class RosterGenerateIn(Schema):
    unit_id: int
    start: date
    days: int = Field(7, ge=0, le=366)
    time_limit_s: float = Field(30, gt=0, le=600)
    wartime: bool | None = None


class RosterPublishIn(Schema):
    # Posts left short: publishing needs this, and the roster records who accepted it.
    accept_shortfall: bool = False
