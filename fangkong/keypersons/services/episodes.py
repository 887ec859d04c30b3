"""Episodes: a person put under a measure, its status changes (each with a reason) and its
release. The person's retention hold is set while an episode is open, so the purge keeps the
registrations and checks the case needs, and lifted when the last open episode ends."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.validation import clean_document, clean_phone
from fangkong.grid.models import Community, Door, GridCell
from fangkong.grid.scope import grid_scope
from fangkong.keypersons.choices import OPEN_STATUSES, TRANSITIONS, Measure, Source, Status
from fangkong.keypersons.models import Category, KeyPerson, StatusChange
from fangkong.registration.holds import person_hold_clear, person_hold_set
from fangkong.registration.people import person_get_or_create

NAME_MAX = 50
REASON_MIN = 2
REASON_MAX = 500
MAX_DAYS = 60


@dataclass(frozen=True)
class EpisodeIn:
    doc_type: str
    doc_number: str
    name: str
    category: Category
    source: str
    community: Community
    reason: str
    phone: str = ""
    measure: str = ""
    start_on: date | None = None
    planned_end_on: date | None = None
    cell: GridCell | None = None
    door: Door | None = None
    address: str = ""
    note: str = ""


def clean_reason(errors: FieldErrors, reason: str) -> str:
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        errors.add("reason", _("State the reason."), "reason_required")
    return reason[:REASON_MAX]


def may_manage(actor: Any, community: Community) -> bool:
    """Staff of the community's station and above, and its community officer; a grid worker
    records follow-ups but does not open or close episodes."""
    scope = grid_scope(actor)
    if scope.everything:
        return True
    if scope.kind == "unit":
        return community.station.path.startswith(scope.unit_path or "\0")
    return community.pk in scope.communities


def _clean(data: EpisodeIn, today: date) -> tuple[str, str, str, str, date, date, str]:
    errors = FieldErrors()
    number = clean_document(errors, "doc_number", data.doc_type, data.doc_number)
    phone = clean_phone(errors, "phone", data.phone or "", doc_type=data.doc_type)
    name = " ".join((data.name or "").split())
    if not name or len(name) > NAME_MAX:
        errors.add("name", _("Enter the name, at most 50 characters."), "name_required")
    if data.source not in Source.values:
        errors.add("source", _("Choose a source."), "invalid_choice")
    measure = data.measure or data.category.measure
    if measure not in Measure.values:
        errors.add("measure", _("Choose a measure."), "invalid_choice")
    start = data.start_on or today
    end = data.planned_end_on or start + timedelta(days=data.category.days)
    if not end > start or (end - start).days > MAX_DAYS or abs((start - today).days) > MAX_DAYS:
        errors.add(
            "planned_end_on",
            _("The measure ends after it starts, within 60 days."),
            "invalid_period",
        )
    if data.cell is not None and data.cell.community_id != data.community.pk:
        errors.add("cell", _("The grid cell is not in this community."), "cell_mismatch")
    if data.door is not None and data.cell is not None and data.door.cell_id != data.cell.pk:
        errors.add("door", _("The door is not in this grid cell."), "door_mismatch")
    reason = clean_reason(errors, data.reason)
    errors.raise_if_any()
    return number, phone, name, measure, start, end, reason


def keyperson_create(*, actor: Any, data: EpisodeIn) -> tuple[KeyPerson, bool]:
    """Put a person under a measure: ``(episode, created)``. A person who has an open episode
    already is not doubled: that episode is returned (merged by document) and the report is
    audited on it."""
    if not may_manage(actor, data.community):
        raise PermissionDeniedError(_("You may not add key persons to this community."))
    today = timezone.localdate()
    number, phone, name, measure, start, end, reason = _clean(data, today)
    person = person_get_or_create(doc_type=data.doc_type, doc_number=number)
    with transaction.atomic():
        open_episode = (
            KeyPerson.objects.select_for_update()
            .filter(person=person, status__in=OPEN_STATUSES)
            .first()
        )
        if open_episode is not None:
            audit_record(actor=actor, action="keyperson.merge", target=open_episode, reason=reason)
            return open_episode, False
        cell = data.cell or (data.door.cell if data.door else None)
        episode = KeyPerson.objects.create(
            person=person,
            name=name,
            phone=phone,
            category=data.category,
            source=data.source,
            measure=measure,
            start_on=start,
            planned_end_on=end,
            community=data.community,
            cell=cell,
            door=data.door,
            address=data.address or (data.door.address if data.door else ""),
            grid_worker=cell.worker if cell is not None else None,
            officer=data.community.officer,
            followups_per_day=data.category.followups_per_day,
            note=" ".join(data.note.split())[:200],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        StatusChange.objects.create(
            key_person=episode, from_status="", to_status=Status.ACTIVE, reason=reason,
            at=timezone.now(), by=episode.created_by,
        )  # fmt: skip
        person_hold_set(actor=actor, person=person, reason=_("Key person: %(reason)s") % {
            "reason": reason})  # fmt: skip
        audit_record(actor=actor, action="keyperson.create", target=episode, reason=reason)
    return episode, True


def keyperson_transition(
    *, actor: Any, key_person: KeyPerson, to_status: str, reason: str, day: date | None = None
) -> KeyPerson:
    """Change an episode's status, with a reason; releasing or cancelling ends it (on ``day``,
    today by default), voids the self-report link, and lifts the person's hold if no other
    episode of theirs is open."""
    if not may_manage(actor, key_person.community):
        raise PermissionDeniedError(_("You may not change this key person's status."))
    errors = FieldErrors()
    reason = clean_reason(errors, reason)
    if to_status not in TRANSITIONS.get(key_person.status, frozenset()):
        errors.add("status", _("This change of status is not possible."), "invalid_transition")
    errors.raise_if_any()
    with transaction.atomic():
        locked = KeyPerson.objects.select_for_update().get(pk=key_person.pk)
        if to_status not in TRANSITIONS[locked.status]:
            errors.add("status", _("This change of status is not possible."), "invalid_transition")
            errors.raise_if_any()
        StatusChange.objects.create(
            key_person=locked, from_status=locked.status, to_status=to_status, reason=reason,
            at=timezone.now(), by=actor if getattr(actor, "is_authenticated", False) else None,
        )  # fmt: skip
        locked.status = to_status
        fields = ["status"]
        if to_status not in OPEN_STATUSES:
            locked.ended_on = day or timezone.localdate()
            locked.report_token_hash = ""
            fields += ["ended_on", "report_token_hash"]
        locked.save(update_fields=fields)
        others_open = (
            KeyPerson.objects.filter(person_id=locked.person_id, status__in=OPEN_STATUSES)
            .exclude(pk=locked.pk)
            .exists()
        )
        if to_status not in OPEN_STATUSES and not others_open:
            person_hold_clear(actor=actor, person=locked.person, reason=reason)
        audit_record(
            actor=actor, action="keyperson.transition", target=locked, reason=reason,
            extra={"to": to_status},
        )  # fmt: skip
    key_person.status = locked.status
    key_person.ended_on = locked.ended_on
    return locked


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def report_link_issue(*, actor: Any, key_person: KeyPerson) -> str:
    """A new self-report token for the episode (the old link stops working). Only its hash
    is kept: the link is shown once, to be given to the person."""
    if key_person.status not in OPEN_STATUSES:
        errors = FieldErrors()
        errors.add("status", _("The episode has ended."), "episode_ended")
        errors.raise_if_any()
    token = secrets.token_urlsafe(24)
    key_person.report_token_hash = token_hash(token)
    key_person.save(update_fields=["report_token_hash"])
    audit_record(actor=actor, action="keyperson.report_link", target=key_person)
    return token
