"""Writing audit records. Every view of a person's details, every export and every policy
change calls :func:`audit_record` inside the same transaction as the work it records."""

from __future__ import annotations

from typing import Any

from django.db import models

from fangkong.core.models import AuditLog


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if authenticated else None,
        actor_name=actor.get_username() if authenticated else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        extra=extra or {},
        ip=ip,
    )
