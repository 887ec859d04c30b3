"""The vehicle passes' purge step: a pass goes some time after it stopped counting."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fangkong.core.audit import audit_record
from fangkong.screening.choices import PassStatus
from fangkong.screening.models import VehiclePass

BATCH = 500


def expired_passes(*, now: datetime, days: int) -> Q:
    """Passes whose last day passed ``days`` days ago, and revoked or rejected ones decided
    that long ago. An application nobody decided ends with its period like a pass."""
    last_day = timezone.localdate(now) - timedelta(days=days)
    decided_before = now - timedelta(days=days)
    ended = Q(valid_to__lt=last_day)
    withdrawn = Q(
        status__in=[PassStatus.REVOKED, PassStatus.REJECTED], decided_at__lt=decided_before
    )
    return ended | withdrawn


def vehicle_pass_purge(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete passes past ``FANGKONG_PASS_RETENTION_DAYS`` (or ``days``), except those with a
    driver on hold. Their drivers go in the persons' step once nothing else refers to them.
    A step of ``manage.py purge_expired``, after the checks and before the persons."""
    now = now or timezone.now()
    days = settings.PASS_RETENTION_DAYS if days is None else days
    expired = VehiclePass.objects.filter(expired_passes(now=now, days=days)).exclude(
        drivers__person__hold=True
    )
    count = 0
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            _, deleted = VehiclePass.objects.filter(pk__in=ids).delete()
        count += deleted.get("screening.VehiclePass", 0)
    audit_record(
        actor=None,
        action="vehicle_pass.purge",
        extra={"vehicle_passes": count, "days": days},
    )
    return {"vehicle_passes": count}
