"""Checkpoint outcomes flow in: a check that ends in 劝返 or 移交卫健 becomes a candidate in
the review queue of the units above its site. (A list's counted match on any record becomes
one too, proposed in SQL by ``intel.services.matching``, and so does a traced contact an
analyst chooses, by ``intel.services.trace_candidates``.) Nobody becomes a key person silently: a
reviewer takes the candidate on (choosing the community and category) or dismisses it, with
a reason.

The screening service may call :func:`candidate_from_check` as a check is saved; until it
does, :func:`candidates_collect` (run with the end-of-day check) picks up the checks since a
moment. Both are idempotent: one candidate per check.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.core.jurisdiction import sees_everything
from fangkong.grid.models import Community, GridCell
from fangkong.keypersons.choices import CHECK_OUTCOMES, CandidateSource, CandidateStatus, Source
from fangkong.keypersons.models import Candidate, Category, KeyPerson
from fangkong.keypersons.services.episodes import EpisodeIn, clean_reason, keyperson_create


def candidate_from_check(check: Any) -> Candidate | None:
    """The candidate for ``check`` if its outcome calls for one (created once)."""
    if check.outcome not in CHECK_OUTCOMES:
        return None
    candidate, _created = Candidate.objects.get_or_create(
        check_record=check,
        defaults={
            "source_kind": CandidateSource.CHECK,
            "source_id": check.pk,
            "person_id": check.person_id,
            "site_id": check.site_id,
            "seen_at": check.checked_at,
            "outcome": check.outcome,
            "unit_path": check.site.unit.path,
        },
    )
    return candidate


def candidates_collect(*, since: datetime) -> int:
    """Candidates for the checks since ``since`` that have none yet; how many were added."""
    from fangkong.screening.models import Check

    checks = (
        Check.objects.filter(checked_at__gte=since, outcome__in=CHECK_OUTCOMES)
        .exclude(Exists(Candidate.objects.filter(check_record=OuterRef("pk"))))
        .values_list("pk", "person_id", "site_id", "checked_at", "outcome", "site__unit__path")
    )
    rows = [
        Candidate(
            check_record_id=pk, source_kind=CandidateSource.CHECK, source_id=pk,
            person_id=person, site_id=site, seen_at=at, outcome=outcome, unit_path=path,
        )
        for pk, person, site, at, outcome, path in checks.iterator(chunk_size=2000)
    ]  # fmt: skip
    Candidate.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _may_review(actor: Any, candidate: Candidate) -> bool:
    if sees_everything(actor):
        return True
    staff = getattr(actor, "staff", None)
    return staff is not None and candidate.unit_path.startswith(staff.unit.path)


def candidate_accept(
    *,
    actor: Any,
    candidate: Candidate,
    community: Community,
    category: Category,
    name: str,
    reason: str,
    cell: GridCell | None = None,
    address: str = "",
) -> KeyPerson:
    """Take the candidate on as a key person of ``community`` (merged with an open episode of
    the same person, if any)."""
    if not _may_review(actor, candidate):
        raise PermissionDeniedError(_("You may not review this candidate."))
    _pending(candidate)
    person = candidate.person
    episode, _created = keyperson_create(
        actor=actor,
        data=EpisodeIn(
            doc_type=person.doc_type, doc_number=person.doc_number, name=name,
            category=category, source=_episode_source(candidate), community=community,
            reason=reason,
            cell=cell, address=address,
        ),
    )  # fmt: skip
    with transaction.atomic():
        candidate.status, candidate.key_person = CandidateStatus.ACCEPTED, episode
        candidate.reviewed_at, candidate.reviewed_by = timezone.now(), actor
        candidate.reason = " ".join(reason.split())[:500]
        candidate.save(
            update_fields=["status", "key_person", "reviewed_at", "reviewed_by", "reason"]
        )
        audit_record(actor=actor, action="keyperson.candidate_accept", target=candidate)
    return episode


@transaction.atomic
def candidate_dismiss(*, actor: Any, candidate: Candidate, reason: str) -> Candidate:
    if not _may_review(actor, candidate):
        raise PermissionDeniedError(_("You may not review this candidate."))
    errors = FieldErrors()
    reason = clean_reason(errors, reason)
    errors.raise_if_any()
    _pending(candidate)
    candidate.status, candidate.reason = CandidateStatus.DISMISSED, reason
    candidate.reviewed_at, candidate.reviewed_by = timezone.now(), actor
    candidate.save(update_fields=["status", "reason", "reviewed_at", "reviewed_by"])
    audit_record(actor=actor, action="keyperson.candidate_dismiss", target=candidate, reason=reason)
    return candidate


def _episode_source(candidate: Candidate) -> str:
    """Where the episode came from: a checkpoint, a contact trace, or a list (its match on
    any record)."""
    if candidate.outcome in CHECK_OUTCOMES:
        return Source.CHECKPOINT
    if candidate.source_kind == CandidateSource.TRACE:
        return Source.TRACING
    return Source.HEALTH_LIST


def _pending(candidate: Candidate) -> None:
    if candidate.status != CandidateStatus.PENDING:
        errors = FieldErrors()
        errors.add("status", _("This candidate has been reviewed already."), "reviewed")
        errors.raise_if_any()
