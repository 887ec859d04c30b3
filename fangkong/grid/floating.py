"""Floating population (流动人口): a self-registration of the floating kind lands on the grid.

At a community gate linked to a community (``Community.gates``) the citizen picks their
door from that community's doors; a door picked, or a typed building and door that match
exactly one door of the community, makes a resident "to verify" (待核实) on that door for the
grid worker of its cell. A typed address that matches no door makes a placement task for the
community's grid workers instead. What the citizen declared (name, phone, landlord,
employer) stays on the resident row; the person is found or created by document and never
changed by it. The grid worker verifies or rejects at the door; a move-out closes the
record (已迁出)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import refuse
from fangkong.grid.choices import PlacementStatus, ResidentKind, ResidentStatus
from fangkong.grid.models import Community, Door, Placement, Resident
from fangkong.grid.scope import grid_q
from fangkong.org.models import Staff
from fangkong.registration.models import Registration
from fangkong.sites.models import Site

EMPLOYER_MAX = 100
DOOR_CHOICES_MAX = 2000
# Records that still count: a second declaration of the same person at the same door makes
# no new row (and changes nothing on the first).
OPEN_STATES = (ResidentStatus.TO_VERIFY, ResidentStatus.VERIFIED)


def _norm(text: Any) -> str:
    return "".join(str(text or "").split())


def site_doors(site: Site) -> list[tuple[str, str]]:
    """The doors the public form at ``site`` offers: those of the communities whose gate it
    is, as (id, "building door") pairs; empty when the site is no community's gate."""
    doors = Door.objects.filter(cell__community__gates=site).select_related("building")
    rows = doors.order_by("building__name", "label", "pk")[:DOOR_CHOICES_MAX]
    return [(str(d.pk), f"{d.building.name} {d.label}") for d in rows]


def _match_door(communities: list[Community], building: Any, label: Any) -> Door | None:
    """The one door of ``communities`` whose building and door read exactly as typed
    (spaces aside); None when none or several do."""
    building, label = _norm(building), _norm(label)
    if not building or not label:
        return None
    doors = Door.objects.filter(cell__community__in=communities).select_related("building")
    candidates = [
        d
        for d in doors.filter(label__icontains=label[:30])
        if _norm(d.label) == label and _norm(d.building.name) == building
    ]
    return candidates[0] if len(candidates) == 1 else None


def _declared_door(communities: list[Community], declared: dict[str, Any]) -> Door | None:
    raw = str(declared.get("door_id") or "")
    if raw.isdigit():
        door = Door.objects.filter(pk=int(raw), cell__community__in=communities).first()
        if door is not None:
            return door
    return _match_door(communities, declared.get("building"), declared.get("door"))


def _outsider(declared: dict[str, Any], door: Door) -> bool:
    coming_from = str(declared.get("coming_from") or "")
    return bool(coming_from) and coming_from[:4] != door.cell.community.code[:4]


def _arrival(declared: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(declared.get("arrival_date") or ""))
    except ValueError:
        return None


def _resident_from(registration: Registration, door: Door) -> Resident:
    """The resident "to verify" a registration makes on ``door``, or the open record the
    same person already has there (left as it is)."""
    existing = Resident.objects.filter(
        door=door, person_id=registration.person_id, status__in=OPEN_STATES
    ).first()
    if existing is not None:
        return existing
    declared = registration.declared or {}
    resident = Resident.objects.create(
        door=door,
        cell_id=door.cell_id,
        person_id=registration.person_id,
        name=registration.name,
        phone=registration.phone,
        kind=ResidentKind.FLOATING,
        outsider=_outsider(declared, door),
        active=False,
        status=ResidentStatus.TO_VERIFY,
        moved_in_on=_arrival(declared),
        registration=registration,
        landlord_name=registration.contact_name,
        landlord_phone=registration.contact_phone,
        employer=str(declared.get("employer") or "")[:EMPLOYER_MAX],
    )
    audit_record(actor=None, action="grid.resident_declared", target=resident)
    return resident


@transaction.atomic
def floating_intake(registration: Registration) -> Resident | Placement | None:
    """Put a floating-population registration on the grid: a resident to verify on its
    door, a placement task when the door is not known, nothing when the site is no
    community's gate. Idempotent: the same registration lands once."""
    communities = list(Community.objects.filter(gates=registration.site_id).order_by("pk"))
    if not communities:
        return None
    landed = Resident.objects.filter(registration=registration).first()
    if landed is not None:
        return landed
    door = _declared_door(communities, registration.declared or {})
    if door is None:
        placement, _created = Placement.objects.get_or_create(
            registration=registration, defaults={"community": communities[0]}
        )
        return placement
    return _resident_from(registration, door)


def _staff(actor: Any) -> Staff | None:
    return getattr(actor, "staff", None) if actor is not None else None


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < 2:
        refuse("reason", _("State why."), "reason_required")
    return reason[:200]


def _locked_to_verify(resident: Resident) -> Resident:
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if locked.status != ResidentStatus.TO_VERIFY:
        refuse("status", _("This resident is not waiting to be verified."), "invalid_state")
    return locked


@transaction.atomic
def resident_verify(*, actor: Any, resident: Resident, note: str = "") -> Resident:
    """The grid worker saw them at the door: the resident now lives there (已核实)."""
    locked = _locked_to_verify(resident)
    locked.status, locked.active = ResidentStatus.VERIFIED, True
    locked.verified_at, locked.reviewed_by = timezone.now(), _staff(actor)
    locked.review_note = " ".join((note or "").split())[:200]
    locked.save(update_fields=["status", "active", "verified_at", "reviewed_by", "review_note"])
    audit_record(actor=actor, action="grid.resident_verify", target=locked)
    return locked


@transaction.atomic
def resident_reject(*, actor: Any, resident: Resident, reason: str) -> Resident:
    """Not found at the door, or not living there: the declaration stays on record,
    rejected (已驳回), never a resident."""
    reason = _reason(reason)
    locked = _locked_to_verify(resident)
    locked.status, locked.active = ResidentStatus.REJECTED, False
    locked.reviewed_by, locked.review_note = _staff(actor), reason
    locked.save(update_fields=["status", "active", "reviewed_by", "review_note"])
    audit_record(actor=actor, action="grid.resident_reject", target=locked, reason=reason)
    return locked


@transaction.atomic
def placement_place(*, actor: Any, placement: Placement, door: Door) -> Resident:
    """Place a registration on ``door`` (of the placement's community): the resident to
    verify it makes goes on the list of that door's grid worker."""
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.status != PlacementStatus.OPEN:
        refuse("status", _("This registration has been dealt with already."), "invalid_state")
    if door.cell.community_id != locked.community_id:
        refuse("door_id", _("Choose a door of this community."), "door_elsewhere")
    resident = _resident_from(locked.registration, door)
    locked.status, locked.resident = PlacementStatus.PLACED, resident
    locked.done_at, locked.done_by = timezone.now(), _staff(actor)
    locked.save(update_fields=["status", "resident", "done_at", "done_by"])
    audit_record(actor=actor, action="grid.placement_place", target=locked,
                 extra={"door": door.pk, "resident": resident.pk})  # fmt: skip
    return resident


@transaction.atomic
def placement_reject(*, actor: Any, placement: Placement, reason: str) -> Placement:
    reason = _reason(reason)
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if locked.status != PlacementStatus.OPEN:
        refuse("status", _("This registration has been dealt with already."), "invalid_state")
    locked.status, locked.done_at, locked.done_by = (
        PlacementStatus.REJECTED, timezone.now(), _staff(actor)
    )  # fmt: skip
    locked.save(update_fields=["status", "done_at", "done_by"])
    audit_record(actor=actor, action="grid.placement_reject", target=locked, reason=reason)
    return locked


# Reads, scoped like every grid read.


def to_verify_for_user(*, user: Any) -> QuerySet[Resident]:
    """Residents declared on the user's doors and waiting for the grid worker."""
    rows = Resident.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    rows = rows.filter(status=ResidentStatus.TO_VERIFY)
    return rows.select_related("door", "person", "registration").order_by("pk")


def resident_for_review(*, user: Any, resident_id: int) -> Resident:
    rows = Resident.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    return rows.select_related("door", "person").get(pk=resident_id)


def placements_for_user(*, user: Any) -> QuerySet[Placement]:
    """Open placements of the user's communities (a grid worker sees those of their cells'
    communities: the door is not known, any of them may place it)."""
    rows = Placement.objects.filter(grid_q(user, community="community", cell=None))
    rows = rows.filter(status=PlacementStatus.OPEN)
    return rows.select_related("registration", "community").order_by("pk")


def placement_get_for_user(*, user: Any, placement_id: int) -> Placement:
    rows = Placement.objects.filter(grid_q(user, community="community", cell=None))
    return rows.select_related("registration", "community").get(pk=placement_id)


def floating_list_for_user(*, user: Any, include_closed: bool = False) -> QuerySet[Resident]:
    rows = Resident.objects.filter(grid_q(user, community="cell__community", cell="cell"))
    rows = rows.filter(kind=ResidentKind.FLOATING)
    if not include_closed:
        rows = rows.filter(Q(status=ResidentStatus.VERIFIED) | Q(status=ResidentStatus.TO_VERIFY))
    return rows.select_related("door", "person").order_by("-pk")
