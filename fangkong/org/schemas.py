from __future__ import annotations

from ninja import Schema


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    parent_id: int | None
    division_code: str
    staff_count: int


class StaffOut(Schema):
    id: int
    unit_id: int
    unit: str
    name: str
    kind: str
    kind_label: str
    badge_number: str
    rank: str
    rank_label: str
    position: str
    phone_masked: str
    roles: list[str]


class ImportStartedOut(Schema):
    """An import started as a background job: follow it at ``/api/v1/jobs/{job_id}``; its
    result holds the counts and the problems (row, field, code, cell)."""

    job_id: int
    kind: str
    sheet: str
    header_row: int
    mapping: dict[str, int | None]
