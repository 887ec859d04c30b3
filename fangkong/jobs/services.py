"""Writes to jobs: start one (record and queue in one transaction), ask one to stop, and
close jobs whose worker died under them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fangkong.core.audit import audit_record
from fangkong.core.errors import FieldErrors, PermissionDeniedError
from fangkong.jobs.choices import FINISHED, JobStatus
from fangkong.jobs.models import Job, WorkerBeat
from fangkong.jobs.registry import KINDS
from fangkong.org.models import Unit
from fangkong.org.permissions import can_administer

# A running job that has given no sign of life for this long lost its worker.
ABANDONED_AFTER = timedelta(minutes=5)


@transaction.atomic
def job_start(
    *,
    actor: Any,
    kind: str,
    params: dict[str, Any],
    unit: Unit | None = None,
    title: str = "",
) -> Job:
    """Record a job and queue it. The queue is a table of the same database (django-tasks-db),
    so the job and its task commit together: a worker never sees one without the other."""
    from fangkong.jobs.tasks import run_job  # the task module imports the runner

    if kind not in KINDS:
        raise ValueError(f"unknown kind of job: {kind}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        owner=actor if getattr(actor, "is_authenticated", False) else None,
        unit=unit,
        language=translation.get_language() or "",
        params=params,
        message=gettext_noop("Waiting for a worker."),
    )
    result = run_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])
    audit_record(actor=actor, action="job.start", target=job, extra={"kind": kind})
    return job


def can_stop(user: Any, job: Job) -> bool:
    if job.owner_id is not None and job.owner_id == getattr(user, "pk", None):
        return True
    return job.unit is not None and can_administer(user, job.unit)


@transaction.atomic
def job_cancel(*, actor: Any, job: Job) -> Job:
    """Ask a job to stop. A queued job is cancelled at once; a running one stops at its next
    progress report, and keeps what it found if its kind can (a roster: the best so far)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if not can_stop(actor, job):
        raise PermissionDeniedError(_("You may not stop this job."))
    if job.status in FINISHED:
        errors = FieldErrors()
        errors.add("status", _("This job has already ended."), "job_finished")
        errors.raise_if_any()
    job.cancel_requested = True
    fields = ["cancel_requested"]
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.message = gettext_noop("Stopped before it started.")
        fields += ["status", "finished_at", "message"]
    job.save(update_fields=fields)
    audit_record(actor=actor, action="job.cancel", target=job, extra={"kind": job.kind})
    return job


def job_fail_abandoned(*, now: Any = None) -> int:
    """Mark running jobs without a sign of life for :data:`ABANDONED_AFTER` as failed (their
    worker was stopped or died); the worker calls it when it starts and now and then."""
    now = now or timezone.now()
    return Job.objects.filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=now - ABANDONED_AFTER
    ).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=gettext_noop("The worker stopped while running this job; start it again."),
    )


def worker_beat(*, worker_id: str, host: str, pid: int, started_at: Any) -> None:
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id[:64],
        defaults={"host": host[:200], "pid": pid, "started_at": started_at, "seen_at": now},
    )


def worker_beats_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _kinds = WorkerBeat.objects.filter(seen_at__lt=timezone.now() - older_than).delete()
    return deleted
