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
