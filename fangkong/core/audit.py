"""Writing audit records. Every view of a person's details, every export and every policy
change calls :func:`audit_record` inside the same transaction as the work it records.

Records form a hash chain (``core/auditchain.py``). Appending reads the last row and inserts
the next one, so two appends must never interleave, or both would follow the same row and
the chain would fork: on SQLite every transaction takes the database's write lock at BEGIN
(``transaction_mode=IMMEDIATE``), and on PostgreSQL the appender takes a transaction-level
advisory lock first. That lock is held until the caller's transaction ends, so audited
transactions run their ``audit_record`` last where they can.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from fangkong.core import auditchain
from fangkong.core.actors import Actor
from fangkong.core.http import client_ip
from fangkong.core.models import AuditLog
from fangkong.core.sql import default_connection

# pg_advisory_xact_lock's key for "the audit chain" (the bytes of "fk-audit").
CHAIN_LOCK = int.from_bytes(b"fk-audit", "big")


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    ip: str | None = None,
    request: HttpRequest | None = None,
) -> AuditLog:
    """Append one record. ``request`` (optional) gives the address when ``ip`` is not."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    if ip is None:
        ip = client_ip(request)
    record = AuditLog(
        at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        extra=auditchain.normalize_extra(extra),
        ip=auditchain.normalize_ip(ip),
    )
    _append(record)
    return record


def _append(record: AuditLog) -> None:
    with transaction.atomic():
        db = default_connection()
        if db.vendor == "postgresql":
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditLog.objects.order_by("-id").values_list("id", "row_hash").first()
        # Ids are handed out here, one after the other, so the chain's order is the ids'.
        record.id = last[0] + 1 if last else 1
        record.prev_hash = last[1] if last else auditchain.GENESIS
        record.row_hash = auditchain.row_hash(chain_fields(record))
        record.save()


def chain_fields(record: AuditLog) -> dict[str, Any]:
    return {name: getattr(record, name) for name in auditchain.FIELDS}
