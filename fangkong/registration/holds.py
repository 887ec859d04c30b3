"""A person's retention hold: while it is set, the purge keeps the person and every record
that refers to them (registrations, checks, vehicle passes). Set by staff for a key person or
a case, with a reason, and audited; cleared the same way."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors
from fangkong.registration.models import Person

REASON_MAX = 500


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if len(reason) < 2:
        errors = FieldErrors()
        errors.add("reason", _("State why the hold is set or lifted."), "reason_required")
        errors.raise_if_any()
    return reason[:REASON_MAX]


def _set(actor: Any, person: Person, reason: str, hold: bool, action: str) -> Person:
    reason = _reason(reason)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = locked.hold != hold
        if changed:
            locked.hold = hold
            locked.save(update_fields=["hold"])
        audit_record(
            actor=actor, action=action, target=locked, reason=reason, extra={"changed": changed}
        )
    person.hold = hold
    return locked


def person_hold_set(*, actor: Any, person: Person, reason: str) -> Person:
    """Keep ``person`` and their records past the retention period (a key person, a case).
    Whoever calls this has checked that ``actor`` may; ``actor`` is None for a trusted list."""
    return _set(actor, person, reason, True, "person.hold")


def person_hold_clear(*, actor: Any, person: Person, reason: str) -> Person:
    """Let the purge take ``person`` and their records again once they are old enough."""
    return _set(actor, person, reason, False, "person.hold_clear")
