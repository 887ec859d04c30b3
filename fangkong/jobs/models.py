"""Background jobs: what a person started, how far it got, and what came of it.

django-tasks (with the database backend of django-tasks-db) queues and runs the work; a
:class:`Job` is our own record of it, which pages and the API read: who started it for which
unit, its progress (a percentage, a message and the best result so far), a request to stop,
and the result or the error. Workers record a heartbeat, so that operations can tell a
stopped worker from an idle one.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.fields import actor_field
from fangkong.jobs.choices import FINISHED, JobStatus
from fangkong.org.models import Unit


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    owner = actor_field(_("started by"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # The language of the person who started it: messages made while running are in it.
    language = models.CharField(_("language"), max_length=16, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # An untranslated message id and its values: each reader sees it in their own language.
    message = models.CharField(_("message"), max_length=200, blank=True)
    message_params = models.JSONField(_("message values"), default=dict, blank=True)
    # The best result so far: [{"label": message id, "value": number or text}, ...].
    best = models.JSONField(_("best so far"), default=list, blank=True)
    # When the job expects to end at the latest (a solve's time limit), for "time left".
    deadline = models.DateTimeField(_("expected end"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("stop requested"), default=False)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_url = models.CharField(_("result address"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["unit", "kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def message_text(self) -> str:
        """The progress message in the reader's language."""
        if not self.message:
            return ""
        text = gettext(self.message)
        return text % self.message_params if self.message_params else text

    def best_rows(self) -> list[dict[str, Any]]:
        return [{"label": gettext(row["label"]), "value": row["value"]} for row in self.best]


class WorkerBeat(models.Model):
    """A worker process's last sign of life (one row per worker, updated every few seconds)."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=200, blank=True)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
