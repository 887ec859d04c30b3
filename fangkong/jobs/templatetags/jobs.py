"""``{% job_progress job %}``: the progress of a job, polled by HTMX until it ends. Any page
that started a job shows it with this one tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fangkong.jobs.choices import JobStatus
from fangkong.jobs.models import Job
from fangkong.jobs.registry import KINDS
from fangkong.jobs.selectors import queue_position
from fangkong.jobs.services import can_stop

register = template.Library()


@register.inclusion_tag("jobs/partials/progress.html", takes_context=True)
def job_progress(context: template.Context, job: Job, follow: bool = False) -> dict[str, Any]:
    """``follow``: once the job succeeds, the page goes on to its result by itself."""
    return progress_context(job, context["request"].user, follow=follow)


def progress_context(job: Job, user: Any, *, follow: bool = False) -> dict[str, Any]:
    kind = KINDS.get(job.kind)
    seconds_left = None
    if job.status == JobStatus.RUNNING and job.deadline is not None:
        seconds_left = max(0, round((job.deadline - timezone.now()).total_seconds()))
    return {
        "job": job,
        "kind_label": kind.label if kind else job.kind,
        "stop_label": kind.stop_label if kind else "",
        "best": job.best_rows(),
        "position": queue_position(job),
        "seconds_left": seconds_left,
        "can_stop": not job.finished and not job.cancel_requested and can_stop(user, job),
        "follow": follow,
    }
