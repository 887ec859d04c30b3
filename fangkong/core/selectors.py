"""Reads of the core app: a record's audit history, the audit chain's verification."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from fangkong.core import auditchain
from fangkong.core.models import AuditLog


@dataclass(frozen=True)
class ChainCheck:
    result: auditchain.Result
    anchor_missing: bool = False

    @property
    def problem(self) -> auditchain.Problem | None:
        return self.result.problem


def audit_chain_verify(
    *, anchor_id: int | None = None, anchor_hash: str | None = None
) -> ChainCheck:
    """Walk every audit record in id order (streamed). With an anchor (a head printed before
    and kept elsewhere), also check that that row is still there with that hash: a log
    rewritten from some row on, hashes and all, passes the walk but loses the anchor."""
    rows = (
        AuditLog.objects.order_by("id")
        .values("id", *auditchain.FIELDS, "row_hash")
        .iterator(chunk_size=5000)
    )
    result = auditchain.verify(rows)
    if anchor_id is None or result.problem is not None:
        return ChainCheck(result)
    stored = AuditLog.objects.filter(pk=anchor_id).values_list("row_hash", flat=True).first()
    return ChainCheck(result, anchor_missing=stored != anchor_hash)


def audit_history(target: models.Model) -> QuerySet[AuditLog]:
    """What was done to ``target``, oldest first. The caller has checked that the user may
    see ``target``.

    Records name their target by model label. A model moved to another app lists its labels
    of before in ``former_labels``: the records written then keep them (the audit chain hashes
    them), and still belong to the history."""
    labels = [target._meta.label_lower, *getattr(target, "former_labels", ())]
    return (
        AuditLog.objects.filter(target_type__in=labels, target_id=str(target.pk))
        .select_related("actor__staff")
        .order_by("at", "id")
    )
