"""Traced contacts as key-person candidates: an analyst chooses contacts of a trace (one, or
several) and each becomes a candidate in the same review queue as a list match, held by the
unit of the site where the contact was seen (a contact found on a manifest, with no site, by
the trace's own unit). Nobody becomes a key person here: a reviewer takes the candidate on or
dismisses it (``keypersons.services.candidates``).

A candidate from a trace names the trace as its source (``source_kind`` "trace",
``source_id`` the trace's id) with the contact's person: one trace holds a person once, so the
candidate's unique key is the contact's, and it survives the trace's contacts being found
again. Proposing is idempotent: a contact proposed already, a person waiting in the queue
(from this trace, another one or a list) and a person under an open measure are skipped,
each with its code, so tracing a case twice never doubles a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.intel import selectors
from fangkong.intel.models import Trace, TraceContact
from fangkong.intel.permissions import can_work_intel
from fangkong.keypersons import selectors as kp_selectors
from fangkong.keypersons.choices import (
    OPEN_STATUSES,
    CandidateOutcome,
    CandidateSource,
    CandidateStatus,
)
from fangkong.keypersons.models import Candidate, KeyPerson

MAX_CONTACTS = 500
# The outcome a candidate from a trace carries, by the contact's degree (密接 / 次密接).
OUTCOMES = {1: CandidateOutcome.CLOSE_CONTACT, 2: CandidateOutcome.SECONDARY_CONTACT}


@dataclass
class Proposal:
    """What became of each chosen contact: ``proposed`` maps its id to the new candidate's;
    ``skipped`` maps it to why not (``already_proposed``, ``key_person``, ``pending``)."""

    proposed: dict[int, int] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)


def _clean_ids(errors: FieldErrors, trace: Trace, contact_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(contact_ids))
    if not ids:
        errors.add("contact_ids", _("Choose at least one contact."), "required")
    elif len(ids) > MAX_CONTACTS:
        message = _("At most %(n)s contacts at a time.") % {"n": MAX_CONTACTS}
        errors.add("contact_ids", message, "too_many")
    if not trace.done:
        errors.add("trace", _("The trace is still looking for contacts."), "trace_running")
    return ids


def _contacts(actor: Any, trace: Trace, ids: list[int]) -> list[TraceContact]:
    """The chosen contacts, each one the actor may see (a 422 if any is not)."""
    rows = selectors.contact_list(user=actor, trace=trace).filter(pk__in=ids)
    contacts = list(rows.select_related("site__unit"))
    if len(contacts) != len(ids):
        errors = FieldErrors()
        message = _("Some of the chosen contacts are not contacts of this trace.")
        errors.add("contact_ids", message, "contact_unknown")
        errors.raise_if_any()
    return contacts


def _skip_reasons(actor: Any, trace: Trace, person_ids: list[int]) -> dict[int, str]:
    """Why a person is not proposed again: first a candidate from this trace (any status),
    then an open measure, then a candidate waiting in the queue from elsewhere. A measure or
    a candidate outside the actor's jurisdiction still keeps the person out, but is named
    only ``not_proposed``: nothing tells a user that data exists elsewhere."""
    ours = Candidate.objects.filter(
        source_kind=CandidateSource.TRACE, source_id=trace.pk, person_id__in=person_ids
    ).values_list("person_id", flat=True)
    measured = KeyPerson.objects.filter(person_id__in=person_ids, status__in=OPEN_STATUSES)
    waiting = Candidate.objects.filter(person_id__in=person_ids, status=CandidateStatus.PENDING)
    seen_measured = kp_selectors.keyperson_list_for_user(user=actor).filter(
        person_id__in=person_ids, status__in=OPEN_STATUSES
    )
    seen_waiting = kp_selectors.candidate_list_for_user(user=actor).filter(person_id__in=person_ids)
    reasons: dict[int, str] = {}
    # The later kinds win: each is a stronger reason than the one before.
    for code, rows in (
        ("not_proposed", waiting),
        ("not_proposed", measured),
        ("pending", seen_waiting),
        ("key_person", seen_measured),
    ):
        reasons.update(dict.fromkeys(rows.values_list("person_id", flat=True), code))
    reasons.update(dict.fromkeys(ours, "already_proposed"))
    return reasons


def trace_contacts_propose(
    *, actor: Any, trace: Trace, contact_ids: Sequence[int], ip: str | None = None
) -> Proposal:
    """Make the chosen contacts of ``trace`` key-person candidates for review, in the
    jurisdiction that holds each contact's record; audited as ``intel.trace_propose``."""
    if not can_work_intel(actor, trace.unit):
        raise PermissionDeniedError(_("You cannot work on this trace."))
    errors = FieldErrors()
    ids = _clean_ids(errors, trace, contact_ids)
    errors.raise_if_any()
    result = Proposal()
    with transaction.atomic():
        contacts = _contacts(actor, trace, ids)
        skip = _skip_reasons(actor, trace, [c.person_id for c in contacts])
        fresh: list[tuple[TraceContact, Candidate]] = []
        for contact in contacts:
            if contact.person_id in skip:
                result.skipped[contact.pk] = skip[contact.person_id]
                continue
            # One person may be two contacts of a trace only at two degrees: never here, as
            # the trace holds each person once; the guard keeps the batch free of repeats.
            skip[contact.person_id] = "already_proposed"
            fresh.append((contact, _candidate(trace, contact)))
        # A second analyst (or a double click) may have proposed the same person meanwhile:
        # the unique candidate stands, and the look-up below finds it.
        Candidate.objects.bulk_create(
            [candidate for _contact, candidate in fresh], ignore_conflicts=True
        )
        stored = dict(
            Candidate.objects.filter(
                source_kind=CandidateSource.TRACE,
                source_id=trace.pk,
                person_id__in=[c.person_id for c, _candidate in fresh],
            ).values_list("person_id", "pk")
        )
        result.proposed = {contact.pk: stored[contact.person_id] for contact, _c in fresh}
        audit_record(
            actor=actor,
            action="intel.trace_propose",
            target=trace,
            ip=ip,
            extra={"proposed": sorted(result.proposed), "skipped": sorted(result.skipped)},
        )
    return result


def _candidate(trace: Trace, contact: TraceContact) -> Candidate:
    site = contact.site
    return Candidate(
        source_kind=CandidateSource.TRACE,
        source_id=trace.pk,
        person_id=contact.person_id,
        site=site,
        seen_at=contact.at,
        outcome=OUTCOMES.get(contact.degree, OUTCOMES[2]),
        unit_path=site.unit.path if site is not None else trace.unit.path,
    )
