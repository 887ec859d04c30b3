"""Sealed compounds and floating-population reviews under /api/v1/grid/: sealed areas with
their gate passes, gate log and deliveries; residents to verify, verify / reject / move out;
registrations to place on a door. Records outside the caller's grid scope answer 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from fangkong.core.params import Day, Moment, RecordId, limit_field, offset_field
from fangkong.grid import floating, sealed, selectors
from fangkong.grid.models import Delivery, GateEntry, Placement, Resident, SealedArea, SealedPass

router = Router(tags=["grid"])
P = "/grid"


class SealedOut(Schema):
    id: int
    community_id: int
    community: str
    building_id: int | None
    name: str
    gate: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None
    sealed: bool


class SealedIn(Schema):
    community_id: RecordId
    building_id: RecordId | None = None
    name: str = Field(..., max_length=100)
    gate: str = Field("", max_length=100)
    reason: str = Field(..., max_length=200)
    starts_at: Moment
    ends_at: Moment


class LiftIn(Schema):
    reason: str = Field(..., max_length=200)


class PassIn(Schema):
    role: str = Field(..., max_length=16)
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    note: str = Field("", max_length=200)


class PassOut(Schema):
    id: int
    role: str
    name: str  # masked
    phone: str  # masked
    note: str


class EntryIn(Schema):
    direction: str = Field(..., max_length=4)
    role: str = Field(..., max_length=16)
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=20)
    temperature: Decimal | None = Field(None, ge=34, le=42.5, max_digits=3, decimal_places=1)
    pass_id: RecordId | None = None
    note: str = Field("", max_length=200)
    at: Moment | None = None
    idempotency_key: str | None = Field(None, min_length=8, max_length=64)


class EntryOut(Schema):
    id: int
    direction: str
    role: str
    name: str  # masked
    temperature: Decimal | None
    at: datetime
    created: bool = True


class DeliveryIn(Schema):
    items: str = Field(..., max_length=100)
    quantity: Decimal = Field(..., gt=0, lt=10_000_000, max_digits=9, decimal_places=2)
    unit: str = Field("", max_length=10)
    delivered_by: str = Field(..., max_length=50)
    door_id: RecordId | None = None
    at: Moment | None = None
    idempotency_key: str | None = Field(None, min_length=8, max_length=64)


class DeliveryOut(Schema):
    id: int
    items: str
    quantity: Decimal
    unit: str
    door_id: int | None
    door: str
    delivered_by: str
    at: datetime
    created: bool = True


class LogFilter(Schema):
    limit: int = limit_field(200, 1000)
    offset: int = offset_field()


def sealed_out(a: SealedArea) -> SealedOut:
    from django.utils import timezone

    return SealedOut(
        id=a.pk, community_id=a.community_id, community=a.community.name,
        building_id=a.building_id, name=a.name, gate=a.gate, reason=a.reason,
        starts_at=a.starts_at, ends_at=a.ends_at, lifted_at=a.lifted_at,
        sealed=a.is_sealed(timezone.now()),
    )  # fmt: skip


def pass_out(p: SealedPass) -> PassOut:
    return PassOut(id=p.pk, role=p.role, name=p.name_masked, phone=p.phone_masked, note=p.note)


def entry_out(e: GateEntry, created: bool = True) -> EntryOut:
    return EntryOut(
        id=e.pk, direction=e.direction, role=e.role, name=e.name_masked,
        temperature=e.temperature, at=e.at, created=created,
    )  # fmt: skip


def delivery_out(d: Delivery, created: bool = True) -> DeliveryOut:
    return DeliveryOut(
        id=d.pk, items=d.items, quantity=d.quantity, unit=d.unit, door_id=d.door_id,
        door=d.door.address if d.door else "", delivered_by=d.delivered_by, at=d.at,
        created=created,
    )  # fmt: skip


@router.get(f"{P}/sealed", response=list[SealedOut], operation_id="grid_sealed_list")
def sealed_list(request: HttpRequest, filters: Query[LogFilter]) -> list[SealedOut]:
    """Sealed compounds (封控小区) of the caller's grid, the latest first."""
    rows = sealed.sealed_list_for_user(user=request.user).order_by("-starts_at", "pk")
    return [sealed_out(a) for a in rows[filters.offset : filters.offset + filters.limit]]


@router.post(f"{P}/sealed", response={201: SealedOut}, operation_id="grid_sealed_create")
def sealed_create(request: HttpRequest, payload: SealedIn) -> tuple[int, SealedOut]:
    community = selectors.community_get_for_user(
        user=request.user, community_id=payload.community_id
    )
    building = None
    if payload.building_id is not None:
        building = selectors.building_list_for_user(user=request.user).get(pk=payload.building_id)
    area = sealed.sealed_create(
        actor=request.user, community=community, building=building, name=payload.name,
        gate=payload.gate, reason=payload.reason, starts_at=payload.starts_at,
        ends_at=payload.ends_at,
    )  # fmt: skip
    return 201, sealed_out(sealed.sealed_get_for_user(user=request.user, area_id=area.pk))


@router.get(f"{P}/sealed/{{area_id}}", response=SealedOut, operation_id="grid_sealed_get")
def sealed_get(request: HttpRequest, area_id: RecordId) -> SealedOut:
    return sealed_out(sealed.sealed_get_for_user(user=request.user, area_id=area_id))


@router.post(f"{P}/sealed/{{area_id}}/lift", response=SealedOut, operation_id="grid_sealed_lift")
def sealed_lift(request: HttpRequest, area_id: RecordId, payload: LiftIn) -> SealedOut:
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    return sealed_out(sealed.sealed_lift(actor=request.user, area=area, reason=payload.reason))


@router.get(
    f"{P}/sealed/{{area_id}}/passes", response=list[PassOut], operation_id="grid_sealed_passes"
)
def pass_list(request: HttpRequest, area_id: RecordId) -> list[PassOut]:
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    return [pass_out(p) for p in sealed.pass_list(area)]


@router.post(
    f"{P}/sealed/{{area_id}}/passes", response={201: PassOut}, operation_id="grid_sealed_pass_add"
)
def pass_add(request: HttpRequest, area_id: RecordId, payload: PassIn) -> tuple[int, PassOut]:
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    allowed = sealed.pass_add(
        actor=request.user, area=area, role=payload.role, name=payload.name,
        phone=payload.phone, note=payload.note,
    )  # fmt: skip
    return 201, pass_out(allowed)


@router.get(
    f"{P}/sealed/{{area_id}}/entries", response=list[EntryOut], operation_id="grid_sealed_entries"
)
def entry_list(
    request: HttpRequest, area_id: RecordId, filters: Query[LogFilter]
) -> list[EntryOut]:
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    rows = sealed.entry_list(area)[filters.offset : filters.offset + filters.limit]
    return [entry_out(e) for e in rows]


@router.post(
    f"{P}/sealed/{{area_id}}/entries",
    response={200: EntryOut, 201: EntryOut},
    operation_id="grid_sealed_entry_add",
)
def entry_add(request: HttpRequest, area_id: RecordId, payload: EntryIn) -> tuple[int, EntryOut]:
    """Record an entry or exit at the gate (出入登记); the same key sent again returns the
    first record with 200."""
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    entry, created = sealed.entry_record(
        actor=request.user, area=area, direction=payload.direction, role=payload.role,
        name=payload.name, phone=payload.phone, temperature=payload.temperature,
        note=payload.note, pass_id=payload.pass_id, at=payload.at,
        idempotency_key=payload.idempotency_key,
    )  # fmt: skip
    return (201 if created else 200), entry_out(entry, created)


@router.get(
    f"{P}/sealed/{{area_id}}/deliveries",
    response=list[DeliveryOut],
    operation_id="grid_sealed_deliveries",
)
def delivery_list(
    request: HttpRequest, area_id: RecordId, filters: Query[LogFilter]
) -> list[DeliveryOut]:
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    rows = sealed.delivery_list(area)[filters.offset : filters.offset + filters.limit]
    return [delivery_out(d) for d in rows]


@router.post(
    f"{P}/sealed/{{area_id}}/deliveries",
    response={200: DeliveryOut, 201: DeliveryOut},
    operation_id="grid_sealed_delivery_add",
)
def delivery_add(
    request: HttpRequest, area_id: RecordId, payload: DeliveryIn
) -> tuple[int, DeliveryOut]:
    """Record supplies delivered (物资配送): what, how much, to which door, by whom."""
    area = sealed.sealed_get_for_user(user=request.user, area_id=area_id)
    delivery, created = sealed.delivery_record(
        actor=request.user, area=area, items=payload.items, quantity=payload.quantity,
        unit=payload.unit, delivered_by=payload.delivered_by, door_id=payload.door_id,
        at=payload.at, idempotency_key=payload.idempotency_key,
    )  # fmt: skip
    return (201 if created else 200), delivery_out(delivery, created)


# Floating population: residents to verify and registrations to place.


class DeclaredOut(Schema):
    id: int
    door_id: int
    door: str
    status: str
    kind: str
    name: str  # masked
    phone: str  # masked
    document: str  # masked
    landlord: str  # masked
    landlord_phone: str  # masked
    employer: str
    outsider: bool
    moved_in_on: date | None
    moved_out_on: date | None


class ReviewIn(Schema):
    note: str = Field("", max_length=200)


class RejectIn(Schema):
    reason: str = Field(..., max_length=200)


class MoveOutIn(Schema):
    moved_out_on: Day
    reason: str = Field(..., max_length=200)


class PlacementOut(Schema):
    id: int
    community_id: int
    community: str
    declared_address: str
    name: str  # masked
    status: str


class PlaceIn(Schema):
    door_id: RecordId


def declared_out(r: Resident) -> DeclaredOut:
    return DeclaredOut(
        id=r.pk, door_id=r.door_id, door=r.door.address, status=r.status, kind=r.kind,
        name=r.name_masked, phone=r.phone_masked, document=r.person.doc_masked,
        landlord=r.landlord_name_masked, landlord_phone=r.landlord_phone_masked,
        employer=r.employer, outsider=r.outsider, moved_in_on=r.moved_in_on,
        moved_out_on=r.moved_out_on,
    )  # fmt: skip


def placement_out(p: Placement) -> PlacementOut:
    return PlacementOut(
        id=p.pk, community_id=p.community_id, community=p.community.name,
        declared_address=p.declared_address, name=p.registration.name_masked, status=p.status,
    )  # fmt: skip


@router.get(
    f"{P}/residents/to-verify", response=list[DeclaredOut], operation_id="grid_residents_to_verify"
)
def to_verify(request: HttpRequest, filters: Query[LogFilter]) -> list[DeclaredOut]:
    """Residents the public declared on the caller's doors, waiting for the grid worker
    (待核实)."""
    rows = floating.to_verify_for_user(user=request.user)
    return [declared_out(r) for r in rows[filters.offset : filters.offset + filters.limit]]


@router.post(
    f"{P}/residents/{{resident_id}}/verify",
    response=DeclaredOut,
    operation_id="grid_resident_verify",
)
def resident_verify(request: HttpRequest, resident_id: RecordId, payload: ReviewIn) -> DeclaredOut:
    resident = floating.resident_for_review(user=request.user, resident_id=resident_id)
    resident = floating.resident_verify(actor=request.user, resident=resident, note=payload.note)
    return declared_out(floating.resident_for_review(user=request.user, resident_id=resident.pk))


@router.post(
    f"{P}/residents/{{resident_id}}/reject",
    response=DeclaredOut,
    operation_id="grid_resident_reject",
)
def resident_reject(request: HttpRequest, resident_id: RecordId, payload: RejectIn) -> DeclaredOut:
    resident = floating.resident_for_review(user=request.user, resident_id=resident_id)
    floating.resident_reject(actor=request.user, resident=resident, reason=payload.reason)
    return declared_out(floating.resident_for_review(user=request.user, resident_id=resident.pk))


@router.post(
    f"{P}/residents/{{resident_id}}/move-out",
    response=DeclaredOut,
    operation_id="grid_resident_move_out",
)
def resident_move_out(
    request: HttpRequest, resident_id: RecordId, payload: MoveOutIn
) -> DeclaredOut:
    """Close a resident's record (已迁出) from the day they moved out."""
    from fangkong.grid import services

    resident = floating.resident_for_review(user=request.user, resident_id=resident_id)
    services.resident_move_out(
        actor=request.user, resident=resident, day=payload.moved_out_on, reason=payload.reason
    )
    return declared_out(floating.resident_for_review(user=request.user, resident_id=resident.pk))


@router.get(f"{P}/placements", response=list[PlacementOut], operation_id="grid_placement_list")
def placement_list(request: HttpRequest, filters: Query[LogFilter]) -> list[PlacementOut]:
    """Floating-population registrations whose door is not known yet (待落户)."""
    rows = floating.placements_for_user(user=request.user)
    return [placement_out(p) for p in rows[filters.offset : filters.offset + filters.limit]]


@router.post(
    f"{P}/placements/{{placement_id}}/place",
    response=DeclaredOut,
    operation_id="grid_placement_place",
)
def placement_place(request: HttpRequest, placement_id: RecordId, payload: PlaceIn) -> DeclaredOut:
    placement = floating.placement_get_for_user(user=request.user, placement_id=placement_id)
    door = selectors.door_get_for_user(user=request.user, door_id=payload.door_id)
    resident = floating.placement_place(actor=request.user, placement=placement, door=door)
    return declared_out(Resident.objects.select_related("door", "person").get(pk=resident.pk))


@router.post(
    f"{P}/placements/{{placement_id}}/reject",
    response=PlacementOut,
    operation_id="grid_placement_reject",
)
def placement_reject(
    request: HttpRequest, placement_id: RecordId, payload: RejectIn
) -> PlacementOut:
    placement = floating.placement_get_for_user(user=request.user, placement_id=placement_id)
    return placement_out(
        floating.placement_reject(actor=request.user, placement=placement, reason=payload.reason)
    )
