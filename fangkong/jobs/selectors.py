"""Reads of jobs, scoped to the user, and the workers' heartbeat for operations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from fangkong.core.jurisdiction import scope_q
from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job, WorkerBeat


def job_list_for_user(*, user: Any) -> QuerySet[Job]:
    """Jobs the user started, and jobs for units of their jurisdiction."""
    mine = Q(owner_id=getattr(user, "pk", None))
    return (
        Job.objects.filter(mine | (Q(unit__isnull=False) & scope_q(user)))
        .select_related("owner", "unit")
        .order_by("-created_at", "-id")
    )


def job_get_for_user(*, user: Any, job_id: int) -> Job:
    """The job, if the user started it or it is for a unit of their jurisdiction;
    ``Job.DoesNotExist`` otherwise."""
    return job_list_for_user(user=user).get(pk=job_id)


def jobs_active(*, user: Any, kind_prefix: str = "") -> QuerySet[Job]:
    """The user's visible jobs still waiting or running, of kinds starting with the prefix."""
    jobs = job_list_for_user(user=user).filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    return jobs.filter(kind__startswith=kind_prefix) if kind_prefix else jobs


def queue_position(job: Job) -> int:
    """How many queued jobs are ahead of this one (0: next or running)."""
    if job.status != JobStatus.QUEUED:
        return 0
    return Job.objects.filter(status=JobStatus.QUEUED, pk__lt=job.pk).count()


def worker_last_heartbeat() -> datetime | None:
    """When any job worker last gave a sign of life (None: no worker ever ran). Health
    checks compare it with now: workers beat every ``jobs_worker.BEAT_S`` seconds."""
    return WorkerBeat.objects.aggregate(last=Max("seen_at"))["last"]
