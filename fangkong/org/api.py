from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema

from fangkong.core.params import id_field, limit_field, offset_field
from fangkong.org import selectors
from fangkong.org.models import Staff, Unit
from fangkong.org.schemas import StaffOut, UnitOut

router = Router(tags=["org"])


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        kind_label=str(unit.get_kind_display()),
        parent_id=unit.parent_id,
        division_code=unit.division_code,
        staff_count=getattr(unit, "staff_count", 0),
    )


def staff_out(staff: Staff) -> StaffOut:
    return StaffOut(
        id=staff.pk,
        unit_id=staff.unit_id,
        unit=staff.unit.name,
        name=staff.name,
        kind=staff.kind,
        kind_label=str(staff.get_kind_display()),
        badge_number=staff.badge_number,
        rank=staff.rank,
        rank_label=str(staff.get_rank_display()) if staff.rank else "",
        position=staff.position,
        phone_masked=staff.phone_masked,
        roles=[role.code for role in staff.roles.all()],
    )


@router.get("/units", response=list[UnitOut], operation_id="unit_list")
def unit_list(request: HttpRequest) -> list[UnitOut]:
    return [unit_out(unit) for unit in selectors.unit_list_for_user(user=request.user)]


class StaffFilter(Schema):
    unit: int | None = id_field()
    limit: int = limit_field(1000, 10_000)
    offset: int = offset_field()


@router.get("/staff", response=list[StaffOut], operation_id="staff_list")
def staff_list(request: HttpRequest, filters: Query[StaffFilter]) -> list[StaffOut]:
    unit = (
        selectors.unit_get_for_user(user=request.user, unit_id=filters.unit)
        if filters.unit
        else None
    )
    staff = selectors.staff_list_for_user(user=request.user, unit=unit, subtree=True)
    return [staff_out(s) for s in staff[filters.offset : filters.offset + filters.limit]]
