"""One row per real person: found by the blind index of their document, created if new.

Every path that meets a person by their document (a citizen's registration, a pass
application, an officer's walk-up check, later the list imports) goes through
:func:`persons_prepare`, and none of them changes a person that exists: what they declared
stays on their own record. A person's verified name and phone change only by
:func:`person_verify`, a staff action with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import scope_q, sees_everything
from fangkong.core.validation import clean_phone
from fangkong.org.permissions import can_verify_identity
from fangkong.registration.fastpath import PreparedInsert, prepare
from fangkong.registration.models import Person, Registration

NAME_MAX = 50
REASON_MIN = 2
REASON_MAX = 500


def persons_prepare(documents: Sequence[tuple[str, str]]) -> tuple[list[Person], PreparedInsert]:
    """The persons with these (validated, normalised, distinct) documents, as one prepared
    statement that creates those that are new and leaves the others as they are: ``INSERT
    ... ON CONFLICT (doc_index) DO UPDATE`` of the index itself, a no-op that makes the
    database return the stored row's key (``DO NOTHING`` returns nothing). Safe under
    concurrency: the database settles who inserts.

    Once the statement has run, each object has its row's key and nothing else of an existing
    row (not its verified name): use it to point at the person, never save it."""
    persons = [Person(doc_type=doc_type, doc_number=number) for doc_type, number in documents]
    return persons, prepare(persons, conflict="doc_index", update=["doc_index"])


def person_get_or_create(*, doc_type: str, doc_number: str) -> Person:
    """The person with this (validated and normalised) document, created if new; never
    changed if it exists."""
    persons, insert = persons_prepare([(doc_type, doc_number)])
    insert.run()
    return Person.objects.get(pk=persons[0].pk)


def _person_in_scope(user: Any, person: Person) -> bool:
    """Whether a record of the person was captured at a site of the user's jurisdiction: a
    person known only elsewhere is not the user's to verify."""
    if sees_everything(user):
        return True
    from fangkong.screening.models import Check

    in_scope = scope_q(user, unit_field="site__unit")
    return (
        Registration.objects.filter(in_scope, person=person).exists()
        or Check.objects.filter(in_scope, person=person).exists()
    )


def _clean_verification(name: str, phone: str, reason: str) -> tuple[str, str, str]:
    errors = FieldErrors()
    name = " ".join((name or "").split())
    if not name:
        errors.add("name", _("Enter the name as on the document."), "name_required")
    elif len(name) > NAME_MAX:
        errors.add("name", _("A name has at most 50 characters."), "name_too_long")
    phone = clean_phone(errors, "phone", phone or "")
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN:
        message = _("State how the details were verified.")
        errors.add("reason", message, "reason_required")
    elif len(reason) > REASON_MAX:
        errors.add("reason", _("At most 500 characters."), "too_long")
    errors.raise_if_any()
    return name, phone, reason


@transaction.atomic
def person_verify(*, actor: Any, person: Person, name: str, phone: str, reason: str) -> Person:
    """Set a person's verified name and phone, as a staff member saw them on the document
    (and, later, as a trusted list gives them). Needs a role that may verify and a record of
    the person in the actor's jurisdiction; audited as ``person.verify`` with which fields
    changed, never their values."""
    if not can_verify_identity(actor) or not _person_in_scope(actor, person):
        raise PermissionDeniedError(_("You may not verify this person's details."))
    name, phone, reason = _clean_verification(name, phone, reason)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    changed = [
        field
        for field, value in (("verified_name", name), ("verified_phone", phone))
        if getattr(locked, field) != value
    ]
    locked.verified_name, locked.verified_phone = name, phone
    locked.verified_at, locked.verified_by = timezone.now(), actor
    locked.save(
        update_fields=[
            "verified_name",
            "verified_name_index",
            "verified_phone",
            "verified_phone_index",
            "verified_at",
            "verified_by",
        ]
    )
    audit_record(
        actor=actor,
        action="person.verify",
        target=locked,
        reason=reason,
        extra={"changed": changed},
    )
    return locked
