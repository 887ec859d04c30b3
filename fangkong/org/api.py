from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from fangkong.core.params import id_field, limit_field, offset_field
from fangkong.lib.tabular.read import MAX_BYTES
from fangkong.org import selectors
from fangkong.org.models import Staff, Unit
from fangkong.org.schemas import ImportStartedOut, StaffOut, UnitOut
from fangkong.org.services_import import org_import_guessed

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


@router.post("/org/imports", response={202: ImportStartedOut}, operation_id="org_import_start")
def org_import_start(
    request: HttpRequest,
    kind: Form[Literal["units", "staff"]],
    file: File[UploadedFile],
) -> tuple[int, ImportStartedOut]:
    """A multipart form: ``kind`` (units or staff) and ``file`` (.xlsx or .csv, 10 MB at
    most). The columns are guessed from the header (单位名称, 上级单位, 单位类型, 区划代码;
    姓名, 警号, 身份, 单位, 岗位, 电话, 身份证号); every row is checked and all are imported,
    or none. Unit administrators and commanders only, within their jurisdiction."""
    job = org_import_guessed(
        actor=request.user,
        kind=kind,
        file_name=(file.name or "upload")[-200:],
        data=file.read(MAX_BYTES + 1),
    )
    params = job.params
    return 202, ImportStartedOut(
        job_id=job.pk,
        kind=params["kind"],
        sheet=params["sheet"],
        header_row=params["header_row"],
        mapping=params["mapping"],
    )
