"""Job endpoints: any page or client follows a job it started, and may stop it."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router

from fangkong.jobs import selectors, services
from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from fangkong.jobs.schemas import JobBestOut, JobOut

router = Router(tags=["jobs"])


def job_out(job: Job) -> JobOut:
    left = None
    if job.status == JobStatus.RUNNING and job.deadline is not None:
        left = max(0, round((job.deadline - timezone.now()).total_seconds()))
    return JobOut(
        id=job.pk,
        kind=job.kind,
        title=job.title,
        status=job.status,
        percent=job.percent,
        message=job.message_text(),
        best=[JobBestOut(**row) for row in job.best_rows()],
        seconds_left=left,
        cancel_requested=job.cancel_requested,
        result=job.result,
        result_url=job.result_url,
        error=gettext(job.error) if job.error else "",
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.get("/jobs/{job_id}", response=JobOut, operation_id="job_get")
def job_get(request: HttpRequest, job_id: int) -> JobOut:
    return job_out(selectors.job_get_for_user(user=request.user, job_id=job_id))


@router.post("/jobs/{job_id}/cancel", response=JobOut, operation_id="job_cancel")
def job_cancel(request: HttpRequest, job_id: int) -> JobOut:
    job = selectors.job_get_for_user(user=request.user, job_id=job_id)
    return job_out(services.job_cancel(actor=request.user, job=job))
