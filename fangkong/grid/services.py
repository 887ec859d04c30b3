"""Writes on the grid: communities from the packaged division table, cells and their grid
workers, door-to-door visits and residents. Each is one transaction with its audit record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError, refuse
from fangkong.core.validation import clean_document, clean_phone
from fangkong.grid.choices import ResidentKind, ResidentStatus
from fangkong.grid.divisions import sub_division
from fangkong.grid.models import Community, Door, DoorVisit, GridCell, Resident, Street
from fangkong.org.choices import UnitKind
from fangkong.org.models import Staff, Unit
from fangkong.org.permissions import can_administer
from fangkong.registration.people import person_get_or_create

NOTE_MAX = 200
NAME_MAX = 50
STATION_KINDS = frozenset({UnitKind.STATION, UnitKind.POLICE_OFFICE, UnitKind.BRANCH_BUREAU})


@transaction.atomic
def community_create(
    *, actor: Any, code: str, station: Unit, officer: Staff | None = None
) -> Community:
    """The community (or village) with this 12-digit statistical code, under ``station``."""
    if not can_administer(actor, station):
        raise PermissionDeniedError(_("You may not set up communities for this unit."))
    division = sub_division(code)
    if division is None or division.is_street:
        refuse("code", _("No community or village has this code."), "division_unknown")
    if station.kind not in STATION_KINDS:
        refuse("station", _("A community belongs to a police station."), "not_a_station")
    if Community.objects.filter(code=code).exists():
        refuse("code", _("This community is set up already."), "duplicate")
    street_division = sub_division(division.parent_code)
    street, _created = Street.objects.get_or_create(
        code=division.parent_code,
        defaults={
            "name": street_division.name if street_division else division.parent_code,
            "county_code": code[:6],
        },
    )
    community = Community.objects.create(
        code=code, name=division.short_name, street=street, station=station, officer=officer
    )
    audit_record(actor=actor, action="grid.community_create", target=community)
    return community


@transaction.atomic
def cell_worker_set(*, actor: Any, cell: GridCell, worker: Staff | None) -> GridCell:
    if not can_administer(actor, cell.community.station):
        raise PermissionDeniedError(_("You may not assign this grid cell."))
    cell.worker = worker
    cell.save(update_fields=["worker"])
    audit_record(
        actor=actor, action="grid.cell_worker", target=cell, extra={"worker": worker and worker.pk}
    )
    return cell


def _actor_staff(actor: Any) -> Staff | None:
    return getattr(actor, "staff", None) if actor is not None else None


def door_visit_record(
    *,
    actor: Any,
    door: Door,
    residents_seen: int,
    outsiders: int = 0,
    returnees: int = 0,
    note: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> tuple[DoorVisit, bool]:
    """Record a visit to ``door`` (入户摸排); ``(visit, created)``. A visit sent again with
    the same idempotency key returns the first one."""
    if idempotency_key:
        found = DoorVisit.objects.filter(idempotency_key=idempotency_key).first()
        if found is not None:
            return found, False
    now = timezone.now()
    at = min(at or now, now)
    try:
        with transaction.atomic():
            visit = DoorVisit.objects.create(
                door=door,
                cell_id=door.cell_id,
                staff=_actor_staff(actor),
                at=at,
                residents_seen=residents_seen,
                outsiders=outsiders,
                returnees=returnees,
                note=" ".join(note.split())[:NOTE_MAX],
                idempotency_key=idempotency_key or None,
            )
            if door.swept_at is None or door.swept_at < at:
                door.swept_at = at
                door.save(update_fields=["swept_at"])
            audit_record(actor=actor, action="grid.door_visit", target=visit)
    except IntegrityError:
        # The same key sent twice at once: the other request recorded it.
        return DoorVisit.objects.get(idempotency_key=idempotency_key), False
    return visit, True


@transaction.atomic
def resident_add(
    *,
    actor: Any,
    door: Door,
    doc_type: str,
    doc_number: str,
    name: str,
    phone: str = "",
    kind: str = ResidentKind.REGISTERED,
    outsider: bool = False,
    returnee: bool = False,
    moved_in_on: date | None = None,
) -> Resident:
    """A resident found at ``door``; the person is found or created by their document."""
    errors = FieldErrors()
    number = clean_document(errors, "doc_number", doc_type, doc_number)
    phone = clean_phone(errors, "phone", phone, doc_type=doc_type)
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        errors.add("name", _("Enter the name, at most 50 characters."), "name_required")
    if kind not in ResidentKind.values:
        errors.add("kind", _("Choose a kind of resident."), "invalid_choice")
    errors.raise_if_any()
    person = person_get_or_create(doc_type=doc_type, doc_number=number)
    if Resident.objects.filter(door=door, person=person, active=True).exists():
        refuse("doc_number", _("This person is listed at this door already."), "duplicate")
    resident = Resident.objects.create(
        door=door,
        cell_id=door.cell_id,
        person=person,
        name=name,
        phone=phone,
        kind=kind,
        outsider=outsider,
        returnee=returnee,
        moved_in_on=moved_in_on,
        verified_at=timezone.now(),
    )
    audit_record(actor=actor, action="grid.resident_add", target=resident)
    return resident


@transaction.atomic
def resident_move_out(*, actor: Any, resident: Resident, day: date, reason: str) -> Resident:
    reason = " ".join(reason.split())
    if len(reason) < 2:
        refuse("reason", _("State why."), "reason_required")
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if locked.status not in (ResidentStatus.VERIFIED, ResidentStatus.TO_VERIFY):
        refuse("status", _("This resident no longer lives here."), "invalid_state")
    if day > timezone.localdate():
        refuse("moved_out_on", _("The date cannot be in the future."), "date_future")
    locked.active, locked.moved_out_on = False, day
    locked.status = ResidentStatus.MOVED_OUT
    locked.save(update_fields=["active", "moved_out_on", "status"])
    audit_record(actor=actor, action="grid.resident_move_out", target=locked, reason=reason[:500])
    return locked
