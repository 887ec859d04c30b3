"""The last purge steps: persons and vehicles that no record refers to any more.

Registrations, checks and vehicle passes each go after their own retention period; what they
pointed at stays behind unless something deletes it: a person seen only in walk-up checks, a
pass's driver, a plate. These steps run after every other one (``manage.py purge_expired``)
and look at every relation to the model, so a link another app adds later (a key person, a
case) keeps its rows without a change here. A person on hold is always kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from fangkong.core.audit import audit_record
from fangkong.registration.models import Person, Vehicle

logger = logging.getLogger(__name__)
BATCH = 500


def unreferenced(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of ``queryset`` that no row of any other model points at."""
    model = queryset.model
    for relation in model._meta.related_objects:
        related, column = relation.related_model, relation.field.name
        if relation.many_to_many:
            related = relation.through  # type: ignore[union-attr]
            column = next(
                f.name for f in related._meta.fields if f.is_relation and f.related_model is model
            )
        queryset = queryset.exclude(Exists(related.objects.filter(**{column: OuterRef("pk")})))
    return queryset


def _delete_in_batches(candidates: models.QuerySet, label: str) -> int:
    """Delete ``candidates`` a batch at a time, each batch in its own short transaction and
    checked again at delete time. A batch that a concurrent write has just linked to is left
    for the next run instead of failing the purge."""
    deleted, skipped = 0, set()
    while ids := list(
        candidates.exclude(pk__in=skipped).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        try:
            with transaction.atomic():
                _, counts = candidates.filter(pk__in=ids).delete()
        except (IntegrityError, ProtectedError, RestrictedError):
            logger.warning("purge of %s: a batch was linked again meanwhile, left", label)
            skipped.update(ids)
            continue
        deleted += counts.get(label, 0)
    return deleted


def person_purge_orphans(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete persons first seen before the retention period that no registration, check,
    vehicle pass or other record refers to, unless on hold."""
    days = settings.RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    candidates = unreferenced(Person.objects.filter(hold=False, created_at__lt=cutoff))
    count = _delete_in_batches(candidates, "registration.Person")
    audit_record(
        actor=None,
        action="person.purge",
        extra={"persons": count, "days": days, "cutoff": cutoff.isoformat()},
    )
    return {"persons": count}


def vehicle_purge_orphans(**_: Any) -> dict[str, int]:
    """Delete vehicles that no travel group or other record refers to. A vehicle is made with
    its first travel group, so one without any is left over from purged records."""
    count = _delete_in_batches(unreferenced(Vehicle.objects.all()), "registration.Vehicle")
    audit_record(actor=None, action="vehicle.purge", extra={"vehicles": count})
    return {"vehicles": count}
