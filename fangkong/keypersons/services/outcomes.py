"""What became of a checkpoint outcome. A check that ended in 劝返 records where the person
was sent and, later, the confirmation that they arrived there or left the prefecture (who
confirmed it, when and how); a check that ended in 移交卫健 records the handover (the health
worker who received the person, their unit, when). Either also puts the check in the
key-person review queue (once), so nobody drops out between the checkpoint and the grid.

Anyone who sees the check (its site lies in their unit's subtree) may record these; each write
is one transaction with its audit record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import scope_q
from fangkong.keypersons.choices import CandidateOutcome, ConfirmedHow, ReturnState
from fangkong.keypersons.models import HealthHandover, ReturnReferral
from fangkong.keypersons.services.candidates import candidate_from_check

TEXT_MAX, NAME_MAX, UNIT_MAX, NOTE_MAX = 200, 50, 100, 200


def _text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _may_record(actor: Any, check: Any) -> None:
    from fangkong.screening.models import Check

    if not Check.objects.filter(scope_q(actor, unit_field="site__unit"), pk=check.pk).exists():
        raise PermissionDeniedError(_("You may not record what became of this check."))


def _outcome(errors: FieldErrors, check: Any, wanted: str) -> None:
    if check.outcome != wanted:
        errors.add("outcome", _("The check did not end in this outcome."), "outcome_mismatch")


def _when(errors: FieldErrors, field: str, at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + timedelta(minutes=5):
        errors.add(field, _("This time lies in the future."), "in_future")
    return at


@transaction.atomic
def return_record(*, actor: Any, check: Any, destination: str, note: str = "") -> ReturnReferral:
    """Where the person persuaded to return was sent (changed freely until confirmed)."""
    _may_record(actor, check)
    errors = FieldErrors()
    _outcome(errors, check, CandidateOutcome.PERSUADE_RETURN)
    destination = _text(destination, TEXT_MAX)
    if len(destination) < 2:
        errors.add("destination", _("Enter where the person was sent."), "destination_required")
    errors.raise_if_any()
    referral = ReturnReferral.objects.select_for_update().filter(check_record=check).first()
    if referral is not None and referral.state != ReturnState.SENT:
        errors.add("destination", _("The return has been confirmed already."), "confirmed")
        errors.raise_if_any()
    if referral is None:
        referral = ReturnReferral(check_record=check, unit_path=check.site.unit.path)
    referral.destination, referral.note = destination, _text(note, NOTE_MAX)
    referral.recorded_by = actor
    referral.save()
    candidate_from_check(check)
    audit_record(actor=actor, action="keyperson.return_record", target=referral)
    return referral


@transaction.atomic
def return_confirm(
    *,
    actor: Any,
    check: Any,
    state: str,
    how: str,
    at: datetime | None = None,
    note: str = "",
) -> ReturnReferral:
    """The confirmation that the person arrived at the destination or left the prefecture."""
    _may_record(actor, check)
    errors = FieldErrors()
    referral = ReturnReferral.objects.select_for_update().filter(check_record=check).first()
    if referral is None:
        errors.add("destination", _("Record where the person was sent first."), "not_sent")
        errors.raise_if_any()
    assert referral is not None  # noqa: S101 - raised above otherwise
    if state not in (ReturnState.ARRIVED, ReturnState.LEFT):
        errors.add("state", _("Choose arrived or left the prefecture."), "invalid_choice")
    if how not in ConfirmedHow.values:
        errors.add("how", _("Choose how it was confirmed."), "invalid_choice")
    at = _when(errors, "at", at)
    if at < check.checked_at:
        errors.add("at", _("The confirmation cannot come before the check."), "before_check")
    if referral.state != ReturnState.SENT:
        errors.add("state", _("The return has been confirmed already."), "confirmed")
    errors.raise_if_any()
    referral.state, referral.confirmed_how, referral.confirmed_at = state, how, at
    referral.confirmed_by, referral.confirmed_note = actor, _text(note, NOTE_MAX)
    referral.save(
        update_fields=["state", "confirmed_how", "confirmed_at", "confirmed_by", "confirmed_note"]
    )
    audit_record(
        actor=actor, action="keyperson.return_confirm", target=referral, extra={"state": state}
    )
    return referral


@transaction.atomic
def handover_record(
    *,
    actor: Any,
    check: Any,
    receiver_name: str,
    receiver_unit: str,
    handed_at: datetime | None = None,
    note: str = "",
) -> HealthHandover:
    """The handover of a person referred to the health authority (recorded once)."""
    _may_record(actor, check)
    errors = FieldErrors()
    _outcome(errors, check, CandidateOutcome.REFER_HEALTH)
    receiver_name = _text(receiver_name, NAME_MAX + 1)
    receiver_unit = _text(receiver_unit, UNIT_MAX + 1)
    if not receiver_name or len(receiver_name) > NAME_MAX:
        errors.add("receiver_name", _("Enter who received the person."), "name_required")
    if len(receiver_unit) < 2 or len(receiver_unit) > UNIT_MAX:
        errors.add("receiver_unit", _("Enter the receiving health unit."), "unit_required")
    handed_at = _when(errors, "handed_at", handed_at)
    if handed_at < check.checked_at:
        errors.add("handed_at", _("The handover cannot come before the check."), "before_check")
    if HealthHandover.objects.filter(check_record=check).exists():
        errors.add("__all__", _("The handover has been recorded already."), "duplicate")
    errors.raise_if_any()
    handover = HealthHandover.objects.create(
        check_record=check, unit_path=check.site.unit.path, receiver_name=receiver_name,
        receiver_unit=receiver_unit, handed_at=handed_at, note=_text(note, NOTE_MAX),
        recorded_by=actor,
    )  # fmt: skip
    candidate_from_check(check)
    audit_record(actor=actor, action="keyperson.health_handover", target=handover)
    return handover
