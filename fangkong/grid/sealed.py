"""Sealed compounds (封控小区): a compound or building sealed from a start to an end, who may
pass its gate (by role), the log of entries and exits at the gate (出入登记) and of supplies
delivered to its doors (物资配送). Reads are scoped like every grid read; the gate and
delivery logs are written from a phone and carry a client-made key, so a record sent again
from the outbox is kept once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError, refuse
from fangkong.core.validation import clean_phone
from fangkong.grid.choices import GateDirection, SealedRole
from fangkong.grid.models import (
    Building,
    Community,
    Delivery,
    Door,
    GateEntry,
    SealedArea,
    SealedPass,
)
from fangkong.grid.scope import grid_q, grid_scope
from fangkong.org.models import Staff

NAME_MAX = 50
TEXT_MAX = 200
MAX_DAYS = 60
ENTRIES_SHOWN = 200


def _staff(actor: Any) -> Staff | None:
    return getattr(actor, "staff", None) if actor is not None else None


def _squash(text: str | None, limit: int) -> str:
    return " ".join((text or "").split())[:limit]


# Reads


def _areas(user: Any) -> QuerySet[SealedArea]:
    """A grid worker sees the areas of their cells and the whole compounds (no cell) of
    their cells' communities; a community officer their communities'; a unit its stations'."""
    q = grid_q(user, community="community", cell="cell")
    scope = grid_scope(user)
    if scope.cells:
        q |= Q(cell__isnull=True, community_id__in=scope.cell_communities)
    return SealedArea.objects.filter(q)


def sealed_list_for_user(*, user: Any) -> QuerySet[SealedArea]:
    """Sealed areas of the user's grid (see :func:`_areas`)."""
    areas = _areas(user)
    return areas.select_related("community", "cell", "building").annotate(
        n_entries=Count("entries", distinct=True), n_deliveries=Count("deliveries", distinct=True)
    )


def sealed_get_for_user(*, user: Any, area_id: int) -> SealedArea:
    return _areas(user).select_related("community", "cell", "building").get(pk=area_id)


def entry_list(area: SealedArea) -> QuerySet[GateEntry]:
    return area.entries.select_related("recorded_by").order_by("-at", "-pk")


def delivery_list(area: SealedArea) -> QuerySet[Delivery]:
    return area.deliveries.select_related("door", "recorded_by").order_by("-at", "-pk")


def pass_list(area: SealedArea) -> QuerySet[SealedPass]:
    return area.passes.order_by("role", "pk")


@dataclass(frozen=True)
class GateFigures:
    entered: int
    left: int
    deliveries: int


def gate_figures(area: SealedArea, *, since: datetime) -> GateFigures:
    entries = area.entries.filter(at__gte=since).aggregate(
        entered=Count("pk", filter=Q(direction=GateDirection.IN)),
        left=Count("pk", filter=Q(direction=GateDirection.OUT)),
    )
    deliveries = area.deliveries.filter(at__gte=since).count()
    return GateFigures(entries["entered"], entries["left"], deliveries)


# Writes


def may_seal(actor: Any, community: Community) -> bool:
    """A community officer for their communities, a station (or above) for its own; a grid
    worker records at the gate but does not seal."""
    scope = grid_scope(actor)
    if scope.everything:
        return True
    if scope.communities:
        return community.pk in scope.communities
    if scope.kind == "unit":
        return community.station.path.startswith(scope.path)
    return False


def sealed_view(*, actor: Any, area: SealedArea, ip: str | None = None) -> None:
    """Opening a sealed compound's page (its gate log and the people on it): audited as
    ``grid.sealed_view``."""
    audit_record(actor=actor, action="grid.sealed_view", target=area, ip=ip)


@transaction.atomic
def sealed_create(
    *,
    actor: Any,
    community: Community,
    name: str,
    reason: str,
    starts_at: datetime,
    ends_at: datetime,
    building: Building | None = None,
    gate: str = "",
) -> SealedArea:
    if not may_seal(actor, community):
        raise PermissionDeniedError(_("You may not seal compounds of this community."))
    errors = FieldErrors()
    starts_at, ends_at = aware(starts_at) or starts_at, aware(ends_at) or ends_at
    name, reason = _squash(name, 100), _squash(reason, TEXT_MAX)
    if len(name) < 2:
        errors.add("name", _("Enter the name of the compound."), "name_required")
    if len(reason) < 2:
        errors.add("reason", _("State why."), "reason_required")
    if ends_at <= starts_at:
        errors.add("ends_at", _("The end must come after the start."), "ends_before_start")
    elif (ends_at - starts_at).days > MAX_DAYS:
        errors.add("ends_at", _("A seal lasts at most 60 days."), "too_long")
    if building is not None and building.cell.community_id != community.pk:
        errors.add("building_id", _("Choose a building of this community."), "building_elsewhere")
    errors.raise_if_any()
    area = SealedArea.objects.create(
        community=community, cell=building.cell if building else None, building=building,
        name=name, gate=_squash(gate, 100), reason=reason, starts_at=starts_at,
        ends_at=ends_at, created_by=_staff(actor),
    )  # fmt: skip
    audit_record(actor=actor, action="grid.sealed_create", target=area, reason=reason)
    return area


@transaction.atomic
def sealed_lift(*, actor: Any, area: SealedArea, reason: str) -> SealedArea:
    if not may_seal(actor, area.community):
        raise PermissionDeniedError(_("You may not lift the seal of this compound."))
    reason = _squash(reason, TEXT_MAX)
    if len(reason) < 2:
        refuse("reason", _("State why."), "reason_required")
    locked = SealedArea.objects.select_for_update().get(pk=area.pk)
    if locked.lifted_at is not None:
        refuse("status", _("The seal is lifted already."), "invalid_state")
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lifted_at"])
    audit_record(actor=actor, action="grid.sealed_lift", target=locked, reason=reason)
    return locked


def _person_fields(errors: FieldErrors, name: str, phone: str, role: str) -> tuple[str, str]:
    name = _squash(name, NAME_MAX + 1)
    if not name or len(name) > NAME_MAX:
        errors.add("name", _("Enter the name, at most 50 characters."), "name_required")
    phone = clean_phone(errors, "phone", phone, required=False) if phone else ""
    if role not in SealedRole.values:
        errors.add("role", _("Choose a role."), "invalid_choice")
    return name, phone


@transaction.atomic
def pass_add(
    *, actor: Any, area: SealedArea, role: str, name: str, phone: str = "", note: str = ""
) -> SealedPass:
    """Allow someone through the gate in ``role`` (only who may seal may allow)."""
    if not may_seal(actor, area.community):
        raise PermissionDeniedError(_("You may not allow people into this compound."))
    errors = FieldErrors()
    name, phone = _person_fields(errors, name, phone, role)
    errors.raise_if_any()
    allowed = SealedPass.objects.create(
        area=area, role=role, name=name, phone=phone, note=_squash(note, TEXT_MAX)
    )
    audit_record(actor=actor, action="grid.sealed_pass", target=allowed)
    return allowed


def aware(at: datetime | None) -> datetime | None:
    """A moment with a time zone: one given without is taken as local time."""
    if at is not None and timezone.is_naive(at):
        return timezone.make_aware(at)
    return at


def _at(at: datetime | None, area: SealedArea) -> datetime:
    now = timezone.now()
    at = min(aware(at) or now, now)
    if at < area.starts_at:
        refuse("at", _("The compound was not sealed at that time."), "not_sealed")
    return at


def entry_record(
    *,
    actor: Any,
    area: SealedArea,
    direction: str,
    role: str,
    name: str,
    phone: str = "",
    temperature: Decimal | None = None,
    note: str = "",
    pass_id: int | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[GateEntry, bool]:
    """Record one entry or exit at the gate; ``(entry, created)``. The same key sent again
    returns the first."""
    if idempotency_key:
        found = GateEntry.objects.filter(idempotency_key=idempotency_key, area=area).first()
        if found is not None:
            return found, False
    errors = FieldErrors()
    if direction not in GateDirection.values:
        errors.add("direction", _("Choose entering or leaving."), "invalid_choice")
    name, phone = _person_fields(errors, name, phone, role)
    if temperature is not None and not Decimal("34") <= temperature <= Decimal("42.5"):
        errors.add("temperature", _("Enter a temperature between 34 and 42.5 °C."),
                   "temperature_range")  # fmt: skip
    allowed = area.passes.filter(pk=pass_id).first() if pass_id else None
    if pass_id and allowed is None:
        errors.add("pass_id", _("No such gate pass for this compound."), "not_found")
    errors.raise_if_any()
    at = _at(at, area)
    try:
        with transaction.atomic():
            entry = GateEntry.objects.create(
                area=area, direction=direction, role=role, name=name, phone=phone,
                sealed_pass=allowed, temperature=temperature, note=_squash(note, TEXT_MAX),
                at=at, recorded_by=_staff(actor), idempotency_key=idempotency_key or None,
            )  # fmt: skip
            audit_record(actor=actor, action="grid.gate_entry", target=entry)
    except IntegrityError:
        found = GateEntry.objects.filter(idempotency_key=idempotency_key, area=area).first()
        if found is None:
            refuse("idempotency_key", _("This key was used for another record."), "key_reused")
        return found, False
    return entry, True


def delivery_record(
    *,
    actor: Any,
    area: SealedArea,
    items: str,
    quantity: Decimal,
    unit: str = "",
    delivered_by: str,
    door_id: int | None = None,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[Delivery, bool]:
    """Record supplies delivered into the area (to a door of it, if given)."""
    if idempotency_key:
        found = Delivery.objects.filter(idempotency_key=idempotency_key, area=area).first()
        if found is not None:
            return found, False
    errors = FieldErrors()
    items, delivered_by = _squash(items, 101), _squash(delivered_by, 51)
    if not items or len(items) > 100:
        errors.add("items", _("Enter what was delivered, at most 100 characters."),
                   "items_required")  # fmt: skip
    if not delivered_by or len(delivered_by) > NAME_MAX:
        errors.add("delivered_by", _("Enter who delivered, at most 50 characters."),
                   "name_required")  # fmt: skip
    if not Decimal("0") < quantity < Decimal("10000000"):
        errors.add("quantity", _("Enter a quantity above zero."), "quantity_range")
    door = None
    if door_id is not None:
        doors = Door.objects.filter(cell__community_id=area.community_id)
        if area.building_id:
            doors = doors.filter(building_id=area.building_id)
        door = doors.filter(pk=door_id).first()
        if door is None:
            errors.add("door_id", _("Choose a door of this compound."), "door_elsewhere")
    errors.raise_if_any()
    at = _at(at, area)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                area=area, door=door, items=items, quantity=quantity,
                unit=_squash(unit, 10), delivered_by=delivered_by, at=at,
                recorded_by=_staff(actor), idempotency_key=idempotency_key or None,
            )  # fmt: skip
            audit_record(actor=actor, action="grid.delivery", target=delivery)
    except IntegrityError:
        found = Delivery.objects.filter(idempotency_key=idempotency_key, area=area).first()
        if found is None:
            refuse("idempotency_key", _("This key was used for another record."), "key_reused")
        return found, False
    return delivery, True


def area_doors(area: SealedArea) -> QuerySet[Door]:
    doors = Door.objects.filter(cell__community_id=area.community_id)
    if area.building_id:
        doors = doors.filter(building_id=area.building_id)
    return doors.select_related("building").order_by("building__name", "label", "pk")
