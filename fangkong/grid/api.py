"""Grid endpoints under /api/v1/grid/: communities, cells, buildings, doors, residents (masked),
door visits and sweep coverage. Records outside the caller's grid scope answer 404."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from fangkong.core.params import RecordId
from fangkong.grid import selectors, services
from fangkong.grid.models import Building, Door, Resident
from fangkong.grid.schemas import (
    BuildingOut,
    CellFilter,
    CellOut,
    CommunityOut,
    CoverageFilter,
    CoverageOut,
    DoorFilter,
    DoorOut,
    ResidentFilter,
    ResidentIn,
    ResidentOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["grid"])
P = "/grid"


def resident_out(r: Resident) -> ResidentOut:
    return ResidentOut(
        id=r.pk, door_id=r.door_id, kind=r.kind, name=r.name_masked, phone=r.phone_masked,
        document=r.person.doc_masked, outsider=r.outsider, returnee=r.returnee,
        moved_in_on=r.moved_in_on,
    )  # fmt: skip


def door_out(d: Door) -> DoorOut:
    return DoorOut(
        id=d.pk, building_id=d.building_id, cell_id=d.cell_id, label=d.label,
        address=d.address, head_name=d.head_name_masked, swept_at=d.swept_at,
    )  # fmt: skip


def building_out(b: Building) -> BuildingOut:
    return BuildingOut(
        id=b.pk, cell_id=b.cell_id, kind=b.kind, name=b.name, head_name=b.head_name_masked,
        head_phone=b.head_phone_masked,
    )  # fmt: skip


@router.get(f"{P}/communities", response=list[CommunityOut], operation_id="grid_community_list")
def community_list(request: HttpRequest) -> list[CommunityOut]:
    return [
        CommunityOut(
            id=c.pk,
            code=c.code,
            name=c.name,
            street=c.street.name,
            station_id=c.station_id,
            station=c.station.name,
            officer_id=c.officer_id,
        )  # fmt: skip
        for c in selectors.community_list_for_user(user=request.user)
    ]


@router.get(f"{P}/cells", response=list[CellOut], operation_id="grid_cell_list")
def cell_list(request: HttpRequest, filters: Query[CellFilter]) -> list[CellOut]:
    cells = selectors.cell_list_for_user(user=request.user, community_id=filters.community)
    return [
        CellOut(
            id=c.pk,
            code=c.code,
            name=c.name,
            community_id=c.community_id,
            worker_id=c.worker_id,
            worker=c.worker.name if c.worker else "",
        )  # fmt: skip
        for c in cells
    ]


@router.get(f"{P}/buildings", response=list[BuildingOut], operation_id="grid_building_list")
def building_list(request: HttpRequest, filters: Query[DoorFilter]) -> list[BuildingOut]:
    rows = selectors.building_list_for_user(user=request.user, cell_id=filters.cell)
    return [building_out(b) for b in rows[filters.offset : filters.offset + filters.limit]]


@router.get(f"{P}/doors", response=list[DoorOut], operation_id="grid_door_list")
def door_list(request: HttpRequest, filters: Query[DoorFilter]) -> list[DoorOut]:
    rows = selectors.door_list_for_user(
        user=request.user, cell_id=filters.cell, building_id=filters.building
    )
    return [door_out(d) for d in rows[filters.offset : filters.offset + filters.limit]]


@router.post(
    f"{P}/doors/{{door_id}}/visits",
    response={200: VisitOut, 201: VisitOut},
    operation_id="grid_door_visit",
)
def door_visit(request: HttpRequest, door_id: RecordId, payload: VisitIn) -> tuple[int, VisitOut]:
    """Record a door-to-door visit; sent again with the same key, the first is returned."""
    door = selectors.door_get_for_user(user=request.user, door_id=door_id)
    visit, created = services.door_visit_record(
        actor=request.user, door=door, residents_seen=payload.residents_seen,
        outsiders=payload.outsiders, returnees=payload.returnees, note=payload.note,
        idempotency_key=payload.idempotency_key,
    )  # fmt: skip
    out = VisitOut(
        id=visit.pk, door_id=door.pk, at=visit.at, residents_seen=visit.residents_seen,
        created=created,
    )  # fmt: skip
    return (201 if created else 200), out


@router.get(f"{P}/residents", response=list[ResidentOut], operation_id="grid_resident_list")
def resident_list(request: HttpRequest, filters: Query[ResidentFilter]) -> list[ResidentOut]:
    rows = selectors.resident_list_for_user(
        user=request.user, door_id=filters.door, cell_id=filters.cell
    )
    return [resident_out(r) for r in rows[filters.offset : filters.offset + filters.limit]]


@router.post(f"{P}/residents", response={201: ResidentOut}, operation_id="grid_resident_add")
def resident_add(request: HttpRequest, payload: ResidentIn) -> tuple[int, ResidentOut]:
    door = selectors.door_get_for_user(user=request.user, door_id=payload.door_id)
    resident = services.resident_add(
        actor=request.user, door=door, doc_type=payload.doc_type, doc_number=payload.doc_number,
        name=payload.name, phone=payload.phone, kind=payload.kind, outsider=payload.outsider,
        returnee=payload.returnee,
    )  # fmt: skip
    return 201, resident_out(resident)


@router.get(f"{P}/coverage", response=list[CoverageOut], operation_id="grid_sweep_coverage")
def coverage(request: HttpRequest, filters: Query[CoverageFilter]) -> list[CoverageOut]:
    """Per grid cell: doors, doors visited in the last ``days`` days, and the percentage."""
    since = timezone.now() - timedelta(days=filters.days)
    rows = selectors.sweep_coverage_for_user(
        user=request.user, since=since, community_id=filters.community
    )
    return [
        CoverageOut(
            cell_id=r.cell_id,
            cell=r.cell,
            community=r.community,
            doors=r.doors,
            visited=r.visited,
            percent=r.percent,
        )  # fmt: skip
        for r in rows
    ]
