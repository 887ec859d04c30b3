"""Writes of self-registrations: creating a pass from a citizen's form, purging old ones."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.rollups import record_registrations
from fangkong.core.audit import audit_record
from fangkong.core.writers import writer_turn
from fangkong.intel import services as intel_services
from fangkong.registration.choices import RegistrationKind
from fangkong.registration.cleaning import CleanRegistration, GroupIn, PersonIn, clean_registration
from fangkong.registration.fastpath import (
    PreparedInsert,
    prepare,
    registration_id_by_key,
    short_code_taken,
)
from fangkong.registration.models import Person, Registration, TravelGroup
from fangkong.registration.people import persons_prepare
from fangkong.registration.selectors import site_accepts
from fangkong.registration.vehicles import vehicle_prepare
from fangkong.sites.choices import SiteStatus
from fangkong.sites.models import Site

logger = logging.getLogger(__name__)

# Read aloud over a car window: no 0/O or 1/I to confuse.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 characters
SHORT_CODE_LENGTH = 6
SUBMISSION_KEY_MAX = 64
PURGE_BATCH = 500


def new_submission_key() -> str:
    """The random key a form carries, so that sending it twice registers once."""
    return secrets.token_urlsafe(24)


def _pass_hours() -> int:
    return int(getattr(settings, "PASS_VALID_HOURS", 24))


def _draw_code() -> str:
    # 32 divides 256, so a random byte modulo 32 picks every character alike.
    return "".join(SHORT_CODE_ALPHABET[b % 32] for b in secrets.token_bytes(SHORT_CODE_LENGTH))


def _short_code(now: datetime) -> str:
    # 32**6 is about a billion codes, so a clash among the passes valid at once is rare and
    # another draw settles it. Two requests drawing the same code at the same instant is
    # rarer still; the officer would then see both passes and tell them apart by name.
    for _attempt in range(10):
        code = _draw_code()
        if not short_code_taken(code, now):
            return code
    raise RuntimeError("no free short code after 10 draws")


def _existing(submission_key: str) -> Registration | None:
    pk = registration_id_by_key(submission_key)
    return Registration.objects.get(pk=pk) if pk is not None else None


def _check_input(*, site: Site, kind: str, submission_key: str) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not site_accepts(site, kind) or site.status != SiteStatus.OPEN:
        message = _("This site does not take this registration now.")
        errors["site"] = [ValidationError(message, code="site_not_accepting")]
    if not submission_key or len(submission_key) > SUBMISSION_KEY_MAX:
        message = _("The form has expired. Open it again and resubmit.")
        errors["submission_key"] = [ValidationError(message, code="submission_key_invalid")]
    if errors:
        raise ValidationError(errors)


def registration_create(
    *,
    site: Site,
    kind: str,
    submission_key: str,
    data: dict[str, Any],
    at: datetime | None = None,
) -> Registration:
    """Register the people of one form at ``site`` and return the lead registration, whose
    ``pass_token`` / ``short_code`` is the pass everyone in the form shares.

    ``at`` is when the form was filled in, now by default (the public form and the API never
    pass it; the demo's week of registrations does); the pass is valid from then.

    Idempotent on ``submission_key``: the same form sent again (a double tap, a retry on a
    bad network, two requests racing) returns the registration the first one made."""
    submission_key = (submission_key or "").strip()
    _check_input(site=site, kind=kind, submission_key=submission_key)
    existing = _existing(submission_key)
    if existing is not None:
        return existing
    cleaned = clean_registration(kind=kind, site_kind=site.kind, data=data)
    try:
        return _save(
            site=site,
            kind=kind,
            submission_key=submission_key,
            cleaned=cleaned,
            now=at or timezone.now(),
        )
    except IntegrityError:
        # The same form's other request committed between our look-up and our insert.
        existing = _existing(submission_key)
        if existing is None:
            raise
        return existing


def _save(
    *, site: Site, kind: str, submission_key: str, cleaned: CleanRegistration, now: datetime
) -> Registration:
    # Everything that needs no write is done before the transaction: on SQLite writers take
    # turns, and whatever runs inside the transaction makes the others wait. The rows are
    # prepared in full; only the keys the database hands out are bound inside.
    vehicle = _vehicle_get_or_create(cleaned.group)
    persons, person_insert = persons_prepare([(p.doc_type, p.doc_number) for p in cleaned.people])
    group = _group_insert(site, cleaned.group, now)
    registrations = _registrations(
        cleaned, site=site, kind=kind, submission_key=submission_key, now=now, code=_short_code(now)
    )
    rows = prepare(registrations)
    with writer_turn(), transaction.atomic():
        vehicle.run()
        if group.objs:
            group.bind("vehicle", [vehicle.objs[0] if vehicle.objs else None])
            group.run()
        person_insert.run()
        rows.bind("person", persons)
        rows.bind("group", [group.objs[0] if group.objs else None] * len(registrations))
        rows.run()
        record_registrations(registrations)
    intel_services.alerts_for(registrations=registrations)  # a person or plate on a list
    if kind == RegistrationKind.FLOATING:
        from fangkong.grid.floating import floating_intake  # grid builds on registration

        floating_intake(registrations[0])  # a resident to verify, or a door to find
    return registrations[0]


def _registrations(
    cleaned: CleanRegistration,
    *,
    site: Site,
    kind: str,
    submission_key: str,
    now: datetime,
    code: str,
) -> list[Registration]:
    """The registrations of the form's people, unsaved, all sharing one pass."""
    common = {
        "created_at": now,
        "kind": kind,
        "site": site,
        "submission_key": submission_key,
        "pass_token": secrets.token_urlsafe(32),
        "short_code": code,
        "valid_until": now + timedelta(hours=_pass_hours()),
    }
    return [_registration(p, common) for p in cleaned.people]


def _registration(p: PersonIn, common: dict[str, Any]) -> Registration:
    """A registration with what its person declared: their name and phone stay on it, and
    the person they point at is never changed by them."""
    return Registration(
        role=p.role,
        declared=p.declared,
        name=p.name,
        phone=p.phone,
        phone_tail=p.phone[-4:],
        contact_name=p.contact_name,
        contact_phone=p.contact_phone,
        **common,
    )


def _vehicle_get_or_create(group: GroupIn | None) -> PreparedInsert:
    """The form's vehicle by its plate (:func:`vehicle_prepare`), bound to the travel group
    once it has its key."""
    if group is None or not group.plate:
        return prepare([])
    return vehicle_prepare(group.plate)[1]


def _group_insert(site: Site, group: GroupIn | None, now: datetime) -> PreparedInsert:
    """The travel group of a road form, its vehicle bound once the vehicle has its key."""
    return prepare([] if group is None else [_travel_group(site, group, now)])


def _travel_group(site: Site, group: GroupIn, now: datetime) -> TravelGroup:
    return TravelGroup(
        created_at=now,
        site=site,
        vehicle_kind=group.vehicle_kind if group.plate else "",
        origin_division=group.origin,
        places_passed=group.places_passed,
        destination=group.destination,
        purpose=group.purpose,
    )


def _unreferenced_persons(person_ids: set[int]) -> Any:
    """Persons among ``person_ids`` that nothing points at any more: no registration, no
    check, no vehicle pass, and whatever other apps link to a person later on."""
    persons = Person.objects.filter(pk__in=person_ids, hold=False)
    for relation in Person._meta.related_objects:
        model, column = relation.related_model, relation.field.name
        if relation.many_to_many:
            through = relation.through._meta  # type: ignore[union-attr]
            model = relation.through
            column = next(f.name for f in through.fields if f.related_model is Person)
        persons = persons.exclude(Exists(model.objects.filter(**{column: OuterRef("pk")})))
    return persons


def _purge_batch(ids: list[int], cutoff: datetime) -> dict[str, int]:
    with transaction.atomic():
        rows = Registration.objects.filter(pk__in=ids)
        group_ids = set(rows.exclude(group=None).values_list("group_id", flat=True))
        person_ids = set(rows.values_list("person_id", flat=True))
        _, deleted = rows.delete()
        groups = TravelGroup.objects.filter(pk__in=group_ids, created_at__lt=cutoff).exclude(
            Exists(Registration.objects.filter(group=OuterRef("pk")))
        )
        _, deleted_groups = groups.delete()
        _, deleted_persons = _unreferenced_persons(person_ids).delete()
    return {
        "registrations": deleted.get("registration.Registration", 0),
        "travel_groups": deleted_groups.get("registration.TravelGroup", 0),
        "persons": deleted_persons.get("registration.Person", 0),
    }


def registration_purge(
    *, now: datetime | None = None, days: int | None = None, batch_size: int = PURGE_BATCH
) -> dict[str, int]:
    """Delete registrations older than the retention period, with their travel groups and
    the persons nothing else refers to; a person on hold (key person, case) keeps theirs.

    Works in batches, each its own transaction, so a large purge never holds the write lock
    for long; writes one audit record with the counts."""
    days = settings.RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    expired = Registration.objects.filter(created_at__lt=cutoff, person__hold=False)
    counts = {"registrations": 0, "travel_groups": 0, "persons": 0}
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:batch_size]):
        for name, count in _purge_batch(ids, cutoff).items():
            counts[name] += count
    counts["travel_groups"] += _purge_empty_groups(cutoff)
    logger.info("retention purge before %s: %s", cutoff.isoformat(), counts)
    audit_record(
        actor=None,
        action="retention.purge",
        extra={**counts, "days": days, "cutoff": cutoff.isoformat()},
    )
    return counts


def _purge_empty_groups(cutoff: datetime) -> int:
    """Old travel groups left without registrations (their people registered elsewhere)."""
    empty = TravelGroup.objects.filter(created_at__lt=cutoff).filter(
        ~Q(Exists(Registration.objects.filter(group=OuterRef("pk"))))
    )
    _, deleted = empty.delete()
    return deleted.get("registration.TravelGroup", 0)
