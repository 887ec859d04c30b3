from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit records cannot be changed")

    def delete(self) -> Any:
        raise AppendOnlyError("audit records cannot be deleted")


class AuditLog(models.Model):
    """Who did what to which record, when, why and from where. Append-only and hash-chained:
    rows are added only by :func:`fangkong.core.audit.audit_record`, the model refuses updates
    and deletes, database triggers (migrations 0002, 0003) refuse them to raw SQL too, and each
    row carries the hash of the one before and of its own content (``core/auditchain.py``), so
    that ``manage.py audit_verify`` finds a row changed, removed or inserted behind their back.
    """

    # Set by the appender before hashing, so not auto_now_add (which would set it again).
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    # The user's id stays as written when the user is deleted: it is part of the row's hash.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(_("previous row's hash"), max_length=64, editable=False)
    row_hash = models.CharField(_("row hash"), max_length=64, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding is False or not self.row_hash:
            # A new row gets its id and hashes from the appender, which holds the chain's lock.
            raise AppendOnlyError("audit records are only added through audit_record")
        super().save(*args, force_insert=True)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit records cannot be deleted")


class StoredFile(models.Model):
    """A file kept in the database by ``core.storage.DatabaseStorage``
    (``FANGKONG_STORAGE=database``): photos, reports and exports that every app server reads
    from the one database they share, with no shared disk or object store to run."""

    name = models.CharField(_("name"), max_length=400, unique=True)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.name
